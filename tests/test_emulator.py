"""The Sheets emulator answers real gspread the way Google does, faults included."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import gspread
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from gspread.exceptions import APIError, SpreadsheetNotFound
from gspread.http_client import HTTPClient

from data_sources.gspread_clients import client_for_emulator, client_for_service_account, client_from_env_or_info
from tests.emulator.sheets_emulator import CellBox, FakeClock, SheetsEmulator, parse_cells, split_a1

KEY = "sheet-key-1"
POSTS = [
    ["Date", "Name", "Platform", "Link"],
    ["2025-01-06", "Ana", "LinkedIn", "https://example.com/1"],
    ["2025-01-07", "Ben", "X"],  # ragged on purpose: Google does not pad
]


@pytest.fixture
def rally_sheet(sheets_emulator: SheetsEmulator) -> SheetsEmulator:
    """An emulator holding one Rally spreadsheet with a posts tab and a tab whose name needs quoting."""
    sheets_emulator.add_spreadsheet(
        KEY,
        title="Rally log",
        tabs={"Posts": POSTS, "Survey Questions": [["Question"], ["Why post?"]], "Bob's tab": []},
    )
    return sheets_emulator


@pytest.mark.parametrize(
    ("a1", "expected"),
    [
        ("Posts", (None, "Posts")),  # bare word: tab name or cells, the spreadsheet decides
        ("Posts!A1:Z", ("Posts", "A1:Z")),
        ("'Survey Questions'!A1:Z", ("Survey Questions", "A1:Z")),
        ("'Survey Questions'", ("Survey Questions", None)),
        ("'Bob''s tab'!B2", ("Bob's tab", "B2")),  # '' is an escaped apostrophe
        ("'a!b'!A1", ("a!b", "A1")),  # "!" inside quotes belongs to the name
    ],
)
def test_split_a1_separates_tab_name_from_cells(a1, expected):
    assert split_a1(a1) == expected


@pytest.mark.parametrize(
    ("cells", "box"),
    [
        ("A1", CellBox(0, 0, 1, 1)),
        ("A1:Z", CellBox(0, 0, None, 26)),  # open-ended rows: to the bottom of the grid
        ("B:D", CellBox(0, 1, None, 4)),
        ("2:5", CellBox(1, 0, 5, None)),
        ("$A$2:$C$3", CellBox(1, 0, 3, 3)),
        ("AA10", CellBox(9, 26, 10, 27)),
    ],
)
def test_parse_cells_reads_a1_rectangles(cells, box):
    assert parse_cells(cells) == box


@pytest.mark.parametrize("cells", ["", "A0", "1A", "B1:A1", "A1:", "R1C1"])
def test_parse_cells_rejects_what_google_cannot_parse(cells):
    with pytest.raises(ValueError):
        parse_cells(cells)


def test_open_by_key_reports_title_locale_and_tabs(rally_sheet, sheets_client):
    spreadsheet = sheets_client.open_by_key(KEY)

    worksheets = spreadsheet.worksheets()

    assert (spreadsheet.title, spreadsheet.locale) == ("Rally log", "en_GB")
    assert [(ws.id, ws.title, ws.index) for ws in worksheets] == [
        (0, "Posts", 0),
        (1, "Survey Questions", 1),
        (2, "Bob's tab", 2),
    ]
    assert (worksheets[0].row_count, worksheets[0].col_count) == (1000, 26)
    assert rally_sheet.count("metadata") == 2


def test_unknown_spreadsheet_is_not_found(rally_sheet, sheets_client):
    with pytest.raises(SpreadsheetNotFound):
        sheets_client.open_by_key("no-such-key")


def test_forbidden_spreadsheet_answers_403(rally_sheet, sheets_client):
    rally_sheet.set_forbidden(KEY)

    with pytest.raises(PermissionError) as raised:
        sheets_client.open_by_key(KEY)

    # gspread turns the 403 into PermissionError; the APIError it came from keeps Google's body.
    assert raised.value.__cause__.code == 403
    assert raised.value.__cause__.error["status"] == "PERMISSION_DENIED"


def test_batch_get_reads_several_tabs_in_one_request_without_padding(rally_sheet, sheets_client):
    spreadsheet = sheets_client.open_by_key(KEY)
    rally_sheet.reset_log()

    answer = spreadsheet.values_batch_get(["'Posts'!A1:Z", "'Survey Questions'!A1:Z", "'Bob''s tab'"])

    assert rally_sheet.count() == rally_sheet.count("batch_get") == 1
    posts, questions, empty = answer["valueRanges"]
    assert posts == {"range": "Posts!A1:Z1000", "majorDimension": "ROWS", "values": POSTS}
    assert questions["range"] == "'Survey Questions'!A1:Z1000"
    assert questions["values"] == [["Question"], ["Why post?"]]
    assert "values" not in empty  # Google omits "values" for an empty range


def test_reads_trim_trailing_empty_cells_and_rows_but_keep_inner_gaps(rally_sheet, sheets_client):
    rally_sheet.set_values(KEY, "Posts", [["a", "", "c", ""], [], ["", "b", None], ["", ""]])

    answer = sheets_client.open_by_key(KEY).values_get("Posts")

    assert answer["values"] == [["a", "", "c"], [], ["", "b"]]


def test_formatted_reads_render_numbers_as_text_and_unformatted_keep_them(rally_sheet, sheets_client):
    rally_sheet.set_values(KEY, "Posts", [[7, 2.5, 3.0, True]])
    spreadsheet = sheets_client.open_by_key(KEY)

    formatted = spreadsheet.values_get("Posts!A1:D1")["values"]
    unformatted = spreadsheet.values_get("Posts!A1:D1", params={"valueRenderOption": "UNFORMATTED_VALUE"})["values"]

    assert formatted == [["7", "2.5", "3", "TRUE"]]
    assert unformatted == [[7, 2.5, 3.0, True]]


def test_get_all_values_pads_through_gspread_and_logs_a_values_get(rally_sheet, sheets_client):
    worksheet = sheets_client.open_by_key(KEY).worksheet("Posts")

    rows = worksheet.get_all_values()

    assert rows[2] == ["2025-01-07", "Ben", "X", ""]  # gspread pads; the emulator did not
    assert rally_sheet.requests("values_get")[0].ranges == ("'Posts'",)


def test_append_rows_raw_keeps_formulas_as_text_after_the_last_filled_row(rally_sheet, sheets_client):
    rally_sheet.set_values(KEY, "Posts", [*POSTS, [], ["", ""]])  # trailing blank rows are not "the table"
    worksheet = sheets_client.open_by_key(KEY).worksheet("Posts")

    answer = worksheet.append_rows(
        [["2025-01-08", "=1+1", "LinkedIn", 42]], value_input_option="RAW", insert_data_option="INSERT_ROWS"
    )

    assert rally_sheet.values(KEY, "Posts")[-1] == ["2025-01-08", "=1+1", "LinkedIn", 42]
    assert len(rally_sheet.values(KEY, "Posts")) == 4
    assert answer["tableRange"] == "Posts!A1:D3"
    assert answer["updates"] == {
        "spreadsheetId": KEY,
        "updatedRange": "Posts!A4:D4",
        "updatedRows": 1,
        "updatedColumns": 4,
        "updatedCells": 4,
    }
    (append,) = rally_sheet.requests("append")
    assert append.value_input_option == "RAW"
    assert append.query["insertDataOption"] == ["INSERT_ROWS"]


def test_append_to_a_quoted_tab_name_with_spaces_and_apostrophes(rally_sheet, sheets_client):
    spreadsheet = sheets_client.open_by_key(KEY)

    spreadsheet.worksheet("Survey Questions").append_row(["What worked?"])
    spreadsheet.worksheet("Bob's tab").append_row(["first"])

    assert rally_sheet.values(KEY, "Survey Questions") == [["Question"], ["Why post?"], ["What worked?"]]
    assert rally_sheet.values(KEY, "Bob's tab") == [["first"]]
    assert [record.ranges for record in rally_sheet.requests("append")] == [("'Survey Questions'",), ("'Bob''s tab'",)]


def test_update_writes_at_the_range_and_refuses_to_overflow_it(rally_sheet, sheets_client):
    worksheet = sheets_client.open_by_key(KEY).worksheet("Posts")

    worksheet.update([["Ana B."]], "B2", value_input_option="USER_ENTERED")

    assert rally_sheet.values(KEY, "Posts")[1][1] == "Ana B."
    assert rally_sheet.requests("update")[0].value_input_option == "USER_ENTERED"
    with pytest.raises(APIError) as raised:
        worksheet.update([["x"], ["y"]], "A1:A1")
    assert raised.value.code == 400


def test_unknown_tab_is_a_400_unable_to_parse_range(rally_sheet, sheets_client):
    spreadsheet = sheets_client.open_by_key(KEY)

    with pytest.raises(APIError) as raised:
        spreadsheet.values_batch_get(["'Posts'!A1:Z", "'Missing tab'!A1:Z"])

    assert raised.value.code == 400
    assert raised.value.error == {
        "code": 400,
        "message": "Unable to parse range: 'Missing tab'!A1:Z",
        "status": "INVALID_ARGUMENT",
    }


def test_injected_429_surfaces_as_api_error_and_then_clears(rally_sheet, sheets_client):
    spreadsheet = sheets_client.open_by_key(KEY)
    rally_sheet.fail_next(1, status=429, kind="batch_get")

    with pytest.raises(APIError) as raised:
        spreadsheet.values_batch_get(["Posts"])

    assert (raised.value.code, raised.value.error["status"]) == (429, "RESOURCE_EXHAUSTED")
    assert spreadsheet.values_batch_get(["Posts"])["valueRanges"][0]["values"] == POSTS
    assert [record.status for record in rally_sheet.requests("batch_get")] == [429, 200]


def test_fail_next_changes_nothing(rally_sheet, sheets_client):
    worksheet = sheets_client.open_by_key(KEY).worksheet("Posts")
    rally_sheet.fail_next(1, status=500)

    with pytest.raises(APIError) as raised:
        worksheet.append_row(["lost"])

    assert raised.value.code == 500
    assert rally_sheet.values(KEY, "Posts") == POSTS


def test_apply_then_fail_writes_the_row_but_answers_an_error(rally_sheet, sheets_client):
    worksheet = sheets_client.open_by_key(KEY).worksheet("Posts")
    rally_sheet.apply_then_fail(1, status=503)

    with pytest.raises(APIError) as raised:
        worksheet.append_row(["2025-01-09", "Cy"])

    assert (raised.value.code, raised.value.error["status"]) == (503, "UNAVAILABLE")
    assert rally_sheet.values(KEY, "Posts")[-1] == ["2025-01-09", "Cy"]
    worksheet.append_row(["2025-01-10", "Di"])  # only the next one fails
    assert rally_sheet.values(KEY, "Posts")[-1] == ["2025-01-10", "Di"]


def test_write_quota_answers_429_past_the_limit_until_the_minute_rolls_over(rally_sheet, sheets_client):
    clock = FakeClock()
    rally_sheet.clock = clock
    rally_sheet.write_quota_per_minute = 2
    worksheet = sheets_client.open_by_key(KEY).worksheet("Posts")

    worksheet.append_row(["1"])
    clock.advance(30)
    worksheet.append_row(["2"])
    with pytest.raises(APIError) as raised:
        worksheet.append_row(["3"])
    assert raised.value.code == 429
    assert worksheet.get_all_values()  # reads do not spend the write quota

    clock.advance(30.5)  # the first write has left the 60 s window, the second has not
    worksheet.append_row(["4"])
    with pytest.raises(APIError):
        worksheet.append_row(["5"])

    assert [row[0] for row in rally_sheet.values(KEY, "Posts")[len(POSTS) :]] == ["1", "2", "4"]


def test_fault_rate_is_replayable_from_its_seed(rally_sheet, sheets_client):
    spreadsheet = sheets_client.open_by_key(KEY)

    def statuses() -> list[int]:
        rally_sheet.reset_log()
        rally_sheet.fault_rate(0.5, status=503, seed=7)
        for _ in range(12):
            try:
                spreadsheet.values_get("Posts")
            except APIError:
                pass
        return [record.status for record in rally_sheet.log]

    first = statuses()

    assert first == statuses()
    assert {200, 503} == set(first)


def test_add_worksheet_creates_a_tab_and_refuses_a_duplicate_name(rally_sheet, sheets_client):
    spreadsheet = sheets_client.open_by_key(KEY)

    worksheet = spreadsheet.add_worksheet("Awards 2025", rows=10, cols=5)

    assert (worksheet.id, worksheet.title, worksheet.index, worksheet.row_count) == (3, "Awards 2025", 3, 10)
    assert rally_sheet.tab_titles(KEY)[-1] == "Awards 2025"
    worksheet.append_row(["Hero", "Ana"])
    assert spreadsheet.worksheet("Awards 2025").get_all_values() == [["Hero", "Ana"]]
    with pytest.raises(APIError) as raised:
        spreadsheet.add_worksheet("Posts", rows=1, cols=1)
    assert raised.value.code == 400


def test_latency_past_the_client_timeout_raises_a_timeout(rally_sheet):
    client = client_for_emulator(rally_sheet.host, timeout=0.02)
    rally_sheet.latency(5)  # stop() cuts this short, so the test does not wait for it

    with pytest.raises(requests.Timeout):
        client.open_by_key(KEY)


def test_emulator_client_uses_plain_http_client_with_a_timeout(sheets_emulator):
    client = client_for_emulator(sheets_emulator.host, timeout=3)

    assert type(client.http_client) is HTTPClient  # BackOffHTTPClient retries forever
    assert client.http_client.timeout == 3
    assert client.http_client.session.trust_env is False


def test_emulator_client_refuses_every_other_host(sheets_emulator):
    client = client_for_emulator(sheets_emulator.host, timeout=1)

    with pytest.raises(requests.ConnectionError, match="refused GET https://docs.google.com/spreadsheets"):
        client.http_client.request("get", "https://docs.google.com/spreadsheets/d/x/export?format=csv")


def test_emulator_client_lists_spreadsheets_by_title_like_drive(sheets_emulator):
    """Drive's file list (what gspread's open(title) asks) is answered by the emulator: opening by title works offline."""
    sheets_emulator.add_spreadsheet("key-1", title="Acme log", tabs={"Posts": [["Date"]]})
    client = client_for_emulator(sheets_emulator.host, timeout=1)
    assert client.open("Acme log").id == "key-1"
    assert sheets_emulator.count("drive_list") == 1


@pytest.mark.parametrize("host", ["http://127.0.0.1:8085", "127.0.0.1:8085/v4", ""])
def test_emulator_host_must_be_host_and_port(host):
    with pytest.raises(ValueError, match="host:port"):
        client_for_emulator(host, timeout=1)


def test_env_variable_chooses_the_emulator_even_when_a_key_is_given(rally_sheet):
    client = client_from_env_or_info(
        {"type": "service_account"}, timeout=2, env={"SHEETS_EMULATOR_HOST": rally_sheet.host}
    )

    assert client.open_by_key(KEY).title == "Rally log"


def test_missing_credentials_say_what_to_do(sheets_emulator):
    with pytest.raises(ValueError, match="SHEETS_EMULATOR_HOST"):
        client_from_env_or_info(None, timeout=2, env={})


def test_service_account_client_is_plain_and_bounded_without_touching_the_network():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "rally-test",
        "private_key_id": "0",
        "private_key": pem,
        "client_email": "rally@rally-test.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }

    client = client_from_env_or_info(info, timeout=4, env={})

    assert type(client.http_client) is HTTPClient
    assert client.http_client.timeout == 4
    assert client.http_client.auth.scopes == ["https://www.googleapis.com/auth/spreadsheets"]
    assert isinstance(client_for_service_account(info, timeout=1), gspread.Client)


def test_concurrent_appends_each_land_exactly_once(rally_sheet):
    def append_five(worker: int) -> None:
        worksheet = client_for_emulator(rally_sheet.host, timeout=5).open_by_key(KEY).worksheet("Posts")
        for n in range(5):
            worksheet.append_row([f"{worker}-{n}"])

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(append_five, range(6)))

    appended = [row[0] for row in rally_sheet.values(KEY, "Posts")[len(POSTS) :]]
    assert sorted(appended) == sorted(f"{worker}-{n}" for worker in range(6) for n in range(5))
    assert rally_sheet.count("append") == 30
