"""The Google Sheet source: one metadata read when it starts, then one values:batchGet per refresh.

Cells are read unformatted (dates as serial numbers, numbers as numbers) so the
Sheet's display format can't change what Rally reads; they are handed on as strings.
Every value written goes RAW, so text such as "=1+1" stays text.
"""

from __future__ import annotations

import functools
import gc
import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

import google.auth.exceptions
import gspread
import requests
from gspread.urls import SPREADSHEET_VALUES_BATCH_URL

from data_sources.base import DataSource, Snapshot, SourceError, SourceInfo, Tabs, version_of
from data_sources.config import RallyConfig, redact, spreadsheet_reference
from data_sources.retry import RetryPolicy, http_status, is_transient, readable, with_retry
from rally.core.contract import HEADER_SEARCH_ROWS, normalise_key
from rally.core.parsing import number_format

READ_PARAMS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}
TIMEOUT_SECONDS = 20
# What a Google call can raise: the API's answer, the transport, the sign-in step, a connection dropped mid-answer.
GOOGLE_ERRORS = (
    gspread.exceptions.APIError,
    requests.RequestException,
    google.auth.exceptions.GoogleAuthError,
    ConnectionError,
    TimeoutError,
)


def a1_tab(title: str) -> str:
    """A whole tab as an A1 range: quoted, with quotes doubled ('Survey Questions' -> "'Survey Questions'")."""
    return "'" + title.replace("'", "''") + "'"


def as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _float_text(literal: str, decimal: str = ".") -> str:
    text = as_text(float(literal))
    return text.replace(".", decimal) if decimal != "." else text


def decode_values(content: bytes, decimal: str = ".") -> list[dict]:
    """The valueRanges of a batchGet answer, every number already as the text `as_text` gives.

    A typed number with a fraction is written with the Sheet's own decimal mark (0.12 as "0,12" in a German
    Sheet), so it reads back the way numbers typed as text in that Sheet do: one reading rule for both.

    A JSON integer literal is its own decimal text (JSON allows no leading zeros or
    plus sign), so integers become text inside the C decoder instead of one Python
    call per cell: for 100k rows this halves the time from answer to rows of text.
    Equal integers become one string (the server keeps the read while it is the newest, and
    dates as serial numbers and counts repeat: 17 MB less for 100k posts, at the same speed).
    """
    shared: dict[str, str] = {}

    def integer_text(literal: str, keep=shared.setdefault) -> str:
        return keep(literal, literal)

    with _cyclic_gc_paused():
        floats = _float_text if decimal == "." else functools.partial(_float_text, decimal=decimal)
        return json.loads(content, parse_int=integer_text, parse_float=floats).get("valueRanges", [])


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Decoding 100k rows makes 100k lists, and Python's cycle collector would walk them again and again
    (three times the decoding itself). JSON can't hold a cycle, so there is nothing for it to find."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_TEXT_ONLY = {str}


def _row_text(row: list) -> list[str]:
    # Only booleans and blanks (null) are left to convert: rows without any are kept as they are.
    return row if set(map(type, row)) <= _TEXT_ONLY else [as_text(v) for v in row]


