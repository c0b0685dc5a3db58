"""Secrets never reach a log line or an error: the process-wide log scrubber, and a service-account key Google refuses.

The key here is a real RSA key made for the test run; Google's token endpoint is the Sheets
emulator's, on 127.0.0.1, refusing it the way Google does (and, worst case, quoting it back).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from data_sources import secret_logs
from data_sources.base import SourceError
from data_sources.config import load_config, secret_values
from data_sources.google_sheet import GoogleSheetSource
from tests.apptest import app, texts
from tests.emulator.fixtures import SERVICE_ACCOUNT_KEY_ID, service_account, throwaway_key
from tests.sources import SHEET_KEY

KEY = throwaway_key()
KEY_LINES = [line for line in KEY.splitlines() if "PRIVATE KEY" not in line]


class Printed:
    """What a plain handler prints for the loggers it is put on (libraries often stop their logs reaching the root)."""

    def __init__(self) -> None:
        self.stream = io.StringIO()
        self.handler = logging.StreamHandler(self.stream)
        self.handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.loggers: list[logging.Logger] = []

    def logger(self, name: str) -> logging.Logger:
        log = logging.getLogger(name)
        log.addHandler(self.handler)
        self.loggers.append(log)
        return log

    def text(self) -> str:
        return self.stream.getvalue()


@pytest.fixture
def printed() -> Iterator[Printed]:
    """A handler to put on a logger; the scrubber's list emptied afterwards."""
    capture = Printed()
    yield capture
    for log in capture.loggers:
        log.removeHandler(capture.handler)
    secret_logs.install([])


# fmt: off
@pytest.mark.parametrize(
    ("logger", "message", "args"),
    [
        ("gspread", "token refresh failed for %s", (KEY,)),  # a library quoting the whole key
        ("google.auth", "bad key line %s", (KEY_LINES[3],)),  # one base64 line on its own
        ("streamlit", "secrets: %r", ({"private_key": KEY.replace("\n", "\\n")},)),  # a dict's repr: the key with \n escapes
        ("rally", "login with %s failed", ("the-cookie-secret-value",)),  # an [auth] secret, nested in the secrets
        ("rally", "passcode %s", ("orange-kite-42",)),
    ],
)
# fmt: on
def test_no_log_line_holds_a_secret_whoever_writes_it(printed, logger, message, args):
    secrets = {"connections": {"gsheets": {"private_key": KEY}}, "auth": {"google": {"cookie_secret": "the-cookie-secret-value"}}, "rally": {"facilitator_passcode": "orange-kite-42"}}
    secret_logs.install(secret_values(secrets))
    printed.logger(logger).warning(message, *args)
    shown = printed.text()
    assert "[redacted" in shown
    assert not any(line in shown for line in KEY_LINES)
    assert "the-cookie-secret-value" not in shown and "orange-kite-42" not in shown


def test_an_exception_s_traceback_is_scrubbed_too(printed):
    """An uncaught error whose message holds the key (logged with its traceback) prints without it."""
    secret_logs.install(secret_values({"connections": {"gsheets": {"private_key": KEY}}}))
    try:
        raise ValueError(f"could not deserialize key data: {KEY}")
    except ValueError:
        printed.logger("streamlit.runtime").exception("Uncaught app exception")
    shown = printed.text()
    assert "Traceback" in shown and "ValueError: could not deserialize key data" in shown
    assert not any(line in shown for line in KEY_LINES)


def test_without_the_scrubber_the_log_would_hold_the_key(printed):
    """The control: the same line printed with an empty secret list still loses the PEM block, but not a bare line of it."""
    secret_logs.install([])
    printed.logger("gspread").warning("bad key line %s", KEY_LINES[3])
    assert KEY_LINES[3] in printed.text()


# -- a key Google refuses --------------------------------------------------------------------------------------------------


@pytest.fixture
def token_endpoint(sheets_emulator) -> str:
    """Google's token endpoint (the emulator's) refusing the key, and (the worst case) quoting the key back in its answer."""
    sheets_emulator.fail_next(100, 400, kind="token", message=f"Invalid JWT Signature for key {KEY_LINES[2]}")
    return sheets_emulator.token_uri


def refused_secrets(token_uri: str) -> dict:
    return {
        "connections": {"gsheets": {"spreadsheet": SHEET_KEY, **service_account(token_uri=token_uri)}},
        "rally": {"sheet_read_attempts": 1},
    }


def test_a_refused_service_account_says_what_to_check_without_quoting_the_key(token_endpoint, monkeypatch, tmp_path):
    """The real service-account path up to Google's answer: a clear message, not the key."""
    monkeypatch.delenv("SHEETS_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path))
    source = GoogleSheetSource(load_config(refused_secrets(token_endpoint)), sleep=lambda seconds: None)
    with pytest.raises(SourceError) as raised:
        source.fetch()
    message = str(raised.value)
    assert "Google refused Rally's service account" in message and "invalid_grant" in message
    assert not any(line in message for line in KEY_LINES) and SERVICE_ACCOUNT_KEY_ID not in message


def test_a_page_on_a_refused_key_explains_and_shows_no_secret(token_endpoint, demo_app_env, monkeypatch):
    monkeypatch.delenv("SHEETS_EMULATOR_HOST", raising=False)
    at = app(secrets=refused_secrets(token_endpoint))
    shown = texts(at) + " ".join(str(e.value) for e in at.exception)
    assert "Google refused Rally's service account" in shown
    assert not any(line in shown for line in KEY_LINES)
