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
from dataclasses import dataclass

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

    def _fresh(self, max_age: float) -> bool:
        return self._checked_at is not None and self._clock() - self._checked_at < max_age

    def _read(self) -> None:
        self.reads += 1
        try:
            self._snapshot, self._error = self.source.fetch(self._only), None
        except SourceError as error:
            self._error = str(error)
        self._checked_at = self._clock()
