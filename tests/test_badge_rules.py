"""Streaks, badges and the next-badge hint as rule tables (rally.weekly.awards), on posts parsed exactly as the app does."""

from __future__ import annotations

import pytest

from rally.sheet.dataset import build_dataset
from rally.weekly.awards import badges_earned, next_badges, streak_status, streaks

HEADER = ["Date", "Name", "Platform", "Reach"]
W47 = "2026-W47"  # Monday 16 November 2026


def dataset(*posts: tuple[str, ...], staff: list[list[str]] | None = None):
    """A dataset of (date, name[, platform[, reach]]) posts; platform defaults to LinkedIn."""
    rows = [[p[0], p[1], p[2] if len(p) > 2 else "LinkedIn", p[3] if len(p) > 3 else ""] for p in posts]
    tabs = {"Posts": [HEADER, *rows]}
    if staff is not None:
        tabs["Staff"] = [["Name", "Leaderboard"], *staff]
    return build_dataset(tabs)


def weekly(name: str, *mondays: str) -> list[tuple[str, str]]:
    return [(day, name) for day in mondays]


# fmt: off
@pytest.mark.parametrize(
    ("posts", "week", "expected"),
    [
        (weekly("Maya", "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"), W47, {"maya": 4}),
        (weekly("Maya", "2026-10-26", "2026-11-09", "2026-11-16"), W47, {"maya": 2}),  # a silent week ends the run
        (weekly("Maya", "2026-11-02", "2026-11-09"), W47, {}),  # not posted in the week: not in the table (see streak_status)
        (weekly("Maya", "2026-11-16", "2026-11-18", "2026-11-22"), W47, {"maya": 1}),  # three posts in a week are one week
        (weekly("Maya", "2025-12-22", "2025-12-29"), "2026-W01", {"maya": 2}),  # 29 Dec 2025 is in 2026-W01: the run crosses the year
        (weekly("Maya", "2026-12-21", "2026-12-28", "2027-01-04"), "2027-W01", {"maya": 3}),  # 2026 has a week 53
        (weekly("Maya", "2026-11-09", "2026-11-16") + weekly("Leo", "2026-11-16"), W47, {"maya": 2, "leo": 1}),
    ],
)
# fmt: on
def test_a_streak_is_the_run_of_weeks_with_a_post_ending_with_the_week(posts, week, expected):
    """Weeks running with at least one post, counted back from the week asked about."""
    assert streaks(dataset(*posts).posts, week).to_dict() == expected


@pytest.mark.parametrize(
    ("posts", "expected"),
    [
        (weekly("Maya", "2026-11-02", "2026-11-09", "2026-11-16"), (3, True)),
        (weekly("Maya", "2026-11-02", "2026-11-09"), (2, False)),  # not yet this week: last week's run is still alive
        (weekly("Maya", "2026-10-26", "2026-11-02"), (0, False)),  # last week was silent too: the run is over
        ([], (0, False)),
    ],
)
def test_streak_status_keeps_a_run_alive_until_the_week_is_over(posts, expected):
    """(weeks running, posted this week) for one person in 2026-W47."""
    assert streak_status(dataset(*posts).posts, "maya", W47) == expected


# fmt: off
@pytest.mark.parametrize(
    ("posts", "expected"),
    [
        ([("2026-11-17", "Maya")], ["first-post"]),
        ([("2026-11-09", "Maya"), ("2026-11-17", "Maya")], []),  # a second week: nothing new
        (weekly("Maya", "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"), ["streak-4"]),
        (weekly("Maya", "2026-10-19", "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"), []),  # week 5 of a run earns nothing: the badge came at 4
        ([("2026-11-09", "Maya"), ("2026-11-16", "Maya", "LinkedIn"), ("2026-11-17", "Maya", "X"), ("2026-11-18", "Maya", "Blog")], ["platforms-3"]),
        ([("2026-11-09", "Maya"), ("2026-11-16", "Maya", "LinkedIn"), ("2026-11-17", "Maya", "linked in")], []),  # one platform spelt two ways
        ([("2026-11-09", "Maya"), ("2026-11-16", "Maya", "LinkedIn", "1,000")], ["reach-1000"]),  # exactly 1,000 counts
        ([("2026-11-09", "Maya"), ("2026-11-16", "Maya", "LinkedIn", "999")], []),
    ],
)
# fmt: on
def test_badges_are_earned_in_the_week_they_are_reached(posts, expected):
    """First post, a 4- or 10-week streak, 3+ platforms and a 1,000-reach post, for 2026-W47."""
    assert badges_earned(dataset(*posts).posts, dataset(*posts).staff, W47)["key"].tolist() == expected


