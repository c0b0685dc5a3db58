"""The durable write path: every write gets an ID, lands on this server's disk first, then reaches the Sheet once.

Why: the Sheets API allows about 60 writes a minute for the whole app, answers 429
and 5xx (sometimes as an HTML page), drops connections, and may time out after a
write was applied. So `submit` only writes to a local SQLite outbox (the person sees
"saved" at once); a background writer sends queued rows in one append per tab.

Exactly once in the Sheet: before an append, its rows are marked *uncertain* on disk.
A success clears the mark; so does a refusal the Sheet answered (any 4xx: nothing was
written). Anything else — a 5xx, a timeout, a dropped connection, or the server killed
mid-append — leaves it, and before those rows are sent again the writer reads the tab's
ID column once (one request for every row waiting) and sends only the IDs that are not
there. Readers still drop repeats (`rally.core.records.unique_by_id`) and Data health
lists any that reached the Sheet anyway (two servers on one Sheet, a hand-made copy).

A bad row never blocks the queue: a refusal for good (a 4xx other than 429, 401, 403 or
404) splits the append in halves until the refused row is alone; it is tried alone a few
times more and then moved aside as a dead letter, with the reason, for a facilitator to
retry or drop on Data health. Failures that are about the Sheet and not the rows
(transient ones, a Sheet no longer shared) back the whole writer off under one budget.

Two stores keep the queue, with the same sending logic (`WriteQueue`): `Outbox`, a SQLite file on
this server's disk (one server, the quickstart), and `data_sources.shared_outbox.SharedOutbox`, a
PostgreSQL table every server of a fleet shares (`[rally] state`), whose rows any server's writer claims.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from data_sources.base import DataSource, SourceError
from data_sources.config import redact
from data_sources.local_store import connect
from data_sources.retry import RetryPolicy, is_transient, readable

try:  # one writer per outbox file across processes; Windows has no fcntl (one server process there)
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None  # type: ignore[assignment]

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
# Columns added since the first outbox files were written (added to an older file when it is opened).
LATER_COLUMNS = {
    "id_column": "TEXT NOT NULL DEFAULT 'ID'",
    "uncertain": "INTEGER NOT NULL DEFAULT 0",  # an append carrying it got no answer Rally can trust
    "refusals": "INTEGER NOT NULL DEFAULT 0",  # times the Sheet refused it for good, sent alone
    "dead": "REAL",  # moved aside (a dead letter) at this clock time
    "dropped": "REAL",  # a facilitator dropped the dead letter
}
LIVE = "sent IS NULL AND dead IS NULL AND dropped IS NULL"

# Writers back off harder than readers: the quota is per minute, so waiting up to a minute is right.
WRITE_POLICY = RetryPolicy(attempts=1_000_000, base_seconds=1.0, cap_seconds=60.0)
# A Sheet that refuses everything (no longer shared, deleted, bad credentials) is tried again now and then.
PERMANENT_RETRY_SECONDS = 120.0
# After no answer at all (a timeout, a dropped connection) Google may still be applying the append:
# the rows are looked for in the tab only once it has had time to finish (longer than a request's timeout).
SETTLE_SECONDS = 30.0
# A row the Sheet refused alone is tried again after these waits, then moved aside.
ROW_RETRY_SECONDS = (10.0, 60.0)
DEAD_AFTER_REFUSALS = len(ROW_RETRY_SECONDS) + 1
# Google Sheets holds at most 50,000 characters in a cell: a longer one would be refused whatever happens.
MAX_CELL_CHARACTERS = 50_000
# Statuses that say the Sheet (not the row) is the problem: every row would be refused alike.
SHEET_REFUSALS = frozenset({401, 403, 404})
MAX_ROWS_PER_APPEND = 500
# Google allows about 60 writes a minute: one append a second at most, each carrying every row queued by then,
# stays within it however many people answer at once (200 answers in ten seconds are ten appends, not 200).
MIN_SECONDS_BETWEEN_APPENDS = 1.0


# What a store raises when it can't keep or read a row (a full disk, a locked file, the shared database unreachable).
def store_errors() -> tuple[type[BaseException], ...]:
    """What a queue's store raises when it can't be read or written: SQLite's and the disk's, and PostgreSQL's once a
    fleet's store has loaded its driver (a server without `state` never imports it, for a faster start)."""
    psycopg = sys.modules.get("psycopg")
    return (sqlite3.Error, OSError) + ((psycopg.Error,) if psycopg is not None else ())


