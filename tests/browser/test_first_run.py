"""A new user's first run, in real Chromium: every page of the demo renders with no error and no console error."""

from __future__ import annotations

import pytest

from tests.apptest import PAGES
from tests.browser.server import open_page, page_url, screenshot
from ui.audience import DIRECTORS_PATH


def is_base_path_probe(error: str) -> bool:
    """Opened at /page, Streamlit's frontend first looks for /page/_stcore/… (404), then finds the real base path."""
    return "404" in error and "/_stcore/" in error and error.split("/_stcore/")[0].rstrip("/").count("/") > 2


@pytest.mark.parametrize("page_file", PAGES)
def test_every_page_renders_for_a_new_user(page, rally_server, page_file):
    """Open the page as a first-time visitor: no exception box, no error alert, no console error."""
    console_errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            console_errors.append(f"{message.text} {message.location['url']}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    open_page(
        page, f"{rally_server.url}/{page_url(page_file)}", "Data as of", menu=page_url(page_file) != DIRECTORS_PATH
    )
    screenshot(page, f"first-run-{page_url(page_file) or 'home'}")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert page.locator("h1").count() >= 1
    assert [e for e in console_errors if not is_base_path_probe(e)] == []


def test_the_home_page_shows_the_week_at_a_glance(page, rally_server):
    """The default page shows the four metrics of the week."""
    open_page(page, rally_server.url, "People posting")
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert len(values) == 4 and all(v.strip() for v in values)
