"""My progress: standings that agree with the leaderboard, posts per week, badges, and nothing for the anonymous board."""

from __future__ import annotations

from datetime import date

import pytest

from rally.sheet.dataset import build_dataset
from rally.staff.progress import (
    badge_summary,
    month_board,
    ordinal,
    person_badges,
    posts_per_week,
    shows_scores,
    standings,
)
from rally.weekly.scoring import leaderboard
from tests.apptest import app, texts

HEADER = ["Date", "Name", "Platform", "Reach"]
STAFF = [
    ["Name", "Team", "Leaderboard"],
    ["Maya Patel", "Sales", "show"],
    ["Tom Becker", "Sales", "show"],
    ["Leo Martin", "Engineering", "show"],
    ["Fatima Al-Sayed", "Engineering", "anonymous"],
]
POSTS = [
    ["2026-11-02", "Maya Patel", "LinkedIn", "100"],
    ["2026-11-09", "Maya Patel", "LinkedIn", "100"],
    ["2026-11-16", "Maya Patel", "LinkedIn", "100"],  # 11 points each
    ["2026-11-16", "Leo Martin", "LinkedIn", "2,000"],  # 30 points
    ["2026-11-17", "Tom Becker", "X", "100"],  # 11: ties with Maya this week
    ["2026-11-17", "Fatima Al-Sayed", "X", "5,000"],  # 60 points, on the board as Anonymous
    ["2026-10-05", "Tom Becker", "X", "100"],
]
W47 = "2026-W47"


@pytest.fixture(scope="module")
def data():
    return build_dataset({"Posts": [HEADER, *POSTS], "Staff": STAFF})


@pytest.mark.parametrize(
    ("person", "period", "points", "rank", "ranked", "team", "team_rank", "team_ranked", "to_next"),
    [
        ("maya patel", "week", 11, 3, 4, "Sales", 1, 2, 19),  # ties with Tom: both 3rd overall, both 1st in Sales
        ("tom becker", "week", 11, 3, 4, "Sales", 1, 2, 19),
        ("leo martin", "week", 30, 2, 4, "Engineering", 2, 2, 30),  # behind the anonymous 60: the gap, never the name
        ("maya patel", "month", 33, 2, 4, "Sales", 1, 2, 27),
        ("tom becker", "all", 22, 4, 4, "Sales", 2, 2, 8),
        ("leo martin", "all", 30, 3, 4, "Engineering", 2, 2, 3),
        ("fatima al-sayed", "week", 60, 1, 4, "Engineering", 1, 2, None),
    ],
)
def test_standings_agree_with_the_leaderboard(
    data, person, period, points, rank, ranked, team, team_rank, team_ranked, to_next
):
    """Points and overall rank are the leaderboard's; the team rank ranks the team's people on it (ties share)."""
    standing = {s.period: s for s in standings(data.posts, data.staff, data.settings, person, W47)}[period]
    board = leaderboard(data.posts, data.staff, data.settings, period, W47).set_index("person")
    assert (standing.points, standing.rank) == (board.loc[person, "points"], board.loc[person, "rank"])
    assert (
        standing.points,
        standing.rank,
        standing.ranked,
        standing.team,
        standing.team_rank,
        standing.team_ranked,
        standing.to_next,
    ) == (points, rank, ranked, team, team_rank, team_ranked, to_next)


def test_someone_without_a_post_in_the_period_has_no_rank(data):
    """Off the board: 0 points and no rank, never a made-up last place."""
    week = {s.period: s for s in standings(data.posts, data.staff, data.settings, "maya patel", "2026-W48")}["week"]
    assert (week.points, week.rank, week.team_rank, week.to_next) == (0, None, None, None)


@pytest.mark.parametrize(("person", "shown"), [("maya patel", True), ("fatima al-sayed", False), ("someone new", True)])
def test_scores_stay_off_my_progress_for_the_anonymous_board(data, person, shown):
    """Anyone may pick any name, so an opted-out person's numbers are never matched to them there."""
    assert shows_scores(data.staff, person) is shown


