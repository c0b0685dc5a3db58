"""The anonymity rule for survey results: no group smaller than the threshold is ever shown, directly or by subtraction.

A breakdown (by team, or by any other filter) shows a group only when it holds at
least `threshold` answers (the "Anonymity threshold" setting, never below 3).
Hiding the small groups is not enough on its own: when the whole room's figures
are on screen too, "everyone" minus the groups shown gives the groups hidden.
So whatever is withheld must itself be empty or at least `threshold` answers;
when it is not, the next-smallest shown group is withheld as well.
"""

from __future__ import annotations

from collections.abc import Mapping

MIN_THRESHOLD = 3


def effective_threshold(setting: float) -> int:
    """The threshold in force: the setting, but never below 3 (a group of 2 can tell who said what)."""
    return max(MIN_THRESHOLD, int(setting))


def shown_groups(sizes: Mapping[str, int], threshold: int, ungrouped: int = 0) -> list[str]:
    """The groups a breakdown may show, largest first.

    `ungrouped` counts answers that belong to no group (team not given); they are
    part of what a subtraction would reveal, so they count towards the withheld rest.
    """
    threshold = effective_threshold(threshold)
    ranked = sorted(((name, size) for name, size in sizes.items() if size > 0), key=lambda item: (-item[1], item[0]))
    shown = [(name, size) for name, size in ranked if size >= threshold]
    withheld = ungrouped + sum(size for _, size in ranked if size < threshold)
    while shown and 0 < withheld < threshold:
        _, size = shown.pop()  # the smallest shown group joins the withheld rest
        withheld += size
    return [name for name, _ in shown]


def count_phrase(count: int, threshold: int, one: str = "person", many: str = "people") -> str:
    """'7 people'; 'fewer than 5 people' for a group small enough to single someone out; 'nobody' for none."""
    threshold = effective_threshold(threshold)
    if count <= 0:
        return f"no {many}" if many != "people" else "nobody"
    if count < threshold:
        return f"fewer than {threshold} {many}"
    return f"{count} {one if count == 1 else many}"


def count_figure(count: int, threshold: int) -> str:
    """A count as a figure for a table or chart label: '7', or '<5' when it could single someone out."""
    threshold = effective_threshold(threshold)
    return str(count) if count == 0 or count >= threshold else f"<{threshold}"
