"""The one place that decides which data source Rally reads."""

from __future__ import annotations

from datetime import date

from data_sources.base import DataSource, Tabs
from data_sources.config import RallyConfig
from data_sources.local_store import LocalStore
from data_sources.retry import RetryPolicy

DEMO_STORE_FILE = "demo.sqlite"


def open_source(config: RallyConfig) -> DataSource:
    """The Google Sheet when [connections.gsheets] is configured, otherwise the embedded demo."""
    if config.uses_google_sheet:
        # Imported here: gspread, requests and Google's auth take a noticeable part of a cold start, and the demo needs none.
        from data_sources.google_sheet import GoogleSheetSource

        attempts = int(config.rally.get("sheet_read_attempts", RetryPolicy.attempts))
        return GoogleSheetSource(config, retry=RetryPolicy(attempts=max(1, attempts)))
    return LocalStore(config.data_dir / DEMO_STORE_FILE, seed=demo_seed)


def demo_seed(today: date) -> Tabs:
    """The demo company's Sheet, with last month's survey round and a few ideas."""
    from rally.demo.company import demo_tabs
    from rally.demo.survey import survey_demo_tabs

    return {**demo_tabs(today), **survey_demo_tabs(today)}
