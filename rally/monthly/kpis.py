"""Monthly KPIs against targets: the KPIs tab plus the two figures Rally counts itself, scorecards and pacing.

"Number of posts" and "Reach of posts" are never typed in: they are computed from
the Posts tab for every month. A target for them may be typed on the KPIs tab;
a typed actual is reported (`typed_computed_issues`) and the computed figure wins.

Everything here is pure: frames and values in, frames and values out; `today`
is always passed in, so "the current month" and pacing are testable for any day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from rally.core.activity import (
    COMPUTED_KPIS,
    POSTS_KPI,
    REACH_KPI,
    canonical_kpi,
    monthly_activity,
    post_months,
)
from rally.core.months import month_days, month_of, shift_month
from rally.core.text import format_figure

# The programme's six KPIs, in the order the meeting reads them; any other KPI follows, A to Z.
STANDARD_KPIS: tuple[str, ...] = (
    "Web traffic from social",
    "Company page followers",
    POSTS_KPI,
    REACH_KPI,
    "Leads",
    "Sales",
)
# The outcomes shown next to posting activity (when the KPIs tab has them).
OUTCOME_KPIS: tuple[str, ...] = ("Web traffic from social", "Company page followers", "Leads")
# A KPI whose name holds one of these words is a level (a running total such as followers), not a monthly flow:
# its pace runs from last month's figure to the target, not from zero.
LEVEL_WORDS: tuple[str, ...] = ("followers", "subscribers", "members", "fans", "headcount", "total")
TREND_MONTHS = 12

MONTHLY_COLUMNS = {"month": "str", "kpi": "str", "actual": "float64", "target": "float64", "computed": "bool"}


def is_level_kpi(name: str) -> bool:
    """Followers and other running totals: this month's figure builds on last month's."""
    words = name.casefold().split()
    return any(word in words for word in LEVEL_WORDS)


def month_range(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included."""
    months, month = [], first
    while month <= last:
        months.append(month)
        month = shift_month(month, 1)
    return months


def monthly_kpis(kpis: pd.DataFrame, posts: pd.DataFrame, today: date) -> pd.DataFrame:
    """One row per month and KPI: the KPIs tab's figures, with posts and reach computed from the Posts tab.

    The computed KPIs cover every month from the earliest month of either tab to the
    latest (a month with no posts counts 0); months after today's have no actual yet.
    """
    entered = kpis.assign(kpi=kpis["kpi"].map(canonical_kpi).astype("str"))
    # Two spellings of one computed KPI in the same month: the lower row wins, as for any repeated KPI.
    entered = entered.drop_duplicates(["month", "kpi"], keep="last")
    activity = monthly_activity(posts)
    months = sorted(set(entered["month"]) | set(activity["month"]))
    frames = [entered[~entered["kpi"].isin(list(COMPUTED_KPIS))].assign(computed=False)[list(MONTHLY_COLUMNS)]]
    if months:
        current = month_of(today)
        # Up to today's month at least: a month with no posts yet has counted 0 so far.
        calendar = pd.DataFrame({"month": month_range(months[0], max(months[-1], current))})
        counted = calendar.merge(activity, on="month", how="left").fillna({"posts": 0, "reach": 0.0})
        for kpi, column in COMPUTED_KPIS.items():
            targets = entered[entered["kpi"] == kpi][["month", "target"]]
            rows = counted[["month", column]].rename(columns={column: "actual"}).merge(targets, on="month", how="left")
            rows["actual"] = rows["actual"].astype("float64").where(rows["month"] <= current)
            frames.append(rows.assign(kpi=kpi, computed=True)[list(MONTHLY_COLUMNS)])
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if frame.empty:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in MONTHLY_COLUMNS.items()})
    order = {name: i for i, name in enumerate(kpi_names(frame))}
    frame = frame.astype(MONTHLY_COLUMNS)
    return frame.sort_values(
        ["kpi", "month"], key=lambda s: s.map(order) if s.name == "kpi" else s, kind="stable"
    ).reset_index(drop=True)


def kpi_names(frame: pd.DataFrame) -> list[str]:
    """The KPIs in the frame: the programme's six first, in meeting order, then the rest A to Z."""
    present = set(frame["kpi"])
    return [k for k in STANDARD_KPIS if k in present] + sorted(present - set(STANDARD_KPIS), key=str.casefold)


