"""Building real data sources for tests: the local store in a temp folder, the Google source on the emulator."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from data_sources.config import RallyConfig
from data_sources.google_sheet import GoogleSheetSource
from data_sources.local_store import LocalStore
from data_sources.retry import RetryPolicy
from rally.demo.company import demo_tabs
from tests.emulator.sheets_emulator import DEFAULT_LOCALE, SheetsEmulator

SHEET_KEY = "rally-test-sheet"
# Retries happen, but a test never waits for real.
NO_WAIT = RetryPolicy(attempts=3, base_seconds=0.0, cap_seconds=0.0)


def emulator_config(emulator: SheetsEmulator, data_dir: Path, key: str = SHEET_KEY) -> RallyConfig:
    return RallyConfig(
        gsheets={
            "spreadsheet": f"https://docs.google.com/spreadsheets/d/{key}/edit",
            "client_email": "rally@demo-project.iam.gserviceaccount.com",
        },
        data_dir=data_dir,
        emulator_host=emulator.host,
    )


def google_source(
    emulator: SheetsEmulator,
    data_dir: Path,
    tabs: dict | None = None,
    locale: str = DEFAULT_LOCALE,
    retry: RetryPolicy = NO_WAIT,
) -> GoogleSheetSource:
    """A Google Sheet source reading a spreadsheet seeded with `tabs` (the demo company by default).

    The Sheet is en_US, as Google makes it; a test whose cells are typed day-first says locale="en_GB".
    """
    emulator.add_spreadsheet(SHEET_KEY, tabs=demo_tabs(date.today()) if tabs is None else tabs, locale=locale)
    return GoogleSheetSource(emulator_config(emulator, data_dir), retry=retry, sleep=lambda seconds: None)


def demo_store(folder: Path, today: date | None = None) -> LocalStore:
    return LocalStore(folder / "demo.sqlite", seed=demo_tabs, today=(lambda: today) if today else date.today)
