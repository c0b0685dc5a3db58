"""Fixture Sheets served as real Sheets serve them, and `python cli.py check|digest|report` giving the same figures.

A fixture Sheet is text (the demo company in ISO dates, the messy Sheet typed day-first). A real Sheet holds what
a person typed, as Google stored it: dates as serial numbers, date-times as fractions, numbers as numbers,
checkboxes as booleans, and, where a column is formatted as plain text, dates as the locale writes them. Here each
fixture is retyped by a person whose Sheet is en_US or de_DE (tests/emulator/fixtures.py: typed_copy) and written
USER_ENTERED into the emulator; Rally's command line, run as a person runs it, must read the same figures from it
as from the text version, and every page must show the same.
"""

from __future__ import annotations

import collections
import functools
import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from rally.demo.company import demo_tabs
from tests.apptest import PAGES, app, clear_caches, texts
from tests.emulator.fixtures import serve_typed
from tests.emulator.sheets_emulator import SheetsEmulator
from tests.sources import SHEET_KEY
from tests.test_dataset import MESSY

ROOT = Path(__file__).resolve().parent.parent
SECRETS = f'[connections.gsheets]\nspreadsheet = "{SHEET_KEY}"\nclient_email = "rally@acme.iam.gserviceaccount.com"\n[rally]\nsheet_read_attempts = 1\n'
VOLATILE = {"fetched_at", "data_as_of"}  # when the read happened, not what it found


