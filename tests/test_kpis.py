"""Monthly KPIs as rules: which month is shown, computed against typed figures, change, pacing, and how figures are written."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from rally.core.activity import POSTS_KPI, REACH_KPI, canonical_kpi
from rally.core.text import format_figure
from rally.monthly.kpis import (
    change,
    default_month,
    format_change,
    is_level_kpi,
    kpi_months,
    last_complete_month,
    month_csv,
    month_range,
    month_team_table,
    monthly_kpis,
    pace,
    percent_of_target,
    scorecards,
    team_contribution,
    trend,
)
from rally.sheet.dataset import KPI_COLUMNS, build_dataset, empty_frame
from rally.sheet.health import fix_advice

POSTS_HEADER = ["Date", "Name", "Team", "Platform", "Reach"]


def kpi_frame(rows: list[tuple]) -> pd.DataFrame:
    """KPI rows as build_dataset gives them: (month, kpi, actual, target); None is a blank cell."""
    if not rows:
        return empty_frame(KPI_COLUMNS)
    frame = pd.DataFrame([(i + 2, m, k, a, t) for i, (m, k, a, t) in enumerate(rows)], columns=list(KPI_COLUMNS))
    return frame.astype(KPI_COLUMNS)


def posts_tab(rows: list[tuple]) -> list[list[str]]:
    """A Posts tab from (date, name, team, reach) rows, all on LinkedIn."""
    return [POSTS_HEADER] + [[d, n, t, "LinkedIn", r] for d, n, t, r in rows]


def posts_frame(rows: list[tuple]) -> pd.DataFrame:
    """Posts as build_dataset gives them."""
    return build_dataset({"Posts": posts_tab(rows)}).posts


# --- which month -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "month"),
    [
        (date(2026, 11, 16), "2026-10"),
        (date(2026, 11, 1), "2026-10"),  # the first of the month: the month before is the last complete one
        (date(2026, 11, 30), "2026-10"),  # even on the last day, November is not over yet
        (date(2027, 1, 3), "2026-12"),  # across the new year
    ],
)
def test_the_last_complete_month_is_the_one_before_todays(today, month):
    """The KPI page opens on the month before today's."""
    assert last_complete_month(today) == month


# fmt: off
@pytest.mark.parametrize(
    ("months", "today", "shown"),
    [
        (["2026-11", "2026-10", "2026-09"], date(2026, 11, 16), "2026-10"),
        (["2026-11", "2026-09"], date(2026, 11, 16), "2026-09"),  # October missing: the newest complete month with figures
        (["2026-11"], date(2026, 11, 16), "2026-11"),  # only the current month has figures: show it rather than nothing
        ([], date(2026, 11, 16), None),
    ],
)
# fmt: on
def test_the_default_month_is_the_last_complete_one_with_figures(months, today, shown):
    """Default: the last complete month, else the newest month with figures."""
    assert default_month(months, today) == shown


def test_months_to_pick_stop_at_todays_month_newest_first():
    """Targets typed ahead for next year are not offered as months to look at."""
    frame = monthly_kpis(
        kpi_frame([("2026-09", "Leads", 30, 30), ("2026-11", "Leads", 5, 31), ("2027-01", "Leads", None, 40)]), posts_frame([]), date(2026, 11, 16)
    )
    assert kpi_months(frame, date(2026, 11, 16)) == ["2026-11", "2026-10", "2026-09"]


@pytest.mark.parametrize(
    ("first", "last", "months"),
    [
        ("2026-11", "2027-02", ["2026-11", "2026-12", "2027-01", "2027-02"]),
        ("2026-11", "2026-11", ["2026-11"]),
        ("2026-11", "2026-10", []),  # backwards is empty, not an endless loop
    ],
)
def test_month_range_includes_both_ends(first, last, months):
    """Every month between two months, both included."""
    assert month_range(first, last) == months


