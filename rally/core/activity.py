"""Posting activity per month, counted from the Posts tab, and the KPI names Rally counts itself.

"Number of posts" and "Reach of posts" are never typed in: they are counted from the Posts
tab for every month. A typed actual for them is reported (`typed_computed_issues`) and the
count wins, on every page, the digest and the report alike.
"""

from __future__ import annotations

import pandas as pd

from rally.core.contract import normalise_key
from rally.core.issues import DataIssue
from rally.core.text import format_figure

POSTS_KPI = "Number of posts"
REACH_KPI = "Reach of posts"
# The KPI name -> the column of the monthly activity frame it is counted from.
COMPUTED_KPIS: dict[str, str] = {POSTS_KPI: "posts", REACH_KPI: "reach"}
# Other spellings someone may use for the computed KPIs on the KPIs tab.
_COMPUTED_NAMES = {
    POSTS_KPI: (POSTS_KPI, "Posts", "Post count", "Posts per month"),
    REACH_KPI: (REACH_KPI, "Reach", "Post reach", "Posts reach"),
}
_CANONICAL = {normalise_key(alias): name for name, aliases in _COMPUTED_NAMES.items() for alias in aliases}
ACTIVITY_COLUMNS = {"month": "str", "posts": "int64", "reach": "float64", "people": "int64"}


def canonical_kpi(name: str) -> str:
    """'posts' and 'Number of Posts' -> 'Number of posts'; any other KPI name as typed."""
    return _CANONICAL.get(normalise_key(name), name)


def post_months(posts: pd.DataFrame) -> pd.Series:
    return posts["date"].dt.strftime("%Y-%m").astype("str")


def monthly_activity(posts: pd.DataFrame) -> pd.DataFrame:
    """Posts, reach (known figures only) and people posting, per month that has posts."""
    if posts.empty:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in ACTIVITY_COLUMNS.items()})
    grouped = posts.assign(month=post_months(posts)).groupby("month", sort=True)
    frame = grouped.agg(posts=("row", "size"), reach=("reach", "sum"), people=("person", "nunique")).reset_index()
    return frame.astype(ACTIVITY_COLUMNS)


def typed_computed_issues(kpis: pd.DataFrame, posts: pd.DataFrame) -> list[DataIssue]:
    """A typed actual for Number of posts or Reach of posts: reported with the figure Rally counts instead."""
    canonical = kpis["kpi"].map(canonical_kpi)
    typed = kpis[canonical.isin(list(COMPUTED_KPIS)) & kpis["actual"].notna()]
    if typed.empty:
        return []
    activity = monthly_activity(posts).set_index("month")
    issues = []
    for row, month, kpi, actual in zip(typed["row"], typed["month"], canonical[typed.index], typed["actual"]):
        column = COMPUTED_KPIS[kpi]
        counted = float(activity[column].get(month, 0))
        issues.append(
            DataIssue(
                "KPIs",
                int(row),
                "Actual",
                format_figure(actual),
                f"computed from the Posts tab, so the typed figure is ignored: Rally counts {format_figure(counted)} for {kpi} in {month}",
            )
        )
    return issues
