"""A secrets file written for Streamlit's Google Sheets connection: `spreadsheet` as URL, key or title (opened by title
through gspread's Drive-backed `open`, against the emulator's file list); `worksheet` and a keyless public Sheet refused
with what to change."""

from __future__ import annotations

import pytest

from data_sources.base import SourceError
from data_sources.config import ConfigError, load_config, spreadsheet_reference
from data_sources.google_sheet import GoogleSheetSource, _default_client
from data_sources.gspread_clients import DRIVE_METADATA_SCOPE, SPREADSHEETS_SCOPE
from tests.sources import NO_WAIT
from tests.test_secret_hygiene import KEY

ACCOUNT = {
    "type": "service_account",
    "project_id": "acme-advocacy",
    "private_key_id": "0123456789abcdef",
    "private_key": KEY,
    "client_email": "rally@acme-advocacy.iam.gserviceaccount.com",
    "token_uri": "https://oauth2.googleapis.com/token",
}
POSTS = {"Posts": [["Date", "Name", "Platform"], ["2026-11-16", "Maya Patel", "LinkedIn"]]}


# fmt: off
@pytest.mark.parametrize(
    ("value", "reference"),
    [
        ("https://docs.google.com/spreadsheets/d/1AbC-xyz_09/edit#gid=0", ("url", "1AbC-xyz_09")),
        ("1AbC-xyz_09", ("key", "1AbC-xyz_09")),
        ("Advocacy", ("key", "Advocacy")),                     # one word: tried as a key, then as a title
        ("Advocacy log 2026", ("title", "Advocacy log 2026")),
        ("  Posts & KPIs  ", ("title", "Posts & KPIs")),
    ],
)
# fmt: on
def test_spreadsheet_names_a_sheet_by_url_key_or_title(value, reference):
    assert spreadsheet_reference(value) == reference


# fmt: off
@pytest.mark.parametrize(
    ("table", "refused"),
    [
        ({**ACCOUNT, "spreadsheet": "https://docs.google.com/spreadsheets/d/1AbC/edit"}, None),
        ({**ACCOUNT, "spreadsheet": "Advocacy log 2026"}, None),
        ({**ACCOUNT, "spreadsheet": "Your team's posts"}, None),                          # a title, not the example's placeholder
        ({**ACCOUNT, "spreadsheet": "https://docs.google.com/spreadsheets/d/your-sheet-key/edit"}, "Fill in your secrets"),
        ({**ACCOUNT, "spreadsheet": "Advocacy", "worksheet": "Sheet1"}, "Remove `worksheet`"),
        ({**ACCOUNT, "spreadsheet": "Advocacy", "worksheet": 0}, "Remove `worksheet`"),   # even the first tab: Rally never reads just one
        ({"spreadsheet": "https://docs.google.com/spreadsheets/d/1AbC/edit"}, "has no `type`"),  # the connection's public Sheet
        ({**ACCOUNT, "type": "authorized_user", "spreadsheet": "Advocacy"}, "service account only"),
        ({**ACCOUNT, "type": "", "spreadsheet": "Advocacy"}, "lacks type"),                # a key pasted without its type
        ({**ACCOUNT, "spreadsheet": 'The "big" log'}, "double quote"),
    ],
)
# fmt: on
def test_a_connection_s_secrets_are_taken_or_refused_with_what_to_change(table, refused):
    """Each refusal names the key and what to do instead."""
    if refused is None:
        assert load_config({"connections": {"gsheets": table}}, env={}).gsheets["spreadsheet"] == table["spreadsheet"]
    else:
        with pytest.raises(ConfigError, match=refused.replace("(", r"\(")):
            load_config({"connections": {"gsheets": table}}, env={})


@pytest.mark.parametrize(("spreadsheet", "scopes"), [
    ("https://docs.google.com/spreadsheets/d/1AbC/edit", [SPREADSHEETS_SCOPE]),
    ("Advocacy log 2026", [SPREADSHEETS_SCOPE, DRIVE_METADATA_SCOPE]),  # Drive's file names, only to find the title
])  # fmt: skip
def test_the_service_account_asks_for_drive_only_to_find_a_title(spreadsheet, scopes):
    config = load_config({"connections": {"gsheets": {**ACCOUNT, "spreadsheet": spreadsheet}}}, env={})
    assert _default_client(config).http_client.auth.scopes == scopes


def source_for(emulator, tmp_path, spreadsheet: str) -> GoogleSheetSource:
    config = load_config(
        {"connections": {"gsheets": {"spreadsheet": spreadsheet}}},
        env={"SHEETS_EMULATOR_HOST": emulator.host, "RALLY_DATA_DIR": str(tmp_path)},
    )
    return GoogleSheetSource(config, retry=NO_WAIT, sleep=lambda seconds: None)


@pytest.mark.parametrize("title", ["Acme advocacy log", "Advocacy"])
def test_a_sheet_named_by_its_title_is_opened_through_drive(sheets_emulator, tmp_path, title):
    """Drive's file list finds the key once; every read after that goes to the Sheet by key."""
    sheets_emulator.add_spreadsheet("1Key-of-the-log", title=title, tabs=POSTS)
    sheets_emulator.add_spreadsheet("1Another-sheet", title="Something else", tabs=POSTS)
    source = source_for(sheets_emulator, tmp_path, title)
    assert source.fetch().tabs["Posts"][1] == ["2026-11-16", "Maya Patel", "LinkedIn"]
    source.fetch()
    assert sheets_emulator.count("drive_list") == 1
    assert {r.spreadsheet_id for r in sheets_emulator.requests("batch_get")} == {"1Key-of-the-log"}
    assert source.info().sheet_url == "https://docs.google.com/spreadsheets/d/1Key-of-the-log/edit"


def test_a_title_no_sheet_has_says_so(sheets_emulator, tmp_path):
    """Neither a key nor a title: one message naming it, and that the URL always works."""
    sheets_emulator.add_spreadsheet("1Key-of-the-log", title="Acme advocacy log", tabs=POSTS)
    with pytest.raises(SourceError, match="No Google Sheet has the key or title 'Acme log'.*URL always works"):
        source_for(sheets_emulator, tmp_path, "Acme log").fetch()