# --- computed against typed ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("Number of posts", POSTS_KPI),
        ("number of POSTS", POSTS_KPI),
        ("Posts", POSTS_KPI),
        ("Reach", REACH_KPI),
        ("Post reach", REACH_KPI),
        ("Reach of posts", REACH_KPI),
        ("Leads", "Leads"),
        ("Posts per person", "Posts per person"),  # another KPI, not the count of posts
    ],
)
def test_spellings_of_the_computed_kpis_are_recognised(typed, canonical):
    """Number of posts and Reach of posts are recognised however they are typed; other KPIs keep their name."""
    assert canonical_kpi(typed) == canonical


POSTS = [
    ("2026-09-03", "Maya Patel", "Sales", "1000"),
    ("2026-10-01", "Maya Patel", "Sales", "400"),
    ("2026-10-20", "Leo Martin", "Engineering", ""),  # reach not in yet: the post counts, its reach doesn't
    ("2026-10-31", "Leo Martin", "Engineering", "1.2k"),
]


# fmt: off
@pytest.mark.parametrize(
    ("kpi_rows", "month", "kpi", "actual", "target"),
    [
        ([], "2026-10", POSTS_KPI, 3, None),
        ([], "2026-10", REACH_KPI, 1600, None),
        ([("2026-10", "Number of posts", 99, 5)], "2026-10", POSTS_KPI, 3, 5),  # typed actual ignored, typed target kept
        ([("Oct 2026", "Posts", None, 4)], "2026-10", POSTS_KPI, 3, 4),  # an alias sets the target
        ([("2026-08", "Leads", 10, 12)], "2026-08", POSTS_KPI, 0, None),  # a month with no posts counts 0
        ([("2026-08", "Leads", 10, 12)], "2026-08", "Leads", 10, 12),
        ([("2026-12", "Number of posts", None, 8)], "2026-12", POSTS_KPI, None, 8),  # a future month has no count yet
        ([], "2026-11", POSTS_KPI, 0, None),  # today's month, no posts yet: 0 so far
    ],
)
# fmt: on
def test_posts_and_reach_are_counted_from_posts_and_the_count_wins(kpi_rows, month, kpi, actual, target):
    """Number of posts and Reach of posts come from the Posts tab; only their targets come from the KPIs tab."""
    kpis = build_dataset(
        {
            "Posts": [POSTS_HEADER],
            "KPIs": [["Month", "KPI", "Actual", "Target"]] + [[m, k, "" if a is None else str(a), "" if t is None else str(t)] for m, k, a, t in kpi_rows],
        }
    ).kpis
    frame = monthly_kpis(kpis, posts_frame(POSTS), date(2026, 11, 5))
    [row] = frame[(frame["month"] == month) & (frame["kpi"] == kpi)].to_dict("records")
    assert (None if math.isnan(row["actual"]) else row["actual"]) == actual
    assert (None if math.isnan(row["target"]) else row["target"]) == target


def test_a_typed_count_is_reported_on_data_health_with_the_figure_rally_counts():
    """Someone typed Number of posts: Data health says so, with the computed figure, and says what to do."""
    tabs = {
        "Posts": posts_tab(POSTS),
        "KPIs": [
            ["Month", "KPI", "Actual", "Target"],
            ["2026-10", "Number of posts", "40", "50"],
            ["2026-10", "Reach", "1,900", ""],
            ["2026-10", "Number of posts", "", "50"],
        ],
    }
    dataset = build_dataset(tabs)
    typed = [(i.row, i.column, i.value, i.problem) for i in dataset.issues if i.tab == "KPIs" and "Posts tab" in i.problem]
    assert typed == [
        (3, "Actual", "1,900", "computed from the Posts tab, so the typed figure is ignored: Rally counts 1,600 for Reach of posts in 2026-10"),
    ]
    # Row 2 was repeated further down (row 4, with no actual): only the repeat is reported for it.
    assert any(i.row == 2 and "appears again" in i.problem for i in dataset.issues)
    advice = fix_advice(dataset.issues)
    assert "Leave Actual blank for Number of posts and Reach of posts" in " ".join(advice["What to do"])


