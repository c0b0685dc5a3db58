"""A local stand-in for the Google Sheets API v4 (and Google's OAuth token endpoint) that unmodified gspread can talk to.

Rally's Sheet code is tested through real gspread over real HTTP, so the request
shapes, URL encoding and error parsing under test are the ones production uses.
Only the slice of the API Rally needs is emulated; anything else answers a
Google-shaped 400/404 that names what is missing, so a gap is loud, not silent.
tests/test_emulator_conformance.py holds the emulator to recorded Google answers.

What it does as Google does (see tests/emulator/cells.py for where each rule comes from):
- Cells are typed. RAW stores text as text and JSON numbers/booleans as such; USER_ENTERED parses typed
  text under the Sheet's locale (en_US by default, like a Sheet made through the API): "2020-01-01" is a
  date (43831 unformatted), "16/11/2026" is a date under en_GB and text under en_US, "3,400" a number,
  "=4/2" a formula. Every valueRenderOption and dateTimeRenderOption renders them.
- Answers: `range` fields quote a tab name that needs it ('Survey Questions'!A1:Z1000, 'D3'!A1:D4),
  trailing empty cells and rows are trimmed, an empty range has no "values" key, errors are Google's
  JSON (429s name the read or write quota and carry `details`), and the tabs Rally adds get large
  random sheetIds (the first tab of a spreadsheet is 0, as in a new Sheet).
- Append looks for the "table" the way Google does: the block of cells around the anchor, bounded by
  empty rows and columns; for a range that covers several blocks (a whole tab), the block holding the
  last filled cell. A blank row inside a tab therefore splits it: appending at 'Tab'!A1 writes under
  the first block, not at the bottom (gspread's recorded cassettes and issue #537 show the same).
- Faults for any call (`kind`), sign-in included: JSON or HTML ("Error 502 (Server Error)!!1") errors,
  a connection reset, a slow answer, a rolling write quota, writes applied before the answer fails (or is
  held, or never comes), rows refused by their content. Drive's file list answers an open by title.
- POST /token is Google's OAuth token endpoint for a service account's signed JWT; point a key's
  `token_uri` at it to run the real sign-in step. `require_sign_in()` makes Sheets calls need its token.

Fidelity notes (where this differs from Google on purpose):
- Formulas: arithmetic, SUM of numbers, HYPERLINK and quoted text only; others give "#NAME?".
  No number formats can be set (only those typing gives); no formatting requests in batchUpdate.
- Only majorDimension=ROWS is supported; COLUMNS is refused with a 400.
- Locales en_US, en_GB, de_DE and fr_FR; any other is refused at add_spreadsheet.
- Append with an empty anchor and no data inside its range writes at the anchor (no search beyond it).

Run it by hand for offline development:
    python -m tests.emulator.sheets_emulator --port 8085 --tabs tabs.json --locale en_GB --user-entered
then start the app with SHEETS_EMULATOR_HOST=127.0.0.1:8085.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import copy
import gc
import hashlib
import json
import random
import re
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.emulator import cells
from tests.emulator.cells import PLAIN

# Google's canonical status names; gspread reads "code", people read "status".
STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

# Close to the messages Google sends, so log lines and UI refusals look real.
DEFAULT_MESSAGES = {
    401: "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or "
    "other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
    504: "The service is currently unavailable.",
}

# The project number Google names in a quota error ("for consumer 'project_number:…'").
PROJECT_NUMBER = "123456789012"

# The titles and words of the HTML page Google's front end answers with when it, not the API, fails.
_HTML_PAGES = {
    500: ("Server Error", "There was an error. Please try again later."),
    502: (
        "Server Error",
        "The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds.",
    ),
    503: ("Service Unavailable", "The service you requested is not available yet.<p>Please try again in 30 seconds."),
    504: (
        "Gateway Timeout",
        "The server encountered a temporary error and could not complete your request.<p>Please try again in 30 seconds.",
    ),
}

WRITE_KINDS = frozenset({"append", "update", "batch_update", "values_batch_update", "clear"})
VALUE_INPUT_OPTIONS = frozenset({"RAW", "USER_ENTERED"})
VALUE_RENDER_OPTIONS = frozenset({"FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"})
DATE_TIME_RENDER_OPTIONS = frozenset({"SERIAL_NUMBER", "FORMATTED_STRING"})
DEFAULT_ROW_COUNT = 1000
DEFAULT_COLUMN_COUNT = 26
DEFAULT_LOCALE = "en_US"  # what Google gives a Sheet made through the API (gspread's cassettes all say en_US)
DEFAULT_TIME_ZONE = "Etc/GMT"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def google_error_page(status: int) -> str:
    """The HTML page Google's front end answers with for a 5xx ("Error 502 (Server Error)!!1"), not the API's JSON."""
    title, words = _HTML_PAGES.get(status, ("Server Error", "There was an error. Please try again later."))
    return (
        "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n"
        '  <meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">\n'
        f"  <title>Error {status} ({title})!!1</title>\n"
        "  <style>\n    *{margin:0;padding:0}html,code{font:15px/22px arial,sans-serif}html{background:#fff;color:#222;"
        "padding:15px}body{margin:7% auto 0;max-width:390px;min-height:180px;padding:30px 0 15px}\n  </style>\n"
        "  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>\n"
        f"  <p><b>{status}.</b> <ins>That’s an error.</ins>\n"
        f"  <p>{words}  <ins>That’s all we know.</ins>\n"
    )


class SheetsApiError(Exception):
    """An error answer: Google-shaped JSON (with `details` when Google sends them), or the front end's HTML page."""

    def __init__(
        self, status: int, message: str | None = None, *, details: list[dict] | None = None, html: bool = False
    ) -> None:
        self.status = status
        self.message = message or DEFAULT_MESSAGES.get(status, "Emulated failure.")
        self.details = details
        self.html = html
        super().__init__(f"{status}: {self.message}")

    def payload(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.status,
            "message": self.message,
            "status": STATUS_NAMES.get(self.status, "UNKNOWN"),
        }
        if self.details:
            error["details"] = self.details
        return {"error": error}

    def answer(self) -> tuple[str, bytes]:
        """(content type, body) as sent."""
        if self.html:
            return "text/html; charset=UTF-8", google_error_page(self.status).encode("utf-8")
        return "application/json; charset=UTF-8", json.dumps(self.payload()).encode("utf-8")


def quota_exceeded(write: bool) -> SheetsApiError:
    """Google's 429 for a read or a write, message and details as Google sends them."""
    kind, metric = ("Write", "write_requests") if write else ("Read", "read_requests")
    return SheetsApiError(
        429,
        f"Quota exceeded for quota metric '{kind} requests' and limit '{kind} requests per minute per user' of service "
        f"'sheets.googleapis.com' for consumer 'project_number:{PROJECT_NUMBER}'.",
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {
                    "consumer": f"projects/{PROJECT_NUMBER}",
                    "quota_limit": f"{kind}RequestsPerMinutePerUser",
                    "quota_metric": f"sheets.googleapis.com/{metric}",
                    "service": "sheets.googleapis.com",
                },
            },
            {
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [
                    {
                        "description": "Request a higher quota limit.",
                        "url": "https://cloud.google.com/docs/quotas/help/request_increase",
                    }
                ],
            },
        ],
    )


