"""Scoring rules as tables: points, the weekly cap, periods, ties, anonymity, team fairness and implausible reach."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from rally.core.settings import Settings
from rally.sheet.dataset import build_dataset
from rally.sheet.health import implausible_reach
from rally.weekly.scoring import (
    ANONYMOUS,
    ANONYMOUS_TEAM,
    leaderboard,
    period_bounds,
    points_breakdown,
    ranks,
    score_posts,
    scoring_rules,
    team_board,
)

HEADER = ["Date", "Name", "Team", "Platform", "Link", "Summary", "Reach", "Reactions", "Comments", "Shares", "Clicks"]
STAFF_HEADER = ["Name", "Team", "Leaderboard"]


def sheet(posts: list[list[str]], staff: list[list[str]] | None = None, settings: list[list[str]] | None = None):
    """A dataset from a few Posts rows (and optional Staff and Settings rows), parsed exactly as the app does."""
    tabs = {"Posts": [HEADER, *posts]}
    if staff is not None:
        tabs["Staff"] = [STAFF_HEADER, *staff]
    if settings is not None:
        tabs["Settings"] = [["Key", "Value"], *settings]
    return build_dataset(tabs)


def post(
    day: str,
    name: str,
    reach: str = "",
    reactions: str = "",
    comments: str = "",
    shares: str = "",
    clicks: str = "",
    link: str = "",
    team: str = "",
    platform: str = "LinkedIn",
    summary: str = "",
) -> list[str]:
    """One Posts row, in HEADER order."""
    return [day, name, team, platform, link, summary, reach, reactions, comments, shares, clicks]


# fmt: off
@pytest.mark.parametrize(
    ("row", "points"),
    [
        (post("2026-11-16", "Maya"), 10),  # a post with no numbers yet still earns its 10
        (post("2026-11-16", "Maya", reactions="1"), 11),
        (post("2026-11-16", "Maya", comments="1"), 13),
        (post("2026-11-16", "Maya", shares="1"), 15),
        (post("2026-11-16", "Maya", clicks="1"), 12),
        (post("2026-11-16", "Maya", reach="100"), 11),
        (post("2026-11-16", "Maya", reach="199"), 11),  # reach earns whole points: 199 people is 1 point, not 1.99
        (post("2026-11-16", "Maya", reach="3,400", reactions="85", comments="12", shares="4", clicks="30"), 10 + 85 + 36 + 20 + 60 + 34),
    ],
)
# fmt: on
def test_points_are_the_weighted_sum_of_the_defaults(row, points):
    """Post 10, reaction 1, comment 3, share 5, click 2, one point per 100 reached."""
    dataset = sheet([row])
    assert score_posts(dataset.posts, dataset.settings)["points"].tolist() == [points]


@pytest.mark.parametrize(
    ("key", "value", "points"),
    [
        ("Points per post", "0", 1 + 3),  # only the engagement and reach count
        ("Points per reaction", "2", 10 + 2 + 3),
        ("Reach per point", "50", 10 + 1 + 6),
        ("points per post", "2.5", 2.5 + 1 + 3),  # keys match loosely; weights may be fractions
    ],
)
def test_the_settings_tab_overrides_a_weight(key, value, points):
    """A Settings row changes its weight and nothing else."""
    dataset = sheet([post("2026-11-16", "Maya", reach="300", reactions="1")], settings=[[key, value]])
    assert score_posts(dataset.posts, dataset.settings)["points"].tolist() == [points]


@pytest.mark.parametrize(
    ("posts_in_week", "cap", "earning"),
    [
        (10, 10, 10),
        (12, 10, 10),  # the 11th and 12th post of the week earn nothing
        (3, 2, 2),
    ],
)
def test_only_the_first_posts_of_a_week_up_to_the_cap_earn_points(posts_in_week, cap, earning):
    """The weekly cap counts a person's posts in date order; the rest are kept but worth 0."""
    rows = [post(f"2026-11-{16 + i % 7}", "Maya", link=f"https://x.com/m/{i}") for i in range(posts_in_week)]
    dataset = sheet(rows, settings=[["Weekly post cap", str(cap)]])
    scored = score_posts(dataset.posts, dataset.settings)
    assert (~scored["capped"]).sum() == earning
    assert scored["points"].sum() == 10 * earning
    board = leaderboard(dataset.posts, dataset.staff, dataset.settings, "week", "2026-W47")
    assert board.loc[0, ["posts", "counted"]].tolist() == [posts_in_week, earning]


