"""The KPI page and the directors' view under AppTest: the month in the URL, the same figures as the report, a messy KPIs tab."""

from __future__ import annotations

import functools
import json
from datetime import date

import pytest

from rally.core.months import month_of, shift_month
from rally.core.text import format_figure
from rally.demo.company import demo_tabs
from rally.monthly.kpis import last_complete_month
from rally.monthly.programme import format_share
from rally.monthly.report import monthly_report, report_json
from rally.sheet.dataset import build_dataset
from tests.apptest import app, clear_caches, texts
from tests.sources import SHEET_KEY

KPI_PAGE = "views/kpis.py"
DIRECTORS_PAGE = "views/directors.py"


@functools.cache
def expected_figures(month: str) -> dict[str, str]:
    """The report's figures for the demo month, written as the page writes them."""
    today = date.today()
    data = report_json(monthly_report(build_dataset(demo_tabs(today)), month, today))
    figures = {k["kpi"]: format_figure(k["actual"]) for k in data["kpis"]}
    figures["Participation"] = format_share(data["participation"])
    return figures


def metrics(at) -> dict[str, str]:
    return {m.label.replace("\\", ""): m.value for m in at.metric}


def test_the_kpi_page_opens_on_the_last_complete_month_with_one_trend_chart_below_the_cards(module_demo_env):
    """No ?month=: the last complete month, written into the URL so the link keeps meaning it; below the cards one chart."""
    at = app(KPI_PAGE)
    month = last_complete_month(date.today())
    assert not at.exception and not at.error
    assert at.selectbox(key="kpi-month").value == month
    assert at.query_params["month"] == month
    shown = metrics(at)
    assert len(shown) == 6 and all(shown[k] == v for k, v in expected_figures(month).items() if k in shown)
    assert all(len(m.proto.chart_data) > 1 for m in at.metric), "each scorecard carries its own sparkline"
    # The sections below are tabs that run when opened: only the open one (the trends) is sent, as one chart.
    assert [t.label for t in at.tabs] == [
        "12-month trends",
        "Activity next to outcomes",
        "Team contribution",
        "Table & share",
    ]
    [trends] = at.get("vega_lite_chart")
    assert "facet" in json.loads(trends.proto.spec) and "not as proof" not in texts(at)


# fmt: off
@pytest.mark.parametrize(
    ("section", "charts", "shows"),
    [
        ("Activity next to outcomes", 1, "not as proof"),
        ("Team contribution", 1, "Teams in {label}"),  # posts and reach side by side: one chart, and the month's table
        ("Table & share", 0, "/directors?month={month}"),
    ],
)
# fmt: on
def test_each_section_below_the_cards_is_sent_when_its_tab_is_opened(module_demo_env, section, charts, shows):
    """Opening a tab reruns the page with that section alone: its chart (at most one) and its text."""
    at = app(KPI_PAGE)
    month = last_complete_month(date.today())
    at.session_state["kpi-section"] = section
    at.run()
    assert not at.exception and not at.error
    assert len(at.get("vega_lite_chart")) == charts
    page = texts(at) + "\n".join(c.value for c in at.code)
    assert shows.format(month=month, label=f"{date.fromisoformat(month + '-01'):%B %Y}") in page


@pytest.mark.parametrize("asked", ["{month}", "{label}"], ids=["iso", "as-people-type-it"])
def test_a_month_in_the_url_opens_that_month(module_demo_env, asked):
    """?month=2026-09 (or ?month=Sep 2026) shows that month's scorecards."""
    month = shift_month(last_complete_month(date.today()), -1)
    at = app(KPI_PAGE, query={"month": asked.format(month=month, label=f"{date.fromisoformat(month + '-01'):%b %Y}")})
    assert at.selectbox(key="kpi-month").value == month
    assert at.query_params["month"] == month
    assert metrics(at)["Leads"] == expected_figures(month)["Leads"]


def test_a_month_without_figures_in_the_url_says_so_and_shows_the_default(module_demo_env):
    """An old or mistyped month is explained, not an error box."""
    at = app(KPI_PAGE, query={"month": "2019-01"})
    assert not at.exception and not at.error
    assert "No KPI figures for 2019-01" in texts(at)
    assert at.selectbox(key="kpi-month").value == last_complete_month(date.today())


def test_picking_a_month_puts_it_in_the_url(module_demo_env):
    """The picker and the address bar agree after every choice."""
    at = app(KPI_PAGE)
    month = shift_month(last_complete_month(date.today()), -3)
    at.selectbox(key="kpi-month").set_value(month).run()
    assert at.query_params["month"] == month
    assert metrics(at)["Leads"] == expected_figures(month)["Leads"]