def as_a_real_sheet(tabs: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
    """The demo company as people keep it: a checkbox column, some posts logged with the time (as a Google Form
    does), a KPI that is a fraction, and no "date order" setting — the Sheet's locale says how its dates are written."""
    tabs = {title: [list(row) for row in rows] for title, rows in tabs.items()}
    tabs["Settings"] = [row for row in tabs["Settings"] if row[:1] != ["date order"]]
    months = sorted({row[0] for row in tabs["KPIs"][1:]})[-3:]
    tabs["KPIs"] += [[month, "Engagement rate", f"0.0{41 + i}", "0.045"] for i, month in enumerate(months)]
    posts = tabs["Posts"]
    width = len(posts[0])
    posts[0].append("Boosted")
    for index, row in enumerate(posts[1:], start=1):
        row += [""] * (width - len(row)) + ["TRUE" if index % 9 == 0 else "FALSE"]
        if index % 5 == 0:
            row[0] += " 10:30:00"
    return tabs


def with_a_veteran(tabs: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
    """The messy Sheet with one more person on the Staff tab (first, where the date is typed as a date), who joined in 1998."""
    header, *people = tabs["Staff"]
    return {**tabs, "Staff": [header, ["Ben Hughes", "Ops", "Operations Director", "show", "", "1998-05-01"], *people]}


IN_NOVEMBER = {"check": [], "digest": ["--week", "2026-W47"], "report": ["--month", "2026-11"]}
# Each fixture Sheet: how to make it, the locale it was typed in, and the commands to run (with the week and month).
SHEETS = {
    "demo": (lambda: as_a_real_sheet(demo_tabs(date.today())), "en_US", {"check": [], "digest": [], "report": []}),
    "messy": (lambda: MESSY, "en_GB", IN_NOVEMBER),  # typed day-first in en_GB, retyped month-first for en_US
    # A Joined date of 1998 arrives as the serial 35916 (a Staff date shows up in check alone).
    "veteran": (lambda: with_a_veteran(MESSY), "en_GB", {"check": []}),
}


def without_volatile(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_volatile(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [without_volatile(v) for v in value]
    return value


@functools.cache
def printed(sheet: str, locale: str | None, command: str) -> Any:
    """What `command` prints as JSON for `sheet`: its text version (locale None) or typed under `locale`.

    One command per call (each its own Sheet and process), so a test never waits on more than two.
    """
    make, written_in, commands = SHEETS[sheet]
    with SheetsEmulator() as emulator, tempfile.TemporaryDirectory() as folder:
        if locale is None:
            emulator.add_spreadsheet(SHEET_KEY, tabs=make(), locale=written_in)
        else:
            serve_typed(emulator, SHEET_KEY, make(), written_in=written_in, locale=locale)
        (Path(folder) / ".streamlit").mkdir()
        (Path(folder) / ".streamlit" / "secrets.toml").write_text(SECRETS)
        environment = {k: v for k, v in os.environ.items() if k not in ("SHEETS_EMULATOR_HOST", "RALLY_DATA_DIR")}
        environment.update(PYTHONPATH=str(ROOT), RALLY_DATA_DIR=f"{folder}/.rally", SHEETS_EMULATOR_HOST=emulator.host)
        result = subprocess.run(
            [sys.executable, str(ROOT / "cli.py"), command, "--format", "json", *commands[command]],
            cwd=folder,
            env=environment,
            capture_output=True,
            text=True,
            timeout=100,
        )
    assert result.returncode == 0, f"{command} on {sheet} ({locale or 'text'}): {result.stderr}"
    return without_volatile(json.loads(result.stdout))


# Each fixture Sheet, typed in each locale, through each of its commands (SHEETS says what each adds).
CASES = [
    pytest.param(sheet, locale, command, id=f"{sheet}-{locale}-{command}")
    for sheet, (_, _, commands) in SHEETS.items()
    for locale in ("en_US", "de_DE")
    for command in commands
]


@pytest.mark.parametrize(("sheet", "locale", "command"), CASES)
def test_a_typed_sheet_gives_the_same_figures_as_its_text(sheet, locale, command):
    """The command prints the same JSON (apart from when the data was read) for the typed Sheet and the text one."""
    text, typed = printed(sheet, None, command), printed(sheet, locale, command)
    assert typed == text


@pytest.mark.parametrize("locale", ["en_US", "de_DE"])
def test_the_typed_demo_holds_what_a_real_sheet_holds(sheets_emulator, locale):
    """Serials, date-times, numbers, booleans and locale-formatted dates: what Rally's read meets, not ISO text."""
    make, written_in, _ = SHEETS["demo"]
    serve_typed(sheets_emulator, SHEET_KEY, make(), written_in=written_in, locale=locale)
    posts = sheets_emulator.rendered(SHEET_KEY, "Posts", "UNFORMATTED_VALUE")
    kinds = collections.Counter(type(cell).__name__ for row in posts[1:] for cell in row)
    assert {"int", "float", "bool", "str"} <= set(kinds)
    dates = [row[0] for row in posts[1:]]
    assert all(isinstance(d, int | float) or isinstance(d, str) for d in dates)
    text_dates = [d for d in dates if isinstance(d, str) and d]  # (the demo has a post without a date, on purpose)
    assert text_dates and all(("/" if locale == "en_US" else ".") in d for d in text_dates)
    assert any(isinstance(d, float) and not d.is_integer() for d in dates)  # 10:30 on the day


TYPED_KEYS = {"en_US": "rally-typed-en-us", "de_DE": "rally-typed-de-de"}


@pytest.fixture(scope="module")
def text_and_typed(tmp_path_factory):
    """One emulator serving the demo as a real Sheet three times: as text, and as typed by a person in en_US and in de_DE."""
    make, written_in, _ = SHEETS["demo"]
    with SheetsEmulator() as emulator, pytest.MonkeyPatch.context() as patch:
        emulator.add_spreadsheet(SHEET_KEY, tabs=make(), locale=written_in)
        for locale, key in TYPED_KEYS.items():
            serve_typed(emulator, key, make(), written_in=written_in, locale=locale)
        patch.setenv("SHEETS_EMULATOR_HOST", emulator.host)
        patch.setenv("RALLY_DATA_DIR", str(tmp_path_factory.mktemp("rally-data")))
        clear_caches()
        yield {
            key: {
                "connections": {"gsheets": {"spreadsheet": key, "client_email": "rally@acme.iam.gserviceaccount.com"}},
                "rally": {"sheet_read_attempts": 1},
            }
            for key in (SHEET_KEY, *TYPED_KEYS.values())
        }
        clear_caches()


def shown(at) -> tuple[dict[str, str], list[str]]:
    """A page's figures and words, the stamp saying when the data was read left out (the minute may turn between two)."""
    return {m.label: m.value for m in at.metric}, re.sub(
        r"Data as of \d{1,2}:\d{2}", "Data as of …", texts(at)
    ).splitlines()


ON_TEXT: dict[str, tuple[dict[str, str], list[str]]] = {}


@pytest.mark.parametrize("locale", TYPED_KEYS)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_the_same_on_the_typed_sheet(text_and_typed, page, locale):
    """Each page on the typed Sheet shows the figures and words it shows on the text version."""
    if page not in ON_TEXT:  # the text version once per page, whichever locale comes first
        ON_TEXT[page] = shown(app(page, secrets=text_and_typed[SHEET_KEY]))
    typed = app(page, secrets=text_and_typed[TYPED_KEYS[locale]])
    assert not typed.exception and not typed.error, [e.value for e in [*typed.exception, *typed.error]]
    assert shown(typed) == ON_TEXT[page]