def test_the_cap_is_per_person_per_week():
    """Twelve posts spread over two weeks are all counted; twelve by two people in one week are too."""
    rows = [post("2026-11-16", "Maya", link=f"https://x.com/a/{i}") for i in range(6)]
    rows += [post("2026-11-23", "Maya", link=f"https://x.com/b/{i}") for i in range(6)]
    rows += [post("2026-11-16", "Leo", link=f"https://x.com/c/{i}") for i in range(6)]
    dataset = sheet(rows, settings=[["Weekly post cap", "6"]])
    assert not score_posts(dataset.posts, dataset.settings)["capped"].any()


def test_a_repeated_link_counts_once():
    """The same post logged twice earns points once (build_dataset keeps the first row)."""
    rows = [post("2026-11-16", "Maya", reach="1000", link="https://x.com/m/1"), post("2026-11-17", "Maya", reach="1200", link="https://X.com/m/1/")]
    dataset = sheet(rows)
    board = leaderboard(dataset.posts, dataset.staff, dataset.settings, "week", "2026-W47")
    assert board.loc[0, ["posts", "points", "reach"]].tolist() == [1, 20, 1000]


@pytest.mark.parametrize(
    ("period", "week", "start", "end"),
    [
        ("week", "2026-W47", "2026-11-16", "2026-11-22"),
        ("month", "2026-W47", "2026-11-01", "2026-11-22"),
        ("month", "2026-W49", "2026-12-01", "2026-12-06"),  # Mon 30 Nov – Sun 6 Dec: the month the week ends in
        ("all", "2026-W47", None, "2026-11-22"),
        ("week", "2026-W53", "2026-12-28", "2027-01-03"),  # 2026 has 53 ISO weeks
    ],
)
def test_periods_end_with_the_chosen_week(period, week, start, end):
    """This week, this month (to the week's end) and all time (to the week's end)."""
    first, last = period_bounds(period, week)
    assert (first.isoformat() if first else None, last.isoformat()) == (start, end)


def test_periods_pick_the_posts_inside_them():
    """A post before the month, one in it, one in the week and one after the week land in the right periods."""
    rows = [post("2026-10-30", "A"), post("2026-11-02", "B"), post("2026-11-18", "C"), post("2026-11-25", "D")]
    dataset = sheet(rows)
    names = {p: set(leaderboard(dataset.posts, dataset.staff, dataset.settings, p, "2026-W47")["name"]) for p in ("week", "month", "all")}
    assert names == {"week": {"C"}, "month": {"B", "C"}, "all": {"A", "B", "C"}}


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ([30, 20, 20, 10], [1, 2, 2, 4]),
        ([20, 20, 10], [1, 1, 3]),  # the issue's example: ties share a rank and the next is skipped
        ([5, 5, 5], [1, 1, 1]),
        ([0.1 + 0.2, 0.3], [1, 1]),  # float noise is not a lead
        ([], []),
    ],
)
def test_ties_share_a_rank(points, expected):
    """Competition ranking: 1, 1, 3."""
    assert ranks(pd.Series(points, dtype="float64")).tolist() == expected