def test_posts_per_week_has_every_week_including_silent_ones(data):
    """Twelve weeks ending with the week asked about, oldest first, zeros included."""
    weeks = posts_per_week(data.posts, "maya patel", W47, weeks=4)
    assert weeks[["week", "posts", "current"]].values.tolist() == [
        ["2026-W44", 0, False],
        ["2026-W45", 1, False],
        ["2026-W46", 1, False],
        ["2026-W47", 1, True],
    ]


def test_badges_are_listed_per_week_and_folded_per_badge(data):
    """Every badge earned up to the week, newest first, then one line per badge with how many times."""
    badges = person_badges(data.posts, data.staff, "maya patel", W47)
    assert badges.values.tolist() == [["2026-W45", "🎉", "First post"]]
    summary = badge_summary(person_badges(data.posts, data.staff, "leo martin", W47))
    assert summary.values.tolist() == [["🎉", "First post", 1, "2026-W47"], ["🚀", "1,000-reach post", 1, "2026-W47"]]


# fmt: off
@pytest.mark.parametrize(("n", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"), (21, "21st"), (102, "102nd")])
# fmt: on
def test_ordinals(n, text):
    assert ordinal(n) == text


def test_my_progress_on_the_demo_shows_points_ranks_streak_badges_and_training(demo_app_env):
    """A regular poster sees the three periods, a streak, a next badge and their training."""
    at = app("views/my_progress.py")
    at.selectbox(key="progress-name").set_value("Maya Patel").run()
    shown = texts(at)
    assert not at.exception and not at.error
    for text in ("This week", "This month", "All time", "Posting streak", "Next badge", "Badges earned", "Your training"):
        assert text in shown, text
    assert len(at.get("vega_lite_chart")) == 1


def test_my_progress_for_an_anonymous_person_shows_only_their_training(demo_app_env):
    """No points, ranks, badges or chart: the page explains why and shows the training."""
    at = app("views/my_progress.py")
    at.selectbox(key="progress-name").set_value("Fatima Al-Sayed").run()
    shown = texts(at)
    assert "Anonymous" in shown and "Your training" in shown
    assert "points" not in " ".join(m.value for m in at.metric) and not at.get("vega_lite_chart")


def test_the_name_picked_is_remembered_for_the_session(demo_app_env):
    """Picked once on My progress, the name starts the Log a post form."""
    at = app("views/my_progress.py")
    at.selectbox(key="progress-name").set_value("Leo Martin").run()
    at.switch_page("views/log_post.py").run()
    assert at.selectbox(key="log-name-0").value == "Leo Martin"


def test_this_month_is_the_calendar_month_even_in_a_week_that_spans_two():
    """On Monday 30 November (week 49 ends in December) My progress's month is November, not an empty December."""
    data = build_dataset({"Posts": [HEADER, ["2026-11-02", "Maya Patel", "X", ""], ["2026-11-30", "Maya Patel", "X", ""]], "Staff": STAFF})
    month = {s.period: s for s in standings(data.posts, data.staff, data.settings, "maya patel", "2026-W49", date(2026, 11, 30))}["month"]
    assert (month.label, month.points, month.rank) == ("November 2026 (to 30 Nov)", 20, 1)


def test_the_month_cut_keeps_the_weekly_cap_of_the_whole_week():
    """8 posts on Monday 30 Nov and 4 on 1 Dec: with a cap of 10 only 2 of December's count (the cap is per ISO week)."""
    rows = [["2026-11-30", "Maya Patel", "X", ""]] * 8 + [["2026-12-01", "Maya Patel", "X", ""]] * 4
    data = build_dataset({"Posts": [HEADER, *[[r[0], r[1], r[2], r[3]] for r in rows]], "Staff": STAFF})
    assert month_board(data.posts, data.staff, data.settings, date(2026, 12, 2))["points"].tolist() == [20]
