"""The app on a Google Sheet (the emulator): counted reads, the stale-data banner, and messages a person can act on."""

from __future__ import annotations

from datetime import date

import pytest

from rally.demo.company import demo_tabs
from tests.apptest import app, clear_caches, texts
from tests.sources import SHEET_KEY


@pytest.fixture
def sheet_app_env(sheets_emulator, tmp_path, monkeypatch):
    """Secrets pointing at a demo-company Sheet in the emulator; reads are not retried, so nothing sleeps."""
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs=demo_tabs(date.today()))
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", sheets_emulator.host)
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path))
    clear_caches()
    yield {
        "connections": {
            "gsheets": {
                "spreadsheet": f"https://docs.google.com/spreadsheets/d/{SHEET_KEY}/edit",
                "client_email": "rally@acme-advocacy.iam.gserviceaccount.com",
            }
        },
        "rally": {"sheet_read_attempts": 1},
    }
    clear_caches()


def test_many_sessions_within_the_interval_cost_one_batch_get(sheets_emulator, sheet_app_env):
    """Ten sessions opening every page read the Sheet once (plus one metadata read when the app starts)."""
    for _ in range(10):
        for page in ("views/this_week.py", "views/data_health.py", "views/connect.py"):
            at = app(page, secrets=sheet_app_env)
            assert not at.exception
    assert sheets_emulator.count("batch_get") == 1
    assert sheets_emulator.count("metadata") == 1


def test_when_the_sheet_fails_the_last_good_data_stays_with_a_banner(sheets_emulator, sheet_app_env):
    """A 503 after a good read keeps the figures on screen with 'data as of HH:MM — unreachable: reason'."""
    at = app(secrets=sheet_app_env)
    posts_before = [m.value for m in at.metric if m.label == "Posts"]
    sheets_emulator.fault_rate(1.0, status=503, kind="batch_get")
    at.sidebar.button[0].click().run()
    assert not at.exception
    [banner] = [w.value for w in at.warning]
    assert banner.startswith("Data as of ") and "Google Sheets unreachable" in banner and "503" in banner
    assert [m.value for m in at.metric if m.label == "Posts"] == posts_before


def test_an_unshared_sheet_shows_who_to_share_it_with(sheets_emulator, sheet_app_env):
    """With no good data to fall back on, the page says what to do instead of a traceback."""
    sheets_emulator.set_forbidden(SHEET_KEY, True)
    at = app(secrets=sheet_app_env)
    assert not at.exception
    assert "Share it with rally@acme-advocacy.iam.gserviceaccount.com" in texts(at)


def test_placeholder_secrets_get_a_fill_in_your_secrets_page(demo_app_env):
    """A secrets file copied from the example but not filled in explains itself."""
    secrets = {
        "connections": {
            "gsheets": {
                "spreadsheet": "https://docs.google.com/spreadsheets/d/your-sheet-key/edit",
                "private_key": "-----BEGIN PRIVATE KEY-----\\nyour-key\\n-----END PRIVATE KEY-----\\n",
            }
        }
    }
    at = app(secrets=secrets)
    assert not at.exception
    assert "Fill in your secrets" in texts(at)
    assert "BEGIN PRIVATE KEY" not in texts(at)
