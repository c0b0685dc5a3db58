"""Google failing for a moment — a 5xx as JSON or as Google's HTML page, a reset, a slow answer, a failing sign-in — on a
read, the metadata, a write or the token: retried within the budget when it is passing, and told in one readable line.

Every error here is raised by real gspread and google-auth against the emulator (the token endpoint included).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import gspread
import pytest

from data_sources.base import SourceError
from data_sources.config import RallyConfig
from data_sources.google_sheet import GoogleSheetSource
from data_sources.gspread_clients import client_for_emulator
from data_sources.retry import RetryPolicy, is_transient, readable
from rally.demo.company import demo_tabs
from tests.apptest import app, clear_caches, texts
from tests.emulator.fixtures import SERVICE_ACCOUNT_KEY_ID, service_account, throwaway_key
from tests.emulator.sheets_emulator import SheetsEmulator
from tests.sources import SHEET_KEY, emulator_config

KEY_LINES = [line for line in throwaway_key().splitlines() if "PRIVATE KEY" not in line]
POSTS = [["Date", "Name", "Platform"], ["2026-11-16", "Maya Patel", "LinkedIn"]]
BUDGET = RetryPolicy(attempts=3, base_seconds=0.5, cap_seconds=8.0)
# How long a client waits for a slow answer: the one real wait here (a socket timeout has no clock to move),
# long enough that a busy machine's ordinary answers never hit it.
PATIENCE = 1.0


@pytest.fixture
def signed_in_sheet(sheets_emulator: SheetsEmulator) -> SheetsEmulator:
    """A Sheet that answers only requests carrying a token from the emulator's own token endpoint."""
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs={"Posts": POSTS})
    sheets_emulator.require_sign_in()
    return sheets_emulator


def client(emulator: SheetsEmulator, timeout: float = 5) -> gspread.Client:
    """gspread signing in as a service account at the emulator's token endpoint, then calling its Sheets API."""
    return client_for_emulator(emulator.host, timeout=timeout, service_account=service_account(emulator))


CALLS: dict[str, Callable[[gspread.Client], object]] = {
    "batch_get": lambda c: c.http_client.values_batch_get(SHEET_KEY, ["'Posts'"]),
    "metadata": lambda c: c.http_client.fetch_sheet_metadata(SHEET_KEY),
    "append": lambda c: c.http_client.values_append(
        SHEET_KEY, "'Posts'!A1", {"valueInputOption": "RAW"}, {"values": [["2026-11-17", "Leo", "X"]]}
    ),
    "token": lambda c: c.http_client.values_batch_get(SHEET_KEY, ["'Posts'"]),  # the first call signs in
}

# fmt: off
FAULTS = [
    # (the call that meets the fault, the fault, passing?, what the one line says)
    pytest.param("batch_get", {"status": 502, "html": True}, True, "Google's servers are overloaded for a moment (HTTP 502)", id="read-html-502"),
    # gspread can't read an HTML body: it raises APIError with code -1 and the page as the message.
    pytest.param("batch_get", {"status": 503, "html": True}, True, "(HTTP 503)", id="read-html-503"),
    # Google's JSON words are kept (the caller redacts any secret in them); its web page is not.
    pytest.param("batch_get", {"status": 503}, True, "(HTTP 503: The service is currently unavailable.)", id="read-json-503"),
    pytest.param("batch_get", {"status": 500}, True, "failing for a moment (HTTP 500: Internal error encountered.)", id="read-json-500"),
    pytest.param("batch_get", {"status": 409, "message": "Aborted."}, False, "HTTP 409: Aborted.", id="read-409"),
    pytest.param("batch_get", {"status": 429}, True, "rate limit reached (429)", id="read-429"),
    pytest.param("batch_get", {"reset": True}, True, "the connection was reset", id="read-reset"),
    pytest.param("batch_get", {"slow": True}, True, "no answer in time (timeout)", id="read-slow"),
    pytest.param("batch_get", {"status": 403}, False, "HTTP 403", id="read-403"),
    pytest.param("batch_get", {"status": 404}, False, "HTTP 404", id="read-404"),
    pytest.param("batch_get", {"status": 400}, False, "HTTP 400", id="read-400"),
    pytest.param("metadata", {"status": 502, "html": True}, True, "(HTTP 502)", id="metadata-html-502"),
    pytest.param("append", {"status": 502, "html": True}, True, "(HTTP 502)", id="write-html-502"),
    pytest.param("append", {"status": 429}, True, "rate limit reached (429)", id="write-429"),
    # google-auth doesn't retry a 502 itself: it raises RefreshError with the page, marked not retryable.
    pytest.param("token", {"status": 502, "html": True}, True, "Google's sign-in service is overloaded for a moment (HTTP 502)", id="token-html-502"),
    pytest.param("token", {"reset": True}, True, "signing in to Google failed", id="token-reset"),
    pytest.param("token", {"status": 400, "message": "Invalid JWT Signature."}, False, "invalid_grant", id="token-refused"),
]
# fmt: on


