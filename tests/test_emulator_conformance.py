"""The Sheets emulator answers request for request as Google answered them: a table of recorded exchanges, replayed.

Each case is a sequence of (request → status and JSON answer) taken from Google's own answers: gspread's recorded
cassettes (burnash/gspread tests/cassettes, named per case), error bodies people quoted from Google in public issue
threads, and Google's API reference. A case replays its requests against a fresh spreadsheet holding one empty
tab "Sheet1" (sheetId 0, 1000 × 26, en_US, Etc/GMT — what Google gives a Sheet made through the API) and checks
every answer in full, so the emulator can't drift from Google unseen.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
import requests

from tests.emulator.sheets_emulator import SheetsEmulator

KEY = "1qFopcWEGi_JqeOGvSs93SyFdsSI8J30NzrX92_HZBR0"  # a recorded spreadsheet id, so answers read as recorded


class AnyInt:
    """Matches any integer of at least `minimum` (Google's random sheetIds: 901015854, 1623847058)."""

    def __init__(self, minimum: int = 0) -> None:
        self.minimum = minimum

    def __eq__(self, other: object) -> bool:
        return isinstance(other, int) and not isinstance(other, bool) and other >= self.minimum

    def __repr__(self) -> str:
        return f"<any int ≥ {self.minimum}>"


def values(a1: str, suffix: str = "") -> str:
    """The path of a values call, the range encoded as gspread encodes it."""
    return f"/values/{quote(a1, safe='')}{suffix}"


GET, PUT, POST = "GET", "PUT", "POST"
EMOJI_TAB = "🌵 test_values_batch_get 1"
GRID_2_BY_4 = {
    "updateSheetProperties": {
        "properties": {"sheetId": 0, "gridProperties": {"rowCount": 2, "columnCount": 4}},
        "fields": "gridProperties/rowCount,gridProperties/columnCount",
    }
}
TYPED_ROWS = [["=4/2", "2020-01-01", "string", 53], ["=3/2", 0.12, "1999-01-02", ""]]
HALF_EMPTY_ROW = ["test 1", "", "test 3"]

# Each step: (method, path under /v4/spreadsheets/KEY, query, body, expected status, expected JSON).
# fmt: off
CASES = {
    # WorksheetTest.test_get_all_values_date_time_render_options: typed cells under every render option.
    "typed cells, every render option": [
        (POST, ":batchUpdate", {}, {"requests": [GRID_2_BY_4]}, 200, {"spreadsheetId": KEY, "replies": [{}]}),
        (GET, values("'Sheet1'!A1:D2"), {}, None, 200, {"range": "Sheet1!A1:D2", "majorDimension": "ROWS"}),  # empty: no "values" at all
        (PUT, values("'Sheet1'!A1:D2"), {"valueInputOption": "USER_ENTERED"}, {"values": TYPED_ROWS}, 200,
         {"spreadsheetId": KEY, "updatedRange": "Sheet1!A1:D2", "updatedRows": 2, "updatedColumns": 4, "updatedCells": 8}),
        (GET, values("'Sheet1'"), {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}, None, 200,
         {"range": "Sheet1!A1:D2", "majorDimension": "ROWS", "values": [[2, 43831, "string", 53], [1.5, 0.12, 36162]]}),
        (GET, values("'Sheet1'"), {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "FORMATTED_STRING"}, None, 200,
         {"range": "Sheet1!A1:D2", "majorDimension": "ROWS", "values": [[2, "2020-01-01", "string", 53], [1.5, 0.12, "1999-01-02"]]}),
        # dateTimeRenderOption is ignored under FORMATTED_VALUE: the date shows as it was typed.
        (GET, values("'Sheet1'"), {"valueRenderOption": "FORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"}, None, 200,
         {"range": "Sheet1!A1:D2", "majorDimension": "ROWS", "values": [["2", "2020-01-01", "string", "53"], ["1.5", "0.12", "1999-01-02"]]}),
        (GET, values("'Sheet1'"), {}, None, 200,
         {"range": "Sheet1!A1:D2", "majorDimension": "ROWS", "values": [["2", "2020-01-01", "string", "53"], ["1.5", "0.12", "1999-01-02"]]}),
        # WorksheetTest.test_get_all_records_value_render_options: FORMULA gives formulas, and dates as serials.
        (GET, values("'Sheet1'"), {"valueRenderOption": "FORMULA"}, None, 200,
         {"range": "Sheet1!A1:D2", "majorDimension": "ROWS", "values": [["=4/2", 43831, "string", 53], ["=3/2", 0.12, 36162]]}),
    ],
    # WorksheetTest.test_get_all_values_title_is_a1_notation: a tab named like a cell is quoted; blank rows stay [].
    "a tab named D3, trimmed rows": [
        (POST, ":batchUpdate", {}, {"requests": [
            {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"rowCount": 4, "columnCount": 4}},
                                       "fields": "gridProperties/rowCount,gridProperties/columnCount"}}]}, 200,
         {"spreadsheetId": KEY, "replies": [{}]}),
        (POST, ":batchUpdate", {}, {"requests": [{"updateSheetProperties": {"properties": {"sheetId": 0, "title": "D3"}, "fields": "title"}}]}, 200,
         {"spreadsheetId": KEY, "replies": [{}]}),
        (GET, values("'D3'!A1:D1"), {}, None, 200, {"range": "'D3'!A1:D1", "majorDimension": "ROWS"}),
        (PUT, values("'D3'!A1:D4"), {"valueInputOption": "RAW"},
         {"values": [["A1", "B1", "", "D1"], ["", "b2", "", ""], ["", "", "", ""], ["A4", "B4", "", "d4"]]}, 200,
         {"spreadsheetId": KEY, "updatedRange": "'D3'!A1:D4", "updatedRows": 4, "updatedColumns": 4, "updatedCells": 16}),
        (GET, values("'D3'"), {}, None, 200,
         {"range": "'D3'!A1:D4", "majorDimension": "ROWS", "values": [["A1", "B1", "", "D1"], ["", "b2"], [], ["A4", "B4", "", "d4"]]}),
    ],
    # WorksheetTest.test_append_row_with_empty_value: the table is the block around the last filled cell.
    "append to a whole tab": [
        (POST, values("'Sheet1'", ":clear"), {}, None, 200, {"spreadsheetId": KEY, "clearedRange": "Sheet1!A1:Z1000"}),
        (POST, values("'Sheet1'", ":append"), {"valueInputOption": "RAW", "includeValuesInResponse": "False"}, {"values": [HALF_EMPTY_ROW]}, 200,
         {"spreadsheetId": KEY, "updates": {"spreadsheetId": KEY, "updatedRange": "Sheet1!A1:C1", "updatedRows": 1, "updatedColumns": 3, "updatedCells": 3}}),
        (POST, values("'Sheet1'", ":append"), {"valueInputOption": "RAW", "includeValuesInResponse": "False"}, {"values": [HALF_EMPTY_ROW]}, 200,
         {"spreadsheetId": KEY, "tableRange": "Sheet1!C1",
          "updates": {"spreadsheetId": KEY, "updatedRange": "Sheet1!C2:E2", "updatedRows": 1, "updatedColumns": 3, "updatedCells": 3}}),
        (GET, values("'Sheet1'!A2:2"), {}, None, 200, {"range": "Sheet1!A2:Z2", "majorDimension": "ROWS", "values": [["", "", "test 1", "", "test 3"]]}),
    ],
    # WorksheetTest.test_append_row_with_empty_value_and_table_range: anchored at A1, the table is the block around A1.
    "append anchored at A1": [
        (POST, values("'Sheet1'", ":append"), {"valueInputOption": "RAW"}, {"values": [HALF_EMPTY_ROW]}, 200,
         {"spreadsheetId": KEY, "updates": {"spreadsheetId": KEY, "updatedRange": "Sheet1!A1:C1", "updatedRows": 1, "updatedColumns": 3, "updatedCells": 3}}),
        (POST, values("'Sheet1'!A1", ":append"), {"valueInputOption": "RAW"}, {"values": [HALF_EMPTY_ROW]}, 200,
         {"spreadsheetId": KEY, "tableRange": "Sheet1!A1",
          "updates": {"spreadsheetId": KEY, "updatedRange": "Sheet1!A2:C2", "updatedRows": 1, "updatedColumns": 3, "updatedCells": 3}}),
        (GET, values("'Sheet1'!A2:2"), {}, None, 200, {"range": "Sheet1!A2:Z2", "majorDimension": "ROWS", "values": [HALF_EMPTY_ROW]}),
    ],
    # gspread issue #603, tableRange as quoted there: a header with gaps; the next append lands under its last block.
    "append after a header with gaps": [
        (PUT, values("'Sheet1'!A1"), {"valueInputOption": "RAW"},
         {"values": [["Activity Number", "Activity Name", "Activity Time", "", "", "Number of", "", "Number of", "", "Number of Y12"]]}, 200,
         {"spreadsheetId": KEY, "updatedRange": "Sheet1!A1:J1", "updatedRows": 1, "updatedColumns": 10, "updatedCells": 10}),
        (POST, values("'Sheet1'", ":append"), {"valueInputOption": "RAW"}, {"values": [["", "", "Morning"]]}, 200,
         {"spreadsheetId": KEY, "tableRange": "Sheet1!J1",
          "updates": {"spreadsheetId": KEY, "updatedRange": "Sheet1!J2:L2", "updatedRows": 1, "updatedColumns": 3, "updatedCells": 3}}),
    ],
    # A blank row inside a tab (issue #537 and node-google-spreadsheet #452 describe it): two tables. Appending at A1
    # extends the first one — with INSERT_ROWS the rows below move down, untouched; the whole tab extends the last.
    "a blank row inside a tab": [
        (PUT, values("'Sheet1'!A1"), {"valueInputOption": "RAW"},
         {"values": [["Date", "Name"], ["2026-11-16", "Maya"], ["", ""], ["2026-11-17", "Leo"]]}, 200,
         {"spreadsheetId": KEY, "updatedRange": "Sheet1!A1:B4", "updatedRows": 4, "updatedColumns": 2, "updatedCells": 8}),
        (POST, values("'Sheet1'!A1", ":append"), {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}, {"values": [["2026-11-18", "Ana"]]}, 200,
         {"spreadsheetId": KEY, "tableRange": "Sheet1!A1:B2",
          "updates": {"spreadsheetId": KEY, "updatedRange": "Sheet1!A3:B3", "updatedRows": 1, "updatedColumns": 2, "updatedCells": 2}}),
        (POST, values("'Sheet1'", ":append"), {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}, {"values": [["2026-11-19", "Ben"]]}, 200,
         {"spreadsheetId": KEY, "tableRange": "Sheet1!A5:B5",
          "updates": {"spreadsheetId": KEY, "updatedRange": "Sheet1!A6:B6", "updatedRows": 1, "updatedColumns": 2, "updatedCells": 2}}),
        (GET, values("'Sheet1'"), {}, None, 200,
         {"range": "Sheet1!A1:Z1002", "majorDimension": "ROWS",
          "values": [["Date", "Name"], ["2026-11-16", "Maya"], ["2026-11-18", "Ana"], [], ["2026-11-17", "Leo"], ["2026-11-19", "Ben"]]}),
    ],
    # gspread issue #537: appending rows with an empty cell to a whole tab indents each new row further.
    "appends drifting right": [
        (POST, values("'Sheet1'", ":append"), {"valueInputOption": "RAW"}, {"values": [["Test1", "", "Test2"]]}, 200, None),
        (POST, values("'Sheet1'", ":append"), {"valueInputOption": "RAW"}, {"values": [["Test1", "", "Test2"]]}, 200, None),
        (POST, values("'Sheet1'", ":append"), {"valueInputOption": "RAW"}, {"values": [["Test1", "", "Test2"]]}, 200,
         {"spreadsheetId": KEY, "tableRange": "Sheet1!E2",
          "updates": {"spreadsheetId": KEY, "updatedRange": "Sheet1!E3:G3", "updatedRows": 1, "updatedColumns": 3, "updatedCells": 3}}),
    ],
    # SpreadsheetTest.test_values_batch_get: a tab added by name gets a random sheetId; ranges come back quoted.
    "batchGet on an emoji tab": [
        (POST, ":batchUpdate", {}, {"requests": [{"addSheet": {"properties": {"title": EMOJI_TAB, "sheetType": "GRID", "gridProperties": {"rowCount": 10, "columnCount": 10}}}}]}, 200,
         {"spreadsheetId": KEY, "replies": [{"addSheet": {"properties": {"sheetId": AnyInt(1000), "title": EMOJI_TAB, "index": 1, "sheetType": "GRID", "gridProperties": {"rowCount": 10, "columnCount": 10}}}}]}),
        (PUT, values(f"{EMOJI_TAB}!A1"), {"valueInputOption": "RAW"}, {"values": [["🍇", "🍉", "🍋"], ["🍐", "🍎", "🍓"]]}, 200,
         {"spreadsheetId": KEY, "updatedRange": f"'{EMOJI_TAB}'!A1:C2", "updatedRows": 2, "updatedColumns": 3, "updatedCells": 6}),
        (GET, "/values:batchGet", {"ranges": [f"{EMOJI_TAB}!A:A", f"{EMOJI_TAB}!B:B", f"{EMOJI_TAB}!C:C"]}, None, 200,
         {"spreadsheetId": KEY, "valueRanges": [
             {"range": f"'{EMOJI_TAB}'!A1:A10", "majorDimension": "ROWS", "values": [["🍇"], ["🍐"]]},
             {"range": f"'{EMOJI_TAB}'!B1:B10", "majorDimension": "ROWS", "values": [["🍉"], ["🍎"]]},
             {"range": f"'{EMOJI_TAB}'!C1:C10", "majorDimension": "ROWS", "values": [["🍋"], ["🍓"]]}]}),
    ],
    # The metadata of a new Sheet, as every cassette's first GET answers it (theme and default format left out).
    "metadata of a new Sheet": [
        (GET, "", {"includeGridData": "false"}, None, 200,
         {"spreadsheetId": KEY, "properties": {"title": "Rally", "locale": "en_US", "autoRecalc": "ON_CHANGE", "timeZone": "Etc/GMT"},
          "sheets": [{"properties": {"sheetId": 0, "title": "Sheet1", "index": 0, "sheetType": "GRID", "gridProperties": {"rowCount": 1000, "columnCount": 26}}}],
          "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{KEY}/edit"}),
    ],
    # A missing tab: the 400 Rally reads as "a tab was renamed or removed".
    "an unknown tab": [
        (GET, "/values:batchGet", {"ranges": ["'Sheet1'!A1:Z", "'Missing tab'!A1:Z"]}, None, 400,
         {"error": {"code": 400, "message": "Unable to parse range: 'Missing tab'!A1:Z", "status": "INVALID_ARGUMENT"}}),
    ],
}
# fmt: on