def test_a_tie_on_the_leaderboard_shares_the_rank():
    """Two people with equal points both rank 1; the third ranks 3."""
    rows = [post("2026-11-16", "Maya", reactions="5"), post("2026-11-16", "Leo", reactions="5"), post("2026-11-16", "Ana")]
    dataset = sheet(rows)
    board = leaderboard(dataset.posts, dataset.staff, dataset.settings, "week", "2026-W47")
    assert dict(zip(board["name"], board["rank"])) == {"Leo": 1, "Maya": 1, "Ana": 3}


def test_an_opted_out_person_is_anonymous_on_the_board_but_counts_for_the_team():
    """Leaderboard = anonymous hides name and team on the people board; the team board still counts them."""
    rows = [post("2026-11-16", "Ana Ruiz", reach="900"), post("2026-11-16", "Maya Patel")]
    staff = [["Ana Ruiz", "Engineering", "anonymous"], ["Maya Patel", "Sales", "show"], ["Leo Martin", "Engineering", "show"]]
    dataset = sheet(rows, staff)
    board = leaderboard(dataset.posts, dataset.staff, dataset.settings, "week", "2026-W47")
    assert board[["name", "team", "anonymous"]].values.tolist() == [[ANONYMOUS, ANONYMOUS_TEAM, True], ["Maya Patel", "Sales", False]]
    assert "Ana" not in " ".join(board.astype("str").drop(columns="person").values.ravel())
    teams = team_board(dataset.posts, dataset.staff, dataset.settings, "week", "2026-W47").set_index("team")
    assert teams.loc["Engineering", ["size", "posters", "points", "reach"]].tolist() == [2, 1, 19, 900]


def test_teams_are_ranked_on_participation_then_points_per_person():
    """A small team where everyone posted beats a big team with more points in total."""
    staff = [["Big 1", "Big", ""], ["Big 2", "Big", ""], ["Big 3", "Big", ""], ["Big 4", "Big", ""], ["Small 1", "Small", ""], ["Small 2", "Small", ""], ["Idle", "Quiet", ""]]
    rows = [post("2026-11-16", "Big 1", reactions="500"), post("2026-11-16", "Big 2"), post("2026-11-16", "Small 1"), post("2026-11-16", "Small 2")]
    dataset = sheet(rows, staff)
    teams = team_board(dataset.posts, dataset.staff, dataset.settings, "week", "2026-W47")
    assert teams[["rank", "team", "size", "posters", "participation", "points"]].values.tolist() == [
        [1, "Small", 2, 2, 1.0, 20.0],
        [2, "Big", 4, 2, 0.5, 520.0],
        [3, "Quiet", 1, 0, 0.0, 0.0],  # a team with no posts is listed, not hidden
    ]
    assert teams.loc[1, "points_per_person"] == 130.0


def test_a_poster_missing_from_the_staff_tab_counts_in_their_team_size():
    """Participation never exceeds 100%: someone posting for a team without a Staff row adds to its size."""
    dataset = sheet([post("2026-11-16", "Newbie", team="Sales")], [["Maya Patel", "Sales", ""]])
    teams = team_board(dataset.posts, dataset.staff, dataset.settings, "week", "2026-W47")
    assert teams.loc[0, ["team", "size", "posters", "participation"]].tolist() == ["Sales", 2, 1, 0.5]


def test_a_breakdown_adds_up_to_the_leaderboard_points():
    """Each person's breakdown ends in a total equal to their points, with capped posts on their own row."""
    rows = [post("2026-11-16", "Maya", reach="3,400", reactions="85", comments="12", shares="4", clicks="30", link="https://x.com/1")]
    rows += [post("2026-11-17", "Maya", link=f"https://x.com/m/{i}") for i in range(3)]
    dataset = sheet(rows, settings=[["Weekly post cap", "2"]])
    table = points_breakdown(dataset.posts, dataset.settings, "maya", "week", "2026-W47")
    board = leaderboard(dataset.posts, dataset.staff, dataset.settings, "week", "2026-W47")
    assert table.iloc[-1]["Points"] == board.loc[0, "points"] == 10 + 85 + 36 + 20 + 60 + 34 + 10
    assert table.iloc[:-2]["Points"].sum() == table.iloc[-1]["Points"]
    assert table.iloc[-2]["What"] == "Posts over the weekly cap of 2" and table.iloc[-2]["How many"] == 2