@pytest.mark.parametrize(("kind", "fault", "passing", "words"), FAULTS)
def test_each_fault_is_classified_once_and_told_in_one_line(signed_in_sheet, kind, fault, passing, words):
    """`is_transient` and `readable` on the error real gspread raises: passing or not, one line, no HTML."""
    emulator = signed_in_sheet
    gspread_client = client(emulator)
    if kind != "token":
        CALLS["metadata"](gspread_client)  # signed in already: the fault meets the call itself
    gspread_client.set_timeout(PATIENCE if fault.get("slow") else 5)
    if fault.get("reset"):
        emulator.reset_next(1, kind=kind)
    elif fault.get("slow"):
        emulator.slow_next(1, seconds=30, kind=kind)  # the client gives up after PATIENCE; stop() ends the wait
    else:
        emulator.fail_next(1, fault["status"], kind=kind, message=fault.get("message"), html=fault.get("html", False))
    with pytest.raises(Exception) as raised:
        CALLS[kind](gspread_client)
    line = readable(raised.value)
    assert is_transient(raised.value) is passing
    assert words in line
    assert "\n" not in line and "<" not in line and "DOCTYPE" not in line


def source(
    emulator: SheetsEmulator, tmp_path, sleeps: list[float], gspread_client: gspread.Client | None = None
) -> GoogleSheetSource:
    config = emulator_config(emulator, tmp_path)
    made = gspread_client or client(emulator)
    return GoogleSheetSource(config, client_factory=lambda: made, retry=BUDGET, sleep=sleeps.append)


# fmt: off
RECOVERIES = [
    # (where the fault strikes, the fault, how many times in a row)
    pytest.param("batch_get", {"status": 502, "html": True}, 2, id="read-html-502-twice"),
    pytest.param("metadata", {"status": 502, "html": True}, 1, id="metadata-html-502"),
    pytest.param("token", {"status": 502, "html": True}, 2, id="token-html-502-twice"),
    pytest.param("batch_get", {"reset": True}, 1, id="read-reset"),
    pytest.param("token", {"reset": True}, 1, id="token-reset"),
    pytest.param("batch_get", {"slow": True}, 1, id="read-slow"),
]
# fmt: on


@pytest.mark.parametrize(("kind", "fault", "times"), RECOVERIES)
def test_a_passing_fault_is_retried_with_backoff_and_the_read_succeeds(signed_in_sheet, tmp_path, kind, fault, times):
    """Read, metadata and sign-in failing for a moment cost retries (jittered waits, never real sleeps), not the read."""
    emulator, sleeps, gspread_client = signed_in_sheet, [], client(signed_in_sheet)
    sheet = source(emulator, tmp_path, sleeps, gspread_client)
    if fault.get("reset"):
        emulator.reset_next(times, kind=kind)
    elif fault.get("slow"):
        sheet.fetch()  # signed in and the tabs known with time to spare: only the read itself meets the wait
        emulator.reset_log()
        gspread_client.set_timeout(PATIENCE)
        emulator.slow_next(times, seconds=30, kind=kind)
    else:
        emulator.fail_next(times, fault["status"], kind=kind, html=fault["html"])
    snapshot = sheet.fetch()
    assert snapshot.tabs["Posts"] == POSTS
    if not fault.get("slow"):  # a slow answer is logged when it is finally given, after the retry's
        failed = 0 if fault.get("reset") else fault["status"]
        assert [r.status for r in emulator.requests(kind)] == [failed] * times + [200]
    assert len(sleeps) == times and all(0 <= s <= BUDGET.base_seconds * 2**i for i, s in enumerate(sleeps))
    assert all(r.bearer for r in emulator.log if r.kind != "token")  # every Sheets call carried the token


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("batch_get", "Google Sheets unreachable: Google's servers are overloaded for a moment (HTTP 502)"),
        ("metadata", "Google Sheets unreachable: Google's servers are overloaded for a moment (HTTP 502)"),
        ("token", "Google Sheets unreachable: Google's sign-in service is overloaded for a moment (HTTP 502)"),
    ],
)
def test_a_fault_that_outlasts_the_budget_is_one_readable_line(signed_in_sheet, tmp_path, kind, words):
    """Three HTML 502s in a row: three tries, then a transient error whose message is one line without the page."""
    emulator, sleeps = signed_in_sheet, []
    emulator.fail_next(10, 502, kind=kind, html=True)
    with pytest.raises(SourceError) as raised:
        source(emulator, tmp_path, sleeps).fetch()
    assert str(raised.value) == words
    assert raised.value.transient and raised.value.status == 502
    assert emulator.count(kind) == BUDGET.attempts and len(sleeps) == BUDGET.attempts - 1