@pytest.fixture
def google(sheets_emulator: SheetsEmulator) -> SheetsEmulator:
    """A new, empty Sheet as the API makes one: one tab, Sheet1, en_US."""
    sheets_emulator.add_spreadsheet(KEY, tabs={"Sheet1": []})
    return sheets_emulator


def ask(emulator: SheetsEmulator, method: str, path: str, query: dict, body: Any, key: str = KEY) -> requests.Response:
    url = f"{emulator.url}/v4/spreadsheets/{key}{path}"
    return requests.request(method, url, params=query, json=body, timeout=5)


@pytest.mark.parametrize("steps", CASES.values(), ids=CASES.keys())
def test_the_emulator_answers_as_google_did(google, steps):
    """Every recorded answer, replayed: the same status and the same JSON, key for key."""
    for method, path, query, body, status, expected in steps:
        answer = ask(google, method, path, query, body)
        assert answer.status_code == status, (method, path, answer.text)
        if expected is not None:
            assert answer.json() == expected, (method, path)


# fmt: off
ERRORS = [
    # ClientTest.test_access_non_existing_spreadsheet
    pytest.param("no-such-sheet", lambda e: None, 404,
                 {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}}, id="404"),
    # ClientTest.test_access_private_spreadsheet
    pytest.param(KEY, lambda e: e.set_forbidden(KEY), 403,
                 {"error": {"code": 403, "message": "The caller does not have permission", "status": "PERMISSION_DENIED"}}, id="403"),
]
# fmt: on


