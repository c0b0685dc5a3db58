"""Points, caps, periods, ranks and the people and team leaderboards.

Points are a transparent weighted sum (the Settings tab may change every weight):

    points = post × posts + reaction × reactions + comment × comments
             + share × shares + click × clicks + ⌊reach ÷ reach-per-point⌋

Anti-gaming: only a person's first `weekly_post_cap` posts of an ISO week earn
points (the rest are listed, worth 0); a repeated link is already counted once by
`build_dataset`; a reach far above the person's usual is flagged on Data health
(`rally.sheet.health.implausible_reach`), never silently dropped. Missing numbers count as 0.

People whose Staff row says `Leaderboard = anonymous` are shown as "Anonymous"
wherever a name would show (their team too, in person-level views, so a small
team cannot give them away); their numbers still count in team and company totals.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd

from rally.core.settings import Settings
from rally.core.week import as_week

ANONYMOUS = "Anonymous"
ANONYMOUS_TEAM = "—"

PERIODS: dict[str, str] = {"week": "This week", "month": "This month", "all": "All time"}

# (points column, metric column or None for the post itself, the Settings field holding its weight, label)
POINT_PARTS: tuple[tuple[str, str | None, str, str], ...] = (
    ("points_posts", None, "points_post", "Post"),
    ("points_reactions", "reactions", "points_reaction", "Reaction"),
    ("points_comments", "comments", "points_comment", "Comment"),
    ("points_shares", "shares", "points_share", "Share"),
    ("points_clicks", "clicks", "points_click", "Click"),
)
POINT_COLUMNS = [p[0] for p in POINT_PARTS] + ["points_reach"]

LEADERBOARD_COLUMNS = {
    "rank": "int64",
    "person": "str",
    "name": "str",
    "team": "str",
    "anonymous": "bool",
    "points": "float64",
    "posts": "int64",
    "counted": "int64",
    "reach": "float64",
    "engagements": "float64",
    **{c: "float64" for c in POINT_COLUMNS},
}
TEAM_COLUMNS = {
    "rank": "int64",
    "team": "str",
    "size": "int64",
    "posters": "int64",
    "participation": "float64",
    "points": "float64",
    "points_per_person": "float64",
    "posts": "int64",
    "reach": "float64",
    "engagements": "float64",
}


# -- the rules, as a table people can read -------------------------------------------------------
def scoring_rules(settings: Settings) -> pd.DataFrame:
    """What earns points and how many: the table shown beside every leaderboard."""
    rows = [
        {"Action": label, "Points": float(getattr(settings, field)), "Counted as": "each"}
        for _, _, field, label in POINT_PARTS
    ]
    rows.append({"Action": "Reach", "Points": 1.0, "Counted as": f"per {settings.reach_per_point:,.0f} people reached"})
    rows.append(
        {
            "Action": "Weekly cap",
            "Points": float(settings.weekly_post_cap),
            "Counted as": "posts a person a week that earn points",
        }
    )
    return pd.DataFrame(rows).astype({"Action": "str", "Points": "float64", "Counted as": "str"})


def points_summary(settings: Settings) -> str:
    """The weights in one line: 'post 10 · reaction 1 · comment 3 · share 5 · click 2 · 1 per 100 reached'."""
    parts = [f"{label.lower()} {float(getattr(settings, field)):g}" for _, _, field, label in POINT_PARTS]
    return " · ".join(
        [*parts, f"1 per {settings.reach_per_point:,.0f} reached", f"up to {settings.weekly_post_cap} posts a week"]
    )


# -- points per post --------------------------------------------------------------------------------
def capped(posts: pd.DataFrame, cap: int) -> pd.Series:
    """True for posts beyond a person's first `cap` posts of their ISO week (in date, then row, order)."""
    if posts.empty:
        return pd.Series(False, index=posts.index, dtype="bool")
    order = posts[["date", "row", "person", "week"]].sort_values(["date", "row"], kind="stable")  # not the text
    position = order.groupby(["person", "week"], sort=False).cumcount()
    return (position >= cap).reindex(posts.index).astype("bool")


