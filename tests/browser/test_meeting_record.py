"""The meeting's loop in real Chromium on a Google Sheet (the emulator): notes from the presenter, the meeting closed,
and next week's "do better" slide opening with last week's items.

A facilitator signs in on the slide, adds a highlight and a do-better item: each is on the slide at once and one row
in the Sheet's Notes tab; closing the meeting writes one set of Meetings rows (closing again, none); next week's slide
shows last week's item, marked done, and the mark reaches the Follow-ups tab.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import expect

from rally.demo.company import demo_tabs
from rally.weekly.glance import meeting_week
from tests.browser.conftest import guide_screenshot, open_page, screenshot, sheet_cwd, start_server, stop_server
from tests.emulator.sheets_emulator import SheetsEmulator

KEY = "rally-meeting-record"
PASSCODE = "facilitate-the-room-41"
HIGHLIGHT = "Priya's webinar filled the room: 120 sign-ups"
IMPROVE = "Tag the company page in every post"


@pytest.fixture(scope="module")
def sheet() -> Iterator[SheetsEmulator]:
    with SheetsEmulator() as emulator:
        emulator.add_spreadsheet(KEY, tabs=demo_tabs(date.today()))
        yield emulator


@pytest.fixture(scope="module")
def rally(tmp_path_factory, sheet):
    folder = tmp_path_factory.mktemp("meeting-record")
    cwd = sheet_cwd(folder / "cwd", KEY)
    secrets = cwd / ".streamlit" / "secrets.toml"
    secrets.write_text(secrets.read_text() + f'\n[rally]\nfacilitator_passcode = "{PASSCODE}"\n')
    server = start_server(folder / "data", env={"SHEETS_EMULATOR_HOST": sheet.host}, cwd=cwd)
    yield server
    stop_server(server)


def column(sheet: SheetsEmulator, tab: str, title: str) -> list[str]:
    try:
        rows = sheet.values(KEY, tab) or [[]]
    except KeyError:  # the tab isn't there yet: the writer adds it with its first row
        return []
    header = [str(cell) for cell in rows[0]]
    if title not in header:
        return []
    at = header.index(title)
    return [str(row[at]) if len(row) > at else "" for row in rows[1:]]


def eventually(read, expected, seconds: float = 20.0):
    """What `read()` gives once it equals `expected` (the outbox sends within a few seconds), or its last answer."""
    deadline = time.monotonic() + seconds
    while (found := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.5)
    return found


POPOVER = '[data-testid="stPopoverBody"]'


def sign_in(page, label: str) -> None:
    """A new page is a new session: sign in from the slide's own popover (it closes as the page draws again)."""
    page.get_by_role("button", name=label).click()
    page.locator(POPOVER).get_by_label("Facilitator passcode").fill(PASSCODE)
    page.locator(POPOVER).get_by_role("button", name="Unlock").click()
    expect(page.get_by_label("Facilitator passcode")).to_have_count(0, timeout=15_000)
    if page.locator(POPOVER).count():
        page.keyboard.press("Escape")
    expect(page.locator(POPOVER)).to_have_count(0)


def add_note(page, label: str, text: str) -> None:
    """Open the slide's popover, type the note, send it."""
    page.get_by_role("button", name=label).click()
    body = page.locator(POPOVER)
    body.get_by_role("textbox").last.fill(text)
    body.get_by_role("button", name=label).click()


def test_notes_from_the_presenter_reach_the_slide_and_the_sheet_once_and_next_week_follows_up(page, rally, sheet):
    week = meeting_week(date.today())
    url = f"{rally.url}/meeting?week={week}"

    # Slide 2: sign in from the slide's own popover, add a highlight.
    open_page(page, f"{url}&slide=2", "Slide 2 of 7")
    sign_in(page, "Add a highlight")
    add_note(page, "Add a highlight", HIGHLIGHT)
    expect(page.get_by_text(HIGHLIGHT)).to_be_visible(timeout=15_000)
    screenshot(page, "meeting-record-highlight")

    # Slide 6, by Next (the same session, still signed in): a do-better item.
    for number in (3, 4, 5, 6):
        page.get_by_role("button", name="Next").click()
        page.get_by_text(f"Slide {number} of 7").first.wait_for()
    add_note(page, "Add an action", IMPROVE)
    expect(page.get_by_text(IMPROVE)).to_be_visible(timeout=15_000)

    texts = lambda: sorted(t for t in column(sheet, "Notes", "Text") if t in (HIGHLIGHT, IMPROVE))  # noqa: E731
    assert eventually(texts, sorted([HIGHLIGHT, IMPROVE])) == sorted([HIGHLIGHT, IMPROVE])

    # Slide 7: close the meeting, twice; one set of rows in the Meetings tab.
    page.get_by_role("button", name="Next").click()
    page.get_by_text("Slide 7 of 7").first.wait_for()
    page.get_by_role("button", name="Close the meeting").click()
    page.locator(POPOVER).get_by_role("button", name=f"Close the {week} meeting").click()
    expect(page.get_by_text("Closed on")).to_be_visible(timeout=15_000)
    ids = lambda: column(sheet, "Meetings", "ID")  # noqa: E731
    deadline = time.monotonic() + 20
    while not any(IMPROVE == value for value in column(sheet, "Meetings", "Value")) and time.monotonic() < deadline:
        time.sleep(0.5)
    first = ids()
    assert first and len(set(first)) == len(first) and IMPROVE in column(sheet, "Meetings", "Value")
    page.get_by_role("button", name="Closed ✓").click()
    page.locator(POPOVER).get_by_role("button", name=f"Close the {week} meeting").click()
    time.sleep(4)  # the writer's next pass
    assert sorted(ids()) == sorted(first)

    # Next week's slide 6 opens with last week's item; marked done, the mark reaches the Follow-ups tab.
    open_page(page, f"{rally.url}/meeting?week={week.next}&slide=6", f"Last week ({week}): did we?")
    expect(page.get_by_text(IMPROVE)).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=IMPROVE)).to_contain_text("Not marked yet")  # the room's view
    sign_in(page, "Add an action")
    page.get_by_role("radiogroup", name=IMPROVE).get_by_role("radio", name="Done").click()
    statuses = lambda: column(sheet, "Follow-ups", "Status")  # noqa: E731
    assert eventually(statuses, ["done"]) == ["done"]
    guide_screenshot(page, "slide-6-follow-up")
    assert page.locator('[data-testid="stException"]').count() == 0
