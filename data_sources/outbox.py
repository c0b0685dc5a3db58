"""The durable write path: every write gets an ID, lands on this server's disk first, then reaches the Sheet.

Why: the Sheets API allows about 60 writes a minute for the whole app, answers 429
and 5xx, and may time out after a write was applied. So `submit` only writes to a
local SQLite outbox (the person sees "saved" at once); a background writer sends
queued rows in one append per tab, retrying with jittered backoff. A retried
append can land twice, so every row carries its ID and readers drop repeats
(`rally.core.records.unique_by_id`). After a restart, whatever was not confirmed is sent.
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
# Google allows about 60 writes a minute: one append a second at most, each carrying every row queued by then,
# stays within it however many people answer at once (200 answers in ten seconds are ten appends, not 200).
MIN_SECONDS_BETWEEN_APPENDS = 1.0


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
        min_seconds_between_appends: float = MIN_SECONDS_BETWEEN_APPENDS,
    ):
        self.path = Path(path)
        self.source = source
        self._policy = policy
        self._clock = clock
        self._min_interval = min_seconds_between_appends
        self.appends = 0  # appends tried, for tests and the benchmark
        # Counts every change to what is queued (a row stored, rows confirmed): readers holding a view of the queue
        # compare it with the count they built that view at, instead of asking the store again.
        self.generation = 0
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

    @contextmanager
    def _transaction(self) -> Iterator:
        """One commit for many statements: all or none, and one disk sync instead of one per row."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # -- writing ----------------------------------------------------------------------------
    def submit(self, tab: str, header: list[str], row: dict[str, str], id_column: str = "ID") -> str:
        """Store `row` durably and queue it for the Sheet; returns its ID (put in `id_column`)."""
        return self.submit_many(tab, header, [row], id_column)[0]

    def submit_many(self, tab: str, header: list[str], rows: list[dict[str, str]], id_column: str = "ID") -> list[str]:
        """Store several rows in one local transaction (all or none: a survey response's answers) and queue them; returns their IDs."""
        stored = []
        for row in rows:
            row_id = row.get(id_column) or str(uuid.uuid4())
            cells = {**row, id_column: row_id}
            unknown = set(cells) - set(header)
            if unknown:
                raise ValueError(f"columns {sorted(unknown)} are not in the {tab} header")
            stored.append((row_id, cells))
        if not stored:
            return []
        now = self._clock()
        # One statement is atomic on its own, and holds the write lock for the shortest time when many phones send at once.
        values = ", ".join(["(?, ?, ?, ?, ?)"] * len(stored))
        params = [
            value for row_id, cells in stored for value in (row_id, tab, json.dumps(header), json.dumps(cells), now)
        ]
        with self._connect() as db:
            db.execute(f"INSERT OR IGNORE INTO outbox (id, tab, header, cells, created) VALUES {values}", params)
        self.generation += 1
        self._wake.set()
        return [row_id for row_id, _ in stored]

    def pending(self, tab: str | None = None, sent_since: float | None = None) -> list[Pending]:
        """Rows accepted here but not yet confirmed by the Sheet, oldest first.

        With `sent_since` (this outbox's clock), also the rows confirmed since then: a read of
        the Sheet that began before they landed doesn't hold them, and a reader merging that
        read with `pending` would otherwise lose sight of them until its next read. Readers
        drop the repeat when a row is in both (`rally.core.records.read_records`).
        """
        unsent = "sent IS NULL" if sent_since is None else "(sent IS NULL OR sent >= ?)"
        query = (
            f"SELECT id, tab, cells, attempts, error, sent FROM outbox WHERE {unsent}"
            + (" AND tab = ?" if tab else "")
            + " ORDER BY created, rowid"
        )
        parameters = ([] if sent_since is None else [sent_since]) + ([tab] if tab else [])
        with self._connect() as db:
            return [Pending(i, t, json.loads(c), a, e, s) for i, t, c, a, e, s in db.execute(query, parameters)]

    def flush(self) -> int:
        """Send the queued rows of every tab that is due, in one append per tab; returns how many were confirmed.

        A tab backs off as a whole: after a failed append its new rows wait for the retry
        too and go with it, so a burst during a 429 becomes one append, not one each.
        """
        with self._flush_lock:
            now = self._clock()
            with self._connect() as db:
                queued = db.execute(
                    "SELECT id, tab, header, cells, attempts, next_try FROM outbox WHERE sent IS NULL ORDER BY created, rowid"
                ).fetchall()
            by_tab: dict[str, list[tuple]] = {}
            for item in queued:
                by_tab.setdefault(item[1], []).append(item)
            confirmed = 0
            for tab, items in by_tab.items():
                if max(item[5] for item in items) > now:
                    continue  # backing off
                for start in range(0, len(items), MAX_ROWS_PER_APPEND):
                    sent = self._send(tab, items[start : start + MAX_ROWS_PER_APPEND])
                    confirmed += sent
                    if sent:
                        self.generation += 1
                    if not sent:
                        break  # the rest of the tab waits for the same retry
            return confirmed

    def _send(self, tab: str, items: list[tuple]) -> int:
        header = json.loads(items[0][2])
        rows = [[json.loads(item[3]).get(column, "") for column in header] for item in items]
        ids = [item[0] for item in items]
        self.appends += 1
        try:
            self.source.append_rows(tab, rows, header)
        except SourceError as error:
            attempts = max(item[4] for item in items) + 1
            wait = self._policy.delay(min(attempts, 10)) if error.transient else PERMANENT_RETRY_SECONDS
            message = redact(str(error), self._secrets)
            log.warning("%d row(s) for %s stay queued (attempt %d): %s", len(rows), tab, attempts, message)
            with self._transaction() as db:
                db.executemany(
                    "UPDATE outbox SET attempts = ?, next_try = ?, error = ? WHERE id = ?",
                    [(attempts, self._clock() + wait, message, i) for i in ids],
                )
            return 0
        with self._transaction() as db:
            db.executemany("UPDATE outbox SET sent = ?, error = NULL WHERE id = ?", [(self._clock(), i) for i in ids])
        return len(ids)

    def next_due(self) -> float | None:
        """When the next tab is due (a tab is due when its latest retry time has come), None when nothing is queued."""
        with self._connect() as db:
            (due,) = db.execute(
                "SELECT MIN(due) FROM (SELECT MAX(next_try) AS due FROM outbox WHERE sent IS NULL GROUP BY tab)"
            ).fetchone()
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
            appends = self.appends
            try:
                self.flush()
            except Exception:  # the writer must outlive any one bad moment; rows stay queued
                log.exception("outbox flush failed; rows stay queued")
            if self.appends > appends:
                self._stop.wait(self._min_interval)  # pace the writes; rows queued meanwhile go in the next append
            due = self.next_due()
            wait = 5.0 if due is None else max(0.05, min(5.0, due - self._clock()))
            self._wake.wait(wait)
            self._wake.clear()
            # Let a burst of submissions gather into one append.
            self._stop.wait(0.05)