def test_a_typed_count_on_its_own_row_is_reported():
    """The simplest case: one typed Number of posts, reported with Rally's count."""
    dataset = build_dataset({"Posts": posts_tab(POSTS), "KPIs": [["Month", "KPI", "Actual"], ["2026-09", "Number of posts", "7"]]})
    assert [(i.row, i.value) for i in dataset.issues if "Posts tab" in i.problem] == [(2, "7")]
    assert "Rally counts 1 for Number of posts in 2026-09" in dataset.issues[-1].problem


# --- change, share of target, pace --------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "absolute", "percent"),
    [
        (110, 100, 10, 10.0),
        (90, 100, -10, -10.0),
        (5, 0, 5, None),  # from 0 there is no percentage, only the absolute change
        (0, 0, 0, 0.0),  # 0 to 0 is no change
        (0, 10, -10, -100.0),
        (-5, -10, 5, 50.0),  # a negative month before: the change is against its size
        (10, None, None, None),  # no figure last month: nothing to compare
        (None, 10, None, None),
    ],
)
def test_change_against_last_month(current, previous, absolute, percent):
    """Absolute and percentage change; a zero or missing previous month never divides by zero."""
    assert change(current, previous) == (absolute, percent)


@pytest.mark.parametrize(
    ("actual", "target", "share"),
    [
        (42, 40, 105.0),
        (0, 40, 0.0),
        (5, 0, None),  # a target of 0 has no share
        (5, None, None),
        (None, 40, None),
    ],
)
def test_percent_of_target(actual, target, share):
    """Actual as a percentage of target, when there is one to divide by."""
    assert percent_of_target(actual, target) == share


# fmt: off
@pytest.mark.parametrize(
    ("actual", "target", "today", "start", "expected", "status"),
    [
        (10, 310, date(2026, 10, 1), 0, 10, "on pace"),  # first day: one day of 31 gone
        (0, 310, date(2026, 10, 1), 0, 10, "behind"),
        (310, 310, date(2026, 10, 31), 0, 310, "on pace"),  # last day: the whole target
        (300, 310, date(2026, 10, 31), 0, 310, "behind"),
        (200, 300, date(2026, 11, 15), 0, 150, "ahead"),
        (0, 0, date(2026, 10, 10), 0, 0, "on pace"),  # a target of 0 is met by nothing
        (3, 0, date(2026, 10, 10), 0, 0, "ahead"),
        (5_050, 5_300, date(2026, 11, 15), 5_000, 5_150, "behind"),  # a level (followers) paces from last month's figure
        (280, 280, date(2028, 2, 29), 0, 280, "on pace"),  # leap-year February ends on the 29th
    ],
)
# fmt: on
def test_pace_is_linear_over_the_months_days(actual, target, today, start, expected, status):
    """Where the KPI should be by the end of today, straight-line from the month's start to the target."""
    month = f"{today:%Y-%m}"
    result = pace(actual, target, today, month, start)
    assert result.expected == pytest.approx(expected) and result.status == status


@pytest.mark.parametrize(
    ("actual", "target", "today", "month"),
    [
        (10, None, date(2026, 10, 10), "2026-10"),  # no target: nothing to pace against
        (None, 100, date(2026, 10, 10), "2026-10"),
        (10, 100, date(2026, 11, 10), "2026-10"),  # a finished month has no pace line
        (10, 100, date(2026, 9, 30), "2026-10"),
    ],
)
def test_no_pace_line_without_a_target_or_outside_the_month(actual, target, today, month):
    """Pace is only for today's month, and only with an actual and a target."""
    assert pace(actual, target, today, month) is None


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("Company page followers", True),
        ("Newsletter subscribers", True),
        ("Leads", False),
        ("Web traffic from social", False),
        ("Total customers", True),
        ("Follower growth", False),
    ],
)
def test_running_totals_are_recognised_by_name(name, level):
    """Followers and other running totals pace from last month's figure."""
    assert is_level_kpi(name) is level


