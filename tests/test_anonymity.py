"""The anonymity rule for survey breakdowns, as tables: no group under the threshold is shown, not even by subtraction."""

from __future__ import annotations

import pytest

from rally.survey.anonymity import count_figure, count_phrase, effective_threshold, shown_groups


@pytest.mark.parametrize(
    ("setting", "threshold"),
    [
        (5, 5),
        (8, 8),
        (3, 3),
        (2, 3),  # a setting below 3 is raised to 3: a pair can tell who said what
        (0, 3),
        (4.9, 4),  # the Settings tab may hold a float; the group size is whole
    ],
)
def test_the_threshold_is_the_setting_but_never_below_three(setting, threshold):
    """The Anonymity threshold setting applies, floored at 3."""
    assert effective_threshold(setting) == threshold


# fmt: off
@pytest.mark.parametrize(
    ("sizes", "ungrouped", "threshold", "shown"),
    [
        ({"Sales": 8, "Engineering": 7}, 0, 5, ["Sales", "Engineering"]),
        ({"Sales": 5}, 0, 5, ["Sales"]),  # exactly the threshold is enough
        ({"Sales": 4}, 0, 5, []),
        ({"Sales": 8, "Engineering": 7, "Ops": 4, "Marketing": 3}, 0, 5, ["Sales", "Engineering"]),  # the withheld rest is 7: safe
        # One small team alone: total minus Sales minus Engineering would be Ops' 3 answers,
        # so the smallest shown team (Engineering) is withheld too.
        ({"Sales": 8, "Engineering": 7, "Ops": 3}, 0, 5, ["Sales"]),
        ({"Sales": 8, "Engineering": 7, "Ops": 3}, 2, 5, ["Sales", "Engineering"]),  # two answers without a team make the rest 5
        ({"Sales": 6, "Ops": 1}, 0, 5, []),  # showing Sales would give away Ops' one answer
        ({"Sales": 6}, 1, 5, []),  # the one answer without a team is the rest: Sales is withheld too
        ({"Sales": 6}, 5, 5, ["Sales"]),
        ({"A": 3, "B": 3}, 0, 2, ["A", "B"]),  # threshold 2 is raised to 3
        ({"A": 3, "B": 0}, 0, 3, ["A"]),  # an empty group withholds nothing
        ({"B": 6, "A": 6}, 0, 5, ["A", "B"]),  # equal sizes: alphabetical, so screens agree
        ({}, 4, 5, []),
    ],
)
# fmt: on
def test_breakdowns_show_only_groups_nobody_can_be_singled_out_from(sizes, ungrouped, threshold, shown):
    """A group is shown when it, and what is withheld beside it, are both empty or at least the threshold."""
    assert shown_groups(sizes, threshold, ungrouped) == shown


@pytest.mark.parametrize(
    ("count", "threshold", "phrase", "figure"),
    [
        (7, 5, "7 people", "7"),
        (5, 5, "5 people", "5"),
        (4, 5, "fewer than 5 people", "<5"),
        (1, 5, "fewer than 5 people", "<5"),  # never "1 person": that one could be found
        (0, 5, "nobody", "0"),  # nobody can't be singled out
        (2, 2, "fewer than 3 people", "<3"),  # the floor of 3 applies to the wording too
    ],
)
def test_small_counts_are_said_as_fewer_than_the_threshold(count, threshold, phrase, figure):
    """Counts under the threshold are reported as 'fewer than N'."""
    assert count_phrase(count, threshold) == phrase
    assert count_figure(count, threshold) == figure
