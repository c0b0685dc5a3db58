"""The durable write path: every write gets an ID, lands on this server's disk first, then reaches the Sheet.

Why: the Sheets API allows about 60 writes a minute for the whole app, answers 429
and 5xx, and may time out after a write was applied. So `submit` only writes to a
local SQLite outbox (the person sees "saved" at once); a background writer sends
queued rows in one append per tab, retrying with jittered backoff. A retried
append can land twice, so every row carries its ID and readers drop repeats
(`rally.records.unique_by_id`). After a restart, whatever was not confirmed is sent.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from data_sources.base import DataSource, SourceError
from data_sources.config import redact
from data_sources.local_store import connect
from data_sources.retry import RetryPolicy

log = logging.getLogger("rally.outbox")

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    tab TEXT NOT NULL,
    header TEXT NOT NULL,
    cells TEXT NOT NULL,
    created REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL DEFAULT 0,
    sent REAL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox (sent, next_try);
"""

# Writers back off harder than readers: the quota is per minute, so waiting up to a minute is right.
WRITE_POLICY = RetryPolicy(attempts=1_000_000, base_seconds=1.0, cap_seconds=60.0)
# A write the Sheet refuses outright (403, a bad range) is kept and tried again now and then.
PERMANENT_RETRY_SECONDS = 120.0
MAX_ROWS_PER_APPEND = 500


@dataclass(frozen=True)
class Pending:
    id: str
    tab: str
    row: dict[str, str]
    attempts: int
    error: str | None
    sent: float | None = None  # when the Sheet confirmed it (clock seconds); None while queued


class Outbox:
    def __init__(
        self,
        path: Path,
        source: DataSource,
        policy: RetryPolicy = WRITE_POLICY,
        clock: Callable[[], float] = time.time,
        secrets: list[str] | None = None,
    ):
        self.path = Path(path)
        self.source = source
        self._policy = policy
        self._clock = clock
        self._secrets = secrets or []
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._flush_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        with self._connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator:
        db = connect(self.path)
        try:
            yield db
        finally:
            db.close()

    # -- writing ----------------------------------------------------------------------------
    def submit(self, tab: str, header: list[str], row: dict[str, str], id_column: str = "ID") -> str:
        """Store `row` durably and queue it for the Sheet; returns its ID (put in `id_column`)."""
        row_id = row.get(id_column) or str(uuid.uuid4())
        cells = {**row, id_column: row_id}
        unknown = set(cells) - set(header)
        if unknown:
            raise ValueError(f"columns {sorted(unknown)} are not in the {tab} header")
        with self._connect() as db:
            db.execute(
                "INSERT OR IGNORE INTO outbox (id, tab, header, cells, created) VALUES (?, ?, ?, ?, ?)",
                (row_id, tab, json.dumps(header), json.dumps(cells), self._clock()),
            )
        self._wake.set()
        return row_id

    def pending(self, tab: str | None = None) -> list[Pending]:
        """Rows accepted here but not yet confirmed by the Sheet, oldest first."""
        query = "SELECT id, tab, cells, attempts, error FROM outbox WHERE sent IS NULL" + (" AND tab = ?" if tab else "") + " ORDER BY created, rowid"
        with self._connect() as db:
            return [Pending(i, t, json.loads(c), a, e) for i, t, c, a, e in db.execute(query, (tab,) if tab else ())]

    def unread(self, read_at: float, margin: float = 30.0) -> list[Pending]:
        """Rows a read of the Sheet made at `read_at` may not show: still queued, or confirmed after that read began.

        The read's start is not known, only when it finished: rows confirmed up to `margin`
        seconds before are included too (readers drop the ones the read did bring, by ID).
        """
        query = "SELECT id, tab, cells, attempts, error, sent FROM outbox WHERE sent IS NULL OR sent >= ? ORDER BY created, rowid"
        with self._connect() as db:
            return [Pending(i, t, json.loads(c), a, e, s) for i, t, c, a, e, s in db.execute(query, (read_at - margin,))]

    def flush(self) -> int:
        """Send every row that is due, one append per tab; returns how many were confirmed."""
        with self._flush_lock:
            now = self._clock()
            with self._connect() as db:
                due = db.execute("SELECT id, tab, header, cells, attempts FROM outbox WHERE sent IS NULL AND next_try <= ? ORDER BY created, rowid", (now,)).fetchall()
            by_tab: dict[str, list[tuple]] = {}
            for item in due:
                by_tab.setdefault(item[1], []).append(item)
            confirmed = 0
            for tab, items in by_tab.items():
                for start in range(0, len(items), MAX_ROWS_PER_APPEND):
                    confirmed += self._send(tab, items[start : start + MAX_ROWS_PER_APPEND])
            return confirmed

    def _send(self, tab: str, items: list[tuple]) -> int:
        header = json.loads(items[0][2])
        rows = [[json.loads(cells).get(column, "") for column in header] for _, _, _, cells, _ in items]
        ids = [item[0] for item in items]
        try:
            self.source.append_rows(tab, rows, header)
        except SourceError as error:
            attempts = max(item[4] for item in items) + 1
            wait = self._policy.delay(min(attempts, 10)) if error.transient else PERMANENT_RETRY_SECONDS
            message = redact(str(error), self._secrets)
            log.warning("%d row(s) for %s stay queued (attempt %d): %s", len(rows), tab, attempts, message)
            with self._connect() as db:
                db.executemany("UPDATE outbox SET attempts = ?, next_try = ?, error = ? WHERE id = ?", [(attempts, self._clock() + wait, message, i) for i in ids])
            return 0
        with self._connect() as db:
            db.executemany("UPDATE outbox SET sent = ?, error = NULL WHERE id = ?", [(self._clock(), i) for i in ids])
        return len(ids)

    def next_due(self) -> float | None:
        with self._connect() as db:
            (due,) = db.execute("SELECT MIN(next_try) FROM outbox WHERE sent IS NULL").fetchone()
        return due

    # -- the background writer ----------------------------------------------------------------
    def start(self) -> None:
        """Start the writer thread (once); it also sends what a previous run left unsent."""
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="rally-outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.flush()
            except Exception:  # the writer must outlive any one bad moment; rows stay queued
                log.exception("outbox flush failed; rows stay queued")
            due = self.next_due()
            wait = 5.0 if due is None else max(0.05, min(5.0, due - self._clock()))
            self._wake.wait(wait)
            self._wake.clear()
            # Let a burst of submissions gather into one append.
            self._stop.wait(0.05)
