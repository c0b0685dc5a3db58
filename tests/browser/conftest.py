"""A real Rally server and real Chromium for the tests only a browser can do.

One fixture starts `streamlit run app.py` on a free port (against a private demo
store, or a Sheet in the emulator), waits for /_stcore/health, and stops it by
process group. Playwright drives Debian's Chromium through `executable_path`.
The server helpers live in tests/browser/server.py (the memory benchmark uses them too).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from rally.demo.company import demo_tabs
from tests.browser.server import (  # noqa: F401 - re-exported for test modules
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    RallyServer,
    free_port,
    guide_screenshot,
    open_page,
    page_url,
    screenshot,
    sheet_cwd,
    start_server,
    stop_server,
    wait_until_drawn,
)
from tests.emulator.sheets_emulator import SheetsEmulator

BROWSER_SHEET_KEY = "rally-browser-sheet"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch arguments, pointed at Debian's Chromium."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Pages open at the meeting room's projector size (screenshots show what the room sees)."""
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="module")
def rally_server(tmp_path_factory) -> Iterator[RallyServer]:
    """Rally on the embedded demo, in a private data folder, for this test module."""
    server = start_server(tmp_path_factory.mktemp("rally-server"))
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def browser_sheet() -> Iterator[SheetsEmulator]:
    """An emulator holding the demo company as a Google Sheet, for this test module."""
    with SheetsEmulator() as emulator:
        emulator.add_spreadsheet(BROWSER_SHEET_KEY, tabs=demo_tabs(date.today()))
        yield emulator


@pytest.fixture(scope="module")
def rally_sheet_server(tmp_path_factory, browser_sheet) -> Iterator[RallyServer]:
    """Rally reading `browser_sheet` through the Google Sheet source, as in production, for this test module."""
    folder = tmp_path_factory.mktemp("rally-sheet-server")
    cwd = sheet_cwd(folder / "cwd", BROWSER_SHEET_KEY)
    server = start_server(folder / "data", env={"SHEETS_EMULATOR_HOST": browser_sheet.host}, cwd=cwd)
    yield server
    stop_server(server)


def settle(page, timeout: float = 30_000) -> None:
    """Wait until lazily loaded widgets, tables and charts have drawn (the same wait screenshots use)."""
    wait_until_drawn(page, timeout)