def test_scorecards_carry_twelve_months_of_sparkline_and_pace_only_this_month():
    """Each KPI's card: the month's figures, a 12-month sparkline, and a pace line only in today's month."""
    rows = [(f"2026-{m:02d}", "Leads", 10 + m, 20) for m in range(1, 12)] + [
        (f"2026-{m:02d}", "Company page followers", 1000 + 10 * m, 1120) for m in range(1, 12)
    ]
    frame = monthly_kpis(kpi_frame(rows), posts_frame([]), date(2026, 11, 15))
    cards = {c.kpi: c for c in scorecards(frame, "2026-11", date(2026, 11, 15))}
    leads = cards["Leads"]
    # Half a month against a whole one says nothing: no change for a monthly count in progress, its pace instead.
    assert (leads.actual, leads.target, leads.previous, leads.change_abs, leads.complete) == (21, 20, 20, None, False)
    assert len(leads.spark) == 12 and leads.spark[0] is None and leads.spark[-1] == 21  # December 2025 has no figure
    assert leads.pace.expected == pytest.approx(10) and leads.pace.status == "ahead"
    followers = cards["Company page followers"]
    assert followers.pace.expected == pytest.approx(1100 + 20 * 15 / 30)  # from October's 1,100 towards 1,120
    assert followers.change_abs == 10  # a level compares fairly with last month's level, month over or not
    october = {c.kpi: c for c in scorecards(frame, "2026-10", date(2026, 11, 15))}
    assert october["Leads"].pace is None and october["Leads"].complete and october["Leads"].change_abs == 1


# fmt: off
@pytest.mark.parametrize(
    ("actual", "target", "whole", "sentence"),
    [
        (30, 2630, True, "Pace 594 by today (day 7 of 31) — 564 behind."),  # web traffic: whole visits
        (2, 7, True, "Pace 2 by today (day 7 of 31) — exactly on pace."),  # 1.58 sales is 2
        (3, 7, True, "Pace 2 by today (day 7 of 31) — 1 ahead."),
        (1, 7, False, "Pace 1.6 by today (day 7 of 31) — 0.6 behind."),  # a KPI typed with decimals keeps them
    ],
)
# fmt: on
def test_a_kpi_counted_in_whole_units_paces_in_whole_units(actual, target, whole, sentence):
    """"Pace 593.9" and "Pace 1.6 sales" no more: the pace is rounded as the KPI is."""
    assert pace(actual, target, date(2026, 12, 7), "2026-12", whole=whole).sentence() == sentence


def test_a_scorecard_knows_its_kpi_is_whole_from_the_figures():
    """Whole actuals and targets pace in whole numbers; one figure with decimals keeps the decimals."""
    rows = [("2026-11", "Sales", 9, 7), ("2026-12", "Sales", 1, 7), ("2026-11", "Rating", 4.5, 4), ("2026-12", "Rating", 1, 4)]
    frame = monthly_kpis(kpi_frame(rows), posts_frame([]), date(2026, 12, 7))
    cards = {c.kpi: c for c in scorecards(frame, "2026-12", date(2026, 12, 7))}
    assert cards["Sales"].pace.expected == 2 and cards["Rating"].pace.expected == pytest.approx(4 * 7 / 31)


def test_a_kpi_order_puts_the_programmes_six_first():
    """The six programme KPIs in meeting order, any other KPI after them A to Z."""
    rows = [("2026-10", k, 1, 1) for k in ("Zebra signups", "Sales", "Leads", "Applications", "Web traffic from social")]
    frame = monthly_kpis(kpi_frame(rows), posts_frame([("2026-10-02", "A", "", "5")]), date(2026, 11, 1))
    assert [c.kpi for c in scorecards(frame, "2026-10", date(2026, 11, 1))] == [
        "Web traffic from social",
        POSTS_KPI,
        REACH_KPI,
        "Leads",
        "Sales",
        "Applications",
        "Zebra signups",
    ]