class GoogleSheetSource(DataSource):
    kind = "google-sheet"

    def __init__(
        self,
        config: RallyConfig,
        client_factory: Callable[[], gspread.Client] | None = None,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
    ):
        assert config.gsheets is not None
        self._config = config
        # `spreadsheet` as a URL, a key, or a title (looked up in Google Drive when the Sheet is first opened).
        self._reference = spreadsheet_reference(str(config.gsheets["spreadsheet"]))
        self._key: str | None = None if self._reference[0] == "title" else self._reference[1]
        self._looked_up_title = False
        self._client_factory = client_factory or (lambda: _default_client(config))
        self._client: gspread.Client | None = None
        self._retry = retry
        self._sleep = sleep
        self._lock = threading.Lock()
        self._titles: list[str] | None = None
        self._tops: dict[str, list[list[str]]] = {}  # each tab's first rows as last read: where its header is
        self._locale: str | None = None
        self._time_zone: str | None = None

    # -- plumbing ---------------------------------------------------------------------------
    def _http(self) -> gspread.HTTPClient:
        if self._client is None:
            try:
                self._client = self._client_factory()
            except (ValueError, KeyError) as error:
                raise SourceError(
                    f"The service-account fields in [connections.gsheets] can't be used: {self._safe(error)}"
                ) from None
        return self._client.http_client

    def _call(self, what: str, call: Callable[[], object]) -> object:
        """One API call with bounded retries (backoff with jitter), failures turned into messages a person can act on.

        What is transient is decided by `retry.is_transient` alone: 429s, 5xx answered as JSON or as
        Google's HTML page, timeouts, resets, and a sign-in step failing the same way.
        """

        def attempt() -> object:
            try:
                return call()
            except GOOGLE_ERRORS as error:
                raise self._source_error(error, what) from None

        return with_retry(attempt, self._retry, self._sleep)

    def _source_error(self, error: BaseException, what: str) -> SourceError:
        """`error` as a SourceError: one readable line without HTML or a secret, transient as `is_transient` says."""
        status = http_status(error)
        if isinstance(error, gspread.exceptions.APIError):
            return self._explain(error, what)
        if isinstance(error, google.auth.exceptions.RefreshError) and not is_transient(error):
            return self._auth_failure(error)
        return SourceError(self._safe(readable(error)), transient=is_transient(error), status=status)

    def _auth_failure(self, error: google.auth.exceptions.GoogleAuthError) -> SourceError:
        """Google refused the service account's sign-in (a deleted or disabled key, another project's key).

        google-auth's message quotes Google's answer, and can quote the request: it goes out redacted.
        """
        reason = self._safe(" ".join(str(error).split()))[:200]
        return SourceError(
            f"Google refused Rally's service account ({reason}). Check the key under [connections.gsheets] in the secrets: "
            "it may have been deleted or disabled in Google Cloud, or belong to another project.",
            status=401,
        )

    def _explain(self, error: gspread.exceptions.APIError, what: str) -> SourceError:
        # The response's own status: gspread says -1 when Google's front end answered with an HTML page.
        code = http_status(error) or error.code
        message = self._safe(str(error.error.get("message", ""))) if error.code != -1 else ""
        if code == 403:
            return SourceError(
                f"Rally may not open this Sheet. Share it with {self.share_with() or 'the service account'} (Editor, so forms can write).",
                status=403,
            )
        if code == 404:
            return SourceError(
                f"No Google Sheet has the key {self._key}. Check `spreadsheet` under [connections.gsheets] in the secrets (its URL always works).",
                status=404,
            )
        if code == 400 and "parse range" in message.lower():
            return SourceError(f"A tab was renamed or removed while {what} ({message}).", status=400)
        transient = is_transient(error)
        reason = self._safe(readable(error)) if transient else f"Google Sheets unreachable: error {code}: {message}"
        return SourceError(reason, transient=transient, status=code)

    def _safe(self, text: object) -> str:
        return redact(str(text), self._config.secret_values())

    def _load_metadata(self) -> None:
        http = self._http()
        if self._key is None:
            self._key = self._key_of_title()
        try:
            metadata = self._call("reading the Sheet's tabs", lambda: http.fetch_sheet_metadata(self._key))
        except SourceError as error:
            if error.status != 404 or self._reference[0] != "key" or self._looked_up_title:
                raise
            self._key = self._key_of_title()  # one word, but no such key: the Sheet's title, then
            metadata = self._call("reading the Sheet's tabs", lambda: http.fetch_sheet_metadata(self._key))
        self._titles = [sheet["properties"]["title"] for sheet in metadata.get("sheets", [])]
        self._locale = metadata.get("properties", {}).get("locale")
        self._time_zone = metadata.get("properties", {}).get("timeZone")

    def _key_of_title(self) -> str:
        """The key of the Sheet named by `spreadsheet`, through gspread's Drive-backed `open` (once per source)."""
        self._looked_up_title = True
        title = self._reference[1]
        self._http()

        def open_by_title() -> str:
            try:
                return self._client.open(title).id
            except gspread.exceptions.SpreadsheetNotFound:
                raise SourceError(
                    f"No Google Sheet has the key or title {title!r}, or none is shared with {self.share_with() or 'the service account'}. "
                    "Check `spreadsheet` under [connections.gsheets] in the secrets (the Sheet's URL always works).",
                    status=404,
                ) from None

        try:
            return self._call(f"looking up the Sheet named {title!r} in Google Drive", open_by_title)
        except SourceError as error:
            if error.status != 403:
                raise
            raise SourceError(
                "Rally looks a Sheet up by its title through Google Drive, and Drive refused: enable the Google Drive API "
                "in the service account's Google Cloud project, or set `spreadsheet` under [connections.gsheets] to the Sheet's URL.",
                status=403,
            ) from None

    # -- the interface ----------------------------------------------------------------------
    def fetch(self, only: list[str] | None = None, known: Snapshot | None = None) -> Snapshot:
        with self._lock:
            # The data is as of the moment the read was asked for: whatever landed before then is in it.
            asked_at = datetime.now(UTC)
            if self._titles is None:
                self._load_metadata()
            unchanged = known.version if known is not None and known.locale == self._locale else None
            try:
                tabs, content = self._batch_get(only, unchanged)
            except SourceError as error:
                if error.status != 400:
                    raise
                self._load_metadata()  # tabs changed since we last looked: look once more
                tabs, content = self._batch_get(only, unchanged)
            if tabs is None:  # the answer is byte for byte the one `known` was read from
                return known.redated(asked_at)
            self._tops.update({title: rows[:HEADER_SEARCH_ROWS] for title, rows in tabs.items()})
            return Snapshot.of(tabs, self.kind, self._locale, asked_at, content=content, time_zone=self._time_zone)

    def _batch_get(self, only: list[str] | None = None, unchanged: str | None = None) -> tuple[Tabs | None, bytes]:
        """The tabs and the answer they were decoded from; (None, answer) when the answer's version is `unchanged`."""
        titles = list(self._titles or [])
        if only is not None:
            wanted = {normalise_key(t) for t in only}
            titles = [t for t in titles if normalise_key(t) in wanted]
        if not titles:
            return {}, b""
        http = self._http()
        params = {**READ_PARAMS, "ranges": [a1_tab(t) for t in titles]}

        def read() -> tuple[bytes, list[dict] | None]:
            # gspread's values_batch_get, with our own decoding of the answer (see decode_values).
            content = http.request("get", SPREADSHEET_VALUES_BATCH_URL % self._key, params=params).content
            if unchanged is not None and version_of(content, self.kind) == unchanged:
                return content, None  # nothing changed: no need to make a Python object of every cell again
            try:
                return content, decode_values(content, number_format(self._locale).decimal)
            except json.JSONDecodeError as error:  # a garbled answer: as transient as a dropped connection
                raise requests.JSONDecodeError(error.msg, error.doc, error.pos) from None

        content, ranges = self._call("reading the Sheet", read)
        if ranges is None:
            return None, content
        return {
            title: [_row_text(row) for row in value_range.get("values", [])]
            for title, value_range in zip(titles, ranges)
        }, content

    def append_rows(self, tab: str, rows: list[list[str]], header: list[str]) -> None:
        for attempt in (1, 2):
            with self._lock:
                if self._titles is None or attempt == 2:
                    self._load_metadata()
                match = self._title_of(tab)
                if match is None:
                    self._add_tabs({tab: header})
                target = match or tab  # write where people will look: the tab as the Sheet spells it
            try:
                self._append_once(target, rows, header)
                return
            except SourceError as error:
                # Someone renamed or removed the tab since Rally looked: look again (and add it back) once.
                # A refused range writes nothing, so sending again can't make a copy.
                if attempt == 2 or error.status != 400 or "renamed or removed" not in str(error):
                    raise

    def _append_once(self, tab: str, rows: list[list[str]], header: list[str]) -> None:
        http = self._http()
        params = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}
        body = {"values": [[as_text(c) for c in r] for r in rows], "majorDimension": "ROWS"}
        # No retry here: the caller (the outbox) retries, because a failed append may have landed.
        try:
            if tab not in self._tops:  # not read since the server started (rows a previous run left unsent)
                top = http.values_get(self._key, f"{a1_tab(tab)}!1:{HEADER_SEARCH_ROWS}", params=READ_PARAMS)
                self._tops[tab] = [_row_text(row) for row in top.get("values", [])]
            http.values_append(self._key, self._append_anchor(tab, header), params, body)
        except GOOGLE_ERRORS as error:
            raise self._source_error(error, f"adding rows to {tab}") from None

    def _append_anchor(self, tab: str, header: list[str]) -> str:
        """Where Google looks for the table an append extends: the header row, across the header's width.

        Google appends under the block of cells around the anchor, bounded by blank rows. Anchored at A1,
        a tab with a title row and a blank row above its header got the new row under the title — above
        the header, where no reader looks. The header row comes from the last read (its first rows are kept);
        or, for a tab not read yet, from its first rows read just before.
        """
        names = {normalise_key(name) for name in header if str(name).strip()}
        best_row, best_overlap = 1, 0
        for index, cells in enumerate(self._tops.get(tab, [])):
            overlap = len(names & {normalise_key(cell) for cell in cells if str(cell).strip()})
            if overlap > best_overlap:
                best_row, best_overlap = index + 1, overlap
        last_column = gspread.utils.rowcol_to_a1(best_row, max(len(header), 1))
        return f"{a1_tab(tab)}!A{best_row}:{last_column}"

    def _title_of(self, tab: str) -> str | None:
        return next((t for t in self._titles or [] if normalise_key(t) == normalise_key(tab)), None)

    def ids_in(self, tab: str, columns: Sequence[int]) -> set[str]:
        """One read of just the given columns (a batchGet of one column each), safe to retry: it changes nothing."""
        with self._lock:
            if self._titles is None:
                self._load_metadata()
            title = self._title_of(tab)
        if title is None or not columns:
            return set()
        http = self._http()
        letters = sorted({gspread.utils.rowcol_to_a1(1, column + 1).rstrip("1") for column in columns})
        params = {**READ_PARAMS, "ranges": [f"{a1_tab(title)}!{letter}:{letter}" for letter in letters]}
        reply = self._call(
            f"reading the IDs in {title}",
            lambda: http.request("get", SPREADSHEET_VALUES_BATCH_URL % self._key, params=params).json(),
        )
        return {
            as_text(cell)
            for value_range in reply.get("valueRanges", [])
            for row in value_range.get("values", [])
            for cell in row[:1]
            if as_text(cell)
        }

    def ensure_columns(self, tab: str, header_row: int, names: list[str]) -> list[str]:
        with self._lock:
            if self._titles is None:
                self._load_metadata()
            tab = next((t for t in self._titles or [] if normalise_key(t) == normalise_key(tab)), tab)
        http = self._http()
        row = f"{a1_tab(tab)}!{header_row}:{header_row}"
        reply = self._call(f"reading the header of {tab}", lambda: http.values_get(self._key, row, params=READ_PARAMS))
        cells = [as_text(v) for v in (reply.get("values") or [[]])[0]]
        present = {normalise_key(c) for c in cells}
        missing = [n for n in names if normalise_key(n) not in present]
        if missing:
            # Google trims trailing blanks: len(cells) is the first free column after the header.
            anchor = f"{a1_tab(tab)}!{gspread.utils.rowcol_to_a1(header_row, len(cells) + 1)}"
            self._call(
                f"adding {', '.join(missing)} to the header of {tab}",
                lambda: http.values_update(self._key, anchor, {"valueInputOption": "RAW"}, {"values": [missing]}),
            )
        return missing

    def ensure_tabs(self, headers: dict[str, list[str]]) -> list[str]:
        with self._lock:
            self._load_metadata()
            existing = {normalise_key(t) for t in self._titles or []}
            missing = {tab: header for tab, header in headers.items() if normalise_key(tab) not in existing}
            if missing:
                self._add_tabs(missing)
            return list(missing)

    def _add_tabs(self, headers: Mapping[str, list[str]]) -> None:
        http = self._http()
        requests_ = [{"addSheet": {"properties": {"title": tab}}} for tab in headers]
        self._call("adding tabs", lambda: http.batch_update(self._key, {"requests": requests_}))
        data = [{"range": f"{a1_tab(tab)}!A1", "values": [header]} for tab, header in headers.items()]
        self._call(
            "writing header rows",
            lambda: http.values_batch_update(self._key, {"valueInputOption": "RAW", "data": data}),
        )
        self._titles = [*(self._titles or []), *headers]
        self._tops.update({tab: [list(header)] for tab, header in headers.items()})

    def share_with(self) -> str | None:
        email = (self._config.gsheets or {}).get("client_email")
        return str(email) if email else None

    def info(self) -> SourceInfo:
        url = f"https://docs.google.com/spreadsheets/d/{self._key}/edit" if self._key else None
        return SourceInfo(self.kind, "Google Sheet", url, self.share_with())


def _default_client(config: RallyConfig) -> gspread.Client:
    from data_sources.gspread_clients import client_for_emulator, client_for_service_account

    info = {k: v for k, v in (config.gsheets or {}).items() if k not in ("spreadsheet", "worksheet")}
    if config.emulator_host:
        return client_for_emulator(config.emulator_host, TIMEOUT_SECONDS, service_account=info)
    # Drive (file names only) just for a Sheet named by its title or a bare word: a URL needs the Sheets API alone.
    by_title = spreadsheet_reference(str(config.gsheets["spreadsheet"]))[0] != "url"
    return client_for_service_account(info, TIMEOUT_SECONDS, drive_metadata=by_title)
