"""The staff and facilitator pages on a Sheet with nothing in it yet: empty states that explain themselves, no errors."""

from __future__ import annotations

import pytest

from tests.apptest import app, clear_caches, texts
from tests.sources import SHEET_KEY

SECRETS = {
    "connections": {
        "gsheets": {
            "spreadsheet": f"https://docs.google.com/spreadsheets/d/{SHEET_KEY}/edit",
            "client_email": "rally@acme.iam.gserviceaccount.com",
        }
    },
    "rally": {"sheet_read_attempts": 1, "facilitator_passcode": "orange-kite-42"},
}  # facilitator pages need a way in configured


@pytest.fixture
def empty_sheet(sheets_emulator, tmp_path, monkeypatch):
    """A new company's Sheet: a Posts header and nothing else."""
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs={"Posts": [["Date", "Name", "Platform", "Link"]]})
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", sheets_emulator.host)
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path))
    clear_caches()
    yield sheets_emulator
    clear_caches()


@pytest.mark.parametrize(
    ("page", "says"),
    [
        ("views/log_post.py", "Log a post"),
        ("views/kudos.py", "No kudos yet for"),
        ("views/my_progress.py", "Pick your name"),
        ("views/training.py", "No one to track yet"),
        ("views/encouragement.py", "Nobody right now."),
    ],
)
def test_each_page_explains_an_empty_sheet(empty_sheet, page, says):
    at = app(page, secrets=SECRETS)
    at.session_state["rally_facilitator"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert says in texts(at)


def test_a_first_post_on_an_empty_sheet_shows_on_my_progress(empty_sheet):
    """Someone not on any Staff tab (a typed name, remembered for the session) says they are new and logs a first post; My progress has them at once."""
    at = app(secrets=SECRETS)
    at.session_state["rally_my_name"] = (
        "Jo Newcomer"  # what typing a new name into the picker leaves (AppTest can't type into a selectbox)
    )
    at.switch_page("views/log_post.py").run()
    at.text_input(key="log-link-0").set_value("https://www.linkedin.com/posts/jo-1")
    at.text_input(key="log-summary-0").set_value("Hello world")
    at.button(key="FormSubmitter:log-post-0-Log my post").click().run()
    assert "“Jo Newcomer” isn't on the Staff list yet" in texts(at)  # asked first: a new person only on their word
    at.button(key="log-post-new-person").click().run()
    assert "Logged — thank you, Jo Newcomer!" in texts(at)
    at.switch_page("views/my_progress.py").run()
    shown = texts(at)
    assert not at.exception and "Hello world" in shown and "1st of 1 overall" in shown
