"""A local stand-in for the Google Sheets API v4 that unmodified gspread can talk to.

Rally's Sheet code is tested through real gspread over real HTTP, so the request
shapes, URL encoding and error parsing under test are the ones production uses.
Only the slice of the API Rally needs is emulated; anything else answers a
Google-shaped 400/404 that names what is missing, so a gap is loud, not silent.

Fidelity notes (where this differs from Google on purpose):
- Values are stored as sent. USER_ENTERED is not evaluated ("=1+1" stays text),
  so tests assert the valueInputOption recorded in the request log instead.
- FORMATTED_VALUE renders numbers and booleans as Google's "General" format
  would (5 -> "5", True -> "TRUE"); there are no number/date formats.
- Only majorDimension=ROWS is supported; COLUMNS is refused with a 400.
- Append finds the table as "everything down to the last non-empty row of the
  tab", which is what Google does for a tab holding one table.

Run it by hand for offline development:
    python -m tests.emulator.sheets_emulator --port 8085 --tabs tabs.json
then start the app with SHEETS_EMULATOR_HOST=127.0.0.1:8085.
"""

from __future__ import annotations

import argparse
import copy
import gc
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
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    429: "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service 'sheets.googleapis.com'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
    504: "The service is currently unavailable.",
}

WRITE_KINDS = frozenset({"append", "update", "batch_update", "values_batch_update", "clear"})
VALUE_INPUT_OPTIONS = frozenset({"RAW", "USER_ENTERED"})
DEFAULT_ROW_COUNT = 1000
DEFAULT_COLUMN_COUNT = 26


class SheetsApiError(Exception):
    """An answer the emulator gives as a Google-shaped JSON error."""

    def __init__(self, status: int, message: str | None = None) -> None:
        self.status = status
        self.message = message or DEFAULT_MESSAGES.get(status, "Emulated failure.")
        super().__init__(f"{status}: {self.message}")

    def payload(self) -> dict[str, Any]:
        return {
            "error": {"code": self.status, "message": self.message, "status": STATUS_NAMES.get(self.status, "UNKNOWN")}
        }


class HtmlError(SheetsApiError):
    """An error page the way Google's front end sends one when it is overloaded: HTML, not Google's JSON."""

    def payload(self) -> str:  # type: ignore[override]
        return (
            f"<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error {self.status} (Server Error)!!1</title>"
            f"<p><b>{self.status}.</b> <ins>That’s an error.</ins><p>The service is unavailable. <ins>That’s all we know.</ins></html>"
        )


class NoAnswer(Exception):
    """The emulator hangs up instead of answering: the client sees its connection reset."""


@dataclass(frozen=True)
class RequestRecord:
    """One request as the emulator saw it; `query` maps each name to all its values."""

    method: str
    path: str
    kind: str
    query: dict[str, list[str]]
    value_input_option: str | None
    status: int
    spreadsheet_id: str | None = None
    ranges: tuple[str, ...] = ()
    body: Any = None
    seconds: float = 0.0  # the emulator's own time on it (Google's share of a request), for the benchmark
    cpu_seconds: float = 0.0  # …of which its handler thread was on a CPU (steadier than `seconds` on a busy machine)


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


