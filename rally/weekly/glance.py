"""The week at a glance: totals for an ISO week against the week before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from rally.core.parsing import iso_week_label, week_start


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


def previous_week(week: str) -> str:
    return iso_week_label(week_start(week) - timedelta(days=7))


def last_complete_week(today: date) -> str:
    """The week before the one `today` is in: the meeting's default."""
    return iso_week_label(today - timedelta(days=7))


def week_totals(posts: pd.DataFrame, week: str) -> WeekTotals:
    rows = posts[posts["week"] == week]
    return WeekTotals(
        week, len(rows), rows["person"].nunique(), float(rows["reach"].sum()), float(rows["engagements"].sum())
    )


def week_at_a_glance(posts: pd.DataFrame, week: str) -> WeekGlance:
    return WeekGlance(week_totals(posts, week), week_totals(posts, previous_week(week)))


def weeks_to_show(posts: pd.DataFrame, today: date) -> list[str]:
    """Every week from the first post to today's week, newest first (empty weeks included)."""
    newest = week_start(iso_week_label(today))
    oldest = week_start(posts["week"].min()) if len(posts) else newest
    oldest = min(oldest, newest)
    count = (newest - oldest).days // 7 + 1
    return [iso_week_label(newest - timedelta(days=7 * i)) for i in range(count)]


def posts_per_day(posts: pd.DataFrame, week: str) -> pd.DataFrame:
    """Posts on each day of the week by platform, with every day present (zeros included)."""
    start = week_start(week)
    # as_unit: pandas infers seconds from dates; posts["date"] is nanoseconds, and the result must not depend on the week.
    days = pd.DataFrame({"date": pd.to_datetime([start + timedelta(days=i) for i in range(7)]).as_unit("ns")})
    rows = posts[posts["week"] == week]
    counts = rows.groupby(["date", "platform"], as_index=False).size().rename(columns={"size": "posts"})
    if counts.empty:
        return days.assign(platform="", posts=0)
    return days.merge(counts, on="date", how="left").fillna({"platform": "", "posts": 0}).astype({"posts": "int64"})