def score_posts(posts: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Posts with each part of their points (`points_*`), the total `points`, and `capped`.

    A capped post is kept (it still counts in reach and totals) but earns 0 points.
    """
    # A shallow copy: the new columns are this frame's own, and pandas copies a shared column before any change
    # (copy-on-write), so the posts' text (links, summaries) isn't duplicated for every board a page asks for.
    scored = posts.copy(deep=False)
    scored["capped"] = capped(posts, settings.weekly_post_cap)
    earns = (~scored["capped"]).astype("float64")
    for column, metric, field, _ in POINT_PARTS:
        count = 1.0 if metric is None else scored[metric].fillna(0)
        scored[column] = count * float(getattr(settings, field)) * earns
    # Whole points for reach, post by post, so each person's breakdown adds up exactly.
    scored["points_reach"] = (scored["reach"].fillna(0) // settings.reach_per_point) * earns
    scored["points"] = scored[POINT_COLUMNS].sum(axis=1).astype("float64")
    return scored


# -- periods ----------------------------------------------------------------------------------------
def period_bounds(period: str, week: str) -> tuple[date | None, date]:
    """First and last day of `period` as seen from `week`: the week itself, its month to the week's end, or everything to the week's end.

    The month is the one the week ends in, so the Sunday of a week that spans two months decides.
    """
    if period not in PERIODS:
        raise ValueError(f"{period!r} is not one of {', '.join(PERIODS)}")
    monday = as_week(week).start
    sunday = monday + timedelta(days=6)
    if period == "week":
        return monday, sunday
    if period == "month":
        return sunday.replace(day=1), sunday
    return None, sunday


def in_period(posts: pd.DataFrame, period: str, week: str) -> pd.DataFrame:
    start, end = period_bounds(period, week)
    days = posts["date"].dt.date
    keep = days <= end
    if start is not None:
        keep &= days >= start
    return posts[keep]


def period_label(period: str, week: str, today: date | None = None) -> str:
    """'2026-W47 (16 – 22 Nov 2026)', 'November 2026 (to 22 Nov)' or 'All time (to 22 Nov 2026)'.

    With `today`, a period still running ends today, never on a day to come: '2026-W50 so far (7 – 9 Dec 2026)'.
    """
    start, end = period_bounds(period, week)
    so_far = today is not None and today < end
    if so_far:
        end = max(today, start) if start is not None else today
    if period == "week":
        return f"{week}{' so far' if so_far else ''} ({start:%-d %b} – {end:%-d %b %Y})"
    if period == "month":
        return f"{end:%B %Y} (to {end:%-d %b})"
    return f"All time (to {end:%-d %b %Y})"


# -- names ------------------------------------------------------------------------------------------
def anonymous_people(staff: pd.DataFrame) -> set[str]:
    """Person keys whose Staff row says Leaderboard = anonymous."""
    return set(staff.loc[staff["anonymous"], "person"])


def shown_name(person: str, name: str, anonymous: set[str]) -> str:
    return ANONYMOUS if person in anonymous else name


def ranks(values: pd.Series) -> pd.Series:
    """Competition ranking, highest first: ties share a rank and the next rank is skipped (1, 1, 3)."""
    # Rounded first: 0.1 + 0.2 and 0.3 points are the same score to a person.
    return values.round(6).rank(method="min", ascending=False).fillna(0).astype("int64")


# -- leaderboards -----------------------------------------------------------------------------------
def leaderboard(posts: pd.DataFrame, staff: pd.DataFrame, settings: Settings, period: str, week: str) -> pd.DataFrame:
    """Everyone who posted in the period, ranked by points (ties share a rank), with their breakdown.

    Columns: LEADERBOARD_COLUMNS. `name` and `team` are "Anonymous" and "—" for people who opted out.
    Rows with equal points are ordered by posts, then reach, then name, so the table is stable.
    """
    scored = in_period(score_posts(posts, settings), period, week)
    if scored.empty:
        return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in LEADERBOARD_COLUMNS.items()})
    scored = scored.assign(counts=~scored["capped"])
    grouped = scored.groupby("person", sort=False).agg(
        name=("name", "first"),
        team=("team", "last"),
        points=("points", "sum"),
        posts=("row", "size"),
        counted=("counts", "sum"),
        reach=("reach", "sum"),
        engagements=("engagements", "sum"),
        **{c: (c, "sum") for c in POINT_COLUMNS},
    )
    grouped = grouped.reset_index()
    hidden = anonymous_people(staff)
    grouped["anonymous"] = grouped["person"].isin(hidden)
    grouped.loc[grouped["anonymous"], "name"] = ANONYMOUS
    grouped.loc[grouped["anonymous"], "team"] = ANONYMOUS_TEAM
    grouped["rank"] = ranks(grouped["points"])
    grouped = grouped.sort_values(
        ["rank", "posts", "reach", "name"], ascending=[True, False, False, True], kind="stable"
    )
    return grouped[list(LEADERBOARD_COLUMNS)].reset_index(drop=True).astype(LEADERBOARD_COLUMNS)


def points_breakdown(posts: pd.DataFrame, settings: Settings, person: str, period: str, week: str) -> pd.DataFrame:
    """One person's points, part by part: what they did, how many, points each, points.

    The last row is the total; capped posts are reported on a row of their own, worth 0.
    """
    scored = in_period(score_posts(posts, settings), period, week)
    mine = scored[scored["person"] == person]
    earning = mine[~mine["capped"]]
    rows = []
    for column, metric, field, label in POINT_PARTS:
        count = len(earning) if metric is None else float(earning[metric].fillna(0).sum())
        rows.append(
            {
                "What": f"{label}s",
                "How many": float(count),
                "Points each": float(getattr(settings, field)),
                "Points": float(earning[column].sum()),
            }
        )
    rows.append(
        {
            "What": f"Reach (1 point per {settings.reach_per_point:,.0f})",
            "How many": float(earning["reach"].fillna(0).sum()),
            "Points each": math.nan,
            "Points": float(earning["points_reach"].sum()),
        }
    )
    over = int(mine["capped"].sum())
    if over:
        rows.append(
            {
                "What": f"Posts over the weekly cap of {settings.weekly_post_cap}",
                "How many": float(over),
                "Points each": 0.0,
                "Points": 0.0,
            }
        )
    rows.append(
        {"What": "Total", "How many": math.nan, "Points each": math.nan, "Points": float(earning["points"].sum())}
    )
    return pd.DataFrame(rows).astype(
        {"What": "str", "How many": "float64", "Points each": "float64", "Points": "float64"}
    )


def team_sizes(staff: pd.DataFrame, posters: pd.DataFrame) -> pd.Series:
    """People per team: the Staff tab's members plus anyone who posted for the team without a Staff row."""
    members = staff[["person", "team"]]
    extra = posters[~posters["person"].isin(set(staff["person"]))][["person", "team"]]
    everyone = pd.concat([members, extra], ignore_index=True).drop_duplicates("person")
    return everyone.groupby("team").size().astype("int64")


def team_board(posts: pd.DataFrame, staff: pd.DataFrame, settings: Settings, period: str, week: str) -> pd.DataFrame:
    """Teams compared fairly: ranked on participation (people who posted ÷ team size), then points per person.

    Every team on the Staff tab is listed, including teams with no posts. Raw totals are shown beside,
    never used to rank, so a team of 5 is not beaten by a team of 12 for being smaller.
    """
    scored = in_period(score_posts(posts, settings), period, week)
    sizes = team_sizes(staff, posts)
    per_team = scored.groupby("team").agg(
        posters=("person", "nunique"),
        points=("points", "sum"),
        posts=("row", "size"),
        reach=("reach", "sum"),
        engagements=("engagements", "sum"),
    )
    board = pd.DataFrame({"size": sizes}).join(per_team, how="outer").fillna(0)
    board.index.name = "team"
    board = board.reset_index()
    if board.empty:
        return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in TEAM_COLUMNS.items()})
    board["size"] = board[["size", "posters"]].max(axis=1)
    board["participation"] = board["posters"] / board["size"].where(board["size"] > 0)
    board["points_per_person"] = board["points"] / board["size"].where(board["size"] > 0)
    board = board.fillna({"participation": 0.0, "points_per_person": 0.0})
    # One sortable score: participation first, then points per person break ties.
    order = board.sort_values(
        ["participation", "points_per_person", "team"], ascending=[False, False, True], kind="stable"
    )
    key = order["participation"].round(6).astype("str") + "|" + order["points_per_person"].round(6).astype("str")
    dense = (key != key.shift()).cumsum()
    position = pd.Series(range(1, len(order) + 1), index=order.index)
    order["rank"] = position.groupby(dense).transform("min")
    return order[list(TEAM_COLUMNS)].reset_index(drop=True).astype(TEAM_COLUMNS)
