"""The real app under AppTest, reading a Sheet in the emulator: what measurements 1 and 3 run pages with."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from streamlit.testing.v1 import AppTest

from data_sources import server
from tests.apptest import PAGES, ROOT, clear_caches
from tests.emulator.sheets_emulator import SheetsEmulator
from ui.access import SESSION_KEY as FACILITATOR_KEY

__all__ = ["PAGES", "open_session", "sheet_app"]


def sheet_secrets(key: str) -> dict:
    return {
        "connections": {
            "gsheets": {
                "spreadsheet": f"https://docs.google.com/spreadsheets/d/{key}/edit",
                "client_email": "rally@bench.iam.gserviceaccount.com",
            }
        },
        # A failed read falls back at once instead of sleeping between tries; a passcode so the
        # facilitator's pages (Data health rows, training, encouragement) are measured with their content.
        "rally": {"sheet_read_attempts": 1, "facilitator_passcode": "bench-facilitator"},
    }


@contextmanager
def sheet_app(emulator: SheetsEmulator, key: str, data_dir: Path) -> Iterator[dict]:
    """A fresh 'server' (empty process-wide caches) reading spreadsheet `key`; yields the secrets each session sets."""
    saved = {name: os.environ.get(name) for name in ("SHEETS_EMULATOR_HOST", "RALLY_DATA_DIR")}
    os.environ["SHEETS_EMULATOR_HOST"] = emulator.host
    os.environ["RALLY_DATA_DIR"] = str(data_dir)
    clear_caches()
    try:
        yield sheet_secrets(key)
    finally:
        clear_caches()
        server.set_clock()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def open_session(page: str, secrets: dict, timeout: float = 120) -> AppTest:
    """A new viewer's session with `page` open (one run), signed in as facilitator so every page draws all it has."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in secrets.items():
        at.secrets[key] = value
    at.session_state[FACILITATOR_KEY] = True
    return at.switch_page(page).run()


def failures(at: AppTest) -> list[str]:
    """Exceptions and error boxes on the page: a measurement of a broken page would mean nothing."""
    return [str(e.value) for e in at.exception] + [str(e.value) for e in at.error]