@pytest.mark.parametrize(("key", "setup", "status", "expected"), ERRORS)
def test_refusals_are_google_s_json(google, key, setup, status, expected):
    """A Sheet that doesn't exist or isn't shared answers Google's exact error body."""
    setup(google)
    answer = ask(google, GET, "", {"includeGridData": "false"}, None, key=key)
    assert (answer.status_code, answer.json()) == (status, expected)


@pytest.mark.parametrize(
    ("method", "path", "query", "body", "quota"),
    [
        (GET, "/values:batchGet", {"ranges": ["'Sheet1'"]}, None, "Read"),
        (GET, "", {}, None, "Read"),  # metadata is a read too
        (POST, values("'Sheet1'!A1", ":append"), {"valueInputOption": "RAW"}, {"values": [["x"]]}, "Write"),
    ],
)
def test_a_429_names_the_read_or_write_quota_with_google_s_details(google, method, path, query, body, quota):
    """Google's 429 says which quota ran out and carries an ErrorInfo (as quoted in public bug reports)."""
    google.fail_next(1, status=429)
    error = ask(google, method, path, query, body).json()["error"]
    assert (error["code"], error["status"]) == (429, "RESOURCE_EXHAUSTED")
    assert error["message"].startswith(
        f"Quota exceeded for quota metric '{quota} requests' and limit '{quota} requests per minute per user' "
        "of service 'sheets.googleapis.com' for consumer 'project_number:"
    )
    info = next(d for d in error["details"] if d["@type"] == "type.googleapis.com/google.rpc.ErrorInfo")
    assert (info["reason"], info["domain"]) == ("RATE_LIMIT_EXCEEDED", "googleapis.com")
    assert info["metadata"]["quota_metric"] == f"sheets.googleapis.com/{quota.lower()}_requests"
    assert info["metadata"]["quota_limit"] == f"{quota}RequestsPerMinutePerUser"


@pytest.mark.parametrize("status", [502, 503])
def test_google_s_front_end_answers_an_html_page(google, status):
    """A 502/503 from Google's front end is its HTML error page, not the API's JSON."""
    google.fail_next(1, status=status, html=True)
    answer = ask(google, GET, "/values:batchGet", {"ranges": ["'Sheet1'"]}, None)
    assert answer.status_code == status
    assert answer.headers["Content-Type"].startswith("text/html")
    assert answer.text.startswith("<!DOCTYPE html>") and f"<title>Error {status} (" in answer.text
    assert f"<p><b>{status}.</b> <ins>That’s an error.</ins>" in answer.text
