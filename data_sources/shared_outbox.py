"""The write queue of a fleet: one PostgreSQL table whose rows any server's writer claims and sends.

Every server stores what its people send in `rally_outbox` (data_sources/migrations/). Every server runs a
writer; a writer claims the due rows no other writer holds (`FOR UPDATE SKIP LOCKED`) for a while
(`claim_seconds`), renews the claim just before each append, and lets go when done. A server lost
mid-burst leaves its rows in the table: the rows it never claimed are taken by the next writer at once,
the ones it held once their claim runs out (longer than a request's timeout, so an append it left in
flight has landed or failed by then). Exactly once in the Sheet as with one server: a row is marked
uncertain before its append leaves, and an uncertain row is looked for in the tab's ID column before it
is sent again, whichever server sends it.

The fleet shares one budget and one pace: the writes quota is the service account's, so appends are
spaced `min_seconds_between_appends` apart for all servers together (a slot taken in `rally_writer`),
and a 429 or an outage backs every writer off. Each change notifies every server (shared_state.py),
so their projectors count an answer whichever server accepted it.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from data_sources.base import DataSource
from data_sources.outbox import (
    MIN_SECONDS_BETWEEN_APPENDS,
    ROW_RETRY_SECONDS,
    SETTLE_SECONDS,
    WRITE_POLICY,
    DeadLetter,
    Pending,
    WriteQueue,
    _Item,
)
from data_sources.retry import RetryPolicy
from data_sources.shared_state import SharedState

# How long a writer holds the rows it claimed before another may take them over: longer than one append
# (a request times out after 20 s) with room for Google to finish one it was still applying.
CLAIM_SECONDS = 60.0
# Rows claimed in one round at most (the rest wait for the next round, or for another writer).
CLAIM_ROWS = 2_000
QUEUED = "sent IS NULL AND dead IS NULL AND dropped IS NULL"

CLAIM = f"""
WITH due AS (
    SELECT id FROM rally_outbox
    WHERE {QUEUED} AND next_try <= %(now)s AND (claimed_until IS NULL OR claimed_until < %(now)s)
    ORDER BY created, seq
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
UPDATE rally_outbox AS o SET claimed_by = %(writer)s, claimed_until = %(until)s
FROM due WHERE o.id = due.id
RETURNING o.id, o.tab, o.header, o.cells, o.attempts, o.next_try, o.id_column, o.uncertain, o.refusals, o.created, o.seq
"""


class SharedOutbox(WriteQueue):
    def __init__(
        self,
        state: SharedState,
        source: DataSource,
        policy: RetryPolicy = WRITE_POLICY,
        clock: Callable[[], float] = time.time,
        secrets: list[str] | None = None,
        min_seconds_between_appends: float = MIN_SECONDS_BETWEEN_APPENDS,
        settle_seconds: float = SETTLE_SECONDS,
        claim_seconds: float = CLAIM_SECONDS,
        writer: str | None = None,
    ):
        super().__init__(source, policy, clock, secrets, min_seconds_between_appends, settle_seconds)
        self._state = state
        self._claim_seconds = claim_seconds
        self.writer = writer or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        state.on_change(self._changed_elsewhere)

    def _changed_elsewhere(self, what: str) -> None:
        """Another server (or this one) changed the queue: views of it are out of date, and there may be rows to send."""
        if what in ("outbox", "reconnected"):
            self.generation += 1
            self._wake.set()

    @contextmanager
    def _changing(self) -> Iterator:
        """A transaction that changes the queue, telling every server when it commits."""
        with self._state.connection() as connection, connection.transaction():
            yield connection
            SharedState.notify(connection, "outbox")

    # -- the store ---------------------------------------------------------------------------
    def _insert(self, tab: str, header: list[str], stored: list[tuple[str, dict[str, str]]], id_column: str) -> None:
        now = self._clock()
        header_text = json.dumps(header)
        with self._changing() as db:
            db.cursor().executemany(
                "INSERT INTO rally_outbox (id, tab, header, cells, created, id_column) VALUES (%s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (id) DO NOTHING",
                [(row_id, tab, header_text, json.dumps(cells), now, id_column) for row_id, cells in stored],
            )

    def pending(self, tab: str | None = None, sent_since: float | None = None) -> list[Pending]:
        unsent = f"({QUEUED})" if sent_since is None else f"(({QUEUED}) OR sent >= %(since)s)"
        query = (
            f"SELECT id, tab, cells, attempts, error, sent FROM rally_outbox WHERE {unsent}"
            + (" AND tab = %(tab)s" if tab else "")
            + " ORDER BY created, seq"
        )
        with self._state.connection() as db:
            rows = db.execute(query, {"since": sent_since, "tab": tab}).fetchall()
        return [Pending(i, t, json.loads(c), a, e, s) for i, t, c, a, e, s in rows]

    def dead_letters(self, tab: str | None = None) -> list[DeadLetter]:
        query = (
            "SELECT id, tab, cells, error, attempts, dead FROM rally_outbox WHERE dead IS NOT NULL AND dropped IS NULL"
            + (" AND tab = %(tab)s" if tab else "")
            + " ORDER BY dead, seq"
        )
        with self._state.connection() as db:
            rows = db.execute(query, {"tab": tab}).fetchall()
        return [DeadLetter(i, t, json.loads(c), e or "refused by the Sheet", a, d) for i, t, c, e, a, d in rows]

    def _retry_dead(self, ids: list[str]) -> int:
        with self._changing() as db:
            return db.execute(
                "UPDATE rally_outbox SET dead = NULL, refusals = 0, next_try = 0 "
                "WHERE id = ANY(%s) AND dead IS NOT NULL AND dropped IS NULL",
                [ids],
            ).rowcount

    def _drop_dead(self, ids: list[str], now: float) -> int:
        with self._changing() as db:
            return db.execute(
                "UPDATE rally_outbox SET dropped = %s WHERE id = ANY(%s) AND dead IS NOT NULL AND dropped IS NULL",
                [now, ids],
            ).rowcount

    @contextmanager
    def _claimed(self, now: float) -> Iterator[list[_Item] | None]:
        with self._state.connection() as db:
            rows = db.execute(
                CLAIM,
                {"now": now, "limit": CLAIM_ROWS, "writer": self.writer, "until": now + self._claim_seconds},
            ).fetchall()
        rows.sort(key=lambda row: (row[9], row[10]))  # oldest first, as they were accepted
        items = [
            _Item(i, t, tuple(json.loads(h)), json.loads(c), a, n, ic, bool(u), r)
            for i, t, h, c, a, n, ic, u, r, _, _ in rows
        ]
        try:
            yield items
        finally:
            if items:
                self._let_go([item.id for item in items])

    def _let_go(self, ids: list[str]) -> None:
        with self._state.connection() as db:
            db.execute(
                "UPDATE rally_outbox SET claimed_by = NULL, claimed_until = NULL WHERE id = ANY(%s) AND claimed_by = %s",
                [ids, self.writer],
            )

    def _still_mine(self, ids: list[str]) -> list[str]:
        with self._state.connection() as db:
            rows = db.execute(
                f"UPDATE rally_outbox SET claimed_until = %s WHERE id = ANY(%s) AND claimed_by = %s AND {QUEUED} RETURNING id",
                [self._clock() + self._claim_seconds, ids, self.writer],
            ).fetchall()
        return [row_id for (row_id,) in rows]

    def _set_dead(self, reasons: dict[str, str], now: float) -> None:
        with self._changing() as db:
            db.cursor().executemany(
                "UPDATE rally_outbox SET dead = %s, error = %s WHERE id = %s",
                [(now, reason, row_id) for row_id, reason in reasons.items()],
            )

    def _set_uncertain(self, ids: list[str], uncertain: bool) -> None:
        with self._state.connection() as db:
            db.execute("UPDATE rally_outbox SET uncertain = %s WHERE id = ANY(%s)", [uncertain, ids])

    def _mark_sent(self, ids: list[str]) -> None:
        with self._changing() as db:
            db.execute(
                "UPDATE rally_outbox SET sent = %s, error = NULL, uncertain = false, claimed_by = NULL, claimed_until = NULL "
                "WHERE id = ANY(%s)",
                [self._clock(), ids],
            )
        self.generation += 1

    def _record_failure(self, ids: list[str], message: str, uncertain: bool | None) -> None:
        with self._state.connection() as db:
            if uncertain is None:
                db.execute(
                    "UPDATE rally_outbox SET attempts = attempts + 1, error = %s WHERE id = ANY(%s)", [message, ids]
                )
            else:
                db.execute(
                    "UPDATE rally_outbox SET attempts = attempts + 1, error = %s, uncertain = %s WHERE id = ANY(%s)",
                    [message, uncertain, ids],
                )

    def _record_refusal(self, row_id: str, refusals: int, message: str, now: float, dead: bool) -> None:
        with self._changing() as db:
            if dead:
                db.execute(
                    "UPDATE rally_outbox SET attempts = attempts + 1, refusals = %s, error = %s, dead = %s WHERE id = %s",
                    [refusals, message, now, row_id],
                )
            else:
                db.execute(
                    "UPDATE rally_outbox SET attempts = attempts + 1, refusals = %s, error = %s, next_try = %s WHERE id = %s",
                    [refusals, message, now + ROW_RETRY_SECONDS[refusals - 1], row_id],
                )

    def _backoff(self) -> tuple[int, float]:
        with self._state.connection() as db:
            failures, not_before = db.execute("SELECT failures, not_before FROM rally_writer WHERE id = 1").fetchone()
        return failures, not_before

    def _set_backoff(self, failures: int, not_before: float) -> None:
        with self._state.connection() as db:
            db.execute("UPDATE rally_writer SET failures = %s, not_before = %s WHERE id = 1", [failures, not_before])

    def _turn(self) -> None:
        if self._min_interval <= 0:
            return
        with self._state.connection() as db:
            (slot,) = db.execute(
                "UPDATE rally_writer SET next_append = GREATEST(next_append, %(now)s) + %(every)s WHERE id = 1 "
                "RETURNING next_append - %(every)s",
                {"now": self._clock(), "every": self._min_interval},
            ).fetchone()
        wait = slot - self._clock()
        if wait > 0:
            self._stop.wait(wait)

    def next_due(self) -> float | None:
        with self._state.connection() as db:
            due, not_before = db.execute(
                f"SELECT MIN(GREATEST(next_try, claimed_until)), (SELECT not_before FROM rally_writer WHERE id = 1) "
                f"FROM rally_outbox WHERE {QUEUED}"
            ).fetchone()
        return None if due is None else max(due, not_before)