def test_an_anonymous_badge_winner_is_named_anonymous():
    """Badges show the leaderboard's name: someone who opted out is 'Anonymous'."""
    data = dataset(("2026-11-17", "Fatima"), staff=[["Fatima", "anonymous"]])
    assert badges_earned(data.posts, data.staff, W47)["name"].tolist() == ["Anonymous"]


# fmt: off
@pytest.mark.parametrize(
    ("posts", "hints"),
    [
        ([], [("first-post", 1, "log a first post for the First post badge")]),
        (weekly("Maya", "2026-11-02", "2026-11-09", "2026-11-16"), [("streak-4", 1, "one more week for a 4-week streak")]),
        # Not posted yet this week: the week in progress is the one more week.
        (weekly("Maya", "2026-10-26", "2026-11-02", "2026-11-09"), [("streak-4", 1, "one more week for a 4-week streak (post this week to keep your run going)")]),
        (weekly("Maya", "2026-11-09", "2026-11-16"), [("streak-4", 2, "2 more weeks for a 4-week streak")]),
        (weekly("Maya", "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16"), [("streak-10", 6, "6 more weeks for a 10-week streak")]),
        ([(f"2026-{m}", "Maya") for m in ("09-14", "09-21", "09-28", "10-05", "10-12", "10-19", "10-26", "11-02", "11-09", "11-16")], []),  # 10 weeks: no streak badge left
        ([("2026-08-03", "Maya")], [("streak-4", 4, "4 more weeks for a 4-week streak")]),  # long silent: a new run from nothing
        (
            [("2026-11-09", "Maya"), ("2026-11-16", "Maya", "LinkedIn"), ("2026-11-17", "Maya", "X")],
            [("platforms-3", 1, "one more platform this week for 3+ platforms"), ("streak-4", 2, "2 more weeks for a 4-week streak")],
        ),  # nearest first
        (
            [("2026-11-09", "Maya", "LinkedIn", "800"), ("2026-11-16", "Maya")],
            [("reach-1000", 1, "a post this week that reaches 1,000 people (your best lately: 800)"), ("streak-4", 2, "2 more weeks for a 4-week streak")],
        ),
        ([("2026-11-09", "Maya", "LinkedIn", "600"), ("2026-11-16", "Maya")], [("streak-4", 2, "2 more weeks for a 4-week streak"), ("reach-1000", 2, "a post this week that reaches 1,000 people (your best lately: 600)")]),
        ([("2026-11-09", "Maya", "LinkedIn", "400"), ("2026-11-16", "Maya")], [("streak-4", 2, "2 more weeks for a 4-week streak")]),  # under half the bar: not within reach
        ([("2026-09-07", "Maya", "LinkedIn", "900"), ("2026-11-16", "Maya")], [("streak-4", 3, "3 more weeks for a 4-week streak")]),  # a good post long ago is not "lately"
        ([("2026-11-09", "Maya"), ("2026-11-16", "Maya", "LinkedIn", "1,500")], [("streak-4", 2, "2 more weeks for a 4-week streak")]),  # earned this week: no hint
        ([("2026-11-09", "Maya"), ("2026-11-16", "Maya", "LinkedIn"), ("2026-11-17", "Maya", "X"), ("2026-11-18", "Maya", "Blog")], [("streak-4", 2, "2 more weeks for a 4-week streak")]),
        ([("2026-11-09", "Maya"), ("2026-11-16", "Maya", "LinkedIn")], [("streak-4", 2, "2 more weeks for a 4-week streak")]),  # two platforms away: no push onto new networks
        ([("2026-11-23", "Maya")], [("first-post", 1, "log a first post for the First post badge")]),  # a post after the week does not count yet
    ],
)
# fmt: on
def test_the_next_badge_hint_says_how_far_off_it_is(posts, hints):
    """Hints for Maya in 2026-W47, nearest first: (badge, steps away, sentence)."""
    assert [(h.key, h.steps, h.text) for h in next_badges(dataset(*posts).posts, "maya", W47)] == hints