def test_the_rules_table_shows_the_weights_in_force():
    """The on-screen rules follow the Settings tab."""
    rules = scoring_rules(replace(Settings(), points_share=7, reach_per_point=250)).set_index("Action")
    assert rules.loc["Share", "Points"] == 7
    assert rules.loc["Reach", "Counted as"] == "per 250 people reached"


def person_posts(reaches: list[str]) -> list[list[str]]:
    return [post(f"2026-11-{10 + i:02d}", "Maya", reach=r, link=f"https://x.com/r/{i}") for i, r in enumerate(reaches)]


@pytest.mark.parametrize(
    ("reaches", "flagged"),
    [
        (["500", "500", "50,000"], ["50,000"]),
        (["500", "500", "9,999"], []),  # 20× the usual, but under 10,000: a breakout, not a typo
        (["800", "800", "15,000"], []),  # over 10,000 but under 20× 800 = 16,000
        (["50,000"], []),  # nothing else to compare with
        (["20,000", "20,000", "30,000"], []),  # this person's usual is high
        (["500", "", "50,000"], ["50,000"]),  # a missing reach is not a usual of 0
    ],
)
def test_implausible_reach_is_flagged(reaches, flagged):
    """Over 20× the person's median on their other posts and over 10,000: a data issue on Reach, the post still counts."""
    dataset = sheet(person_posts(reaches))
    issues = implausible_reach(dataset.posts, dataset.settings)
    assert [i.value for i in issues] == flagged
    assert all(i.tab == "Posts" and i.column == "Reach" and "still counts" in i.problem for i in issues)


def test_implausible_reach_follows_its_settings():
    """Both thresholds come from the Settings tab."""
    dataset = sheet(person_posts(["100", "100", "2,000"]), settings=[["Implausible reach multiple", "10"], ["Implausible reach minimum", "1000"]])
    assert [i.row for i in implausible_reach(dataset.posts, dataset.settings)] == [4]


def test_an_empty_sheet_gives_empty_boards():
    """No posts: both boards are empty frames with their columns, not errors."""
    dataset = sheet([])
    assert leaderboard(dataset.posts, dataset.staff, dataset.settings, "all", "2026-W47").empty
    assert team_board(dataset.posts, dataset.staff, dataset.settings, "all", "2026-W47").empty
    assert math.isnan(points_breakdown(dataset.posts, dataset.settings, "nobody", "week", "2026-W47").iloc[-1]["How many"])


# fmt: off
@pytest.mark.parametrize(
    ("period", "week", "today", "label"),
    [
        ("week", "2026-W47", None, "2026-W47 (16 Nov – 22 Nov 2026)"),
        ("all", "2026-W47", None, "All time (to 22 Nov 2026)"),
        ("month", "2026-W47", None, "November 2026 (to 22 Nov)"),
        ("all", "2026-W50", date(2026, 12, 9), "All time (to 9 Dec 2026)"),  # never a day still to come
        ("week", "2026-W50", date(2026, 12, 9), "2026-W50 so far (7 Dec – 9 Dec 2026)"),
        ("month", "2026-W50", date(2026, 12, 9), "December 2026 (to 9 Dec)"),
        ("all", "2026-W47", date(2026, 12, 9), "All time (to 22 Nov 2026)"),  # a past week keeps its Sunday
    ],
)
# fmt: on
def test_a_period_s_label_never_names_a_future_day(period, week, today, label):
    """"All time (to 13 Dec 2026)" on the 9th no more: a period still running ends today."""
    from rally.weekly.scoring import period_label

    assert period_label(period, week, today) == label
