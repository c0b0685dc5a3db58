"""A German company's messy Sheet in Chromium: every page renders, and nobody who answered the Form is named.

The Sheet is the one `tests/test_real_sheets.py` reads with `python cli.py check` (far dates, numbers in German
notation, an ambiguous number, a repeated and a blank header, a Form's responses tab with loosely titled e-mail
and name columns and a grid question), served by the emulator and read by a real `streamlit run`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.apptest import PAGES
from tests.browser.server import RallyServer, open_page, page_url, sheet_cwd, start_server, stop_server
from tests.emulator.sheets_emulator import SheetsEmulator
from tests.test_real_sheets import RESPONDENT_EMAIL, RESPONDENT_NAME, messy_sheet
from ui.audience import DIRECTORS_PATH

MESSY_KEY = "rally-messy-sheet"


@pytest.fixture(scope="module")
def messy_server(tmp_path_factory) -> Iterator[RallyServer]:
    """Rally on the messy de_DE Sheet, signed in as facilitator by passcode where a page asks."""
    with SheetsEmulator() as emulator:
        emulator.add_spreadsheet(MESSY_KEY, tabs=messy_sheet("de_DE"), locale="de_DE")
        folder = tmp_path_factory.mktemp("rally-messy")
        cwd = sheet_cwd(folder / "cwd", MESSY_KEY)
        server = start_server(folder / "data", env={"SHEETS_EMULATOR_HOST": emulator.host}, cwd=cwd)
        yield server
        stop_server(server)


def test_every_page_renders_on_a_messy_sheet_and_names_nobody_who_answered(page, messy_server):
    """No page shows an exception, an error box, 'nan', or a respondent's name or e-mail address."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    respondent = ("zoe", RESPONDENT_NAME.casefold(), RESPONDENT_EMAIL.split("@")[1])
    for page_file in PAGES:
        path = page_url(page_file)
        open_page(page, f"{messy_server.url}/{path}", "Data as of", menu=path != DIRECTORS_PATH)
        assert page.locator('[data-testid="stException"]').count() == 0, page_file
        text = page.locator('[data-testid="stMain"]').inner_text().casefold()
        assert not [word for word in respondent if word in text], page_file
        assert " nan" not in text and "nan%" not in text, page_file
    assert errors == []
