"""The Google Sheet source: one metadata read when it starts, then one values:batchGet per refresh.

Cells are read unformatted (dates as serial numbers, numbers as numbers) so the
Sheet's display format can't change what Rally reads; they are handed on as strings.
Every value written goes RAW, so text such as "=1+1" stays text.
"""

from __future__ import annotations

import gc
import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime

import google.auth.exceptions
import gspread
import requests
from gspread.urls import SPREADSHEET_VALUES_BATCH_URL

from data_sources.base import DataSource, Snapshot, SourceError, SourceInfo, Tabs, version_of
from data_sources.config import RallyConfig, redact, spreadsheet_key
from data_sources.retry import RetryPolicy, with_retry
from rally.core.contract import normalise_key

READ_PARAMS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}
TIMEOUT_SECONDS = 20


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


def _float_text(literal: str) -> str:
    return as_text(float(literal))


def decode_values(content: bytes) -> list[dict]:
    """The valueRanges of a batchGet answer, every number already as the text `as_text` gives.

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
        return json.loads(content, parse_int=integer_text, parse_float=_float_text).get("valueRanges", [])


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
        self._key = spreadsheet_key(str(config.gsheets["spreadsheet"]))
        self._client_factory = client_factory or (lambda: _default_client(config))
        self._client: gspread.Client | None = None
        self._retry = retry
        self._sleep = sleep
        self._lock = threading.Lock()
        self._titles: list[str] | None = None
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
        """One API call with bounded retries, failures turned into messages a person can act on."""

        def attempt() -> object:
            try:
                return call()
            except gspread.exceptions.APIError as error:
                raise self._explain(error, what) from None
            except requests.RequestException as error:
                raise SourceError(
                    f"Google Sheets unreachable: {self._safe(type(error).__name__)} while {what}", transient=True
                ) from None
            except google.auth.exceptions.GoogleAuthError as error:
                raise self._auth_failure(error) from None

        return with_retry(attempt, self._retry, self._sleep)

    def _auth_failure(self, error: google.auth.exceptions.GoogleAuthError) -> SourceError:
        """The service account's sign-in failed (a deleted or disabled key, a wrong token_uri, no network to Google).

        google-auth's message quotes Google's answer, and can quote the request: it goes out redacted.
        """
        if isinstance(error, google.auth.exceptions.TransportError):
            return SourceError(
                f"Google Sheets unreachable: signing in to Google failed ({self._safe(type(error).__name__)})",
                transient=True,
            )
        reason = self._safe(" ".join(str(error).split()))[:200]
        return SourceError(
            f"Google refused Rally's service account ({reason}). Check the key under [connections.gsheets] in the secrets: "
            "it may have been deleted or disabled in Google Cloud, or belong to another project.",
            status=401,
        )

    def _explain(self, error: gspread.exceptions.APIError, what: str) -> SourceError:
        code = error.code
        message = self._safe(str(error.error.get("message", "")))
        if code == 403:
            return SourceError(
                f"Rally may not open this Sheet. Share it with {self.share_with() or 'the service account'} (Editor, so forms can write).",
                status=403,
            )
        if code == 404:
            return SourceError(
                f"No Google Sheet has the key {self._key}. Check `spreadsheet` under [connections.gsheets] in the secrets.",
                status=404,
            )
        if code == 400 and "parse range" in message.lower():
            return SourceError(f"A tab was renamed or removed while {what} ({message}).", status=400)
        transient = code == 429 or code >= 500 or code == 408
        reason = "rate limit reached (429)" if code == 429 else f"error {code}: {message}"
        return SourceError(f"Google Sheets unreachable: {reason}", transient=transient, status=code)

    def _safe(self, text: object) -> str:
        return redact(str(text), self._config.secret_values())

    def _load_metadata(self) -> None:
        http = self._http()
        metadata = self._call("reading the Sheet's tabs", lambda: http.fetch_sheet_metadata(self._key))
        self._titles = [sheet["properties"]["title"] for sheet in metadata.get("sheets", [])]
        self._locale = metadata.get("properties", {}).get("locale")
        self._time_zone = metadata.get("properties", {}).get("timeZone")

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
                return content, decode_values(content)
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
        with self._lock:
            if self._titles is None:
                self._load_metadata()
            match = next((t for t in self._titles or [] if normalise_key(t) == normalise_key(tab)), None)
            if match is None:
                self._add_tabs({tab: header})
            else:
                tab = match  # write where people will look: the tab as the Sheet spells it
        http = self._http()
        params = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}
        body = {"values": [[as_text(c) for c in r] for r in rows], "majorDimension": "ROWS"}
        # No retry here: the caller (the outbox) retries, because a failed append may have landed.
        try:
            http.values_append(self._key, f"{a1_tab(tab)}!A1", params, body)
        except gspread.exceptions.APIError as error:
            raise self._explain(error, f"adding rows to {tab}") from None
        except requests.RequestException as error:
            raise SourceError(
                f"Google Sheets unreachable: {type(error).__name__} while adding rows to {tab}", transient=True
            ) from None
        except google.auth.exceptions.GoogleAuthError as error:
            raise self._auth_failure(error) from None

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

    def share_with(self) -> str | None:
        email = (self._config.gsheets or {}).get("client_email")
        return str(email) if email else None

    def info(self) -> SourceInfo:
        return SourceInfo(
            self.kind, "Google Sheet", f"https://docs.google.com/spreadsheets/d/{self._key}/edit", self.share_with()
        )


def _default_client(config: RallyConfig) -> gspread.Client:
    from data_sources.gspread_clients import client_for_emulator, client_for_service_account

    if config.emulator_host:
        return client_for_emulator(config.emulator_host, TIMEOUT_SECONDS)
    info = {k: v for k, v in (config.gsheets or {}).items() if k not in ("spreadsheet", "worksheet")}
    return client_for_service_account(info, TIMEOUT_SECONDS)
