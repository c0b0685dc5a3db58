"""Numbers imported instead of typed: the sample exports read, previewed, written through the outbox to a Sheet, read back."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from rally.core.post_numbers import link_key
from rally.monthly.imports import ImportProblem, plan_import
from rally.sheet.dataset import build_dataset
from tests.sources import SHEET_KEY
from tests.test_scoring import HEADER, post

SAMPLES = Path(__file__).resolve().parent / "samples"
TODAY = date(2026, 12, 7)
MAYA = "https://www.linkedin.com/posts/maya-patel_casestudy-activity-7381234567890123456-AbCd?utm_source=share"
LEO = "https://www.linkedin.com/feed/update/urn:li:activity:7382234567890123456/"
ANA = "https://www.linkedin.com/posts/ana-ruiz_talk-activity-7383234567890123456-ZZ"


def sheet() -> dict:
    """Three LinkedIn posts (two of them in the sample content export, one already up to date) and the KPI targets."""
    return {
        "Posts": [
            HEADER,
            post("2026-10-06", "Maya Patel", reach="1200", link=MAYA, summary="Case study: Acme"),
            post("2026-10-13", "Leo Martin", link=LEO, summary="We're hiring"),
            post(
                "2026-10-20", "Ana Ruiz", reach="1534", reactions="58", comments="9", shares="2", clicks="11", link=ANA
            ),
        ],
        "KPIs": [
            ["Month", "KPI", "Actual", "Target"],
            ["2026-08", "Company page followers", "5000", "5100"],
            ["2026-09", "Company page followers", "", "5300"],
            ["2026-10", "Company page followers", "", "5400"],
            ["2026-10", "Web traffic from social", "", "2800"],
        ],
    }


def plan(name: str, tabs: dict | None = None):
    data = build_dataset(tabs or sheet())
    return plan_import(name, (SAMPLES / name).read_bytes(), data.kpis, data.posts, TODAY)


# fmt: off
@pytest.mark.parametrize(
    ("link", "key"),
    [
        (MAYA, "linkedin:7381234567890123456"),  # shared link: the activity number in its slug
        (LEO, "linkedin:7381234567890123456".replace("738123", "738223")),  # the export's own form
        ("https://www.linkedin.com/feed/update/urn:li:ugcPost:7390000000000000001", "linkedin:7390000000000000001"),
        ("https://WWW.Example.com/blog/post-1/?utm_source=x#top", "example.com/blog/post-1"),  # case, www, query, slash
        ("https://x.com/maya/status/1", "x.com/maya/status/1"),
        ("", ""),
    ],
)
# fmt: on
def test_links_are_matched_by_the_post_they_point_at(link, key):
    """LinkedIn's export and a shared link name one post the same way; other links by host and path."""
    assert link_key(link) == key


@pytest.mark.parametrize("name", ["linkedin_content.xls", "linkedin_content.xlsx"])
def test_the_content_export_fills_post_numbers_by_link(name):
    """Maya's and Leo's posts get the export's numbers; Ana's already match; the office dog has no post in Rally."""
    result = plan(name)
    assert [(c.post_row, c.numbers) for c in result.posts] == [
        (2, {"reach": 4210.0, "reactions": 96.0, "comments": 14.0, "shares": 7.0, "clicks": 38.0}),
        (3, {"reach": 2890.0, "reactions": 41.0, "comments": 6.0, "shares": 12.0, "clicks": 77.0}),
    ]
    assert result.unchanged == 1 and result.kpis == ()
    [left_out] = result.unmatched
    assert (left_out.where, left_out.what) == ("All posts row 6", "Office dog of the month")
    assert "no post in the Posts tab has this link" in left_out.reason


def test_the_followers_export_adds_new_followers_to_last_months_total():
    """Company page followers is a running total: August's 5,000 plus September's and October's new followers."""
    result = plan("linkedin_followers.xls")
    assert [(c.month, c.kpi, c.actual, c.target) for c in result.kpis] == [
        ("2026-09", "Company page followers", 5160.0, "5300"),
        ("2026-10", "Company page followers", 5336.0, "5400"),
    ]
    assert "5,000 at the end of 2026-08 + 160 new" == result.kpis[0].how


def test_followers_without_last_months_total_are_left_out_with_what_to_type():
    """Without August's count there is nothing to add September's new followers to: said, not guessed."""
    tabs = sheet()
    tabs["KPIs"] = [row for row in tabs["KPIs"] if row[0] != "2026-08"]
    result = plan("linkedin_followers.xls", tabs)
    assert result.kpis == ()
    assert [u.where for u in result.unmatched] == ["New followers 2026-09", "New followers 2026-10"]
    assert "no Company page followers for 2026-08" in result.unmatched[0].reason


def test_the_visitors_and_ga4_exports_fill_their_months():
    """Visitors: October's page views; GA4: October's Organic Social sessions, keeping the typed target."""
    assert [(c.month, c.kpi, c.actual) for c in plan("linkedin_visitors.xls").kpis] == [("2026-10", "Company page views", 2085.0)]
    ga4 = plan("ga4_traffic_acquisition.csv")
    assert [(c.month, c.kpi, c.actual, c.target, c.sheet_row) for c in ga4.kpis] == [
        ("2026-10", "Web traffic from social", 2934.0, "2800", 5)  # superseding KPIs row 5
    ]
    assert ga4.covers == "1 Oct 2026 – 31 Oct 2026" and ga4.unmatched == ()


