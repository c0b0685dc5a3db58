"""My progress: one person's points, ranks, badges, streak and weekly posts.

It shows only what the leaderboard already makes public plus the person's own
details. Anyone can pick any name on that page (there is no sign-in for staff), so
for someone whose Staff row says `Leaderboard = anonymous` nothing is shown that the
anonymous leaderboard rows could be matched against: see `shows_scores`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from rally.core.parsing import iso_week_label
from rally.core.settings import Settings
from rally.core.week import as_week
from rally.sheet.dataset import NO_TEAM
from rally.weekly.awards import badges_earned, weeks_before
from rally.weekly.scoring import PERIODS, anonymous_people, leaderboard, period_label, ranks, score_posts

CHART_WEEKS = 12


@dataclass(frozen=True)
class Standing:
    """Where a person stands in one period: their points and ranks (None when they have no post in it)."""

    period: str  # a key of rally.weekly.scoring.PERIODS
    label: str  # "2026-W47 (16 Nov – 22 Nov 2026)"
    points: float
    posts: int
    rank: int | None
    ranked: int  # people on the board
    team: str
    team_rank: int | None
    team_ranked: int  # people of the team on the board
    to_next: float | None  # points behind the next rank up; None at the top or off the board


def shows_scores(staff: pd.DataFrame, person: str) -> bool:
    """False for someone on the anonymous leaderboard: their points, rank, badges and weekly posts stay off My progress."""
    return person not in anonymous_people(staff)


def teams_by_person(posts: pd.DataFrame, staff: pd.DataFrame) -> dict[str, str]:
    """person -> team as the leaderboard counts it: the Staff tab's, else the team on their latest post."""
    latest = posts.sort_values(["date", "row"]).groupby("person")["team"].last()
    teams = {**dict(zip(staff["person"], staff["team"])), **latest.to_dict()}
    teams.update({p: t for p, t in zip(staff["person"], staff["team"]) if t != NO_TEAM})
    return teams


def month_board(posts: pd.DataFrame, staff: pd.DataFrame, settings: Settings, today: date) -> pd.DataFrame:
    """The leaderboard of the calendar month up to `today`, points exactly as the weekly boards count them.

    The scoring module's "month" is the month a week ends in, so in a week that spans
    two months it is already the next one; a person asking on 30 November means November.
    Posts over a week's cap are judged on the whole ISO week first, then the month is cut.
    """
    scored = score_posts(posts, settings)
    days = posts["date"].dt.date
    keep = (days >= today.replace(day=1)) & (days <= today) & ~scored["capped"]
    return leaderboard(posts[keep], staff, settings, "all", iso_week_label(today))


def standings(
    posts: pd.DataFrame, staff: pd.DataFrame, settings: Settings, person: str, week: str, today: date | None = None
) -> list[Standing]:
    """This week, this month and all time (as `rally.weekly.scoring.leaderboard` counts them), for one person.

    With `today`, "this month" is today's calendar month up to today (see `month_board`);
    without it, the scoring module's month of `week`.
    """
    teams = teams_by_person(posts, staff)
    team = teams.get(person, NO_TEAM)
    result = []
    for period in PERIODS:
        if period == "month" and today is not None:
            board, label = month_board(posts, staff, settings, today), f"{today:%B %Y} (to {today:%-d %b})"
        else:
            board, label = leaderboard(posts, staff, settings, period, week), period_label(period, week, today)
        in_team = board[board["person"].map(lambda p: teams.get(p) == team)]
        mine = board[board["person"] == person]
        if mine.empty:
            result.append(Standing(period, label, 0.0, 0, None, len(board), team, None, len(in_team), None))
            continue
        points = float(mine["points"].iloc[0])
        higher = board["points"][board["points"].round(6) > round(points, 6)]
        team_rank = int(ranks(in_team["points"])[in_team["person"] == person].iloc[0])
        result.append(
            Standing(
                period,
                label,
                points,
                int(mine["posts"].iloc[0]),
                int(mine["rank"].iloc[0]),
                len(board),
                team,
                team_rank,
                len(in_team),
                float(higher.min() - points) if len(higher) else None,
            )
        )
    return result


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def posts_per_week(posts: pd.DataFrame, person: str, week: str, weeks: int = CHART_WEEKS) -> pd.DataFrame:
    """The person's posts in each of the `weeks` weeks ending with `week`, oldest first (silent weeks are 0).

    Columns: week ("2026-W47"), start (its Monday), posts, current (True for `week`).
    """
    labels = [*weeks_before(week, weeks - 1), week]
    counts = posts[posts["person"] == person].groupby("week").size()
    return pd.DataFrame(
        {
            "week": labels,
            "start": pd.to_datetime([as_week(w).start for w in labels]).as_unit("ns"),
            "posts": [int(counts.get(w, 0)) for w in labels],
            "current": [w == week for w in labels],
        }
    )


def person_badges(posts: pd.DataFrame, staff: pd.DataFrame, person: str, week: str) -> pd.DataFrame:
    """Every badge the person earned up to `week`, newest first: week, icon, label (the room's vote is left out)."""
    mine = posts[(posts["person"] == person) & (posts["week"] <= week)]
    frames = [badges_earned(mine, staff, w).assign(week=w) for w in sorted(set(mine["week"]), reverse=True)]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(
            {
                "week": pd.Series([], dtype="str"),
                "icon": pd.Series([], dtype="str"),
                "label": pd.Series([], dtype="str"),
            }
        )
    return pd.concat(frames, ignore_index=True)[["week", "icon", "label"]].astype("str")


def current_week(today: date) -> str:
    """The week My progress opens on: the one in progress."""
    return iso_week_label(today)


def badge_summary(badges: pd.DataFrame) -> pd.DataFrame:
    """`person_badges` folded to one row per badge: icon, label, times, latest (week) — most recent first."""
    if badges.empty:
        return pd.DataFrame(
            {
                "icon": pd.Series([], dtype="str"),
                "label": pd.Series([], dtype="str"),
                "times": pd.Series([], dtype="int64"),
                "latest": pd.Series([], dtype="str"),
            }
        )
    folded = (
        badges.groupby(["icon", "label"], sort=False).agg(times=("week", "size"), latest=("week", "max")).reset_index()
    )
    return (
        folded.sort_values("latest", ascending=False, kind="stable").reset_index(drop=True).astype({"times": "int64"})
    )
