"""Secrets never reach a log line or an error: the process-wide log scrubber, and a service-account key Google refuses.

The key here is a real RSA key made for the test; Google's token endpoint is a local
server on 127.0.0.1 that refuses it the way Google does (and, worst case, quotes it back).
"""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from data_sources import secret_logs
from data_sources.base import SourceError
from data_sources.config import load_config, secret_values
from data_sources.google_sheet import GoogleSheetSource
from tests.apptest import app, texts
from tests.sources import SHEET_KEY


def private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


KEY = private_key()
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


class RefusingTokenEndpoint(BaseHTTPRequestHandler):
    """Google's token endpoint refusing the key, and (the worst case) quoting the key back in its answer."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"error": "invalid_grant", "error_description": f"Invalid JWT Signature for key {KEY_LINES[2]}"}).encode()
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def token_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), RefusingTokenEndpoint)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/token"
    server.shutdown()
    server.server_close()


def refused_secrets(token_uri: str) -> dict:
    return {
        "connections": {
            "gsheets": {
                "spreadsheet": SHEET_KEY,
                "type": "service_account",
                "project_id": "acme-advocacy",
                "private_key_id": "0123456789abcdef0123456789abcdef01234567",
                "private_key": KEY,
                "client_email": "rally@acme-advocacy.iam.gserviceaccount.com",
                "client_id": "1234567890",
                "token_uri": token_uri,
            }
        },
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
    assert not any(line in message for line in KEY_LINES) and "0123456789abcdef0123456789abcdef01234567" not in message


def test_a_page_on_a_refused_key_explains_and_shows_no_secret(token_endpoint, demo_app_env, monkeypatch):
    monkeypatch.delenv("SHEETS_EMULATOR_HOST", raising=False)
    at = app(secrets=refused_secrets(token_endpoint))
    shown = texts(at) + " ".join(str(e.value) for e in at.exception)
    assert "Google refused Rally's service account" in shown
    assert not any(line in shown for line in KEY_LINES)
