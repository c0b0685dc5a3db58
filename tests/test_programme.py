"""Programme health as aggregates: participation, posts per active person, training coverage, and the survey-sentiment hook."""

from __future__ import annotations

import pytest

from rally.dataset import build_dataset
from rally.programme import format_share, programme_health, survey_sentiment

STAFF = [
    ["Name", "Team", "Trained"],
    ["Maya Patel", "Sales", "Platform mechanics, Analytics"],
    ["Leo Martin", "Engineering", "Platform mechanics"],
    ["Ana Ferreira", "Customer Success", ""],
    ["Ravi Menon", "Sales", ""],
]
POSTS = [
    ["Date", "Name", "Platform", "Reach"],
    ["2026-10-02", "Maya Patel", "LinkedIn", "500"],
    ["2026-10-09", "Maya Patel", "LinkedIn", "700"],
    ["2026-10-12", "Leo Martin", "X", ""],
    ["2026-10-20", "Sam Contractor", "LinkedIn", "100"],  # posts but has no Staff row
    ["2026-09-30", "Ana Ferreira", "LinkedIn", "900"],  # September: not October's
]


def test_programme_health_counts_people_posts_and_training_for_the_month():
    """Participation is people who posted ÷ staff; someone posting without a Staff row counts on both sides."""
    dataset = build_dataset({"Posts": POSTS, "Staff": STAFF})
    health = programme_health(dataset.posts, dataset.staff, "2026-10", data_issues=2)
    assert (health.people_posting, health.staff, health.posts, health.reach) == (3, 5, 4, 1300)
    assert health.participation == pytest.approx(3 / 5)
    assert health.posts_per_active_person == pytest.approx(4 / 3)
    assert (health.trained, health.staff_listed, health.training_coverage) == (2, 4, 0.5)
    assert health.module_coverage == {"Platform mechanics": 0.5, "Analytics": 0.25}
    assert health.data_issues == 2 and health.survey is None


def test_a_month_with_no_posts_has_no_posts_per_person():
    """Nobody posted: participation 0, posts per active person has no value rather than a division by zero."""
    dataset = build_dataset({"Posts": POSTS, "Staff": STAFF})
    health = programme_health(dataset.posts, dataset.staff, "2025-01")
    assert (health.participation, health.posts_per_active_person) == (0.0, None)


def test_no_staff_tab_means_posters_are_the_staff():
    """Without a Staff tab, participation is over the people who posted; training coverage is unknown."""
    dataset = build_dataset({"Posts": POSTS})
    health = programme_health(dataset.posts, dataset.staff, "2026-10")
    assert (health.participation, health.training_coverage) == (1.0, None)


@pytest.mark.parametrize(("share", "text"), [(0.7561, "76%"), (0.0, "0%"), (1.0, "100%"), (None, "—")])
def test_shares_are_written_as_whole_percentages(share, text):
    """Shares from 0 to 1 are shown as whole percentages."""
    assert format_share(share) == text


# --- survey sentiment: None until the survey exists ------------------------------------------------

WIDE = [
    [
        "Response ID",
        "Round",
        "How passionate are you about social media?",
        "How confident do you feel posting about your work?",
        "Which platforms do you use?",
        "Team",
    ],
    *[[f"r{i}", "2026-10 opening", str(1 + i % 5), "4", "LinkedIn", "Sales"] for i in range(6)],
    ["r0", "2026-10 opening", "5", "5", "X", "Sales"],  # the same response again (a resubmission): counted once
    ["x1", "2026-11 follow-up", "5", "5", "", ""],
]


@pytest.mark.parametrize(
    ("tabs", "month", "expected"),
    [
        ({}, "2026-10", None),  # no Survey tab yet: nothing to show
        ({"Survey": [["Response ID", "Round", "Comment"], ["a", "2026-10", "great"]]}, "2026-10", None),  # no 1–5 answers on it
        ({"Survey": [["Response ID", "Round"]]}, "2026-10", None),  # a header and no answers
        ({"Survey": WIDE}, "2026-10", ("2026-10", 6, True)),
        ({"Survey": WIDE}, "2026-12", ("2026-11", 1, False)),  # the latest survey before the month; 1 answer is below the threshold
        ({"Survey": WIDE}, "2026-09", None),  # nothing answered by then
        (
            {
                "Survey": [["ID", "Date", "Question", "Answer"]]
                + [[f"a{i}", "2026-10-05", "How confident…?", str(3 + i % 2)] for i in range(5)]
                + [["a0", "2026-10-05", "Platforms", "LinkedIn"]]
            },
            "2026-10",
            ("2026-10", 5, True),
        ),  # one row per answer (Question, Answer): text answers are ignored
    ],
)
def test_survey_sentiment_is_none_without_a_survey_tab(tabs, month, expected):
    """The average 1–5 answer, once per response, only for groups at or over the anonymity threshold; None without a Survey tab."""
    result = survey_sentiment(tabs, month, threshold=5)
    if expected is None:
        assert result is None
        return
    answered_in, responses, shown = expected
    assert (result.month, result.answers, result.average is not None) == (answered_in, responses, shown)


def test_survey_sentiment_averages_each_response_once():
    """A resubmission replaces the earlier answer; each response's 1–5 answers are averaged, then the responses."""
    result = survey_sentiment({"Survey": WIDE}, "2026-10", threshold=5)
    # r1…r5: (passion + 4) / 2 with passion 2, 3, 4, 5, 1; r0 answered again with (5, 5), which replaces its first row.
    per_response = [5.0, 3.0, 3.5, 4.0, 4.5, 2.5]
    assert result.average == pytest.approx(sum(per_response) / 6)
