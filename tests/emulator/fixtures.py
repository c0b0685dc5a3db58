"""Pytest fixtures that give a test its own running Sheets emulator, and the helpers that fill it like a real Sheet.

Registered for the whole suite by `pytest_plugins` in tests/conftest.py.

- `sheets_emulator`, `sheets_client`: an empty emulator and a gspread client for it (anonymous, as Rally's
  emulator path is).
- `service_account(emulator)`: a service-account key (a throwaway RSA key made for the test run) whose
  `token_uri` is the emulator's own OAuth token endpoint, so the real sign-in step runs, offline.
- `typed_copy` / `serve_typed`: a fixture Sheet written as text, retyped the way a person with another
  locale would type the same values, then written USER_ENTERED — the emulator stores dates as serials,
  numbers as numbers, checkboxes as booleans, exactly what a real Sheet answers Rally.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any

import gspread
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from data_sources.gspread_clients import client_for_emulator
from tests.emulator import cells
from tests.emulator.sheets_emulator import SheetsEmulator

SERVICE_ACCOUNT_EMAIL = "rally@acme-advocacy.iam.gserviceaccount.com"
SERVICE_ACCOUNT_KEY_ID = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def sheets_emulator() -> Iterator[SheetsEmulator]:
    """A fresh, empty emulator on a free 127.0.0.1 port, stopped when the test ends."""
    with SheetsEmulator() as emulator:
        yield emulator


@pytest.fixture
def sheets_client(sheets_emulator: SheetsEmulator) -> gspread.Client:
    """A real gspread client that can reach only this test's emulator."""
    return client_for_emulator(sheets_emulator.host, timeout=5)


@functools.cache
def throwaway_key() -> str:
    """An RSA private key (PEM) made once per test run: real enough for google-auth to sign with, worthless anywhere."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def service_account(emulator: SheetsEmulator | None = None, token_uri: str | None = None) -> dict[str, str]:
    """A service account's JSON key as Google Cloud hands it out, signing in at the emulator's token endpoint."""
    if token_uri is None:
        if emulator is None:
            raise ValueError("service_account needs the emulator whose token endpoint it signs in at, or a token_uri")
        token_uri = emulator.token_uri
    return {
        "type": "service_account",
        "project_id": "acme-advocacy",
        "private_key_id": SERVICE_ACCOUNT_KEY_ID,
        "private_key": throwaway_key(),
        "client_email": SERVICE_ACCOUNT_EMAIL,
        "client_id": "1234567890",
        "token_uri": token_uri,
    }


# ---------------------------------------------------------------- a fixture Sheet as a person would have typed it


def typed_copy(
    tabs: Mapping[str, list[list[Any]]], *, written_in: str, locale: str, text_dates_every: int = 7
) -> dict[str, list[list[str]]]:
    """`tabs` (text, as typed under `written_in`) retyped by a person whose Sheet is in `locale`.

    Each cell keeps its meaning: what Google would make of it under `written_in` (a date, a number, a
    boolean or text) is typed the way `locale` writes it (16.11.2026, 0,5, WAHR). On every
    `text_dates_every`-th row a date is typed as text in the locale's format instead, like a column
    formatted as plain text, so readers also meet locale-formatted date strings. Shorthand Sheets keep as
    text (1.2k) takes the locale's decimal mark too. Text the new locale would read as something else gets
    the quote prefix, as a careful person would type it.
    """
    retyped: dict[str, list[list[str]]] = {}
    for title, rows in tabs.items():
        retyped[title] = []
        for index, row in enumerate(rows):
            as_text_dates = text_dates_every > 0 and index % text_dates_every == text_dates_every - 1
            retyped[title].append([_retyped(cell, written_in, locale, as_text_dates) for cell in row])
    return retyped


# Shorthand like 1.2k stays text in a Sheet, but a person writes its decimal mark their locale's way (1,2k in German).
_SHORTHAND = re.compile(r"^(?P<sign>[+-]?)(?P<number>\d+(?:[.,]\d+)?)(?P<suffix>\s*[kmb])$", re.IGNORECASE)


def _retyped(cell: Any, written_in: str, locale: str, as_text_dates: bool) -> str:
    # The fixture holds what a cell contains: a leading ' or = is part of its text, not a prefix or a formula.
    literal = isinstance(cell, str) and cell.startswith(("'", "="))
    value = cell if literal else cells.user_entered(cell, written_in)
    if isinstance(value, str) and (shorthand := _SHORTHAND.match(value)):
        number = cells.parse_number(shorthand["number"], cells.locale(written_in))
        if isinstance(number, int | float):
            value = shorthand["sign"] + cells.locale(locale).number(number) + shorthand["suffix"]
    typed = cells.typed_as(value, locale)
    if as_text_dates and isinstance(value, cells.Typed) and value.kind in ("date", "datetime"):
        return "'" + typed
    return typed


def serve_typed(
    emulator: SheetsEmulator,
    key: str,
    tabs: Mapping[str, list[list[Any]]],
    *,
    written_in: str,
    locale: str,
    time_zone: str = "Etc/GMT",
) -> None:
    """Serve `tabs` as a Sheet in `locale` whose people typed the same values.

    The retyped cells go in through the emulator's API as one values:batchUpdate with USER_ENTERED, the
    way a client (or a person at the keyboard) enters them; the request log is emptied afterwards.
    """
    retyped = typed_copy(tabs, written_in=written_in, locale=locale)
    emulator.add_spreadsheet(key, tabs={title: [] for title in retyped}, locale=locale, time_zone=time_zone)
    data = [{"range": f"{a1_tab(title)}!A1", "values": rows} for title, rows in retyped.items() if rows]
    client = client_for_emulator(emulator.host, timeout=30)
    client.http_client.values_batch_update(key, {"valueInputOption": "USER_ENTERED", "data": data})
    emulator.reset_log()


def a1_tab(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"
