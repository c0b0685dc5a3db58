"""The local store: a SQLite file holding tabs like a Sheet, for the demo and for durable writes.

Seeded rows (the demo company) are regenerated when the day turns, so the demo
meeting is never empty; rows people add (votes, answers, logged posts) are kept.
Several sessions and threads may write at once: SQLite serialises the writers.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from data_sources.base import DataSource, Snapshot, SourceInfo, Tabs
from rally.core.contract import normalise_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS tabs (title TEXT PRIMARY KEY, position INTEGER NOT NULL, header TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rows (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    tab TEXT NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('seed', 'user')),
    cells TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rows_by_tab ON rows (tab, origin, seq);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def connect(path: Path) -> sqlite3.Connection:
    """A connection with the settings every user of a store file needs (owner-only file, WAL, waits on locks)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        # Created owner-only before SQLite opens it: the file holds survey answers.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA busy_timeout=30000")
    return connection


class LocalStore(DataSource):
    """Tabs in a SQLite file; `seed` (today -> tabs) fills it with the demo company."""

    kind = "demo"

    def __init__(self, path: Path, seed: Callable[[date], Tabs] | None = None, today: Callable[[], date] = date.today):
        self.path = Path(path)
        self._seed = seed
        self._today = today
        self._lock = threading.Lock()
        with self._connect() as db:
            db.executescript(SCHEMA)
        self._reseed_if_stale()

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = connect(self.path)
        try:
            yield db
        finally:
            db.close()

    def _reseed_if_stale(self) -> None:
        if self._seed is None:
            return
        day = self._today().isoformat()
        with self._lock, self._connect() as db:
            current = db.execute("SELECT value FROM meta WHERE key = 'seed_day'").fetchone()
            if current and current[0] == day:
                return
            tabs = self._seed(self._today())
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM rows WHERE origin = 'seed'")
                kept = {title: json.loads(header) for title, header in db.execute("SELECT title, header FROM tabs")}
                for position, (title, rows) in enumerate(tabs.items()):
                    header = rows[0] if rows else []
                    # Columns added since the last seed (the ID of posts logged in the demo) stay: people's rows use them.
                    header = header + [
                        c
                        for c in kept.get(title, [])[len(header) :]
                        if normalise_key(c) not in {normalise_key(h) for h in header}
                    ]
                    db.execute(
                        "INSERT INTO tabs (title, position, header) VALUES (?, ?, ?) ON CONFLICT(title) DO UPDATE SET header = excluded.header",
                        (title, position, json.dumps(header)),
                    )
                    db.executemany(
                        "INSERT INTO rows (tab, origin, cells) VALUES (?, 'seed', ?)",
                        ((title, json.dumps(r)) for r in rows[1:]),
                    )
                db.execute(
                    "INSERT INTO meta (key, value) VALUES ('seed_day', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (day,),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def reset(self) -> None:
        """Forget every row, people's included, and seed afresh."""
        with self._lock, self._connect() as db:
            db.execute("DELETE FROM rows")
            db.execute("DELETE FROM tabs")
            db.execute("DELETE FROM meta")
        self._reseed_if_stale()

    def fetch(self, only: list[str] | None = None, known: Snapshot | None = None) -> Snapshot:
        self._reseed_if_stale()  # `known` isn't needed: the store is small, and the cache shares the rows that didn't change
        asked_at = datetime.now(UTC)  # rows added after this moment may or may not be in the snapshot
        with self._connect() as db:
            titles = db.execute("SELECT title, header FROM tabs ORDER BY position, title").fetchall()
            if only is not None:
                wanted = {normalise_key(t) for t in only}
                titles = [(title, header) for title, header in titles if normalise_key(title) in wanted]
            tabs: Tabs = {title: [json.loads(header)] for title, header in titles}
            for title in tabs:
                cells = db.execute(
                    "SELECT cells FROM rows WHERE tab = ? ORDER BY origin = 'user', seq", (title,)
                ).fetchall()
                # One JSON parse for the whole tab is several times faster than one per row.
                tabs[title].extend(json.loads("[" + ",".join(c for (c,) in cells) + "]"))
        return Snapshot.of(tabs, self.kind, fetched_at=asked_at)

    def append_rows(self, tab: str, rows: list[list[str]], header: list[str]) -> None:
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                self._add_tab(db, tab, header)
                db.executemany(
                    "INSERT INTO rows (tab, origin, cells) VALUES (?, 'user', ?)",
                    ((tab, json.dumps([str(c) for c in r])) for r in rows),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def ensure_tabs(self, headers: dict[str, list[str]]) -> list[str]:
        added = []
        with self._connect() as db:
            for tab, header in headers.items():
                if self._add_tab(db, tab, header):
                    added.append(tab)
        return added

    def ensure_columns(self, tab: str, header_row: int, names: list[str]) -> list[str]:
        # The local store keeps one header per tab (its first row): header_row is always 1 here.
        with self._lock, self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                found = next(
                    (
                        (t, h)
                        for t, h in db.execute("SELECT title, header FROM tabs")
                        if normalise_key(t) == normalise_key(tab)
                    ),
                    None,
                )
                if found is None:
                    db.execute("ROLLBACK")
                    return []
                title, header = found[0], json.loads(found[1])
                present = {normalise_key(c) for c in header}
                missing = [n for n in names if normalise_key(n) not in present]
                if missing:
                    db.execute("UPDATE tabs SET header = ? WHERE title = ?", (json.dumps([*header, *missing]), title))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return missing

    @staticmethod
    def _add_tab(db: sqlite3.Connection, tab: str, header: list[str]) -> bool:
        position = db.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM tabs").fetchone()[0]
        cursor = db.execute(
            "INSERT OR IGNORE INTO tabs (title, position, header) VALUES (?, ?, ?)", (tab, position, json.dumps(header))
        )
        return cursor.rowcount > 0

    def info(self) -> SourceInfo:
        return SourceInfo(self.kind, f"Embedded demo company (local store at {self.path})")