def test_importing_what_rally_already_has_writes_nothing():
    """Once October's sessions are in the KPIs tab, the same file plans no write."""
    tabs = sheet()
    tabs["KPIs"][-1] = ["2026-10", "Web traffic from social", "2934", "2800"]
    result = plan("ga4_traffic_acquisition.csv", tabs)
    assert (result.writes, result.unchanged) == (0, 1)


def _xlsx_without_known_sheets() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Pivot"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GA4 = (SAMPLES / "ga4_traffic_acquisition.csv").read_text()


# fmt: off
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("linkedin_content.xls", (SAMPLES / "linkedin_content.xls").read_bytes()[:2000], "can't be opened as a spreadsheet"),  # cut short
        ("notes.xlsx", b"PK\x03\x04 not really a zip", "can't be opened as a spreadsheet"),
        ("pivot.xlsx", _xlsx_without_known_sheets(), "not a LinkedIn page export Rally knows"),
        ("empty.csv", b"", "is empty"),
        ("ga4.csv", GA4.replace("Sessions,", "Users,").encode(), "no Sessions column"),
        ("ga4.csv", GA4.replace("20261031", "20261130").encode(), "one month a file"),  # two months summed together
        ("ga4.csv", "\n".join(line for line in GA4.splitlines() if "date:" not in line).encode(), "which dates it covers"),
        ("ga4.csv", b"\xff\xfe\x00binary", "isn't a text CSV file"),
        ("report.pdf", b"%PDF-1.7", "Rally reads LinkedIn's .xls/.xlsx exports"),
    ],
)
# fmt: on
def test_a_file_rally_cannot_use_is_refused_with_what_to_do(name, content, message):
    """A malformed or unknown file raises ImportProblem (nothing is planned, so nothing is written)."""
    data = build_dataset(sheet())
    with pytest.raises(ImportProblem, match=message):
        plan_import(name, content, data.kpis, data.posts, TODAY)


def test_a_partial_month_is_left_out_not_undercounted():
    """A visitors export starting mid-month would undercount the month: that month is listed, the rest written."""
    from openpyxl import Workbook

    book = Workbook()
    sheet_ = book.active
    sheet_.title = "Visitor metrics"
    sheet_.append(["Date", "Total page views (total)"])
    for day in range(14, 31):
        sheet_.append([f"09/{day:02d}/2026", 10])
    for day in range(1, 32):
        sheet_.append([f"10/{day:02d}/2026", 20])
    buffer = io.BytesIO()
    book.save(buffer)
    data = build_dataset(sheet())
    result = plan_import("visitors.xlsx", buffer.getvalue(), data.kpis, data.posts, TODAY)
    assert [(c.month, c.actual) for c in result.kpis] == [("2026-10", 620.0)]
    assert [u.where for u in result.unmatched] == ["Visitor metrics 2026-09"]
    assert "starts on 14 Sep 2026" in result.unmatched[0].reason


def test_imports_land_in_the_sheet_once_and_count_on_the_next_read(sheets_emulator, tmp_path):
    """Content, followers and GA4 through the import command and the real outbox to a Sheet in the emulator."""
    from data_sources import commands
    from data_sources.server import Server
    from tests.sources import emulator_config

    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs=sheet())
    rally = Server(emulator_config(sheets_emulator, tmp_path))
    facilitator = commands.Caller("session", facilitator=True)
    try:
        for name in ("linkedin_content.xls", "linkedin_followers.xls", "ga4_traffic_acquisition.csv"):
            data = rally.current(refresh=True)
            planned = plan_import(name, (SAMPLES / name).read_bytes(), data.dataset.kpis, data.dataset.posts, TODAY)
            with pytest.raises(commands.Refused, match="facilitator role"):
                commands.import_numbers(rally, commands.Caller("staff"), data, planned, TODAY)
            commands.import_numbers(rally, facilitator, data, planned, TODAY)
            commands.import_numbers(rally, facilitator, data, planned, TODAY)  # Write pressed twice: each row once
            while rally.outbox().pending():
                rally.outbox().flush()
        tabs = rally.source.fetch().tabs
    finally:
        rally.close()
    assert len(tabs["Post numbers"]) == 1 + 2
    assert tabs["KPIs"][0] == ["Month", "KPI", "Actual", "Target", "ID"]  # the ID column added once, after the last header cell
    assert [row[:4] for row in tabs["KPIs"][5:]] == [
        ["2026-09", "Company page followers", "5160", "5300"],
        ["2026-10", "Company page followers", "5336", "5400"],
        ["2026-10", "Web traffic from social", "2934", "2800"],
    ]
    data = build_dataset(tabs)
    kpis = {(k.month, k.kpi): (k.actual, k.target) for k in data.kpis.itertuples()}
    assert kpis[("2026-10", "Company page followers")] == (5336.0, 5400.0)
    assert kpis[("2026-10", "Web traffic from social")] == (2934.0, 2800.0)
    numbers = data.posts.set_index("row")[["reach", "reactions", "comments", "shares", "clicks", "engagements"]]
    assert numbers.loc[2].tolist() == [4210.0, 96.0, 14.0, 7.0, 38.0, 155.0]  # Maya's typed 1,200 replaced
    assert numbers.loc[3].tolist() == [2890.0, 41.0, 6.0, 12.0, 77.0, 136.0]
    assert numbers.loc[4].tolist() == [1534.0, 58.0, 9.0, 2.0, 11.0, 80.0]  # Ana's untouched
    content = plan_import("linkedin_content.xls", (SAMPLES / "linkedin_content.xls").read_bytes(), data.kpis, data.posts, TODAY)
    assert content.writes == 0  # the same file again: nothing left to write
