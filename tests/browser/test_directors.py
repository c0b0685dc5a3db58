"""A director's link in real Chromium: the month from the URL, the report's figures on the cards, the report's download."""

from __future__ import annotations

import json
from datetime import date

import pytest

from rally.core.months import month_of, shift_month
from rally.core.text import format_figure
from rally.monthly.kpis import last_complete_month
from rally.monthly.programme import format_share
from tests.browser.conftest import open_page, screenshot, settle
from tests.test_cli import rally

PROJECTOR = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def month() -> str:
    """A complete month other than the default, so only the URL can have chosen it."""
    return shift_month(last_complete_month(date.today()), -1)


@pytest.fixture(scope="module")
def report(rally_server, month, tmp_path_factory) -> dict:
    """`python cli.py report --format json` on the server's own demo store."""
    data_dir = rally_server.log_path.parent
    result = rally(
        "report",
        "--month",
        month,
        "--format",
        "json",
        cwd=tmp_path_factory.mktemp("cli"),
        env={"RALLY_DATA_DIR": str(data_dir)},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def cards(page) -> dict[str, str]:
    """Each st.metric on the page: label -> value, as a person reads them."""
    found = {}
    for metric in page.locator('[data-testid="stMetric"]').all():
        found[metric.locator('[data-testid="stMetricLabel"]').inner_text().strip()] = (
            metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
        )
    return found


def test_a_directors_link_for_a_month_shows_the_reports_figures(page, rally_server, month, report):
    """/directors?month=…: the page alone, that month, and every scorecard figure equal to the report's JSON."""
    page.set_viewport_size(PROJECTOR)
    open_page(page, f"{rally_server.url}/directors?month={month}", "Programme health", menu=False)
    page.get_by_text("Monthly report").first.wait_for()
    settle(page)
    shown = cards(page)
    expected = {k["kpi"]: format_figure(k["actual"]) for k in report["kpis"]}
    assert len(expected) == 6
    assert {kpi: shown.get(kpi) for kpi in expected} == expected
    assert shown["Participation"] == format_share(report["participation"])
    assert (
        f"{report['posts']:,} posts, reach {format_figure(report['reach'])}"
        in page.locator('[data-testid="stMain"]').inner_text()
    )
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0  # no menu into the meeting
    assert f"month={month}" in page.url
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "directors-projector")
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)
    screenshot(page, "directors-phone")


def test_the_directors_report_download_has_the_same_figures(page, rally_server, month, report):
    """The page's JSON download is the command's report (apart from when the data was read)."""
    page.set_viewport_size(PROJECTOR)
    open_page(page, f"{rally_server.url}/directors?month={month}", "Monthly report", menu=False)
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Report (JSON)").click()
    downloaded = json.loads(open(download.value.path()).read())
    assert download.value.suggested_filename == f"rally-kpi-report-{month}.json"
    assert {k: v for k, v in downloaded.items() if k != "data_as_of"} == {
        k: v for k, v in report.items() if k != "data_as_of"
    }


def test_the_kpi_page_paces_the_current_month(page, rally_server):
    """Today's month on the KPI page: a pace line on every card, ahead or behind, in the browser."""
    page.set_viewport_size(PROJECTOR)
    today = date.today()
    open_page(page, f"{rally_server.url}/kpis?month={month_of(today)}", "12-month trends")
    page.get_by_text("by today (day", exact=False).first.wait_for()
    assert page.get_by_text(f"by today (day {today.day} of", exact=False).count() == 6
    settle(page)
    screenshot(page, "kpis-current-month-projector")
    page.get_by_role("tab", name="Activity next to outcomes").click()
    page.get_by_text("not as proof", exact=False).first.wait_for()
    page.get_by_text("not as proof", exact=False).first.scroll_into_view_if_needed()
    screenshot(page, "kpis-activity-projector")
