"""The state a fleet of Rally servers shares, in PostgreSQL: connections, the migrations, and word of changes.

Set `state = "postgresql://user:password@host/db"` under [rally] and every server started with it keeps its
write queue, its copy of the Sheet and its limits there instead of in its own process and disk
(data_sources/shared_outbox.py, fleet_source.py, shared_limits.py; the composition root chooses). Without it
nothing here is used: one server, an embedded SQLite file, as in the quickstart.

The migrations are the plain SQL files in data_sources/migrations/, applied in name order once each, at
start, under a lock, so replicas starting together don't race. A server learns of what another one queued
through LISTEN/NOTIFY on one channel: each change sends a notification when its transaction commits, and
every server's listener thread hands it to the parts that asked (`on_change`).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from data_sources.config import ConfigError

log = logging.getLogger("rally.state")

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
CHANNEL = "rally_changes"
# Connections one server may hold: the writer, the refresher, the listener's own, and page runs checking a limit.
POOL_SIZE = 10
CONNECT_SECONDS = 10.0


def lock_key(name: str) -> int:
    """A stable 64-bit advisory-lock key for `name` (the same on every server)."""
    return int.from_bytes(hashlib.blake2b(f"rally:{name}".encode(), digest_size=8).digest(), "big", signed=True)


MIGRATION_LOCK = lock_key("migrations")


def migrate(connection: psycopg.Connection) -> list[str]:
    """Apply the migrations this database lacks, in name order, in one transaction; returns their names."""
    applied = []
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
        connection.execute(
            "CREATE TABLE IF NOT EXISTS rally_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        done = {name for (name,) in connection.execute("SELECT name FROM rally_migrations")}
        for path in sorted(MIGRATIONS.glob("*.sql")):
            if path.name in done:
                continue
            connection.execute(path.read_text(encoding="utf-8"))
            connection.execute("INSERT INTO rally_migrations (name) VALUES (%s)", [path.name])
            applied.append(path.name)
    if applied:
        log.info("shared state: applied %s", ", ".join(applied))
    return applied


class SharedState:
    """One server's way to the fleet's database: a connection pool, migrated at start, and a change listener."""

    def __init__(self, url: str, pool_size: int = POOL_SIZE):
        self.url = url
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={"autocommit": True, "connect_timeout": int(CONNECT_SECONDS)},
            open=False,
            name="rally-state",
        )
        try:
            # One plain connection first: a refused address fails at once instead of after the pool's patience.
            with psycopg.connect(url, autocommit=True, connect_timeout=int(CONNECT_SECONDS)) as connection:
                migrate(connection)
            self._pool.open(wait=True, timeout=CONNECT_SECONDS)
        except (PoolTimeout, psycopg.Error) as error:
            self._pool.close()
            raise ConfigError(
                "Rally can't reach the database named by `state` under [rally] in the secrets "
                f"({type(error).__name__}). Check that PostgreSQL is running and that the address, user and password are right, "
                "or remove `state` to keep everything on this server."
            ) from None
        self._callbacks: list[Callable[[str], None]] = []
        self._callbacks_lock = threading.Lock()
        self._closing = threading.Event()
        self._listener: threading.Thread | None = None
        self.listening = threading.Event()  # set while this server hears the others (tests wait for it)

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection in autocommit mode (open `connection.transaction()` for several statements)."""
        with self._pool.connection(timeout=30.0) as connection:
            yield connection

    @staticmethod
    def notify(connection: psycopg.Connection, what: str) -> None:
        """Tell every server (this one too) that `what` changed, when the current transaction commits."""
        connection.execute("SELECT pg_notify(%s, %s)", [CHANNEL, what])

    def on_change(self, callback: Callable[[str], None]) -> None:
        """Call `callback(what)` from the listener thread whenever any server changes something (and after a reconnect,
        with "reconnected": notifications may have been missed meanwhile)."""
        with self._callbacks_lock:
            self._callbacks.append(callback)
            if self._listener is None:
                self._listener = threading.Thread(target=self._listen, name="rally-state-listener", daemon=True)
                self._listener.start()

    def _changed(self, what: str) -> None:
        with self._callbacks_lock:
            callbacks = list(self._callbacks)
        for callback in callbacks:
            try:
                callback(what)
            except Exception:  # noqa: BLE001 (one part's trouble must not silence the others)
                log.exception("a change listener failed")

    def _listen(self) -> None:
        while not self._closing.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=int(CONNECT_SECONDS)) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    self._changed("reconnected")
                    while not self._closing.is_set():
                        for note in connection.notifies(timeout=1.0):
                            self._changed(note.payload)
            except psycopg.Error as error:
                self.listening.clear()
                log.warning("listening for other servers' changes failed (%s); trying again", type(error).__name__)
                self._closing.wait(2.0)

    def close(self) -> None:
        self._closing.set()
        if self._listener is not None:
            self._listener.join(5.0)
        self._pool.close()
