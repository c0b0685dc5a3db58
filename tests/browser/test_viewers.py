"""`viewers` set, in real Chromium: every address asks for the company login; a directors' token opens the directors'
page alone, and an address typed into that tab is refused."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator

import pytest

from rally.room.access import directors_token
from tests.browser.server import ROOT, RallyServer, screenshot, start_server, stop_server, wait_until_drawn

SECRET = "a-long-random-cookie-secret-for-the-browser-test"


@pytest.fixture(scope="module")
def viewers_server(tmp_path_factory) -> Iterator[RallyServer]:
    """Rally on the demo with `viewers = "acme.example"` and a company login configured (never reached: nobody signs in here)."""
    folder = tmp_path_factory.mktemp("viewers")
    (folder / ".streamlit").mkdir()
    shutil.copy(ROOT / ".streamlit" / "config.toml", folder / ".streamlit" / "config.toml")
    (folder / ".streamlit" / "secrets.toml").write_text(
        '[rally]\nviewers = "acme.example"\n\n'
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:8501/oauth2callback"\n'
        f'cookie_secret = "{SECRET}"\n'
        'client_id = "rally"\nclient_secret = "rally-client-secret"\n'
        'server_metadata_url = "https://login.acme.example/.well-known/openid-configuration"\n'
    )
    server = start_server(folder / "data", cwd=folder)
    yield server
    stop_server(server)


def shown(page) -> str:
    page.wait_for_selector('[data-testid="stApp"]')
    page.locator('[data-testid="stMain"] h1').first.wait_for()
    wait_until_drawn(page)
    return page.locator('[data-testid="stMain"]').inner_text()


@pytest.mark.parametrize("path", ["", "meeting", "survey", "directors", "data_health", "kpis?month=2026-10"])
def test_every_address_asks_for_the_company_login(page, viewers_server, path):
    """Signed out, no address shows a page: only the sign-in."""
    page.goto(f"{viewers_server.url}/{path}")
    text = shown(page)
    assert "sign in with your company account" in text and "Data as of" not in text
    assert page.get_by_role("button", name="Sign in").count() == 1
    assert (
        page.locator('[data-testid="stSidebarNav"]').count() == 0
        and page.locator('[data-testid="stMetric"]').count() == 0
    )


def test_a_directors_token_opens_only_the_directors_page(page, viewers_server):
    """The token link shows the directors' page without a login; another address typed in that tab is refused."""
    link = directors_token(SECRET, time.time() + 86_400)
    page.goto(f"{viewers_server.url}/directors?token={link}")
    assert "KPIs and programme health" in shown(page)
    page.get_by_text("Monthly report").first.wait_for()
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    screenshot(page, "viewers-directors-token")

    page.goto(f"{viewers_server.url}/meeting")  # typed into the same tab
    assert "sign in with your company account" in shown(page)
    page.goto(f"{viewers_server.url}/meeting?token={link}")  # the token pasted onto another address
    text = shown(page)
    assert "This link opens the directors' page only." in text and "Data as of" not in text
    screenshot(page, "viewers-token-elsewhere")
