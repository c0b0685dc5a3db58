"""Pytest fixtures that give a test its own running Sheets emulator.

Registered for the whole suite by `pytest_plugins` in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import gspread
import pytest

from data_sources.gspread_clients import client_for_emulator
from tests.emulator.sheets_emulator import SheetsEmulator


@pytest.fixture
def sheets_emulator() -> Iterator[SheetsEmulator]:
    """A fresh, empty emulator on a free 127.0.0.1 port, stopped when the test ends."""
    with SheetsEmulator() as emulator:
        yield emulator


@pytest.fixture
def sheets_client(sheets_emulator: SheetsEmulator) -> gspread.Client:
    """A real gspread client that can reach only this test's emulator."""
    return client_for_emulator(sheets_emulator.host, timeout=5)