def test_a_refused_key_is_not_retried_and_quotes_no_key(signed_in_sheet, tmp_path):
    """Google refusing the key is permanent: one token request, a message saying what to check, no key in it."""
    emulator, sleeps = signed_in_sheet, []
    emulator.fail_next(10, 400, kind="token", message=f"Invalid JWT Signature for key {KEY_LINES[2]}")
    config = RallyConfig(
        gsheets={"spreadsheet": SHEET_KEY, **service_account(emulator)}, data_dir=tmp_path, emulator_host=emulator.host
    )
    with pytest.raises(SourceError) as raised:
        GoogleSheetSource(config, retry=BUDGET, sleep=sleeps.append).fetch()
    message = str(raised.value)
    assert "Google refused Rally's service account" in message and "invalid_grant" in message
    assert not any(line in message for line in KEY_LINES) and SERVICE_ACCOUNT_KEY_ID not in message
    assert (emulator.count("token"), sleeps, raised.value.transient) == (1, [], False)


def test_a_write_meeting_an_html_502_is_a_transient_error_in_one_line(signed_in_sheet, tmp_path):
    """The emulator's side of a failed write: append_rows says 'passing, try again' in words, and nothing landed."""
    emulator = signed_in_sheet
    emulator.fail_next(1, 502, kind="append", html=True)
    with pytest.raises(SourceError) as raised:
        source(emulator, tmp_path, []).append_rows("Posts", [["2026-11-17", "Leo", "X"]], POSTS[0])
    assert raised.value.transient and str(raised.value) == (
        "Google Sheets unreachable: Google's servers are overloaded for a moment (HTTP 502)"
    )
    assert emulator.values(SHEET_KEY, "Posts") == POSTS


@pytest.fixture
def signed_in_app(sheets_emulator, tmp_path, monkeypatch):
    """The app's own configuration: a service-account key signing in at the emulator, the demo company as the Sheet."""
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs=demo_tabs(date.today()))
    sheets_emulator.require_sign_in()
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", sheets_emulator.host)
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path))
    clear_caches()
    key = {
        "spreadsheet": f"https://docs.google.com/spreadsheets/d/{SHEET_KEY}/edit",
        **service_account(sheets_emulator),
    }
    yield {"connections": {"gsheets": key}, "rally": {"sheet_read_attempts": 1}}
    clear_caches()


def test_the_banner_after_an_html_502_is_one_line_with_the_time_of_the_data(sheets_emulator, signed_in_app):
    """After a good read, Google's HTML 502 leaves the figures on screen under 'Data as of HH:MM — <one line>'."""
    at = app(secrets=signed_in_app)
    posts_before = [m.value for m in at.metric if m.label == "Posts"]
    assert posts_before and sheets_emulator.count("token") == 1
    sheets_emulator.fail_next(10, 502, kind="batch_get", html=True)
    at.sidebar.button[0].click().run()
    [banner] = [re.sub(r"\\(.)", r"\1", w.value) for w in at.warning]  # as read: markdown escapes are invisible
    assert (
        "\n" not in banner
        and banner.startswith("Data as of ")
        and banner.endswith(" — Google Sheets unreachable: Google's servers are overloaded for a moment (HTTP 502)")
    )
    assert [m.value for m in at.metric if m.label == "Posts"] == posts_before


def test_a_sign_in_failing_with_html_shows_one_line_and_no_key(sheets_emulator, signed_in_app):
    """With nothing read yet, an HTML 502 from the token endpoint is a one-line reason on the page: no HTML, no key."""
    sheets_emulator.fail_next(10, 502, kind="token", html=True)
    at = app(secrets=signed_in_app)
    shown = texts(at) + " ".join(str(e.value) for e in at.exception)
    assert not at.exception
    assert "Google's sign-in service is overloaded for a moment (HTTP 502)" in shown
    assert "<" not in shown and "That’s an error" not in shown
    assert not any(line in shown for line in KEY_LINES) and SERVICE_ACCOUNT_KEY_ID not in shown
