"""The monthly report: one set of figures as JSON, stand-alone HTML and PDF, from a function and from `python cli.py report`."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from data_sources.factory import demo_seed
from rally.monthly.kpis import last_complete_month
from rally.monthly.report import file_name, monthly_report, render, report_html, report_json, report_pdf
from rally.sheet.dataset import build_dataset
from tests.test_cli import rally

TODAY = date(2026, 11, 12)
TABS = {
    "Posts": [
        ["Date", "Name", "Platform", "Reach"],
        ["2026-10-02", "Maya Patel", "LinkedIn", "500"],
        ["2026-10-09", "Maya Patel", "LinkedIn", "700"],
        ["2026-10-12", "Leo Martin", "X", ""],
        ["2026-09-12", "Leo Martin", "X", "100"],
    ],
    "Staff": [
        ["Name", "Trained"],
        ["Maya Patel", "Analytics"],
        ["Leo Martin", ""],
        ["Ana Ferreira", ""],
        ["Ravi Menon", "Analytics"],
    ],
    "KPIs": [
        ["Month", "KPI", "Actual", "Target"],
        ["2026-09", "Leads", "0", "10"],
        ["2026-10", "Leads", "12", "10"],
        ["2026-10", "Number of posts", "", "4"],
        ["2026-10", "<script>alert('kpi')</script>", "7", "0"],
        ["2026-10", "Ventes — Q4 ✓ Лиды", "3", "3"],
        ["Octember", "Leads", "1", "1"],
    ],
}


@pytest.fixture(scope="module")
def report():
    return monthly_report(build_dataset(TABS), "2026-10", TODAY, "2026-11-12 09:30")


def test_the_json_has_the_issues_keys_and_the_months_figures(report):
    """month, kpis [{kpi, actual, target, pct_of_target, change_abs, change_pct}], participation, posts, reach."""
    data = report_json(report)
    assert {"month", "kpis", "participation", "posts", "reach"} <= set(data)
    assert (data["month"], data["posts"], data["reach"], data["participation"]) == ("2026-10", 3, 1200, 0.5)
    assert (
        data["people_posting"],
        data["staff"],
        data["posts_per_active_person"],
        data["training_coverage"],
        data["data_issues"],
    ) == (2, 4, 1.5, 0.5, 1)
    assert data["survey_sentiment"] is None  # no Survey tab in this Sheet
    by_kpi = {k["kpi"]: k for k in data["kpis"]}
    assert by_kpi["Leads"] == {
        "kpi": "Leads",
        "actual": 12,
        "target": 10,
        "pct_of_target": 120,
        "change_abs": 12,
        "change_pct": None,
    }  # from 0: no %
    assert by_kpi["Number of posts"] == {
        "kpi": "Number of posts",
        "actual": 3,
        "target": 4,
        "pct_of_target": 75,
        "change_abs": 2,
        "change_pct": 200,
    }
    assert by_kpi["<script>alert('kpi')</script>"]["pct_of_target"] is None  # a target of 0
    assert all(set(k) == {"kpi", "actual", "target", "pct_of_target", "change_abs", "change_pct"} for k in data["kpis"])
    assert json.loads(render(report, "json")) == data


def test_the_html_stands_alone_and_shows_kpi_names_as_text(report):
    """No script, stylesheet link or remote address; a KPI name with markup is escaped; every figure is there."""
    page = report_html(report)
    assert "<script" not in page.replace("&lt;script", "")
    assert "&lt;script&gt;alert(&#x27;kpi&#x27;)&lt;/script&gt;" in page
    assert not re.search(r"<link|@import|(src|href)=\"(https?:)?//|url\((https?:)?//", page)
    assert (
        page.count('src="data:image/svg+xml;base64,') == len(report.cards) + 1
    )  # a trend per KPI and the activity panel
    figures = re.findall(r'class="figure"[^>]*>([^<]*)<', page)
    assert figures == ["3", "1,200", "12", "7", "3"]  # posts, reach, leads, then the other KPIs A to Z
    assert "Participation" in page and "50%" in page and "2 of 4 staff posted" in page
    assert "not as proof" in page


@pytest.mark.parametrize("fonts", [None, ()], ids=["unicode-font", "core-font-fallback"])
def test_the_pdf_is_a_pdf_with_or_without_a_unicode_font(report, fonts):
    """fpdf2 lays it out; without DejaVu on the machine, the core font replaces what Latin-1 can't show."""
    data = report_pdf(report) if fonts is None else report_pdf(report, fonts=fonts)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert data.count(b"/Subtype /Image") >= len(report.cards)


def test_a_month_without_figures_still_makes_a_report():
    """A month before any KPI: the report says there is nothing, it doesn't fail."""
    empty = monthly_report(build_dataset(TABS), "2025-01", TODAY)
    assert report_json(empty)["kpis"] == []
    assert "No KPI figures for January 2025" in report_html(empty)
    assert report_pdf(empty).startswith(b"%PDF-")


def test_file_names_carry_the_month():
    assert file_name("2026-10", "pdf") == "rally-kpi-report-2026-10.pdf"


def test_the_report_command_writes_the_same_figures_as_the_function(tmp_path):
    """`python cli.py report --format json --output` on the demo equals the report built from the demo store's tabs."""
    today = date.today()
    month = last_complete_month(today)
    result = rally(
        "report",
        "--month",
        f"{date.fromisoformat(month + '-01'):%b %Y}",
        "--format",
        "json",
        "--output",
        str(tmp_path / "r.json"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and month in result.stderr and "r.json" in result.stderr
    written = json.loads((tmp_path / "r.json").read_text())
    # The demo store's own seed (the company plus last month's survey round): on the 1st of a month the round is in the reported month.
    expected = report_json(monthly_report(build_dataset(demo_seed(today)), month, today))
    assert {k: v for k, v in written.items() if k != "data_as_of"} == {
        k: v for k, v in expected.items() if k != "data_as_of"
    }
    assert len(written["kpis"]) == 6 and all(k["target"] is not None for k in written["kpis"])


def test_the_report_command_refuses_a_month_it_cannot_read(tmp_path):
    """A month like 2026-13 is a usage error (exit 2) that says what to type."""
    result = rally("report", "--month", "2026-13", cwd=tmp_path)
    assert result.returncode == 2 and "try 2026-10" in result.stderr
