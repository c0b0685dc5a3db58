"""One read of the source per interval for the whole server, however many people are watching.

Every session asks the same `SnapshotCache`; the first to find the data older than
`max_age` reads the source while the others wait for that read (single flight).
A failed read keeps the last good snapshot and says why, so pages show
"data as of HH:MM — Google Sheets unreachable: <reason>" instead of a traceback.
Failures are remembered for the interval too, so an outage doesn't multiply reads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from data_sources.base import DataSource, Snapshot, SourceError


@dataclass(frozen=True)
class CacheState:
    snapshot: Snapshot | None  # the newest good data, possibly old
    error: str | None  # why the latest read failed, when it did

    @property
    def stale(self) -> bool:
        return self.error is not None and self.snapshot is not None


class SnapshotCache:
    def __init__(self, source: DataSource, clock: Callable[[], float] = time.monotonic, only: list[str] | None = None):
        self.source = source
        self._only = only
        self._clock = clock
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._error: str | None = None
        self._checked_at: float | None = None
        self.reads = 0  # upstream reads made, for tests and the benchmark

    def get(self, max_age: float) -> CacheState:
        """The cached state, read afresh first when it is older than `max_age` seconds."""
        if self._fresh(max_age):
            return self.state()
        with self._lock:
            if not self._fresh(max_age):  # someone else may have read while we waited
                self._read()
            return self.state()

    def refresh(self) -> CacheState:
        """Read now, whatever the age (the "Refresh now" button)."""
        with self._lock:
            self._read()
            return self.state()

    def state(self) -> CacheState:
        return CacheState(self._snapshot, self._error)

    def age(self) -> float | None:
        """Seconds since the last read (good or failed), None before the first."""
        return None if self._checked_at is None else self._clock() - self._checked_at

    def _fresh(self, max_age: float) -> bool:
        return self._checked_at is not None and self._clock() - self._checked_at < max_age

    def _read(self) -> None:
        self.reads += 1
        try:
            self._snapshot, self._error = (
                share_unchanged(self.source.fetch(self._only, known=self._snapshot), self._snapshot),
                None,
            )
        except SourceError as error:
            self._error = str(error)
        self._checked_at = self._clock()


def share_unchanged(new: Snapshot, old: Snapshot | None) -> Snapshot:
    """`new`, holding `old`'s rows wherever they are the same, so a server keeps one copy of what didn't change.

    Every read brings every cell again as fresh strings (a 100k-row Posts tab is over 100 MB of them), while
    the parsed data and the pages still hold the previous read's. The same version keeps the old tabs
    outright; otherwise each tab equal to the old one (a survey answer came in, Posts didn't change) is
    the old list. What the new snapshot says is unchanged: only which copy of equal rows it holds. (A big tab the
    server packed after parsing it is never equal to new rows: the new ones are kept, and packed after their parse.)
    """
    if old is None:
        return new
    if new.tabs is old.tabs:  # the source found it unchanged before decoding it
        return new
    if new.version == old.version and new.locale == old.locale:
        return old.redated(new.fetched_at)
    tabs = {title: old.tabs[title] if old.tabs.get(title) == rows else rows for title, rows in new.tabs.items()}
    return replace(new, tabs=tabs)