def kpi_months(frame: pd.DataFrame, today: date) -> list[str]:
    """Months a person can pick, newest first: every month with KPI figures, up to today's month."""
    current = month_of(today)
    return sorted({m for m in frame["month"] if m <= current}, reverse=True)


def available_months(kpis: pd.DataFrame, posts: pd.DataFrame, today: date) -> list[str]:
    """The months the KPI pages offer (kpi_months of monthly_kpis), newest first."""
    return kpi_months(monthly_kpis(kpis, posts, today), today)


def last_complete_month(today: date) -> str:
    return shift_month(month_of(today), -1)


def default_month(months: list[str], today: date) -> str | None:
    """The last complete month when it has figures, else the newest month that has; None when there are none."""
    wanted = last_complete_month(today)
    if wanted in months:
        return wanted
    older = [m for m in months if m <= wanted]
    return max(older) if older else (max(months) if months else None)


# --- the arithmetic of a scorecard -------------------------------------------------------------


def _value(number: object) -> float | None:
    """NaN and None are 'no figure'."""
    if number is None:
        return None
    number = float(number)
    return None if math.isnan(number) else number


def percent_of_target(actual: float | None, target: float | None) -> float | None:
    """Actual as a percentage of target; None without both, or when the target is 0 (no share of nothing)."""
    if actual is None or target is None or target == 0:
        return None
    return actual / target * 100


def change(current: float | None, previous: float | None) -> tuple[float | None, float | None]:
    """(absolute, percent) change against the previous month.

    From 0 to 0 is no change (0 %); from 0 to anything else has no percentage
    (it would be infinite), only the absolute change.
    """
    if current is None or previous is None:
        return None, None
    absolute = current - previous
    if previous == 0:
        return absolute, 0.0 if current == 0 else None
    return absolute, absolute / abs(previous) * 100


@dataclass(frozen=True)
class Pace:
    """Where an unfinished month's KPI should be today to hit its target, straight-line over the month's days."""

    day: int  # today's day of the month, today included as gone
    days: int  # days in the month
    expected: float  # where the KPI should be by the end of today (a whole number for a KPI counted in whole units)
    actual: float
    target: float
    status: str  # "ahead" | "on pace" | "behind"

    @property
    def gap(self) -> float:
        return self.actual - self.expected

    def sentence(self) -> str:
        """'Pace 1,050 by today (day 12 of 30) — 95 ahead.'"""
        where = f"Pace {format_figure(self.expected)} by today (day {self.day} of {self.days})"
        if self.status == "on pace":
            return f"{where} — exactly on pace."
        return f"{where} — {format_figure(abs(self.gap))} {self.status}."


def pace(
    actual: float | None, target: float | None, today: date, month: str, start: float = 0.0, whole: bool = False
) -> Pace | None:
    """The pace line for `month` on `today`; None outside that month or without an actual and a target.

    `start` is where the KPI began the month: 0 for monthly counts, last month's
    figure for levels such as followers. Today counts as a day gone, so on the
    last day the line reaches the target. A KPI counted in whole units (`whole`:
    people, sales, posts) paces in whole units too: "Pace 594", never "Pace 593.9"
    or "1.6 sales".
    """
    first, last = month_days(month)
    if actual is None or target is None or not first <= today <= last:
        return None
    expected = start + (target - start) * today.day / last.day
    if whole:
        expected = float(math.floor(expected + 0.5))
    # Float noise must not turn "exactly on pace" into ahead or behind.
    status = (
        "on pace"
        if math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-9)
        else ("ahead" if actual > expected else "behind")
    )
    return Pace(today.day, last.day, expected, actual, target, status)


@dataclass(frozen=True)
class Scorecard:
    kpi: str
    month: str
    actual: float | None
    target: float | None
    previous: float | None  # last month's actual
    pct_of_target: float | None
    change_abs: float | None
    change_pct: float | None
    spark: tuple[float | None, ...]  # the 12 months ending with `month`, oldest first
    computed: bool  # counted from the Posts tab
    complete: bool  # the month is over
    pace: Pace | None

    def as_dict(self) -> dict:
        """The report's JSON shape: numbers rounded the way the page shows them."""
        return {
            "kpi": self.kpi,
            "actual": _round(self.actual, 2),
            "target": _round(self.target, 2),
            "pct_of_target": _round(self.pct_of_target, 1),
            "change_abs": _round(self.change_abs, 2),
            "change_pct": _round(self.change_pct, 1),
        }


