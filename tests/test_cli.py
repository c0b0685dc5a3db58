"""`python cli.py` as a person runs it: a real process, the same configuration files as the app."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from rally.demo.company import demo_tabs
from tests.sources import SHEET_KEY

ROOT = Path(__file__).resolve().parent.parent


def rally(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("SHEETS_EMULATOR_HOST", "RALLY_DATA_DIR")}
    environment.update({"PYTHONPATH": str(ROOT), "RALLY_DATA_DIR": str(cwd / ".rally"), **(env or {})})
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def write_secrets(folder: Path, text: str) -> None:
    (folder / ".streamlit").mkdir(exist_ok=True)
    (folder / ".streamlit" / "secrets.toml").write_text(text)


SHEET_SECRETS = f'[connections.gsheets]\nspreadsheet = "{SHEET_KEY}"\nclient_email = "rally@acme.iam.gserviceaccount.com"\n[rally]\nsheet_read_attempts = 1\n'


def test_check_on_the_demo_prints_counts_and_issues_as_json(tmp_path):
    """With no secrets, check reads the demo and reports per-tab counts and the demo's deliberate issues."""
    result = rally("check", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["source"] == "demo"
    assert set(report) == {"source", "fetched_at", "tabs", "issues"}
    assert report["tabs"]["Posts"]["rows"] > report["tabs"]["Posts"]["valid"] > 500
    assert report["issues"] and set(report["issues"][0]) == {"tab", "row", "column", "value", "problem"}


def test_check_text_lists_every_issue_with_its_row(tmp_path):
    """The text report names each issue's tab and row."""
    result = rally("check", cwd=tmp_path)
    assert result.returncode == 0
    assert "Source: demo" in result.stdout
    assert "Posts row " in result.stdout


def test_check_reads_a_google_sheet_through_the_emulator(sheets_emulator, tmp_path):
    """Configured like the app, check reads the Sheet in one metadata and one batch read."""
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs=demo_tabs(date.today()))
    write_secrets(tmp_path, SHEET_SECRETS)
    result = rally("check", "--format", "json", cwd=tmp_path, env={"SHEETS_EMULATOR_HOST": sheets_emulator.host})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["source"] == "google-sheet"
    assert (sheets_emulator.count("metadata"), sheets_emulator.count("batch_get")) == (1, 1)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("forbidden", "Share it with rally@acme.iam.gserviceaccount.com"),
        ("missing", f"No Google Sheet has the key or title '{SHEET_KEY}'"),  # a bare word: looked up as a title too
        ("unreachable", "Google Sheets unreachable"),
    ],
)
def test_check_exits_2_with_one_line_when_the_sheet_cannot_be_read(sheets_emulator, tmp_path, setup, message):
    """A sheet that can't be read is exit 2 and one line that says what is wrong — no traceback."""
    if setup != "missing":
        sheets_emulator.add_spreadsheet(SHEET_KEY, tabs={"Posts": [["Date", "Name", "Platform"]]})
    if setup == "forbidden":
        sheets_emulator.set_forbidden(SHEET_KEY, True)
    if setup == "unreachable":
        sheets_emulator.fault_rate(1.0, status=503)
    write_secrets(tmp_path, SHEET_SECRETS)
    result = rally("check", cwd=tmp_path, env={"SHEETS_EMULATOR_HOST": sheets_emulator.host})
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_placeholder_secrets_exit_2_and_never_print_the_key(tmp_path):
    """The example file copied unchanged is refused with what to fill in."""
    write_secrets(tmp_path, (ROOT / ".streamlit" / "secrets.toml.example").read_text())
    result = rally("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "Fill in your secrets" in result.stderr and "PRIVATE KEY" not in result.stderr


def test_init_sheet_adds_the_missing_tabs_and_keeps_the_data(sheets_emulator, tmp_path):
    """init-sheet creates Staff, KPIs, Notes, Settings and the tabs Rally writes next to an existing Posts tab."""
    posts = [["Date", "Name", "Platform"], ["2026-11-16", "Maya", "LinkedIn"]]
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs={"Posts": posts})
    write_secrets(tmp_path, SHEET_SECRETS)
    result = rally("init-sheet", cwd=tmp_path, env={"SHEETS_EMULATOR_HOST": sheets_emulator.host})
    assert result.returncode == 0, result.stderr
    assert {"Staff", "KPIs", "Notes", "Settings", "Survey", "Survey Rounds", "Moderation", "Ideas"} <= set(
        sheets_emulator.tab_titles(SHEET_KEY)
    )
    assert sheets_emulator.values(SHEET_KEY, "Posts") == posts
    again = rally("init-sheet", cwd=tmp_path, env={"SHEETS_EMULATOR_HOST": sheets_emulator.host})
    assert "nothing changed" in again.stdout


def test_reset_demo_reseeds_and_refuses_on_a_google_sheet(tmp_path):
    """reset-demo works on the demo store and will not run against a real Sheet."""
    assert rally("reset-demo", cwd=tmp_path).returncode == 0
    write_secrets(tmp_path, SHEET_SECRETS)
    refused = rally("reset-demo", cwd=tmp_path, env={"SHEETS_EMULATOR_HOST": "127.0.0.1:9"})
    assert refused.returncode == 2 and "nothing was changed" in refused.stderr
