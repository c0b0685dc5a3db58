"""The week at a glance: totals for an ISO week against the week before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from rally.core.week import Week, as_week


@dataclass(frozen=True)
class WeekTotals:
    week: str
    posts: int
    people: int
    reach: float
    engagements: float


@dataclass(frozen=True)
class WeekGlance:
    this: WeekTotals
    previous: WeekTotals

    def delta(self, field: str) -> float:
        return getattr(self.this, field) - getattr(self.previous, field)


def previous_week(week: str) -> Week:
    return as_week(week).previous


def last_complete_week(today: date) -> Week:
    """The week before the one `today` is in: the meeting's week (see `meeting_week`)."""
    return Week.of(today).previous


def meeting_week(today: date) -> Week:
    """The one rule for which week every meeting page, the vote and the digest open on: the last complete week.

    The meeting looks back on a whole week; the unfinished week is one click away on every page, "so far".
    """
    return last_complete_week(today)


def meeting_date(week: str, meeting_weekday: int = 0) -> date:
    """The day of the meeting about `week`: the first `Meeting day` after the week's Sunday (Monday is 0)."""
    return as_week(week).end + timedelta(days=1 + meeting_weekday)


def meeting_week_of(day: date, meeting_weekday: int = 0) -> Week:
    """The week whose meeting reads out what was sent on `day` (a kudos, a dated note): the next meeting on or after it.

    Something sent after one meeting day, up to and including the next, is read out at that next meeting. With
    Monday meetings a kudos sent on Monday morning is read out that morning, in the meeting about last week.
    """
    return Week.of(day - timedelta(days=meeting_weekday + 1))


def week_choice_label(week: str, today: date) -> str:
    """How a week reads in a picker: '2026-W49 · 30 Nov – 6 Dec 2026', the unfinished one '… (so far)'."""
    week = as_week(week)
    return f"{week} · {week.span()}" + (" (so far)" if week.contains(today) else "")


def week_totals(posts: pd.DataFrame, week: str) -> WeekTotals:
    rows = posts[posts["week"] == week]
    return WeekTotals(
        week, len(rows), rows["person"].nunique(), float(rows["reach"].sum()), float(rows["engagements"].sum())
    )


def week_at_a_glance(posts: pd.DataFrame, week: str) -> WeekGlance:
    return WeekGlance(week_totals(posts, week), week_totals(posts, previous_week(week)))


def weeks_to_show(posts: pd.DataFrame, today: date) -> list[Week]:
    """Every week from the first post to today's week, newest first (empty weeks included)."""
    newest = Week.of(today)
    oldest = as_week(posts["week"].min()) if len(posts) else newest
    count = max(0, (newest.start - oldest.start).days // 7) + 1
    return [newest.shifted(-i) for i in range(count)]


def posts_per_day(posts: pd.DataFrame, week: str) -> pd.DataFrame:
    """Posts on each day of the week by platform, with every day present (zeros included)."""
    start = as_week(week).start
    # as_unit: pandas infers seconds from dates; posts["date"] is nanoseconds, and the result must not depend on the week.
    days = pd.DataFrame({"date": pd.to_datetime([start + timedelta(days=i) for i in range(7)]).as_unit("ns")})
    rows = posts[posts["week"] == week]
    counts = rows.groupby(["date", "platform"], as_index=False).size().rename(columns={"size": "posts"})
    if counts.empty:
        return days.assign(platform="", posts=0)
    return days.merge(counts, on="date", how="left").fillna({"platform": "", "posts": 0}).astype({"posts": "int64"})


def posts_per_day_spec(per_day: pd.DataFrame) -> dict:
    """`posts_per_day` as stacked bars by platform, a Vega-Lite spec: every day of the week on the axis, and a day
    without posts adds nothing to the legend (no entry without a label).

    Written out rather than built with Altair: This week is the first page a fresh server draws, and importing
    Altair is a fifth of a second of it. tests/test_meeting_charts.py has Altair check the spec against the schema.
    """
    days = [f"{day:%a %d %b}" for day in sorted(per_day["date"].unique())]
    posted = per_day[(per_day["platform"] != "") & (per_day["posts"] > 0)]
    values = [
        {"day": f"{day:%a %d %b}", "platform": str(platform), "posts": int(posts)}
        for day, platform, posts in zip(posted["date"], posted["platform"], posted["posts"])
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": "Posts per day",
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "day",
                "type": "ordinal",
                "title": None,
                "sort": days,
                "scale": {"domain": days},
                "axis": {"labelAngle": 0},
            },
            "y": {
                "aggregate": "sum",
                "field": "posts",
                "type": "quantitative",
                "title": "Posts",
                "axis": {"tickMinStep": 1},
            },
            "color": {"field": "platform", "type": "nominal", "title": "Platform", "legend": {"orient": "bottom"}},
            "tooltip": [
                {"field": "day", "type": "ordinal", "title": "Day"},
                {"field": "platform", "type": "nominal"},
                {"aggregate": "sum", "field": "posts", "type": "quantitative", "title": "Posts"},
            ],
        },
    }