def _round(value: float | None, digits: int) -> float | int | None:
    if value is None:
        return None
    rounded = round(value, digits)
    return int(rounded) if rounded == int(rounded) else rounded


def scorecards(frame: pd.DataFrame, month: str, today: date) -> list[Scorecard]:
    """A scorecard per KPI for `month` (from `monthly_kpis`), with the pace line when `month` is today's."""
    window = month_range(shift_month(month, -(TREND_MONTHS - 1)), month)
    began = posting_began(frame)
    cards = []
    for kpi in kpi_names(frame):
        rows = frame[frame["kpi"] == kpi].set_index("month")
        if month not in rows.index and shift_month(month, -1) not in rows.index:
            continue  # nothing to say about this KPI for the month
        actual = _value(rows["actual"].get(month))
        target = _value(rows["target"].get(month))
        previous = _value(rows["actual"].get(shift_month(month, -1)))
        complete = month < month_of(today)
        level = is_level_kpi(kpi)
        # A month in progress has only some of its days: against a whole previous month its counts always look
        # down. Its pace says how it is going; a level (followers) compares fairly with last month's level.
        change_abs, change_pct = change(actual, previous) if complete or level else (None, None)
        start = previous if level else 0.0
        whole = all(float(v).is_integer() for v in rows[["actual", "target"]].stack().dropna())
        cards.append(
            Scorecard(
                kpi=kpi,
                month=month,
                actual=actual,
                target=target,
                previous=previous,
                pct_of_target=percent_of_target(actual, target),
                change_abs=change_abs,
                change_pct=change_pct,
                # Before the first post there is nothing to draw for posts and reach (missing, not zero).
                spark=tuple(
                    None if kpi in COMPUTED_KPIS and (began is None or m < began) else _value(rows["actual"].get(m))
                    for m in window
                ),
                computed=bool(rows["computed"].any()),
                complete=complete,
                pace=pace(actual, target, today, month, start, whole) if start is not None else None,
            )
        )
    return cards


def posting_began(frame: pd.DataFrame) -> str | None:
    """The first month with a post (from `monthly_kpis`); None before anyone has posted.

    Posts and reach count 0 in a month without posts, but before the first post ever there was no programme
    to count: charts start the two series there rather than drawing months of zeros.
    """
    counted = frame[(frame["kpi"] == POSTS_KPI) & (frame["actual"] > 0)]
    return str(counted["month"].min()) if not counted.empty else None


def trend(frame: pd.DataFrame, kpi: str, month: str, months: int = TREND_MONTHS) -> pd.DataFrame:
    """The `months` months ending with `month` for one KPI: month, date (first day), actual, target; gaps kept.

    Months before the first post have no posts or reach to draw (missing, not zero: see `posting_began`).
    """
    window = pd.DataFrame({"month": month_range(shift_month(month, -(months - 1)), month)})
    rows = frame[frame["kpi"] == kpi][["month", "actual", "target"]]
    result = window.merge(rows, on="month", how="left")
    result.insert(1, "date", pd.to_datetime(result["month"] + "-01").astype("datetime64[ns]"))
    result = result.astype({"actual": "float64", "target": "float64"})
    if kpi in COMPUTED_KPIS:
        began = posting_began(frame)
        result["actual"] = result["actual"].where(result["month"] >= began) if began else math.nan
    return result


def kpi_trends(frame: pd.DataFrame, kpis: list[str], month: str, months: int = TREND_MONTHS) -> pd.DataFrame:
    """`trend` of each of `kpis`, one under the other with a `kpi` column, for one chart with a panel per KPI."""
    parts = [trend(frame, kpi, month, months).assign(kpi=kpi) for kpi in kpis]
    if not parts:
        return trend(frame, "", month, months).assign(kpi="").iloc[:0]
    return pd.concat(parts, ignore_index=True)