class OAuthError(SheetsApiError):
    """An answer of the token endpoint: OAuth's {"error", "error_description"}, not the API's envelope."""

    def __init__(self, status: int, error: str, description: str | None = None, *, html: bool = False) -> None:
        super().__init__(status, description or error, html=html)
        self.error = error
        self.description = description

    def payload(self) -> dict[str, Any]:
        body = {"error": self.error}
        if self.description:
            body["error_description"] = self.description
        return body


@dataclass(frozen=True)
class Fault:
    """What the next matching request meets instead of (or before) its answer.

    `status` 0 drops the connection without an answer (a reset); `seconds` answers late (then normally,
    unless `status` says otherwise); `html` answers Google's front-end HTML page instead of JSON.
    """

    status: int = 429
    kind: str | None = None
    message: str | None = None
    html: bool = False
    seconds: float = 0.0
    reset: bool = False

    def matches(self, kind: str) -> bool:
        return self.kind is None or self.kind == kind


_RESET = object()  # _respond's answer when the connection is to be dropped


class NoAnswer(Exception):
    """Raised inside the handling when the emulator hangs up instead of answering (the client sees a reset)."""


@dataclass(frozen=True)
class RequestRecord:
    """One request as the emulator saw it; `query` maps each name to all its values."""

    method: str
    path: str
    kind: str
    query: dict[str, list[str]]
    value_input_option: str | None
    status: int  # 0 for a connection dropped without an answer
    spreadsheet_id: str | None = None
    ranges: tuple[str, ...] = ()
    body: Any = None
    seconds: float = 0.0  # the emulator's own time on it (Google's share of a request), for the benchmark
    cpu_seconds: float = 0.0  # …of which its handler thread was on a CPU (steadier than `seconds` on a busy machine)
    bearer: str | None = None  # the access token the request carried, if any