@dataclass(frozen=True)
class Pending:
    id: str
    tab: str
    row: dict[str, str]
    attempts: int
    error: str | None
    sent: float | None = None  # when the Sheet confirmed it (clock seconds); None while queued


@dataclass(frozen=True)
class DeadLetter:
    """A row the Sheet refused for good (or that can't be written at all), moved aside so the rows behind it go on."""

    id: str
    tab: str
    row: dict[str, str]
    reason: str
    attempts: int
    moved: float  # clock seconds


@dataclass(frozen=True)
class _Item:
    id: str
    tab: str
    header: tuple[str, ...]
    cells: dict[str, str]
    attempts: int
    next_try: float
    id_column: str
    uncertain: bool
    refusals: int

    @property
    def id_position(self) -> int:
        return self.header.index(self.id_column)


def row_problem(cells: dict[str, str]) -> str | None:
    """Why a row can never be written (Google would refuse it however often it is sent), or None."""
    for column, value in cells.items():
        if not isinstance(value, str):
            return f"the {column} cell is not text"
        if len(value) > MAX_CELL_CHARACTERS:
            return f"the {column} cell holds {len(value):,} characters; Google Sheets allows {MAX_CELL_CHARACTERS:,} in a cell"
    return None


class WriteQueue(ABC):
    """The sending logic both stores share; a store supplies where rows are kept (the `_`-methods marked abstract)."""

    def __init__(
        self,
        source: DataSource,
        policy: RetryPolicy = WRITE_POLICY,
        clock: Callable[[], float] = time.time,
        secrets: list[str] | None = None,
        min_seconds_between_appends: float = MIN_SECONDS_BETWEEN_APPENDS,
        settle_seconds: float = SETTLE_SECONDS,
    ):
        self.source = source
        self._policy = policy
        self._clock = clock
        self._min_interval = min_seconds_between_appends
        self._settle = settle_seconds
        self.appends = 0  # appends tried, for tests and the benchmark
        self.id_reads = 0  # reads of a tab's IDs before sending again
        self.found_already = 0  # rows such a read found in the Sheet (a copy that was not written)
        # Counts every change to what is queued (a row stored, confirmed, moved aside or back): readers holding a view
        # of the queue compare it with the count they built that view at, instead of asking the store again.
        self.generation = 0
        self._secrets = secrets or []
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._flush_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # -- what a store supplies --------------------------------------------------------------------
    @abstractmethod
    def _insert(self, tab: str, header: list[str], stored: list[tuple[str, dict[str, str]]], id_column: str) -> None:
        """Keep these rows (ID, cells) durably, all or none; an ID already kept is left as it is."""

    @abstractmethod
    def pending(self, tab: str | None = None, sent_since: float | None = None) -> list[Pending]:
        """Rows accepted but not yet confirmed by the Sheet, oldest first (dead letters are not among them).

        With `sent_since` (this outbox's clock), also the rows confirmed since then: a read of
        the Sheet that began before they landed doesn't hold them, and a reader merging that
        read with `pending` would otherwise lose sight of them until its next read. Readers
        drop the repeat when a row is in both (`rally.core.records.read_records`).
        """

    @abstractmethod
    def dead_letters(self, tab: str | None = None) -> list[DeadLetter]:
        """Rows moved aside (refused for good, or impossible to write), oldest first; dropped ones are gone from here."""

    @abstractmethod
    def _retry_dead(self, ids: list[str]) -> int: ...

    @abstractmethod
    def _drop_dead(self, ids: list[str], now: float) -> int: ...

    @abstractmethod
    @contextmanager
    def _claimed(self, now: float) -> Iterator[list[_Item] | None]:
        """The queued rows due by `now` that this writer may send, held for it until the block ends (None: another
        writer sends from this store now)."""

    @abstractmethod
    def _still_mine(self, ids: list[str]) -> list[str]:
        """Of `ids`, those still held by this writer, held a while longer (just before they are sent)."""

    @abstractmethod
    def _set_dead(self, reasons: dict[str, str], now: float) -> None: ...

    @abstractmethod
    def _set_uncertain(self, ids: list[str], uncertain: bool) -> None: ...

    @abstractmethod
    def _mark_sent(self, ids: list[str]) -> None: ...

    @abstractmethod
    def _record_failure(self, ids: list[str], message: str, uncertain: bool | None) -> None:
        """Every row stays queued with the reason (`uncertain` None: its mark is left as it is)."""

    @abstractmethod
    def _record_refusal(self, row_id: str, refusals: int, message: str, now: float, dead: bool) -> None: ...

    @abstractmethod
    def _backoff(self) -> tuple[int, float]:
        """(failures in a row, clock time before which nothing is sent): the one budget of every writer of this store."""

    @abstractmethod
    def _set_backoff(self, failures: int, not_before: float) -> None: ...

    @abstractmethod
    def next_due(self) -> float | None:
        """When the writer will next have something to send (clock seconds), None when nothing is queued."""

    def _turn(self) -> None:
        """Wait until this writer may append (a store shared by several writers paces them together)."""
        return None  # one writer per store: `_run` paces it

    # -- writing ----------------------------------------------------------------------------
    def submit(self, tab: str, header: list[str], row: dict[str, str], id_column: str = "ID") -> str:
        """Store `row` durably and queue it for the Sheet; returns its ID (put in `id_column`)."""
        return self.submit_many(tab, header, [row], id_column)[0]

    def submit_many(self, tab: str, header: list[str], rows: list[dict[str, str]], id_column: str = "ID") -> list[str]:
        """Store several rows in one transaction (all or none: a survey response's answers) and queue them; returns their IDs."""
        if rows and id_column not in header:
            raise ValueError(f"the {tab} header has no {id_column} column to carry each row's ID")
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
        self._insert(tab, header, stored, id_column)
        self.generation += 1
        self._wake.set()
        return [row_id for row_id, _ in stored]

    # -- dead letters -------------------------------------------------------------------------
    def retry_dead(self, ids: list[str]) -> int:
        """Put dead letters back in the queue (after the Sheet or the row was fixed); returns how many."""
        moved = self._retry_dead(ids)
        self.generation += 1
        self._wake.set()
        return moved

    def drop_dead(self, ids: list[str]) -> int:
        """Give up on dead letters for good (kept, marked dropped, never sent); returns how many."""
        dropped = self._drop_dead(ids, self._clock())
        self.generation += 1
        if dropped:
            log.warning("%d dead letter(s) dropped by a facilitator: %s", dropped, ", ".join(ids))
        return dropped

    # -- sending ------------------------------------------------------------------------------
    def flush(self) -> int:
        """Send every queued row that is due, in one append per tab; returns how many the Sheet now holds for sure."""
        with self._flush_lock:
            if self._clock() < self._backoff()[1]:
                return 0
            now = self._clock()
            with self._claimed(now) as claimed:
                if claimed is None:
                    return 0
                by_tab: dict[str, list[_Item]] = {}
                for item in claimed:
                    if item.next_try <= now:
                        by_tab.setdefault(item.tab, []).append(item)
                confirmed = 0
                for tab, items in by_tab.items():
                    sent, stop = self._flush_tab(tab, items)
                    confirmed += sent
                    if stop:
                        break  # the Sheet asked for a pause: every tab waits for the same retry
                return confirmed

    def _flush_tab(self, tab: str, items: list[_Item]) -> tuple[int, bool]:
        """(rows confirmed, whether the whole writer must now wait)."""
        items = self._set_aside_impossible(items)
        confirmed = 0
        if any(item.uncertain for item in items):
            # An earlier append of some of these may have landed: look once, for all of them, and send only the rest.
            self.id_reads += 1
            try:
                present = self.source.ids_in(tab, sorted({item.id_position for item in items}))
            except SourceError as error:
                self._failed(items, error, uncertain=None)
                return 0, True
            landed = [item for item in items if item.id in present]
            if landed:
                self.found_already += len(landed)
                self._mark_sent([item.id for item in landed])
                confirmed += len(landed)
            items = [item for item in items if item.id not in present]
        # Rows never refused go together, one append per header (a tab's header may have grown a column);
        # a row the Sheet has refused before goes alone, so it can't hold the others back again.
        groups: dict[tuple[str, ...], list[_Item]] = {}
        for item in items:
            if not item.refusals:
                groups.setdefault(item.header, []).append(item)
        batches = [
            group[i : i + MAX_ROWS_PER_APPEND]
            for group in groups.values()
            for i in range(0, len(group), MAX_ROWS_PER_APPEND)
        ]
        batches += [[item] for item in items if item.refusals]
        for batch in batches:
            sent, stop = self._send(tab, batch)
            confirmed += sent
            if stop:
                return confirmed, True
        return confirmed, False

    def _set_aside_impossible(self, items: list[_Item]) -> list[_Item]:
        problems = {item.id: problem for item in items if (problem := row_problem(item.cells))}
        if problems:
            self._set_dead(
                {i: f"Rally can't write this row: {problem}." for i, problem in problems.items()}, self._clock()
            )
            self.generation += 1
            log.warning("%d row(s) for %s moved aside: they can't be written", len(problems), items[0].tab)
        return [item for item in items if item.id not in problems]

    def _send(self, tab: str, batch: list[_Item]) -> tuple[int, bool]:
        self._turn()
        mine = set(self._still_mine([item.id for item in batch]))
        batch = [item for item in batch if item.id in mine]  # another writer took over what this one held too long
        if not batch:
            return 0, False
        ids = [item.id for item in batch]
        header = list(batch[0].header)
        rows = [[item.cells.get(column, "") for column in header] for item in batch]
        # Written down before the request leaves: if this process dies before the answer, the next one looks first.
        self._set_uncertain(ids, True)
        self.appends += 1
        try:
            self.source.append_rows(tab, rows, header)
        except SourceError as error:
            answered = error.status is not None and 400 <= error.status < 500  # a refusal: nothing was written
            if is_transient(error) or error.status is None or error.status in SHEET_REFUSALS:
                self._failed(batch, error, uncertain=not answered)
                return 0, True
            self._set_uncertain(ids, False)
            if len(batch) > 1:  # one of them is refused: halve until it is alone, the others go through
                half = len(batch) // 2
                first, stop = self._send(tab, batch[:half])
                if stop:
                    return first, True
                second, stop = self._send(tab, batch[half:])
                return first + second, stop
            self._refused(batch[0], error)
            return 0, False
        self._mark_sent(ids)
        if self._backoff()[0]:
            self._set_backoff(0, 0.0)
        return len(ids), False

    def _message(self, error: SourceError) -> str:
        return redact(readable(error), self._secrets)

    def _failed(self, items: list[_Item], error: SourceError, uncertain: bool | None) -> None:
        """The Sheet (not a row) failed: keep every row queued with the reason, and pause the whole writer."""
        message = self._message(error)
        failures = self._backoff()[0] + 1
        if is_transient(error):
            wait = self._policy.delay(min(failures, 10))
            if error.status is None:
                wait = max(wait, self._settle)
        else:
            wait = PERMANENT_RETRY_SECONDS
        self._set_backoff(failures, self._clock() + wait)
        log.warning("%d row(s) for %s stay queued (attempt %d): %s", len(items), items[0].tab, failures, message)
        self._record_failure([item.id for item in items], message, uncertain)

    def _refused(self, item: _Item, error: SourceError) -> None:
        """The Sheet refused this row alone: try it again a little later, and after a few refusals move it aside."""
        message = "Google Sheets refused this row: " + self._message(error).removeprefix("Google Sheets unreachable: ")
        refusals = item.refusals + 1
        dead = refusals >= DEAD_AFTER_REFUSALS
        self._record_refusal(item.id, refusals, message, self._clock(), dead)
        if dead:
            self.generation += 1
            log.warning(
                "a row for %s was refused %d times and is moved aside (Data health): %s", item.tab, refusals, message
            )

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
            try:
                due = self.next_due()
            except store_errors():
                due = None
            wait = 5.0 if due is None else max(0.05, min(5.0, due - self._clock()))
            self._wake.wait(wait)
            self._wake.clear()
            # Let a burst of submissions gather into one append.
            self._stop.wait(0.05)