def quote_tab_name(title: str) -> str:
    """Quote a tab name the way Google writes it back in `range` fields."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title):
        return title
    return "'" + title.replace("'", "''") + "'"


# ---------------------------------------------------------------- stored state


@dataclass
class _Tab:
    sheet_id: int
    title: str
    rows: list[list[Any]]
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

    def tab(self, title: str) -> _Tab | None:
        return next((tab for tab in self.tabs if tab.title == title), None)

    def next_sheet_id(self) -> int:
        return max((tab.sheet_id for tab in self.tabs), default=-1) + 1


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


def _formatted(cell: Any) -> Any:
    """Render a stored cell as FORMATTED_VALUE does under the General format."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else f"{cell:.15g}"
    return cell


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
        try:
            status, body = self.server.emulator._handle_bytes(method, self.path, raw_body)
        except NoAnswer:
            # Linger 0: closing sends a reset, as a dropped connection through a proxy does.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        self.send_response(status)
        content_type = "text/html; charset=UTF-8" if body[:1] == b"<" else "application/json; charset=UTF-8"
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
    """An in-process Sheets API v4 server on 127.0.0.1 with fault injection and a request log.

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
        self._fail_queue: deque[tuple[int, str | None, str | None]] = deque()
        self._apply_then_fail: deque[tuple[int, str]] = deque()
        self._fault_rate = 0.0
        self._fault_status = 503
        self._fault_kind: str | None = None
        self._rng = random.Random(0)
        self._latency = 0.0
        self._latency_kind: str | None = None
        self._write_times: deque[float] = deque()
        self._connections: set[socket.socket] = set()
        self._init_extra_faults()
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

    # -- stored data

    def add_spreadsheet(
        self,
        key: str,
        title: str = "Rally",
        tabs: dict[str, list[list[Any]]] | None = None,
        locale: str = "en_GB",
        time_zone: str = "Europe/London",
    ) -> None:
        """Create (or replace) a spreadsheet; tabs keep the dict's order, default one empty "Sheet1"."""
        spreadsheet = _Spreadsheet(key=key, title=title, locale=locale, time_zone=time_zone)
        for sheet_id, (tab_title, rows) in enumerate((tabs if tabs is not None else {"Sheet1": []}).items()):
            spreadsheet.tabs.append(self._new_tab(sheet_id, tab_title, rows))
        with self._lock:
            self._spreadsheets[key] = spreadsheet

    def add_tab(self, key: str, title: str, rows: list[list[Any]] | None = None) -> int:
        """Add a tab to an existing spreadsheet and return its sheetId."""
        with self._lock:
            spreadsheet = self._spreadsheets[key]
            if spreadsheet.tab(title) is not None:
                raise ValueError(f"Spreadsheet {key!r} already has a tab {title!r}")
            tab = self._new_tab(spreadsheet.next_sheet_id(), title, rows or [])
            spreadsheet.tabs.append(tab)
            return tab.sheet_id

    def set_values(self, key: str, tab: str, rows: list[list[Any]]) -> None:
        """Replace everything in a tab, as if someone had pasted over it in the browser."""
        with self._lock:
            target = self._require_tab(key, tab)
            target.rows = copy.deepcopy(rows)
            target.grow_to(len(rows), target.width())

    def values(self, key: str, tab: str) -> list[list[Any]]:
        """The tab's stored cells, as sent (not rendered), trailing empties trimmed like Google's reads."""
        with self._lock:
            return copy.deepcopy(_trim_grid(self._require_tab(key, tab).rows))

    def tab_titles(self, key: str) -> list[str]:
        with self._lock:
            return [tab.title for tab in self._spreadsheets[key].tabs]

    def set_forbidden(self, key: str, forbidden: bool = True) -> None:
        """Answer 403 for this spreadsheet, like a Sheet not shared with the service account."""
        with self._lock:
            self._spreadsheets[key].forbidden = forbidden

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

    # -- fault injection

    def fail_next(self, n: int = 1, status: int = 429, *, kind: str | None = None, message: str | None = None) -> None:
        """The next n requests (of `kind`, if given) fail with `status` and change nothing."""
        with self._lock:
            self._fail_queue.extend([(status, kind, message)] * n)

    def fault_rate(self, p: float, status: int = 503, *, seed: int = 0, kind: str | None = None) -> None:
        """Fail a fraction p of requests, drawn from a seeded RNG so a run can be replayed."""
        with self._lock:
            self._fault_rate = p
            self._fault_status = status
            self._fault_kind = kind
            self._rng = random.Random(seed)

    def apply_then_fail(self, n: int = 1, status: int = 503, *, kind: str = "append") -> None:
        """The next n writes of `kind` ARE applied but answer `status`, like Google timing out after the write."""
        with self._lock:
            self._apply_then_fail.extend([(status, kind)] * n)

    def latency(self, seconds: float, *, kind: str | None = None) -> None:
        """Delay every answer (of `kind`, if given); stop() cuts the delay short."""
        with self._lock:
            self._latency = seconds
            self._latency_kind = kind

    def clear_faults(self) -> None:
        with self._lock:
            self._fail_queue.clear()
            self._apply_then_fail.clear()
            self._fault_rate = 0.0
            self._latency = 0.0
            self._write_times.clear()
            self._clear_extra_faults()

    # -- more faults: HTML error pages, dropped connections, answers held back, rows refused, Drive's file list

    def _init_extra_faults(self) -> None:
        self._extra_faults: deque[tuple[str, int, str | None, bool]] = deque()  # (what, status, kind, after the write)
        self._stalls: deque[str] = deque()
        self._stalled = threading.Event()
        self._release = threading.Event()
        self._refused_text: tuple[str, int, str | None] | None = None

    def _clear_extra_faults(self) -> None:
        self._extra_faults.clear()
        self._stalls.clear()
        self._refused_text = None
        self._release.set()

    def html_error_next(
        self, n: int = 1, status: int = 503, *, kind: str | None = None, after_apply: bool = False
    ) -> None:
        """The next n requests (of `kind`) answer `status` with an HTML page; with `after_apply` a write is applied first."""
        with self._lock:
            self._extra_faults.extend([("html", status, kind, after_apply)] * n)

    def reset_next(self, n: int = 1, *, kind: str | None = None, after_apply: bool = False) -> None:
        """The next n requests (of `kind`) get no answer: the connection is reset; with `after_apply` a write is applied first."""
        with self._lock:
            self._extra_faults.extend([("reset", 0, kind, after_apply)] * n)

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

    def _inject_extra_fault(self, kind: str, *, applied: bool) -> None:
        for index, (what, status, fault_kind, after_apply) in enumerate(self._extra_faults):
            if fault_kind in (None, kind) and after_apply == applied and (not applied or kind in WRITE_KINDS):
                del self._extra_faults[index]
                if what == "reset":
                    raise NoAnswer
                raise HtmlError(status)

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

    # -- request handling

    def _track(self, connection: socket.socket, *, open_: bool) -> None:
        with self._lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def _handle_bytes(self, method: str, raw_path: str, raw_body: bytes) -> tuple[int, bytes]:
        """The answer as the bytes sent; the request log keeps the time spent on it, encoding included."""
        started, started_cpu = time.perf_counter(), time.thread_time()
        # Answers of 100k rows are 100k fresh lists: the cycle collector would walk them over and over.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._respond(method, raw_path, raw_body, started, started_cpu)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _respond(
        self, method: str, raw_path: str, raw_body: bytes, started: float, started_cpu: float
    ) -> tuple[int, bytes]:
        parts = urlsplit(raw_path)
        query = parse_qs(parts.query, keep_blank_values=True)
        kind, spreadsheet_id, ranges = self._route(method, parts.path, query)
        value_input_option = query.get("valueInputOption", [None])[0]
        body: Any = None
        status = 200
        try:
            if raw_body:
                try:
                    body = json.loads(raw_body)
                except ValueError as error:
                    raise SheetsApiError(400, f"Invalid JSON payload received. {error}") from None
                if kind == "values_batch_update" and isinstance(body, dict):
                    value_input_option = body.get("valueInputOption")  # sent in the body, not the query
            self._delay(kind)
            payload = self._answer(kind, method, spreadsheet_id, ranges, query, body)
            self._stall_if_asked(kind)
        except NoAnswer:
            status, payload = 0, None  # no answer at all: the handler drops the connection
        except SheetsApiError as error:
            status, payload = error.status, error.payload()
        except Exception as error:
            # An emulator bug must reach the test as a readable 500, not a dropped connection.
            status, payload = 500, SheetsApiError(500, f"Emulator bug: {error!r}").payload()
        encoded = payload.encode("utf-8") if isinstance(payload, str) else json.dumps(payload).encode("utf-8")
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
                )
            )
        if status == 0:
            raise NoAnswer
        return status, encoded

    @staticmethod
    def _route(method: str, path: str, query: dict[str, list[str]]) -> tuple[str, str | None, list[str]]:
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

    def _delay(self, kind: str) -> None:
        with self._lock:
            seconds = self._latency if self._latency_kind in (None, kind) else 0.0
        if seconds > 0:
            self._stopping.wait(seconds)

    def _answer(
        self,
        kind: str,
        method: str,
        spreadsheet_id: str | None,
        ranges: list[str],
        query: dict[str, list[str]],
        body: Any,
    ) -> dict[str, Any]:
        with self._lock:
            self._inject_failure(kind)
            self._inject_extra_fault(kind, applied=False)
            if kind == "drive_list":
                return self._drive_list(query)
            if kind == "unknown":
                raise SheetsApiError(
                    404,
                    f"The Sheets emulator does not implement {method} on this path. Add it to tests/emulator/sheets_emulator.py if Rally needs it.",
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
            self._inject_extra_fault(kind, applied=True)
            for index, (status, fail_kind) in enumerate(self._apply_then_fail):
                if fail_kind == kind:
                    del self._apply_then_fail[index]
                    raise SheetsApiError(status)
            return payload

    def _inject_failure(self, kind: str) -> None:
        for index, (status, fail_kind, message) in enumerate(self._fail_queue):
            if fail_kind in (None, kind):
                del self._fail_queue[index]
                raise SheetsApiError(status, message)
        if self._fault_rate and self._fault_kind in (None, kind) and self._rng.random() < self._fault_rate:
            raise SheetsApiError(self._fault_status)

    def _spend_write_quota(self) -> None:
        if self.write_quota_per_minute is None:
            return
        now = self.clock()
        while self._write_times and self._write_times[0] <= now - 60:
            self._write_times.popleft()
        if len(self._write_times) >= self.write_quota_per_minute:
            raise SheetsApiError(429)
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
                "timeZone": spreadsheet.time_zone,
                "autoRecalc": "ON_CHANGE",
            },
            "sheets": [{"properties": tab.properties(index)} for index, tab in enumerate(spreadsheet.tabs)],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{spreadsheet.key}/edit",
        }

    @staticmethod
    def _resolve(spreadsheet: _Spreadsheet, a1: str) -> tuple[_Tab, CellBox]:
        unparseable = SheetsApiError(400, f"Unable to parse range: {a1}")
        try:
            tab_name, cells = split_a1(a1)
        except ValueError:
            raise unparseable from None
        if tab_name is None:
            tab = spreadsheet.tab(a1)
            if tab is not None:
                return tab, WHOLE_TAB
            if not spreadsheet.tabs:
                raise unparseable
            tab, cells = spreadsheet.tabs[0], a1
        else:
            tab = spreadsheet.tab(tab_name)
            if tab is None:
                raise unparseable
        if cells is None:
            return tab, WHOLE_TAB
        try:
            return tab, parse_cells(cells)
        except ValueError:
            raise unparseable from None

    @staticmethod
    def _a1(tab: _Tab, start_row: int, start_col: int, end_row: int, end_col: int) -> str:
        return f"{quote_tab_name(tab.title)}!{column_letters(start_col)}{start_row + 1}:{column_letters(end_col - 1)}{end_row}"

    def _read(self, spreadsheet: _Spreadsheet, a1: str, query: dict[str, list[str]]) -> dict[str, Any]:
        tab, box = self._resolve(spreadsheet, a1)
        major_dimension = query.get("majorDimension", ["ROWS"])[0]
        if major_dimension != "ROWS":
            raise SheetsApiError(400, f"The Sheets emulator only supports majorDimension=ROWS, not {major_dimension}.")
        end_row = min(box.end_row or tab.row_count, tab.row_count)
        end_col = min(box.end_col or tab.column_count, tab.column_count)
        render = query.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
        rows = [row[box.start_col : end_col] for row in tab.rows[box.start_row : end_row]]
        if render == "FORMATTED_VALUE":
            rows = [[_formatted(cell) for cell in row] for row in rows]
        else:
            rows = [["" if cell is None else cell for cell in row] for row in rows]
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

    def _append(
        self, spreadsheet: _Spreadsheet, a1: str, query: dict[str, list[str]], body: dict[str, Any]
    ) -> dict[str, Any]:
        tab, box = self._resolve(spreadsheet, a1)
        self._value_input_option(query)
        insert_option = query.get("insertDataOption", ["OVERWRITE"])[0]
        if insert_option not in ("OVERWRITE", "INSERT_ROWS"):
            raise SheetsApiError(400, f"Invalid value at 'insert_data_option' ({insert_option})")
        values = self._body_values(body)
        last_row = tab.last_row()
        response: dict[str, Any] = {"spreadsheetId": spreadsheet.key}
        if last_row:
            response["tableRange"] = self._a1(tab, 0, box.start_col, last_row, max(tab.width(), box.start_col + 1))
        start_row = max(last_row, box.start_row)
        if insert_option == "INSERT_ROWS":
            # Google inserts fresh rows, so the grid grows by exactly the rows sent.
            tab.row_count += len(values)
        self._write(tab, start_row, box.start_col, values)
        response["updates"] = self._update_summary(spreadsheet, tab, start_row, box.start_col, values)
        return response

    def _update(
        self, spreadsheet: _Spreadsheet, a1: str, query: dict[str, list[str]], body: dict[str, Any]
    ) -> dict[str, Any]:
        tab, box = self._resolve(spreadsheet, a1)
        self._value_input_option(query)
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
        self._write(tab, box.start_row, box.start_col, values)
        return self._update_summary(spreadsheet, tab, box.start_row, box.start_col, values)

    def _values_batch_update(self, spreadsheet: _Spreadsheet, body: dict[str, Any]) -> dict[str, Any]:
        option = body.get("valueInputOption")
        if option not in ("RAW", "USER_ENTERED"):
            raise SheetsApiError(400, "Invalid valueInputOption: must be RAW or USER_ENTERED.")
        query = {"valueInputOption": [option]}
        replies = [self._update(spreadsheet, item.get("range", ""), query, item) for item in body.get("data") or []]
        return {
            "spreadsheetId": spreadsheet.key,
            "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in replies),
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
        requests = body.get("requests") or []
        # Validate everything first: Google applies a batchUpdate all-or-nothing.
        planned: list[tuple[int | None, _Tab]] = []
        titles = {tab.title for tab in spreadsheet.tabs}
        ids = {tab.sheet_id for tab in spreadsheet.tabs}
        for i, request in enumerate(requests):
            kinds = list(request)
            if kinds != ["addSheet"]:
                raise SheetsApiError(
                    400,
                    f"Invalid requests[{i}]: the Sheets emulator supports only addSheet, not {', '.join(kinds) or 'an empty request'}.",
                )
            properties = request["addSheet"].get("properties", {})
            title = properties.get("title") or f"Sheet{len(spreadsheet.tabs) + len(planned) + 1}"
            if title in titles:
                raise SheetsApiError(
                    400,
                    f'Invalid requests[{i}].addSheet: A sheet with the name "{title}" already exists. Please enter another name.',
                )
            sheet_id = properties.get("sheetId")
            if sheet_id is None:
                sheet_id = max(ids, default=-1) + 1
            elif sheet_id in ids:
                raise SheetsApiError(
                    400, f"Invalid requests[{i}].addSheet: A sheet with the id {sheet_id} already exists."
                )
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
            planned.append((properties.get("index"), tab))
        replies = []
        for index, tab in planned:
            position = len(spreadsheet.tabs) if index is None else max(0, min(int(index), len(spreadsheet.tabs)))
            spreadsheet.tabs.insert(position, tab)
            replies.append({"addSheet": {"properties": tab.properties(position)}})
        return {"spreadsheetId": spreadsheet.key, "replies": replies}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a local Google Sheets API v4 emulator on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8085)
    parser.add_argument("--key", default="rally-local", help="spreadsheet id to serve the tabs under")
    parser.add_argument("--title", default="Rally")
    parser.add_argument("--tabs", help='JSON file of {"Tab name": [[row], ...]}')
    args = parser.parse_args(argv)
    tabs = None
    if args.tabs:
        with open(args.tabs, encoding="utf-8") as handle:
            tabs = json.load(handle)
    emulator = SheetsEmulator(port=args.port)
    emulator.add_spreadsheet(args.key, title=args.title, tabs=tabs)
    with emulator:
        print(f"Sheets emulator on {emulator.url}, spreadsheet id {args.key!r}, tabs {emulator.tab_titles(args.key)}")
        print(f"Point Rally at it with SHEETS_EMULATOR_HOST={emulator.host}. Ctrl-C stops it.")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
