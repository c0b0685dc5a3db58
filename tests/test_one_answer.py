"""One answer to each question: every page shows the figures `python cli.py digest` and `report` print, on the
demo and on a messy Sheet in the emulator (the same week, the same month, the same numbers)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from rally.core.text import format_figure, md_text
from rally.demo.company import demo_tabs
from rally.monthly.programme import format_share
from rally.weekly.glance import meeting_week
from tests.apptest import app, clear_caches
from tests.sources import SHEET_KEY

ROOT = Path(__file__).resolve().parent.parent
SHEET_SECRETS = {
    "connections": {"gsheets": {"spreadsheet": SHEET_KEY, "client_email": "rally@acme.iam.gserviceaccount.com"}},
    "rally": {"sheet_read_attempts": 1},
}
SECRETS_TOML = f'[connections.gsheets]\nspreadsheet = "{SHEET_KEY}"\nclient_email = "rally@acme.iam.gserviceaccount.com"\n[rally]\nsheet_read_attempts = 1\n'


def messy_tabs(today: date) -> dict[str, list[list[str]]]:
    """The demo company as a real Sheet holds it after a few months of people typing: slips a reader must survive."""
    tabs = demo_tabs(today)
    header, *rows = tabs["Posts"]
    at = {name: header.index(name) for name in header}
    week_day = (meeting_week(today).start + timedelta(days=2)).isoformat()

    def row(**cells: str) -> list[str]:
        line = [""] * len(header)
        for name, value in cells.items():
            line[at[name]] = value
        return line

    slips = [
        row(Date="3026-11-16", Name="Maya Patel", Platform="LinkedIn", Reach="900"),  # a year's typo: reported
        row(Date="9999-12-31", Name="Leo Martin", Platform="X"),  # pandas can't hold it: reported, never raised
        row(Date=week_day, Name="  maya   PATEL ", Platform="linkedin", Reach="1.2k", Link="https://x.com/m/1.2k"),
        row(Date=week_day, Name="Leo Martin", Platform="Blog post", Reach="n/a", Link="https://example.com/blog/na"),
        row(Date="", Name="Ghost", Platform="X"),  # no date: left out and reported
    ]
    return {**tabs, "Posts": [header, *rows, *slips]}


def run_cli(*args: str, cwd: Path, env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(params=["demo", "messy Sheet"])
def source(request, tmp_path, monkeypatch) -> Iterator[dict]:
    """The same source for the pages (AppTest, this process) and the command line (a real process)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SHEETS_EMULATOR_HOST", "RALLY_DATA_DIR")}
    env.update({"PYTHONPATH": str(ROOT), "RALLY_DATA_DIR": str(tmp_path / "data")})
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path / "data"))
    secrets: dict = {}
    if request.param == "messy Sheet":
        emulator = request.getfixturevalue("sheets_emulator")
        emulator.add_spreadsheet(SHEET_KEY, tabs=messy_tabs(date.today()))
        monkeypatch.setenv("SHEETS_EMULATOR_HOST", emulator.host)
        env["SHEETS_EMULATOR_HOST"] = emulator.host
        (tmp_path / ".streamlit").mkdir()
        (tmp_path / ".streamlit" / "secrets.toml").write_text(SECRETS_TOML)
        secrets = SHEET_SECRETS
    else:
        monkeypatch.delenv("SHEETS_EMULATOR_HOST", raising=False)
    clear_caches()
    yield {"cwd": tmp_path, "env": env, "secrets": secrets}
    clear_caches()


def metrics(at) -> dict[str, str]:
    return {m.label.replace("\\", ""): m.value for m in at.metric}


def test_the_week_s_figures_agree_on_every_meeting_page_and_in_the_digest(source):
    """This week, the meeting's first slide and the leaderboard open on the digest's week and show its figures."""
    digest = run_cli("digest", "--format", "json", cwd=source["cwd"], env=source["env"])
    totals = digest["totals"]
    expected = {
        "Posts": f"{totals['posts']:,}",
        "People posting": f"{totals['people']:,}",
        "Reach": f"{totals['reach']:,.0f}",
        "Engagements": f"{totals['engagements']:,.0f}",
    }
    home = app("views/this_week.py", secrets=source["secrets"])
    assert not home.exception and home.query_params["week"] == digest["week"]
    assert {k: v for k, v in metrics(home).items() if k in expected} == expected
    # This week works its Highlights out without the rest of the meeting: the same ones, in the same order.
    listed = next(m.value for m in home.markdown if m.value.startswith("- "))
    assert [line.split(" [open ↗]")[0] for line in listed.splitlines()] == [
        "- " + md_text(h["text"]) for h in digest["highlights"]
    ]
    assert digest["highlights"], "the week has highlights to compare"

    slide = app("views/meeting.py", secrets=source["secrets"])
    assert not slide.exception and slide.title[0].value.startswith(digest["week"])
    assert {k: v for k, v in metrics(slide).items() if k in expected} == expected

    board = app("views/leaderboard.py", secrets=source["secrets"])
    people = board.dataframe[0].value
    top = [(row["rank"], row["name"], row["points"]) for row in digest["leaderboard"][:5]]
    assert list(zip(people["Rank"], people["Name"], people["Points"]))[:5] == top


def test_the_month_s_figures_agree_on_the_kpi_pages_the_kpi_slide_and_in_the_report(source):
    """The KPI page, the directors' view and the meeting's KPI slide open on the report's month with its figures."""
    report = run_cli("report", "--format", "json", cwd=source["cwd"], env=source["env"])
    month = report["month"]
    kpis = {k["kpi"]: format_figure(k["actual"]) for k in report["kpis"]}

    page = app("views/kpis.py", secrets=source["secrets"])
    assert not page.exception and page.query_params["month"] == month
    assert {k: v for k, v in metrics(page).items() if k in kpis} == {k: kpis[k] for k in metrics(page) if k in kpis}
    assert {"Number of posts", "Reach of posts"} <= set(metrics(page))

    directors = app("views/directors.py", secrets=source["secrets"])
    shown = metrics(directors)
    assert shown["Participation"] == format_share(report["participation"])
    assert all(shown[k] == v for k, v in kpis.items() if k in shown)

    slide = app("views/meeting.py", secrets=source["secrets"], query={"slide": "5"})
    on_slide = metrics(slide)
    assert f"{date.fromisoformat(month + '-01'):%B %Y}" in slide.caption[0].value
    # Posts and reach are counted on the slide as on the KPI page: never the KPIs tab's blank Actual ("—", "+nan").
    for kpi in ("Number of posts", "Reach of posts"):
        assert on_slide[kpi] == f"{report_actual(report, kpi):,.0f}"
    assert not any("nan" in m.delta for m in slide.metric if m.delta)


def report_actual(report: dict, kpi: str) -> float:
    return next(k["actual"] for k in report["kpis"] if k["kpi"] == kpi)
