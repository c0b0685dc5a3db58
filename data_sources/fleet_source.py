"""One server reads the Sheet for the fleet; the others take its read from PostgreSQL instead of calling Google.

Google allows about 60 reads a minute for the service account, whatever the number of servers: three
servers each reading the room's live tabs every 3 s would pass it. `FleetSource` wraps the real source.
A server whose copy is due for a read takes an advisory lock for that scope (the whole Sheet, or just the
live tabs); holding it, it looks at the newest read any server stored: newer than its own copy and
younger than the scope's interval, it takes that one (no call to Google); otherwise it reads the Sheet
itself, still holding the lock, and stores the read for the others. So the fleet reads each scope about
once per interval, as one server would, and whichever server is due first is the one that reads: a
server that stops is replaced at once, without an election.

A read is stored once per version (the tabs as compressed JSON); a read that finds the Sheet unchanged
only moves the scope's "read at" time, and a server holding that version already doesn't fetch the bytes.
Writes, and the ID look before a resend, always go to the Sheet itself.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

import psycopg

from data_sources.base import DataSource, Snapshot, SourceError, SourceInfo
from data_sources.packed import PackedRows, Rows, Unpacked
from data_sources.shared_state import SharedState, lock_key
from rally.core.contract import normalise_key

# A server waiting for another's read gives up after this and keeps its copy (the read is slow or stuck).
WAIT_FOR_READ_SECONDS = 45
# Versions of each scope kept: the newest, and the one before for a server still holding it.
VERSIONS_KEPT = 2


def scope_of(only: list[str] | None) -> str:
    """The name a read is stored under: "*" for the whole Sheet, else its tabs (matched loosely, in order)."""
    return "*" if only is None else ",".join(sorted({normalise_key(tab) for tab in only}))


def pack(tabs: Mapping[str, Rows | PackedRows]) -> bytes:
    """A read as stored for the fleet (JSON, zlib): a tab this server keeps packed is unpacked for it first."""
    return zlib.compress(json.dumps(dict(Unpacked(tabs)), separators=(",", ":"), ensure_ascii=False).encode(), 1)


def unpack(content: bytes) -> dict[str, list[list[str]]]:
    return json.loads(zlib.decompress(content))


class FleetSource(DataSource):
    def __init__(self, source: DataSource, state: SharedState, fresh_for: Callable[[list[str] | None], float]):
        """`fresh_for(only)`: how old (seconds) a stored read of that scope may be and still be taken."""
        self.source = source
        self.kind = source.kind
        self._state = state
        self._fresh_for = fresh_for
        self.upstream_reads = 0  # reads this server made of the Sheet itself
        self.taken = 0  # reads it took from another server

    def fetch(self, only: list[str] | None = None, known: Snapshot | None = None) -> Snapshot:
        scope = scope_of(only)
        try:
            with self._state.connection() as db, db.transaction():
                db.execute(f"SET LOCAL lock_timeout = '{WAIT_FOR_READ_SECONDS}s'")
                db.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(f"read:{scope}")])
                newest = db.execute(
                    "SELECT version, fetched_at FROM rally_sheet_reads WHERE scope = %s", [scope]
                ).fetchone()
                if newest is not None and self._takes(newest[1], known, only):
                    self.taken += 1
                    return self._take(db, scope, newest[0], newest[1], known)
                self.upstream_reads += 1
                snapshot = self.source.fetch(only, known)
                self._store(db, scope, snapshot)
                return snapshot
        except psycopg.errors.LockNotAvailable:
            raise SourceError(
                "Another Rally server has been reading the Sheet for a long time; this one keeps its copy meanwhile.",
                transient=True,
            ) from None
        except psycopg.Error as error:
            raise SourceError(
                f"The fleet's shared database can't be reached ({type(error).__name__}); this server keeps its copy of the Sheet.",
                transient=True,
            ) from None

    def _takes(self, fetched_at: datetime, known: Snapshot | None, only: list[str] | None) -> bool:
        """A stored read is taken when it is newer than this server's copy and young enough for the scope."""
        if known is not None and fetched_at <= known.fetched_at:
            return False
        return (datetime.now(UTC) - fetched_at).total_seconds() < self._fresh_for(only)

    def _take(self, db: psycopg.Connection, scope: str, version: str, fetched_at: datetime, known: Snapshot | None):
        if known is not None and known.version == version:
            return known.redated(fetched_at)
        row = db.execute(
            "SELECT source, locale, time_zone, content FROM rally_snapshots WHERE scope = %s AND version = %s",
            [scope, version],
        ).fetchone()
        source, locale, time_zone, content = row
        return Snapshot(unpack(content), fetched_at, source, locale, version, time_zone)

    @staticmethod
    def _store(db: psycopg.Connection, scope: str, snapshot: Snapshot) -> None:
        stored = db.execute(
            "SELECT 1 FROM rally_snapshots WHERE scope = %s AND version = %s", [scope, snapshot.version]
        ).fetchone()
        if stored is None:
            db.execute(
                "INSERT INTO rally_snapshots (scope, version, source, locale, time_zone, content) VALUES (%s, %s, %s, %s, %s, %s)",
                [scope, snapshot.version, snapshot.source, snapshot.locale, snapshot.time_zone, pack(snapshot.tabs)],
            )
        db.execute(
            "INSERT INTO rally_sheet_reads (scope, version, fetched_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (scope) DO UPDATE SET version = excluded.version, fetched_at = excluded.fetched_at",
            [scope, snapshot.version, snapshot.fetched_at],
        )
        db.execute(
            "DELETE FROM rally_snapshots WHERE scope = %s AND version NOT IN "
            "(SELECT version FROM rally_snapshots WHERE scope = %s ORDER BY stored_at DESC LIMIT %s)",
            [scope, scope, VERSIONS_KEPT],
        )

    # -- everything else is the Sheet's own ------------------------------------------------------------
    def append_rows(self, tab: str, rows: list[list[str]], header: list[str]) -> None:
        self.source.append_rows(tab, rows, header)

    def ids_in(self, tab: str, columns: Sequence[int]) -> set[str]:
        return self.source.ids_in(tab, columns)  # never a stored read: what is in the Sheet now

    def ensure_tabs(self, headers: dict[str, list[str]]) -> list[str]:
        return self.source.ensure_tabs(headers)

    def ensure_columns(self, tab: str, header_row: int, names: list[str]) -> list[str]:
        return self.source.ensure_columns(tab, header_row, names)

    def info(self) -> SourceInfo:
        return self.source.info()