def test_the_current_month_shows_a_pace_line_for_each_kpi_with_a_target(module_demo_env):
    """Today's month is unfinished: every KPI (all have targets in the demo) says where it should be by today."""
    today = date.today()
    at = app(KPI_PAGE, query={"month": month_of(today)})
    pace_lines = [line for line in texts(at).splitlines() if "by today (day" in line]
    assert len(pace_lines) == 6
    assert all(f"(day {today.day} of " in line for line in pace_lines)
    assert "so far" in texts(at)


def test_a_directors_link_shows_the_directors_view_alone(module_demo_env):
    """?view=directors&month=…: the read-only page, the report's figures, no sign-in box and no issue details."""
    month = shift_month(last_complete_month(date.today()), -1)
    at = app(query={"view": "directors", "month": month})
    assert not at.exception and not at.error
    assert at.title[0].value == "KPIs and programme health"
    assert metrics(at) | expected_figures(month) == metrics(at)  # every report figure is on the page, unchanged
    assert {"Participation", "Posts per active person", "Training coverage"} <= set(metrics(at))
    assert "Survey sentiment" not in metrics(at)  # no Survey tab in the demo: nothing shown for it
    assert not at.text_input and not at.dataframe  # no passcode box, no table of data issues
    assert [b.label for b in at.button] == ["Refresh now"]
    assert "data issues in the Sheet" in texts(at)
    # Two charts for the browser to draw: every KPI's twelve months in one, activity next to outcomes in the other.
    trends, activity = (json.loads(c.proto.spec) for c in at.get("vega_lite_chart"))
    assert trends["facet"]["field"] == "kpi" and activity["facet"]["row"]["field"] == "series"


def test_the_directors_page_opens_from_the_menu_too(module_demo_env):
    """A facilitator can look at the directors' view from the menu."""
    at = app(DIRECTORS_PAGE)
    assert not at.exception and at.title[0].value == "KPIs and programme health"


MESSY_KPIS = [
    ["Month", "KPI", "Actual", "Target"],
    ["2026-09", "Leads", "31", "30"],
    ["Oct 2026", "Leads", "forty", "35"],  # not a number
    ["46296", "Sales", "4", "5"],  # a Sheets date serial for 2026-10-01
    ["Octember", "Leads", "12", "10"],  # not a month
    ["2026-10", "", "12", ""],  # no KPI name
    ["2026-10", "Number of posts", "999", "150"],  # typed: Rally's own count wins
    ["01/10/2026", "Web traffic from social", "2,100", "2k"],  # 1 October (the demo says day-first); 2,100 vs 2,000
    ["2026-10", "Company page followers", "5,100", "n/a"],  # not a number
]


@pytest.fixture
def messy_sheet_env(sheets_emulator, tmp_path, monkeypatch):
    """The demo company on the emulator, with a KPIs tab someone has been careless with."""
    tabs = demo_tabs(date.today()) | {"KPIs": MESSY_KPIS}
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs=tabs)
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", sheets_emulator.host)
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path))
    clear_caches()
    yield {
        "connections": {
            "gsheets": {
                "spreadsheet": f"https://docs.google.com/spreadsheets/d/{SHEET_KEY}/edit",
                "client_email": "rally@acme.iam.gserviceaccount.com",
            }
        },
        "rally": {"sheet_read_attempts": 1, "facilitator_passcode": "orange-kite-42"},
    }
    clear_caches()


def test_a_messy_kpis_tab_is_reported_not_fatal(messy_sheet_env):
    """Every bad KPI row is on Data health with its row number; the KPI and directors' pages still draw."""
    kpis = app(KPI_PAGE, secrets=messy_sheet_env, query={"month": "2026-10"})
    assert not kpis.exception and not kpis.error
    shown = metrics(kpis)
    assert (shown["Sales"], shown["Web traffic from social"]) == ("4", "2,100")
    assert shown["Number of posts"] != "999"  # counted from the Posts tab
    directors = app(DIRECTORS_PAGE, secrets=messy_sheet_env, query={"month": "2026-10"})
    count = len(build_dataset(demo_tabs(date.today()) | {"KPIs": MESSY_KPIS}).issues)  # the demo's own Posts slips too
    assert not directors.exception and f"{count} data issues in the Sheet" in texts(directors)
    health = app("views/data_health.py", secrets=messy_sheet_env)
    health.text_input(key="passcode-input-the rows and values to fix").input("orange-kite-42")
    health = (
        health.button(key="FormSubmitter:passcode-the rows and values to fix-Unlock").click().run()
    )  # the rows are the facilitator's
    issues = health.dataframe[1].value  # the first table is the per-tab counts
    kpi_rows = issues[issues["tab"] == "KPIs"][["row", "column"]].values.tolist()
    assert kpi_rows == [[3, "Actual"], [5, "Month"], [6, "KPI"], [7, "Actual"], [9, "Target"]]
    problems = " ".join(issues["problem"])
    assert "Rally counts" in problems and "for Number of posts in 2026-10" in problems
