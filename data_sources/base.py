"""The one data-source interface: a Google Sheet and the local store both speak it.

A source returns every tab as rows of strings, exactly as the Sheets API would
(header first, ragged rows allowed); `rally.sheet.dataset.build_dataset` turns that
into typed frames, so both sources give the same columns and dtypes.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

Tabs = dict[str, list[list[str]]]


@dataclass(frozen=True)
class Snapshot:
    """Every tab at one moment, with where it came from."""

    tabs: Tabs  # a big tab may be packed once the server has parsed it: read them through data_sources.packed.Unpacked
    fetched_at: datetime  # when the read was asked for: everything written before then is in it
    source: str  # "google-sheet" | "demo"
    locale: str | None = None
    version: str = field(default="")
    time_zone: str | None = None  # the Sheet's own (properties.timeZone), e.g. "Europe/Berlin"

    @classmethod
    def of(
        cls,
        tabs: Tabs,
        source: str,
        locale: str | None = None,
        fetched_at: datetime | None = None,
        content: bytes | None = None,
        time_zone: str | None = None,
    ) -> Snapshot:
        """A snapshot whose version is a digest of the data: the same tabs, the same version.

        `content` is what the source read the tabs from (the API's answer), when it has it:
        hashing those bytes is much cheaper than encoding 100k rows again.
        """
        data = content if content is not None else json.dumps(tabs, separators=(",", ":"), ensure_ascii=False).encode()
        return cls(tabs, fetched_at or datetime.now(UTC), source, locale, version_of(data, source), time_zone)

    def redated(self, fetched_at: datetime) -> Snapshot:
        """The same data, as of a later read that found it unchanged."""
        return replace(self, fetched_at=fetched_at)


def version_of(content: bytes, source: str) -> str:
    """The version of data read as `content`: equal content, equal version (so caches keyed by it are reused)."""
    return f"{source}:{hashlib.blake2b(content, digest_size=12).hexdigest()}"


class SourceError(Exception):
    """A failure a person can act on; `str()` is safe to show (it never holds a secret).

    `transient` says whether trying again later may help (429, 5xx, a timeout).
    """

    def __init__(self, message: str, *, transient: bool = False, status: int | None = None):
        super().__init__(message)
        self.transient = transient
        self.status = status


@dataclass(frozen=True)
class SourceInfo:
    kind: str  # "google-sheet" | "demo"
    label: str  # what the page says about where the data lives
    sheet_url: str | None = None
    share_with: str | None = None  # the service account's e-mail


class DataSource(ABC):
    """Reads all tabs in one go and appends rows as raw values."""

    kind: str

    @abstractmethod
    def fetch(self, only: list[str] | None = None, known: Snapshot | None = None) -> Snapshot:
        """Every tab (or just the tabs named in `only`, matched loosely; missing ones are left out), in one upstream read.

        `known` is the previous read of the same tabs: a source that can tell the data hasn't changed before
        decoding it returns `known.redated(...)`, so an unchanged 100k-row Sheet isn't turned into Python objects again.
        """

    @abstractmethod
    def append_rows(self, tab: str, rows: list[list[str]], header: list[str]) -> None:
        """Append rows to `tab` as RAW values, creating the tab with `header` if it is missing.

        Raises SourceError; `transient` errors may have been applied anyway, so callers
        that retry must carry an ID in each row and de-duplicate on read.
        """

    def ids_in(self, tab: str, columns: Sequence[int]) -> set[str]:
        """Every value in the given 0-based `columns` of `tab` (matched loosely), header included; empty when there is no such tab.

        What the outbox reads before it sends a row again after an answer it can't trust:
        the IDs already in the tab are not written twice. One upstream read, whatever the number of rows waiting.
        """
        tabs = self.fetch([tab]).tabs
        rows = next(iter(tabs.values()), [])
        return {row[column] for row in rows for column in columns if column < len(row) and row[column]}

    @abstractmethod
    def ensure_tabs(self, headers: dict[str, list[str]]) -> list[str]:
        """Add any missing tab with its header row; returns the tabs it added. Never touches data."""

    def ensure_columns(self, tab: str, header_row: int, names: list[str]) -> list[str]:
        """Add the `names` missing from row `header_row` (1-based) of `tab` after its last header cell; returns those added.

        Never touches data: for a feature that writes a column a hand-made tab may lack
        (the ID of a post logged in Rally). The names are written RAW.
        """
        raise SourceError(f"This source can't add columns to {tab}.")

    @abstractmethod
    def info(self) -> SourceInfo:
        """Where the data lives, for the Connect page and the CLI."""
