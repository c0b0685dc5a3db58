"""Data health under AppTest on a Sheet in the emulator: a row the Sheet refused for good, shown to the facilitator
with its reason, sent again or dropped; an ID written twice listed with its row; counts for everyone else."""

from __future__ import annotations

from datetime import date

import pytest

from data_sources.google_sheet import GoogleSheetSource
from data_sources.outbox import Outbox
from rally.core.contract import KUDOS, VOTES
from rally.demo.company import demo_tabs
from tests.apptest import app, clear_caches, texts
from tests.emulator.sheets_emulator import FakeClock
from tests.sources import SHEET_KEY, emulator_config
from tests.test_outbox import drain

HEALTH = "views/data_health.py"
PASSCODE = "orange-kite-42"
GATE = "the refused rows"


@pytest.fixture
def refused_env(sheets_emulator, tmp_path, monkeypatch):
    """The demo company in the emulator, a Votes tab holding one ID twice, and a kudos the Sheet refused for good."""
    tabs = {**demo_tabs(date.today()), "Votes": [VOTES.header, ["vote-1", "2026-W47", "https://x.com/1", "t1", ""]]}
    tabs["Votes"].append(["vote-1", "2026-W47", "https://x.com/1", "t1", ""])  # an append that landed twice
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs=tabs)
    sheets_emulator.refuse_rows_containing("<refused>")
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", sheets_emulator.host)
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path))
    clock = FakeClock(1_700_000_000.0)
    # The server's outbox file, as a previous run left it: one kudos moved aside after three refusals.
    outbox = Outbox(
        tmp_path / "outbox.sqlite", GoogleSheetSource(emulator_config(sheets_emulator, tmp_path)), clock=clock
    )
    row_id = outbox.submit(KUDOS.name, KUDOS.header, {"To": "Maya Patel", "Message": "Thanks! <refused>"})
    drain(outbox, clock)
    clear_caches()
    yield {
        "secrets": {
            "connections": {
                "gsheets": {"spreadsheet": SHEET_KEY, "client_email": "rally@acme.iam.gserviceaccount.com"}
            },
            "rally": {"sheet_read_attempts": 1, "facilitator_passcode": PASSCODE},
        },
        "outbox": outbox,
        "id": row_id,
        "emulator": sheets_emulator,
    }
    clear_caches()


def unlock(at, what: str = GATE):
    at.text_input(key=f"passcode-input-{what}").input(PASSCODE)
    return at.button(key=f"FormSubmitter:passcode-{what}-Unlock").click().run()


def test_everyone_sees_how_many_rows_were_refused_but_not_the_rows(refused_env):
    """The counts are public; the refused row's words and the buttons are the facilitator's."""
    at = app(HEALTH, secrets=refused_env["secrets"])
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Refused by the Sheet"] == "1"
    assert "Thanks!" not in texts(at) and f"retry-dead-{refused_env['id']}" not in {b.key for b in at.button}


def test_the_facilitator_sees_the_refused_row_with_its_reason_and_sends_it_again(refused_env):
    """After the Sheet was fixed, Send again puts the row back in the queue; it is no longer a dead letter."""
    at = unlock(app(HEALTH, secrets=refused_env["secrets"]))
    page = texts(at) + "\n".join(t.value for t in at.text)
    assert "error 400" in page and "Message: Thanks! <refused>" in page, "the reason, and the row as plain text"
    refused_env["emulator"].refuse_rows_containing(None)
    at = at.button(key=f"retry-dead-{refused_env['id']}").click().run()
    assert not at.exception and refused_env["outbox"].dead_letters() == []
    assert {m.label: m.value for m in at.metric}["Refused by the Sheet"] == "0"


def test_the_facilitator_can_drop_a_refused_row(refused_env):
    """Drop gives up on it: not queued, not listed, never sent."""
    at = unlock(app(HEALTH, secrets=refused_env["secrets"]))
    at = at.button(key=f"drop-dead-{refused_env['id']}").click().run()
    assert refused_env["outbox"].dead_letters() == [] and refused_env["outbox"].pending() == []
    assert f"drop-dead-{refused_env['id']}" not in {b.key for b in at.button}


def test_an_id_written_twice_is_listed_with_its_row(refused_env):
    """The Votes tab's second copy of vote-1 is on the list of things to fix, with its Sheet row and what to do."""
    at = app(HEALTH, secrets=refused_env["secrets"])
    assert {m.label: m.value for m in at.metric}["Rows written twice"] == "1"
    at = unlock(at, "the rows and values to fix")
    issues = at.dataframe[1].value
    repeat = issues[issues["column"] == "ID"]
    assert repeat[["tab", "row", "value"]].values.tolist() == [["Votes", 3, "vote-1"]]
    assert any("delete the later row" in advice for advice in at.dataframe[2].value["What to do"])