def test_the_trend_keeps_missing_months_as_gaps():
    """Twelve months ending with the chosen one; a month with no row is NaN, not 0."""
    frame = monthly_kpis(kpi_frame([("2026-10", "Leads", 40, 42), ("2026-08", "Leads", 30, None)]), posts_frame([]), date(2026, 11, 1))
    result = trend(frame, "Leads", "2026-10")
    assert list(result["month"])[-3:] == ["2026-08", "2026-09", "2026-10"] and len(result) == 12
    assert result["actual"].tolist()[-3:][0] == 30 and math.isnan(result["actual"].tolist()[-2]) and result["target"].tolist()[-1] == 42


# --- team contribution ---------------------------------------------------------------------------


def test_team_contribution_lists_every_staff_team_each_month():
    """Posts, reach and people per team per month from the first post; a Staff team with no posts shows 0 rather than vanishing."""
    tabs = {
        "Posts": posts_tab(POSTS),
        "Staff": [["Name", "Team"], ["Maya Patel", "Sales"], ["Leo Martin", "Engineering"], ["Ana Ferreira", "Customer Success"]],
    }
    dataset = build_dataset(tabs)
    contribution = team_contribution(dataset.posts, dataset.staff, "2026-10")
    october = contribution[contribution["month"] == "2026-10"].set_index("team")
    assert october.loc["Engineering", ["posts", "reach", "people"]].tolist() == [2, 1200, 1]
    assert october.loc["Customer Success", ["posts", "reach", "people"]].tolist() == [0, 0, 0]
    assert len(contribution) == 2 * 3  # September (the first post) and October
    table = month_team_table(contribution, "2026-10")
    assert table["Team"].tolist() == ["Engineering", "Sales", "Customer Success"]
    assert table["Share of posts"].round(1).tolist() == [66.7, 33.3, 0.0]


# --- how figures are written ---------------------------------------------------------------------


# fmt: off
@pytest.mark.parametrize(
    ("value", "text"),
    [(1234.0, "1,234"), (42, "42"), (6.87, "6.9"), (1234.56, "1,235"), (None, "—"), (math.nan, "—"), (0, "0"), (-205.0, "-205")],
)
# fmt: on
def test_figures_are_written_the_same_everywhere(value, text):
    """Thousands separated; one decimal only for small fractional figures; a dash for no figure."""
    assert format_figure(value) == text


# fmt: off
@pytest.mark.parametrize(
    ("absolute", "percent", "text"),
    [(403, 16.08, "+403 (+16.1%)"), (-5684, -4.1, "-5,684 (-4.1%)"), (5, None, "+5"), (0, 0.0, "0 (0.0%)"), (None, None, None)],
)
# fmt: on
def test_changes_carry_an_ascii_sign(absolute, percent, text):
    """st.metric colours a delta by its leading '-': the sign is plain ASCII."""
    assert format_change(absolute, percent) == text


def test_the_csv_download_escapes_formulas_in_kpi_names():
    """A KPI named like a formula stays text when the CSV is opened in a spreadsheet program."""
    frame = monthly_kpis(kpi_frame([("2026-10", '=HYPERLINK("http://x")', 1, 2), ("2026-10", "Leads", 3, 4)]), posts_frame([]), date(2026, 11, 1))
    text = month_csv(scorecards(frame, "2026-10", date(2026, 11, 1))).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "Month,KPI,Actual,Target,% of target,Previous month,Change,Change %,Source"
    assert any(line.startswith("2026-10,\"'=HYPERLINK(") for line in lines)
    assert "2026-10,Leads,3.0,4.0,75.0" in text
