"""The real server on a Google Sheet (the emulator) in Chromium: every page renders, and many views cost one read."""

from __future__ import annotations

from tests.apptest import PAGES
from tests.browser.conftest import BROWSER_SHEET_KEY
from tests.browser.server import open_page, page_url
from ui.audience import DIRECTORS_PATH


def test_every_page_on_a_google_sheet_renders_from_one_batch_read(page, rally_sheet_server, browser_sheet):
    """Each page, opened twice in a browser, renders from the Sheet with no error, and the Sheet is read once."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for _ in range(2):
        for page_file in PAGES:
            path = page_url(page_file)
            open_page(page, f"{rally_sheet_server.url}/{path}", "Data as of", menu=path != DIRECTORS_PATH)
            assert page.locator('[data-testid="stException"]').count() == 0, page_file
            assert page.locator('[data-testid="stAlertContentError"]').count() == 0, page_file
    open_page(page, rally_sheet_server.url, "Data as of")
    assert "Google Sheet" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert errors == []
    assert browser_sheet.count("batch_get") == 1
    assert browser_sheet.count("metadata") == 1
    assert {r.spreadsheet_id for r in browser_sheet.log} == {BROWSER_SHEET_KEY}