class Outbox(WriteQueue):
    """The queue in a SQLite file on this server's disk: one server, or several processes sharing that disk."""

    def __init__(
        self,
        path: Path,
        source: DataSource,
        policy: RetryPolicy = WRITE_POLICY,
        clock: Callable[[], float] = time.time,
        secrets: list[str] | None = None,
        min_seconds_between_appends: float = MIN_SECONDS_BETWEEN_APPENDS,
        settle_seconds: float = SETTLE_SECONDS,
    ):
        super().__init__(source, policy, clock, secrets, min_seconds_between_appends, settle_seconds)
        self.path = Path(path)
        # One budget for the whole writer: a failure that is about the Sheet backs every tab off together.
        self._failures = 0
        self._not_before = 0.0
        with self._connect() as db:
            db.executescript(SCHEMA)
            self._add_later_columns(db)

    @staticmethod
    def _add_later_columns(db) -> None:
        present = {row[1] for row in db.execute("PRAGMA table_info(outbox)")}
        missing = {name: kind for name, kind in LATER_COLUMNS.items() if name not in present}
        if not missing:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            for name, kind in missing.items():
                if name not in {row[1] for row in db.execute("PRAGMA table_info(outbox)")}:  # another process may have
                    db.execute(f"ALTER TABLE outbox ADD COLUMN {name} {kind}")
            if "uncertain" in missing:
                # A file from before this mark: a row already tried may have landed. Its old wait is the whole tab's.
                db.execute("UPDATE outbox SET uncertain = 1, next_try = 0 WHERE sent IS NULL AND attempts > 0")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

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

    @contextmanager
    def _sole_writer(self) -> Iterator[bool]:
        """True while this is the only writer sending from this outbox file (another server process may share it)."""
        if fcntl is None:
            yield True
            return
        lock_path = self.path.with_name(self.path.name + ".writer")
        descriptor = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True  # the lock goes with the descriptor: a killed process never holds it
        finally:
            os.close(descriptor)

    # -- the store ---------------------------------------------------------------------------
    def _insert(self, tab: str, header: list[str], stored: list[tuple[str, dict[str, str]]], id_column: str) -> None:
        now = self._clock()
        # One statement is atomic on its own, and holds the write lock for the shortest time when many phones send at once.
        values = ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(stored))
        params = [
            value
            for row_id, cells in stored
            for value in (row_id, tab, json.dumps(header), json.dumps(cells), now, id_column)
        ]
        with self._connect() as db:
            db.execute(
                f"INSERT OR IGNORE INTO outbox (id, tab, header, cells, created, id_column) VALUES {values}", params
            )

    def pending(self, tab: str | None = None, sent_since: float | None = None) -> list[Pending]:
        unsent = f"({LIVE})" if sent_since is None else f"(({LIVE}) OR sent >= ?)"
        query = (
            f"SELECT id, tab, cells, attempts, error, sent FROM outbox WHERE {unsent}"
            + (" AND tab = ?" if tab else "")
            + " ORDER BY created, rowid"
        )
        parameters = ([] if sent_since is None else [sent_since]) + ([tab] if tab else [])
        with self._connect() as db:
            return [Pending(i, t, json.loads(c), a, e, s) for i, t, c, a, e, s in db.execute(query, parameters)]

    def dead_letters(self, tab: str | None = None) -> list[DeadLetter]:
        query = (
            "SELECT id, tab, cells, error, attempts, dead FROM outbox WHERE dead IS NOT NULL AND dropped IS NULL"
            + (" AND tab = ?" if tab else "")
            + " ORDER BY dead, rowid"
        )
        with self._connect() as db:
            return [
                DeadLetter(i, t, json.loads(c), e or "refused by the Sheet", a, d)
                for i, t, c, e, a, d in db.execute(query, [tab] if tab else [])
            ]

    def _retry_dead(self, ids: list[str]) -> int:
        with self._transaction() as db:
            return db.executemany(
                "UPDATE outbox SET dead = NULL, refusals = 0, next_try = 0 WHERE id = ? AND dead IS NOT NULL AND dropped IS NULL",
                [(i,) for i in ids],
            ).rowcount

    def _drop_dead(self, ids: list[str], now: float) -> int:
        with self._transaction() as db:
            return db.executemany(
                "UPDATE outbox SET dropped = ? WHERE id = ? AND dead IS NOT NULL AND dropped IS NULL",
                [(now, i) for i in ids],
            ).rowcount

    @contextmanager
    def _claimed(self, now: float) -> Iterator[list[_Item] | None]:
        with self._sole_writer() as sole:
            if not sole:
                yield None
                return
            with self._connect() as db:
                rows = db.execute(
                    "SELECT id, tab, header, cells, attempts, next_try, id_column, uncertain, refusals "
                    f"FROM outbox WHERE {LIVE} ORDER BY created, rowid"
                ).fetchall()
            yield [
                _Item(i, t, tuple(json.loads(h)), json.loads(c), a, n, ic, bool(u), r)
                for i, t, h, c, a, n, ic, u, r in rows
            ]

    def _still_mine(self, ids: list[str]) -> list[str]:
        return ids  # the file lock holds every row for this writer until the flush ends

    def _set_dead(self, reasons: dict[str, str], now: float) -> None:
        with self._transaction() as db:
            db.executemany(
                "UPDATE outbox SET dead = ?, error = ? WHERE id = ?",
                [(now, reason, i) for i, reason in reasons.items()],
            )

    def _record_failure(self, ids: list[str], message: str, uncertain: bool | None) -> None:
        with self._transaction() as db:
            if uncertain is None:
                db.executemany(
                    "UPDATE outbox SET attempts = attempts + 1, error = ? WHERE id = ?", [(message, i) for i in ids]
                )
            else:
                db.executemany(
                    "UPDATE outbox SET attempts = attempts + 1, error = ?, uncertain = ? WHERE id = ?",
                    [(message, int(uncertain), i) for i in ids],
                )

    def _record_refusal(self, row_id: str, refusals: int, message: str, now: float, dead: bool) -> None:
        with self._transaction() as db:
            if dead:
                db.execute(
                    "UPDATE outbox SET attempts = attempts + 1, refusals = ?, error = ?, dead = ? WHERE id = ?",
                    (refusals, message, now, row_id),
                )
            else:
                db.execute(
                    "UPDATE outbox SET attempts = attempts + 1, refusals = ?, error = ?, next_try = ? WHERE id = ?",
                    (refusals, message, now + ROW_RETRY_SECONDS[refusals - 1], row_id),
                )

    def _backoff(self) -> tuple[int, float]:
        return self._failures, self._not_before

    def _set_backoff(self, failures: int, not_before: float) -> None:
        self._failures, self._not_before = failures, not_before

    def _set_uncertain(self, ids: list[str], uncertain: bool) -> None:
        with self._transaction() as db:
            db.executemany("UPDATE outbox SET uncertain = ? WHERE id = ?", [(int(uncertain), i) for i in ids])

    def _mark_sent(self, ids: list[str]) -> None:
        now = self._clock()
        with self._transaction() as db:
            db.executemany(
                "UPDATE outbox SET sent = ?, error = NULL, uncertain = 0 WHERE id = ?", [(now, i) for i in ids]
            )
        self.generation += 1

    def next_due(self) -> float | None:
        with self._connect() as db:
            (due,) = db.execute(f"SELECT MIN(next_try) FROM outbox WHERE {LIVE}").fetchone()
        return None if due is None else max(due, self._not_before)