def activity_and_outcomes(frame: pd.DataFrame, month: str, months: int = TREND_MONTHS) -> pd.DataFrame:
    """Posts and reach beside the outcome KPIs, one row per month and series, for one shared time axis.

    Columns: month, date, series, kind ("Activity" | "Outcome"), value. The outcomes are
    OUTCOME_KPIS when the KPIs tab has them, else every other KPI it has.
    """
    names = set(frame["kpi"])
    outcomes = [k for k in OUTCOME_KPIS if k in names] or [k for k in kpi_names(frame) if k not in COMPUTED_KPIS]
    parts = [
        trend(frame, kpi, month, months).assign(series=kpi, kind="Activity" if kpi in COMPUTED_KPIS else "Outcome")
        for kpi in [*COMPUTED_KPIS, *outcomes]
        if kpi in names
    ]
    if not parts:
        return pd.DataFrame(
            {
                "month": pd.Series([], dtype="str"),
                "date": pd.Series([], dtype="datetime64[ns]"),
                "series": pd.Series([], dtype="str"),
                "kind": pd.Series([], dtype="str"),
                "value": pd.Series([], dtype="float64"),
            }
        )
    long = pd.concat(parts, ignore_index=True).rename(columns={"actual": "value"})
    return long[["month", "date", "series", "kind", "value"]]


def team_contribution(posts: pd.DataFrame, staff: pd.DataFrame, month: str, months: int = TREND_MONTHS) -> pd.DataFrame:
    """Posts, reach and people posting per team per month, for the `months` months ending with `month`.

    Every team on the Staff tab appears each month (zeros included), so a quiet team is visible; the months start
    with the first post ever (before it there was nothing to count, which is not a quiet team).
    """
    window = month_range(shift_month(month, -(months - 1)), month)
    posted = posts.assign(month=post_months(posts))
    first = posted["month"].min() if not posted.empty else None
    window = [m for m in window if first is not None and m >= first]
    posted = posted[posted["month"].isin(window)]
    counts = posted.groupby(["month", "team"], as_index=False).agg(
        posts=("row", "size"), reach=("reach", "sum"), people=("person", "nunique")
    )
    teams = sorted(set(staff["team"]) | set(counts["team"]), key=str.casefold)
    grid = pd.MultiIndex.from_product([window, teams], names=["month", "team"]).to_frame(index=False)
    frame = grid.merge(counts, on=["month", "team"], how="left").fillna({"posts": 0, "reach": 0.0, "people": 0})
    frame.insert(1, "date", pd.to_datetime(frame["month"] + "-01").astype("datetime64[ns]"))
    return frame.astype({"month": "str", "team": "str", "posts": "int64", "reach": "float64", "people": "int64"})


def month_team_table(contribution: pd.DataFrame, month: str) -> pd.DataFrame:
    """The selected month's team contribution, busiest first, with each team's share of posts."""
    rows = contribution[contribution["month"] == month]
    total = rows["posts"].sum()
    table = pd.DataFrame(
        {
            "Team": rows["team"],
            "Posts": rows["posts"],
            "Share of posts": rows["posts"] / total * 100 if total else 0.0,
            "Reach": rows["reach"],
            "People posting": rows["people"],
        }
    )
    return table.sort_values(["Posts", "Team"], ascending=[False, True], kind="stable").reset_index(drop=True)


def month_table(cards: list[Scorecard]) -> pd.DataFrame:
    """The month's scorecards as a table (the CSV download and the report's table)."""
    return pd.DataFrame(
        [
            {
                "Month": c.month,
                "KPI": c.kpi,
                "Actual": c.actual,
                "Target": c.target,
                "% of target": _round(c.pct_of_target, 1),
                "Previous month": c.previous,
                "Change": c.change_abs,
                "Change %": _round(c.change_pct, 1),
                "Source": "Posts tab" if c.computed else "KPIs tab",
            }
            for c in cards
        ],
        columns=["Month", "KPI", "Actual", "Target", "% of target", "Previous month", "Change", "Change %", "Source"],
    )


# --- how figures are written, the same on the page, in the report and in the tests ------------


def format_percent(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}%"


def format_change(change_abs: float | None, change_pct: float | None) -> str | None:
    """'+120 (+6.3%)'; '+5' when the percentage is undefined; None when there is nothing to compare with.

    ASCII signs: st.metric colours a delta by its leading '-'.
    """
    if change_abs is None:
        return None
    text = ("+" if change_abs > 0 else "-" if change_abs < 0 else "") + format_figure(abs(change_abs))
    if change_pct is not None:
        text += f" ({'+' if change_pct > 0 else '-' if change_pct < 0 else ''}{abs(change_pct):.1f}%)"
    return text


def month_csv(cards: list[Scorecard]) -> bytes:
    """The month's table as CSV bytes; text cells defused so a spreadsheet program never runs one as a formula."""
    from rally.core.export import safe_csv

    return safe_csv(month_table(cards))