class FakeClock:
    """A clock tests move by hand, so the rolling write quota needs no sleeping."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# ---------------------------------------------------------------- A1 notation


@dataclass(frozen=True)
class CellBox:
    """A rectangle of cells, 0-based, end-exclusive; None means 'to the edge of the grid'."""

    start_row: int = 0
    start_col: int = 0
    end_row: int | None = None
    end_col: int | None = None


WHOLE_TAB = CellBox()
_CELL_REF = re.compile(r"^\$?([A-Za-z]*)\$?(\d*)$")


def split_a1(a1: str) -> tuple[str | None, str | None]:
    """Split "'Tab ''x'''!A1:B2" into ("Tab 'x'", "A1:B2"); a bare word gives (None, word).

    A bare word is ambiguous (tab name or cells on the first tab) and is
    resolved against the spreadsheet by the caller, as Google does.
    """
    if a1.startswith("'"):
        name: list[str] = []
        i = 1
        while i < len(a1):
            char = a1[i]
            if char == "'":
                if a1[i + 1 : i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                rest = a1[i + 1 :]
                if rest == "":
                    return "".join(name), None
                if rest.startswith("!"):
                    return "".join(name), rest[1:]
                raise ValueError(a1)
            name.append(char)
            i += 1
        raise ValueError(a1)
    if "!" in a1:
        tab, _, cells = a1.rpartition("!")
        return tab, cells
    return None, a1


def column_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + (ord(char) - ord("A") + 1)
    return index - 1


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def parse_cells(cells: str) -> CellBox:
    """Parse "A1:Z", "A:C", "2:5", "B3" into a CellBox; raise ValueError otherwise."""
    if not cells:
        raise ValueError(cells)
    start, sep, end = cells.partition(":")
    start_match = _CELL_REF.match(start)
    end_match = _CELL_REF.match(end) if sep else start_match
    if not start_match or not end_match or not start or (sep and not end):
        raise ValueError(cells)
    start_letters, start_digits = start_match.groups()
    end_letters, end_digits = end_match.groups()
    if (start_digits and int(start_digits) == 0) or (end_digits and int(end_digits) == 0):
        raise ValueError(cells)
    box = CellBox(
        start_row=int(start_digits) - 1 if start_digits else 0,
        start_col=column_index(start_letters) if start_letters else 0,
        end_row=int(end_digits) if end_digits else None,
        end_col=column_index(end_letters) + 1 if end_letters else None,
    )
    if (box.end_row is not None and box.end_row <= box.start_row) or (
        box.end_col is not None and box.end_col <= box.start_col
    ):
        raise ValueError(cells)
    return box


_A1_LIKE = re.compile(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*", re.ASCII)


def quote_tab_name(title: str) -> str:
    """Quote a tab name the way Google writes it back in `range` fields.

    Google leaves a plain name bare (Sheet1!A1) and quotes one with spaces or symbols, and one that reads as a
    cell reference ('D3'!A1:D4 in gspread's recorded answers), doubling any apostrophe inside.
    """
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title, re.ASCII) and not _A1_LIKE.fullmatch(title):
        return title
    return "'" + title.replace("'", "''") + "'"


# ---------------------------------------------------------------- stored state


@dataclass
class _Tab:
    sheet_id: int
    title: str
    rows: list[list[Any]]  # cells as stored: plain JSON scalars or cells.Typed
    row_count: int = DEFAULT_ROW_COUNT
    column_count: int = DEFAULT_COLUMN_COUNT

    def last_row(self) -> int:
        """Number of rows down to the last one holding any non-empty cell."""
        for index in range(len(self.rows) - 1, -1, -1):
            if any(not _is_empty(cell) for cell in self.rows[index]):
                return index + 1
        return 0

    def width(self) -> int:
        return max((len(_trim_row(row)) for row in self.rows), default=0)

    def grow_to(self, rows: int, columns: int) -> None:
        self.row_count = max(self.row_count, rows)
        self.column_count = max(self.column_count, columns)

    def filled(self, row: int, column: int) -> bool:
        if row < 0 or column < 0 or row >= len(self.rows):
            return False
        cells_ = self.rows[row]
        return column < len(cells_) and not _is_empty(cells_[column])

    def properties(self, index: int) -> dict[str, Any]:
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": self.row_count, "columnCount": self.column_count},
        }


@dataclass
class _Spreadsheet:
    key: str
    title: str
    locale: str
    time_zone: str
    tabs: list[_Tab] = field(default_factory=list)
    forbidden: bool = False
    # Google's sheetIds are random; seeded by the key so a run can be replayed.
    ids: random.Random = field(default_factory=random.Random)

    def tab(self, title: str) -> _Tab | None:
        return next((tab for tab in self.tabs if tab.title == title), None)

    def new_sheet_id(self) -> int:
        """0 for a spreadsheet's first tab (as in a new Sheet), a large random number for every other."""
        taken = {tab.sheet_id for tab in self.tabs}
        if 0 not in taken and not self.tabs:
            return 0
        while (candidate := self.ids.randrange(1, 2**31 - 1)) in taken:
            pass
        return candidate


def _is_empty(cell: Any) -> bool:
    return cell is None or cell == ""


def _trim_row(row: list[Any]) -> list[Any]:
    end = len(row)
    while end and _is_empty(row[end - 1]):
        end -= 1
    return row[:end]


def _trim_grid(rows: list[list[Any]]) -> list[list[Any]]:
    trimmed = [_trim_row(row) for row in rows]
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


def _check_values(values: Any) -> list[list[Any]]:
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        raise SheetsApiError(400, "Invalid value at 'data.values': expected a list of lists.")
    for i, row in enumerate(values):
        for j, cell in enumerate(row):
            if cell is not None and not isinstance(cell, str | int | float | bool):
                raise SheetsApiError(
                    400, f"Invalid values[{i}][{j}]: {type(cell).__name__} is not a string, number or boolean."
                )
    return values


def _stored(rows: list[list[Any]], value_input_option: str, locale: str) -> list[list[Any]]:
    """Rows as a Sheet stores them when written with `value_input_option` (None keeps what was there: left as None)."""
    if value_input_option == "USER_ENTERED":
        return [[None if c is None else cells.user_entered(c, locale) for c in row] for row in rows]
    return [[cells.normalise(c) for c in row] for row in rows]


def _region(tab: _Tab, row: int, column: int) -> tuple[int, int, int, int]:
    """The "table" around a filled cell: grown until bounded by empty rows and columns (diagonals touch).

    Returned as (top, left, bottom, right), end-exclusive.
    """
    top, bottom, left, right = row, row, column, column

    def row_touches(r: int) -> bool:
        return 0 <= r < len(tab.rows) and any(tab.filled(r, c) for c in range(left - 1, right + 2))

    def column_touches(c: int) -> bool:
        return c >= 0 and any(tab.filled(r, c) for r in range(max(top - 1, 0), min(bottom + 2, len(tab.rows))))

    grew = True
    while grew:
        grew = False
        while row_touches(bottom + 1):
            bottom, grew = bottom + 1, True
        while row_touches(top - 1):
            top, grew = top - 1, True
        while column_touches(right + 1):
            right, grew = right + 1, True
        while column_touches(left - 1):
            left, grew = left - 1, True
    return top, left, bottom + 1, right + 1


# ---------------------------------------------------------------- HTTP plumbing


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps gspread's pooled connection alive between calls.
    protocol_version = "HTTP/1.1"
    # Without this each keep-alive response stalls ~40 ms on delayed ACKs.
    disable_nagle_algorithm = True
    server_version = "SheetsEmulator/1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.emulator._track(self.connection, open_=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.emulator._track(self.connection, open_=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Tests read the request log; an access log on stderr is only noise."""

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_PUT(self) -> None:
        self._answer("PUT")

    def do_DELETE(self) -> None:
        self._answer("DELETE")

    def do_PATCH(self) -> None:
        self._answer("PATCH")

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        answer = self.server.emulator._handle_bytes(method, self.path, raw_body, self.headers.get("Authorization"))
        if answer is _RESET:
            # A connection reset: no answer, and an RST rather than a polite FIN.
            self.close_connection = True
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
            except OSError:
                pass
            return
        status, content_type, body = answer
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Lets a test restart on the same port right after stop() in hand runs.
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: SheetsEmulator) -> None:
        self.emulator = emulator
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that timed out and hung up is a scenario under test, not a crash."""


# ---------------------------------------------------------------- the emulator


_ROUTE = re.compile(r"^/v4/spreadsheets/(?P<id>[^/:]+)(?P<rest>.*)$")


class SheetsEmulator:
    """An in-process Sheets API v4 server on 127.0.0.1 with fault injection, a token endpoint and a request log.

    `clock` drives only the rolling write quota; swap in a FakeClock to test it without sleeping.
    """

    def __init__(
        self, *, port: int = 0, write_quota_per_minute: int | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.port = port
        self.write_quota_per_minute = write_quota_per_minute
        self.clock = clock
        self._lock = threading.RLock()
        self._spreadsheets: dict[str, _Spreadsheet] = {}
        self._log: list[RequestRecord] = []
        self._faults: deque[Fault] = deque()
        # (status, kind or None for any write, HTML page?, reset?): applied first, then this answer
        self._apply_then_fail: deque[tuple[int, str | None, bool, bool]] = deque()
        self._stalls: deque[str] = deque()
        self._stalled = threading.Event()
        self._release = threading.Event()
        self._refused_text: tuple[str, int, str | None] | None = None
        self._fault_rate = 0.0
        self._fault_status = 503
        self._fault_kind: str | None = None
        self._fault_html = False
        self._rng = random.Random(0)
        self._latency = 0.0
        self._latency_kind: str | None = None
        self._write_times: deque[float] = deque()
        self._tokens: dict[str, str] = {}  # access token -> the service account it was issued to
        self._require_sign_in = False
        self._connections: set[socket.socket] = set()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle

    def start(self) -> SheetsEmulator:
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", self.port), self)
        # A short poll keeps shutdown() at ~50 ms instead of the default 0.5 s.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="sheets-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
        # Idle keep-alive connections would otherwise hold handler threads open.
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if thread is not None:
            thread.join(timeout=2)
        self._server = self._thread = None

    def __enter__(self) -> SheetsEmulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def host(self) -> str:
        """The emulator address as host:port, the form SHEETS_EMULATOR_HOST takes."""
        if self._server is None:
            raise RuntimeError("The Sheets emulator is not running; call start() first.")
        address, port = self._server.server_address[:2]
        return f"{address}:{port}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    @property
    def token_uri(self) -> str:
        """Google's OAuth token endpoint, played by this emulator: a service-account key's `token_uri`."""
        return f"{self.url}/token"

    # -- stored data

    def add_spreadsheet(
        self,
        key: str,
        title: str = "Rally",
        tabs: dict[str, list[list[Any]]] | None = None,
        locale: str = DEFAULT_LOCALE,
        time_zone: str = DEFAULT_TIME_ZONE,
        value_input_option: str = "RAW",
    ) -> None:
        """Create (or replace) a spreadsheet; tabs keep the dict's order, default one empty "Sheet1".

        The tabs' cells are stored as if written with `value_input_option`: RAW keeps text as text,
        USER_ENTERED types them under `locale` (dates, numbers, booleans, formulas), as a person would.
        """
        cells.locale(locale)  # refuse an unknown locale here, not on the first read
        if value_input_option not in VALUE_INPUT_OPTIONS:
            raise ValueError(f"value_input_option is RAW or USER_ENTERED, not {value_input_option!r}")
        spreadsheet = _Spreadsheet(
            key=key, title=title, locale=locale, time_zone=time_zone, ids=random.Random(f"sheet-ids:{key}")
        )
        for tab_title, rows in (tabs if tabs is not None else {"Sheet1": []}).items():
            spreadsheet.tabs.append(
                self._new_tab(spreadsheet.new_sheet_id(), tab_title, _stored(rows, value_input_option, locale))
            )
        with self._lock:
            self._spreadsheets[key] = spreadsheet

    def add_tab(self, key: str, title: str, rows: list[list[Any]] | None = None) -> int:
        """Add a tab to an existing spreadsheet (its cells stored RAW) and return its sheetId."""
        with self._lock:
            spreadsheet = self._spreadsheets[key]
            if spreadsheet.tab(title) is not None:
                raise ValueError(f"Spreadsheet {key!r} already has a tab {title!r}")
            tab = self._new_tab(spreadsheet.new_sheet_id(), title, _stored(rows or [], "RAW", spreadsheet.locale))
            spreadsheet.tabs.append(tab)
            return tab.sheet_id

    def set_values(self, key: str, tab: str, rows: list[list[Any]], value_input_option: str = "RAW") -> None:
        """Replace everything in a tab, as if someone had pasted over it in the browser."""
        with self._lock:
            target = self._require_tab(key, tab)
            target.rows = _stored(copy.deepcopy(rows), value_input_option, self._spreadsheets[key].locale)
            target.grow_to(len(rows), target.width())

    def values(self, key: str, tab: str) -> list[list[Any]]:
        """The tab's stored cells, as sent (not rendered), trailing empties trimmed like Google's reads.

        A cell USER_ENTERED made into a date, a formatted number or a formula is a `cells.Typed`.
        """
        with self._lock:
            return copy.deepcopy(_trim_grid(self._require_tab(key, tab).rows))

    def rendered(
        self,
        key: str,
        tab: str,
        value_render_option: str = "FORMATTED_VALUE",
        date_time_render_option: str = "SERIAL_NUMBER",
    ) -> list[list[Any]]:
        """The tab as a read with these options answers it (without a request in the log)."""
        with self._lock:
            spreadsheet = self._spreadsheets[key]
            query = {"valueRenderOption": [value_render_option], "dateTimeRenderOption": [date_time_render_option]}
            return self._read(spreadsheet, quote_tab_name(tab), query).get("values", [])

    def tab_titles(self, key: str) -> list[str]:
        with self._lock:
            return [tab.title for tab in self._spreadsheets[key].tabs]

    def sheet_ids(self, key: str) -> dict[str, int]:
        with self._lock:
            return {tab.title: tab.sheet_id for tab in self._spreadsheets[key].tabs}

    def set_forbidden(self, key: str, forbidden: bool = True) -> None:
        """Answer 403 for this spreadsheet, like a Sheet not shared with the service account."""
        with self._lock:
            self._spreadsheets[key].forbidden = forbidden

    def require_sign_in(self, required: bool = True) -> None:
        """Sheets calls must carry an access token this emulator's /token issued (else Google's 401)."""
        with self._lock:
            self._require_sign_in = required

    @staticmethod
    def _new_tab(sheet_id: int, title: str, rows: list[list[Any]]) -> _Tab:
        tab = _Tab(sheet_id=sheet_id, title=title, rows=copy.deepcopy(rows))
        tab.grow_to(len(rows), tab.width())
        return tab

    def _require_tab(self, key: str, title: str) -> _Tab:
        tab = self._spreadsheets[key].tab(title)
        if tab is None:
            raise KeyError(f"Spreadsheet {key!r} has no tab {title!r}; it has {self.tab_titles(key)}")
        return tab

    # -- request log

    @property
    def log(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._log)

    def requests(self, kind: str | None = None) -> list[RequestRecord]:
        with self._lock:
            return [record for record in self._log if kind is None or record.kind == kind]

    def count(self, kind: str | None = None) -> int:
        return len(self.requests(kind))

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()

    # -- fault injection (every `kind` is a request kind of the log: "batch_get", "append", "metadata", "token"…)

    def fail_next(
        self, n: int = 1, status: int = 429, *, kind: str | None = None, message: str | None = None, html: bool = False
    ) -> None:
        """The next n requests (of `kind`, if given) fail with `status` and change nothing.

        A 429 carries Google's read or write quota message; `html` answers Google's front-end HTML page
        ("Error 502 (Server Error)!!1") instead of JSON. For kind "token" a JSON failure is OAuth's
        {"error", "error_description": message}.
        """
        with self._lock:
            self._faults.extend([Fault(status, kind, message, html)] * n)

    def reset_next(self, n: int = 1, *, kind: str | None = None, after_apply: bool = False) -> None:
        """The next n requests (of `kind`) get no answer: the connection is reset. Nothing changes,
        unless `after_apply`: then a write is applied first (Google wrote it; the answer never came)."""
        with self._lock:
            if after_apply:
                self._apply_then_fail.extend([(0, kind, False, True)] * n)
            else:
                self._faults.extend([Fault(0, kind, reset=True)] * n)

    def html_error_next(
        self, n: int = 1, status: int = 503, *, kind: str | None = None, after_apply: bool = False
    ) -> None:
        """The next n requests (of `kind`) answer `status` with Google's HTML error page; with `after_apply`
        a write is applied first."""
        if after_apply:
            self.apply_then_fail(n, status, kind=kind, html=True)
        else:
            self.fail_next(n, status, kind=kind, html=True)

    def slow_next(self, n: int = 1, seconds: float = 30.0, *, kind: str | None = None) -> None:
        """The next n requests (of `kind`) answer only after `seconds` (stop() cuts the wait short).

        The request is handled after the wait, so a client that gave up in between may still have changed the Sheet.
        """
        with self._lock:
            self._faults.extend([Fault(200, kind, seconds=seconds)] * n)

    def fault_rate(
        self, p: float, status: int = 503, *, seed: int = 0, kind: str | None = None, html: bool = False
    ) -> None:
        """Fail a fraction p of requests, drawn from a seeded RNG so a run can be replayed."""
        with self._lock:
            self._fault_rate = p
            self._fault_status = status
            self._fault_kind = kind
            self._fault_html = html
            self._rng = random.Random(seed)

    def apply_then_fail(
        self, n: int = 1, status: int = 503, *, kind: str | None = "append", html: bool = False
    ) -> None:
        """The next n writes of `kind` (None: any write) ARE applied but answer `status`, like Google timing out
        after the write."""
        with self._lock:
            self._apply_then_fail.extend([(status, kind, html, False)] * n)

    def stall_after_apply(self, n: int = 1, *, kind: str = "append") -> threading.Event:
        """The next n requests of `kind` are applied, then their answer is held until `release()` (or stop()).

        Returns an event set once a held request has been applied: the moment to kill the client waiting for it.
        """
        with self._lock:
            self._stalls.extend([kind] * n)
            self._stalled.clear()
            self._release.clear()
        return self._stalled

    def release(self) -> None:
        """Let held answers go (to a client that may have gone)."""
        self._release.set()

    def refuse_rows_containing(self, text: str | None, status: int = 400, message: str | None = None) -> None:
        """Every append carrying a cell that contains `text` is refused with `status`, writing nothing (None: stop)."""
        with self._lock:
            self._refused_text = None if text is None else (text, status, message)

    def latency(self, seconds: float, *, kind: str | None = None) -> None:
        """Delay every answer (of `kind`, if given); stop() cuts the delay short."""
        with self._lock:
            self._latency = seconds
            self._latency_kind = kind

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._apply_then_fail.clear()
            self._stalls.clear()
            self._refused_text = None
            self._release.set()
            self._fault_rate = 0.0
            self._latency = 0.0
            self._write_times.clear()

    # -- request handling

    def _track(self, connection: socket.socket, *, open_: bool) -> None:
        with self._lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def _handle_bytes(
        self, method: str, raw_path: str, raw_body: bytes, authorization: str | None = None
    ) -> tuple[int, str, bytes] | object:
        """(status, content type, body) as sent, or _RESET; the request log keeps the time spent on it."""
        started, started_cpu = time.perf_counter(), time.thread_time()
        # Answers of 100k rows are 100k fresh lists: the cycle collector would walk them over and over.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._respond(method, raw_path, raw_body, authorization, started, started_cpu)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _respond(
        self,
        method: str,
        raw_path: str,
        raw_body: bytes,
        authorization: str | None,
        started: float,
        started_cpu: float,
    ) -> tuple[int, str, bytes] | object:
        parts = urlsplit(raw_path)
        query = parse_qs(parts.query, keep_blank_values=True)
        kind, spreadsheet_id, ranges = self._route(method, parts.path, query)
        value_input_option = query.get("valueInputOption", [None])[0]
        bearer = authorization[7:] if authorization and authorization.startswith("Bearer ") else None
        body: Any = None
        status = 200
        content_type = "application/json; charset=UTF-8"
        answer: Any
        try:
            fault = self._take_fault(kind)
            if fault is not None and fault.seconds:
                self._stopping.wait(fault.seconds)
                fault = None
            if fault is not None and fault.reset:
                answer = _RESET
            else:
                if fault is not None:
                    raise self._fault_error(kind, fault.status, fault.message, fault.html)
                if kind == "token":
                    answer = self._token(raw_body)
                else:
                    if raw_body:
                        try:
                            body = json.loads(raw_body)
                        except ValueError as error:
                            raise SheetsApiError(
                                400,
                                f"Invalid JSON payload received. {error}",
                                details=[
                                    {
                                        "@type": "type.googleapis.com/google.rpc.BadRequest",
                                        "fieldViolations": [{"description": f"Invalid JSON payload received. {error}"}],
                                    }
                                ],
                            ) from None
                        if kind == "values_batch_update" and isinstance(body, dict):
                            value_input_option = body.get("valueInputOption")  # sent in the body, not the query
                    self._delay(kind)
                    answer = self._answer(kind, method, spreadsheet_id, ranges, query, body, bearer)
                    self._stall_if_asked(kind)
        except NoAnswer:
            answer = _RESET
        except SheetsApiError as error:
            status, answer = error.status, error
        except Exception as error:
            # An emulator bug must reach the test as a readable 500, not a dropped connection.
            status, answer = 500, SheetsApiError(500, f"Emulator bug: {error!r}")
        if answer is _RESET:
            status, encoded = 0, b""
        elif isinstance(answer, SheetsApiError):
            content_type, encoded = answer.answer()
        else:
            encoded = json.dumps(answer).encode("utf-8")
        with self._lock:
            self._log.append(
                RequestRecord(
                    method=method,
                    path=unquote(parts.path),
                    kind=kind,
                    query=query,
                    value_input_option=value_input_option,
                    status=status,
                    spreadsheet_id=spreadsheet_id,
                    ranges=tuple(ranges),
                    body=body,
                    seconds=time.perf_counter() - started,
                    cpu_seconds=time.thread_time() - started_cpu,
                    bearer=bearer,
                )
            )
        return _RESET if answer is _RESET else (status, content_type, encoded)

    @staticmethod
    def _route(method: str, path: str, query: dict[str, list[str]]) -> tuple[str, str | None, list[str]]:
        if path == "/token" and method == "POST":
            return "token", None, []
        if path == "/drive/v3/files" and method == "GET":
            return "drive_list", None, []
        match = _ROUTE.match(path)
        if match is None:
            return "unknown", None, []
        spreadsheet_id, rest = unquote(match["id"]), match["rest"]
        if rest == "" and method == "GET":
            return "metadata", spreadsheet_id, []
        if rest == ":batchUpdate" and method == "POST":
            return "batch_update", spreadsheet_id, []
        if rest == "/values:batchGet" and method == "GET":
            return "batch_get", spreadsheet_id, query.get("ranges", [])
        if rest == "/values:batchUpdate" and method == "POST":
            return "values_batch_update", spreadsheet_id, []
        if rest.startswith("/values/"):
            raw_range = rest[len("/values/") :]
            for suffix, kind in ((":append", "append"), (":clear", "clear")):
                if raw_range.endswith(suffix) and method == "POST":
                    return kind, spreadsheet_id, [unquote(raw_range[: -len(suffix)])]
            if method == "GET":
                return "values_get", spreadsheet_id, [unquote(raw_range)]
            if method == "PUT":
                return "update", spreadsheet_id, [unquote(raw_range)]
        return "unknown", spreadsheet_id, []

    def _take_fault(self, kind: str) -> Fault | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.matches(kind):
                    del self._faults[index]
                    return fault
            if self._fault_rate and self._fault_kind in (None, kind) and self._rng.random() < self._fault_rate:
                return Fault(self._fault_status, kind, html=self._fault_html)
        return None

    @staticmethod
    def _fault_error(kind: str, status: int, message: str | None, html: bool) -> SheetsApiError:
        if kind == "token":
            error = "invalid_grant" if 400 <= status < 500 else "internal_failure"
            return OAuthError(status, error, message, html=html)
        if status == 429 and message is None and not html:
            return quota_exceeded(write=kind in WRITE_KINDS)
        return SheetsApiError(status, message, html=html)

    def _delay(self, kind: str) -> None:
        with self._lock:
            seconds = self._latency if self._latency_kind in (None, kind) else 0.0
        if seconds > 0:
            self._stopping.wait(seconds)

    def _token(self, raw_body: bytes) -> dict[str, Any]:
        """Google's token endpoint for a service account: a signed JWT in, an access token out.

        The JWT's signature is not checked (the emulator has no public key to check it with); its shape is.
        """
        form = parse_qs(raw_body.decode("utf-8", "replace"))
        if form.get("grant_type", [""])[0] != JWT_GRANT:
            raise OAuthError(400, "unsupported_grant_type", "Invalid grant_type: " + form.get("grant_type", [""])[0])
        try:
            _, payload, _ = form.get("assertion", [""])[0].split(".")
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except (ValueError, binascii.Error):
            raise OAuthError(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token.") from None
        if not claims.get("iss") or not claims.get("scope"):
            raise OAuthError(400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        digest = hashlib.sha256(f"{claims['iss']}:{len(self._tokens)}".encode()).hexdigest()[:32]
        token = f"ya29.emulator-{digest}"
        with self._lock:
            self._tokens[token] = str(claims["iss"])
        return {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}

    def _answer(
        self,
        kind: str,
        method: str,
        spreadsheet_id: str | None,
        ranges: list[str],
        query: dict[str, list[str]],
        body: Any,
        bearer: str | None = None,
    ) -> dict[str, Any]:
        with self._lock:
            if kind == "drive_list":
                return self._drive_list(query)
            if kind == "unknown":
                raise SheetsApiError(
                    404,
                    f"The Sheets emulator does not implement {method} on this path. Add it to tests/emulator/sheets_emulator.py if Rally needs it.",
                )
            if self._require_sign_in and bearer not in self._tokens:
                raise SheetsApiError(
                    401,
                    None
                    if bearer is None
                    else "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
                    "cookie or other valid authentication credential. See "
                    "https://developers.google.com/identity/sign-in/web/devconsole-project.",
                    details=[
                        {
                            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                            "reason": "CREDENTIALS_MISSING" if bearer is None else "ACCESS_TOKEN_TYPE_UNSUPPORTED",
                            "domain": "googleapis.com",
                            "metadata": {"service": "sheets.googleapis.com", "method": f"google.apps.sheets.v4.{kind}"},
                        }
                    ],
                )
            spreadsheet = self._spreadsheets.get(spreadsheet_id or "")
            if spreadsheet is None:
                raise SheetsApiError(404)
            if spreadsheet.forbidden:
                raise SheetsApiError(403)
            if kind in WRITE_KINDS:
                self._spend_write_quota()
            self._refuse_marked_rows(kind, body)
            payload = self._dispatch(kind, spreadsheet, ranges, query, body)
            for index, (status, fail_kind, html, reset) in enumerate(self._apply_then_fail):
                if fail_kind == kind or (fail_kind is None and kind in WRITE_KINDS):
                    del self._apply_then_fail[index]
                    if reset:
                        raise NoAnswer
                    raise self._fault_error(kind, status, None, html)
            return payload

    def _refuse_marked_rows(self, kind: str, body: Any) -> None:
        if kind != "append" or self._refused_text is None or not isinstance(body, dict):
            return
        text, status, message = self._refused_text
        if any(text in str(cell) for row in body.get("values") or [] for cell in row):
            raise SheetsApiError(status, message or f"Invalid values: a cell holds {text!r}, which this Sheet refuses.")

    def _stall_if_asked(self, kind: str) -> None:
        with self._lock:
            if kind not in self._stalls:
                return
            self._stalls.remove(kind)
            self._stalled.set()
        deadline = time.monotonic() + 30
        while not self._release.wait(0.05) and not self._stopping.is_set() and time.monotonic() < deadline:
            pass

    def _drive_list(self, query: dict[str, list[str]]) -> dict[str, Any]:
        """Drive v3 files.list as gspread's `Client.open(title)` asks it: spreadsheets named in `q` (name = "…")."""
        q = query.get("q", [""])[0]
        match = re.search(r'name = "((?:[^"\\]|\\.)*)"', q)
        files = [
            {
                "id": sheet.key,
                "name": sheet.title,
                "createdTime": "2026-01-05T09:00:00.000Z",
                "modifiedTime": "2026-01-05T09:00:00.000Z",
            }
            for sheet in self._spreadsheets.values()
            if not sheet.forbidden and (match is None or sheet.title == match[1])
        ]
        return {"kind": "drive#fileList", "files": files}

    def _spend_write_quota(self) -> None:
        if self.write_quota_per_minute is None:
            return
        now = self.clock()
        while self._write_times and self._write_times[0] <= now - 60:
            self._write_times.popleft()
        if len(self._write_times) >= self.write_quota_per_minute:
            raise quota_exceeded(write=True)
        self._write_times.append(now)

    def _dispatch(
        self, kind: str, spreadsheet: _Spreadsheet, ranges: list[str], query: dict[str, list[str]], body: Any
    ) -> dict[str, Any]:
        if kind == "metadata":
            return self._metadata(spreadsheet)
        if kind == "values_get":
            return self._read(spreadsheet, ranges[0], query)
        if kind == "batch_get":
            if not ranges:
                raise SheetsApiError(400, "Must specify at least one range.")
            return {
                "spreadsheetId": spreadsheet.key,
                "valueRanges": [self._read(spreadsheet, a1, query) for a1 in ranges],
            }
        if kind == "append":
            return self._append(spreadsheet, ranges[0], query, body or {})
        if kind == "update":
            return self._update(spreadsheet, ranges[0], query, body or {})
        if kind == "clear":
            return self._clear(spreadsheet, ranges[0])
        if kind == "batch_update":
            return self._batch_update(spreadsheet, body or {})
        if kind == "values_batch_update":
            return self._values_batch_update(spreadsheet, body or {})
        raise SheetsApiError(404)

    # -- endpoints

    @staticmethod
    def _metadata(spreadsheet: _Spreadsheet) -> dict[str, Any]:
        return {
            "spreadsheetId": spreadsheet.key,
            "properties": {
                "title": spreadsheet.title,
                "locale": spreadsheet.locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": spreadsheet.time_zone,
            },
            "sheets": [{"properties": tab.properties(index)} for index, tab in enumerate(spreadsheet.tabs)],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{spreadsheet.key}/edit",
        }

    @staticmethod
    def _resolve(spreadsheet: _Spreadsheet, a1: str) -> tuple[_Tab, CellBox]:
        unparseable = SheetsApiError(400, f"Unable to parse range: {a1}")
        try:
            tab_name, cells_ = split_a1(a1)
        except ValueError:
            raise unparseable from None
        if tab_name is None:
            tab = spreadsheet.tab(a1)
            if tab is not None:
                return tab, WHOLE_TAB
            if not spreadsheet.tabs:
                raise unparseable
            tab, cells_ = spreadsheet.tabs[0], a1
        else:
            tab = spreadsheet.tab(tab_name)
            if tab is None:
                raise unparseable
        if cells_ is None:
            return tab, WHOLE_TAB
        try:
            return tab, parse_cells(cells_)
        except ValueError:
            raise unparseable from None

    @staticmethod
    def _a1(tab: _Tab, start_row: int, start_col: int, end_row: int, end_col: int) -> str:
        """A range as Google writes it: one cell as Sheet1!C1, a block as Sheet1!A1:D4."""
        first = f"{column_letters(start_col)}{start_row + 1}"
        last = f"{column_letters(end_col - 1)}{end_row}"
        return f"{quote_tab_name(tab.title)}!{first}" + ("" if first == last else f":{last}")

    @staticmethod
    def _option(query: dict[str, list[str]], name: str, default: str, allowed: frozenset[str], field_: str) -> str:
        option = query.get(name, [default])[0]
        if option not in allowed:
            raise SheetsApiError(400, f"Invalid value at '{field_}' ({option})")
        return option

    def _read(self, spreadsheet: _Spreadsheet, a1: str, query: dict[str, list[str]]) -> dict[str, Any]:
        tab, box = self._resolve(spreadsheet, a1)
        major_dimension = query.get("majorDimension", ["ROWS"])[0]
        if major_dimension != "ROWS":
            raise SheetsApiError(400, f"The Sheets emulator only supports majorDimension=ROWS, not {major_dimension}.")
        render = self._option(
            query, "valueRenderOption", "FORMATTED_VALUE", VALUE_RENDER_OPTIONS, "value_render_option"
        )
        serial_dates = (
            self._option(
                query, "dateTimeRenderOption", "SERIAL_NUMBER", DATE_TIME_RENDER_OPTIONS, "date_time_render_option"
            )
            == "SERIAL_NUMBER"
        )
        end_row = min(box.end_row or tab.row_count, tab.row_count)
        end_col = min(box.end_col or tab.column_count, tab.column_count)
        rows = [row[box.start_col : end_col] for row in tab.rows[box.start_row : end_row]]
        locale = spreadsheet.locale
        if render == "FORMATTED_VALUE":
            rows = [[cells.formatted(cell, locale) for cell in row] for row in rows]
        elif render == "UNFORMATTED_VALUE":
            unformatted = cells.unformatted
            rows = [
                [cell if cell.__class__ in PLAIN else unformatted(cell, serial_dates, locale) for cell in row]
                for row in rows
            ]
        else:
            rows = [[cells.formula(cell, serial_dates, locale) for cell in row] for row in rows]
        result: dict[str, Any] = {
            "range": self._a1(
                tab, box.start_row, box.start_col, max(end_row, box.start_row + 1), max(end_col, box.start_col + 1)
            ),
            "majorDimension": "ROWS",
        }
        values = _trim_grid(rows)
        if values:
            # Google leaves "values" out entirely when the range is empty. The rows are fresh lists of
            # immutable cells, so no copy is needed to keep later writes out of this answer.
            result["values"] = values
        return result

    @staticmethod
    def _value_input_option(query: dict[str, list[str]]) -> str:
        option = query.get("valueInputOption", [None])[0]
        if option is None:
            raise SheetsApiError(400, "'valueInputOption' is required but not specified")
        if option not in VALUE_INPUT_OPTIONS:
            raise SheetsApiError(400, f"Invalid value at 'value_input_option' ({option})")
        return option

    @staticmethod
    def _body_values(body: dict[str, Any]) -> list[list[Any]]:
        major_dimension = body.get("majorDimension") or "ROWS"
        if major_dimension != "ROWS":
            raise SheetsApiError(400, f"The Sheets emulator only supports majorDimension=ROWS, not {major_dimension}.")
        return _check_values(body.get("values"))

    @staticmethod
    def _write(tab: _Tab, start_row: int, start_col: int, values: list[list[Any]]) -> None:
        """Write stored cells (see _stored) with their top-left at (start_row, start_col)."""
        for i, row in enumerate(values):
            target_row = start_row + i
            while len(tab.rows) <= target_row:
                tab.rows.append([])
            stored = tab.rows[target_row]
            for j, cell in enumerate(row):
                if cell is None:
                    continue  # Google skips nulls: the cell keeps what it had
                target_col = start_col + j
                if len(stored) <= target_col:
                    stored.extend([""] * (target_col + 1 - len(stored)))
                stored[target_col] = cell
        width = max((len(row) for row in values), default=0)
        tab.grow_to(start_row + len(values), start_col + width)

    def _update_summary(
        self, spreadsheet: _Spreadsheet, tab: _Tab, start_row: int, start_col: int, values: list[list[Any]]
    ) -> dict[str, Any]:
        rows = len(values)
        columns = max((len(row) for row in values), default=0)
        summary: dict[str, Any] = {"spreadsheetId": spreadsheet.key}
        if rows and columns:
            summary.update(
                updatedRange=self._a1(tab, start_row, start_col, start_row + rows, start_col + columns),
                updatedRows=rows,
                updatedColumns=columns,
                updatedCells=sum(len(row) for row in values),
            )
        return summary

    @staticmethod
    def _table(tab: _Tab, box: CellBox) -> tuple[int, int, int, int] | None:
        """The table an append to `box` extends: around the last filled cell inside the box (reading order)."""
        end_row = min(box.end_row or len(tab.rows), len(tab.rows))
        for row in range(end_row - 1, box.start_row - 1, -1):
            cells_ = tab.rows[row]
            end_col = len(cells_) if box.end_col is None else min(box.end_col, len(cells_))
            for column in range(end_col - 1, box.start_col - 1, -1):
                if not _is_empty(cells_[column]):
                    return _region(tab, row, column)
        return None

    def _append(
        self, spreadsheet: _Spreadsheet, a1: str, query: dict[str, list[str]], body: dict[str, Any]
    ) -> dict[str, Any]:
        tab, box = self._resolve(spreadsheet, a1)
        option = self._value_input_option(query)
        insert_option = query.get("insertDataOption", ["OVERWRITE"])[0]
        if insert_option not in ("OVERWRITE", "INSERT_ROWS"):
            raise SheetsApiError(400, f"Invalid value at 'insert_data_option' ({insert_option})")
        values = self._body_values(body)
        response: dict[str, Any] = {"spreadsheetId": spreadsheet.key}
        table = self._table(tab, box)
        if table is None:
            start_row, start_col = box.start_row, box.start_col
        else:
            top, left, bottom, right = table
            response["tableRange"] = self._a1(tab, top, left, bottom, right)
            # "appended to the next row of the table, starting with the first column of the table"
            start_row, start_col = bottom, left
        if insert_option == "INSERT_ROWS":
            # Fresh rows are inserted there: whatever was below (after a blank row) moves down, untouched.
            if start_row < len(tab.rows):
                tab.rows[start_row:start_row] = [[] for _ in values]
            tab.row_count += len(values)
        self._write(tab, start_row, start_col, _stored(values, option, spreadsheet.locale))
        response["updates"] = self._update_summary(spreadsheet, tab, start_row, start_col, values)
        return response

    def _update(
        self, spreadsheet: _Spreadsheet, a1: str, query: dict[str, list[str]], body: dict[str, Any]
    ) -> dict[str, Any]:
        tab, box = self._resolve(spreadsheet, a1)
        option = self._value_input_option(query)
        values = self._body_values(body)
        single_cell = ":" not in (split_a1(a1)[1] or ":")
        if single_cell:
            # Google treats a one-cell range ('Tab'!A1) as the top-left anchor of the values.
            pass
        elif box.end_row is not None and len(values) > box.end_row - box.start_row:
            raise SheetsApiError(
                400, f"Requested writing within range [{a1}], but tried writing to row [{box.start_row + len(values)}]"
            )
        width = max((len(row) for row in values), default=0)
        if not single_cell and box.end_col is not None and width > box.end_col - box.start_col:
            raise SheetsApiError(
                400,
                f"Requested writing within range [{a1}], but tried writing to column [{column_letters(box.start_col + width - 1)}]",
            )
        self._write(tab, box.start_row, box.start_col, _stored(values, option, spreadsheet.locale))
        return self._update_summary(spreadsheet, tab, box.start_row, box.start_col, values)

    def _values_batch_update(self, spreadsheet: _Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        option = body.get("valueInputOption")
        if option not in ("RAW", "USER_ENTERED"):
            raise SheetsApiError(400, "Invalid valueInputOption: must be RAW or USER_ENTERED.")
        query = {"valueInputOption": [option]}
        replies = [self._update(spreadsheet, item.get("range", ""), query, item) for item in body.get("data") or []]
        return {
            "spreadsheetId": spreadsheet.key,
            "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in replies),
            "totalUpdatedColumns": max((r.get("updatedColumns", 0) for r in replies), default=0),
            "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in replies),
            "totalUpdatedSheets": len({r["updatedRange"].rpartition("!")[0] for r in replies if "updatedRange" in r}),
            "responses": replies,
        }

    def _clear(self, spreadsheet: _Spreadsheet, a1: str) -> dict[str, Any]:
        tab, box = self._resolve(spreadsheet, a1)
        end_row = min(box.end_row or tab.row_count, tab.row_count)
        end_col = min(box.end_col or tab.column_count, tab.column_count)
        for row in tab.rows[box.start_row : end_row]:
            for col in range(box.start_col, min(end_col, len(row))):
                row[col] = ""
        return {
            "spreadsheetId": spreadsheet.key,
            "clearedRange": self._a1(tab, box.start_row, box.start_col, end_row, end_col),
        }

    def _batch_update(self, spreadsheet: _Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        """addSheet and updateSheetProperties (title, grid size), applied all-or-nothing as Google does."""
        requests = body.get("requests") or []
        planned: list[Callable[[], dict[str, Any]]] = []
        titles = {tab.title for tab in spreadsheet.tabs}
        ids = {tab.sheet_id for tab in spreadsheet.tabs}
        for i, request in enumerate(requests):
            kinds = list(request)
            if kinds == ["addSheet"]:
                planned.append(self._plan_add_sheet(spreadsheet, request["addSheet"], i, titles, ids))
            elif kinds == ["updateSheetProperties"]:
                planned.append(self._plan_update_sheet(spreadsheet, request["updateSheetProperties"], i, titles))
            else:
                raise SheetsApiError(
                    400,
                    f"Invalid requests[{i}]: the Sheets emulator supports only addSheet and updateSheetProperties, "
                    f"not {', '.join(kinds) or 'an empty request'}.",
                )
        return {"spreadsheetId": spreadsheet.key, "replies": [apply() for apply in planned]}

    @staticmethod
    def _plan_add_sheet(
        spreadsheet: _Spreadsheet, request: dict[str, Any], i: int, titles: set[str], ids: set[int]
    ) -> Callable[[], dict[str, Any]]:
        properties = request.get("properties", {})
        title = properties.get("title") or f"Sheet{len(spreadsheet.tabs) + 1}"
        if title in titles:
            raise SheetsApiError(
                400,
                f'Invalid requests[{i}].addSheet: A sheet with the name "{title}" already exists. Please enter another name.',
            )
        sheet_id = properties.get("sheetId")
        if sheet_id is None:
            while (sheet_id := spreadsheet.ids.randrange(1, 2**31 - 1)) in ids:
                pass
        elif sheet_id in ids:
            raise SheetsApiError(400, f"Invalid requests[{i}].addSheet: A sheet with the id {sheet_id} already exists.")
        grid = properties.get("gridProperties", {})
        tab = _Tab(
            sheet_id=int(sheet_id),
            title=title,
            rows=[],
            row_count=int(grid.get("rowCount", DEFAULT_ROW_COUNT)),
            column_count=int(grid.get("columnCount", DEFAULT_COLUMN_COUNT)),
        )
        titles.add(title)
        ids.add(tab.sheet_id)
        index = properties.get("index")

        def apply() -> dict[str, Any]:
            position = len(spreadsheet.tabs) if index is None else max(0, min(int(index), len(spreadsheet.tabs)))
            spreadsheet.tabs.insert(position, tab)
            return {"addSheet": {"properties": tab.properties(position)}}

        return apply

    @staticmethod
    def _plan_update_sheet(
        spreadsheet: _Spreadsheet, request: dict[str, Any], i: int, titles: set[str]
    ) -> Callable[[], dict[str, Any]]:
        properties = request.get("properties", {})
        fields = {name.strip() for name in str(request.get("fields", "")).split(",") if name.strip()}
        tab = next((t for t in spreadsheet.tabs if t.sheet_id == properties.get("sheetId", 0)), None)
        if tab is None:
            raise SheetsApiError(
                400, f"Invalid requests[{i}].updateSheetProperties: No grid with id: {properties.get('sheetId', 0)}"
            )
        unknown = fields - {"title", "gridProperties/rowCount", "gridProperties/columnCount"}
        if not fields or unknown:
            raise SheetsApiError(
                400,
                f"Invalid requests[{i}].updateSheetProperties: the Sheets emulator can't update {sorted(unknown) or 'nothing'}.",
            )
        title = properties.get("title")
        if "title" in fields:
            if not title or (title in titles and title != tab.title):
                raise SheetsApiError(
                    400, f'Invalid requests[{i}].updateSheetProperties: A sheet with the name "{title}" already exists.'
                )
            titles.discard(tab.title)
            titles.add(title)
        grid = properties.get("gridProperties", {})

        def apply() -> dict[str, Any]:
            if "title" in fields:
                tab.title = title
            if "gridProperties/rowCount" in fields:
                tab.row_count = int(grid["rowCount"])
                del tab.rows[tab.row_count :]  # cells in deleted rows are gone
            if "gridProperties/columnCount" in fields:
                tab.column_count = int(grid["columnCount"])
                for row in tab.rows:
                    del row[tab.column_count :]
            return {}

        return apply


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a local Google Sheets API v4 emulator on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8085)
    parser.add_argument("--key", default="rally-local", help="spreadsheet id to serve the tabs under")
    parser.add_argument("--title", default="Rally")
    parser.add_argument("--tabs", help='JSON file of {"Tab name": [[row], ...]}')
    parser.add_argument("--locale", default=DEFAULT_LOCALE, choices=sorted(cells.LOCALES), help="the Sheet's locale")
    parser.add_argument("--time-zone", default=DEFAULT_TIME_ZONE, help="the Sheet's time zone (e.g. Europe/Berlin)")
    parser.add_argument(
        "--user-entered",
        action="store_true",
        help="type the tabs' text as a person would (USER_ENTERED under --locale: dates, numbers, booleans)",
    )
    args = parser.parse_args(argv)
    tabs = None
    if args.tabs:
        with open(args.tabs, encoding="utf-8") as handle:
            tabs = json.load(handle)
    emulator = SheetsEmulator(port=args.port)
    emulator.add_spreadsheet(
        args.key,
        title=args.title,
        tabs=tabs,
        locale=args.locale,
        time_zone=args.time_zone,
        value_input_option="USER_ENTERED" if args.user_entered else "RAW",
    )
    with emulator:
        print(
            f"Sheets emulator on {emulator.url}, spreadsheet id {args.key!r} ({args.locale}, {args.time_zone}), "
            f"tabs {emulator.tab_titles(args.key)}; OAuth token endpoint {emulator.token_uri}"
        )
        print(f"Point Rally at it with SHEETS_EMULATOR_HOST={emulator.host}. Ctrl-C stops it.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
