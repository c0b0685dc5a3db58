"""The composition root: everything one Rally server holds, built once per configuration, in one place.

The app's pages (through `ui.layout`) and the command line (`cli.py`) ask this module, and nothing
else, for the configuration, the data source, the shared reads of the Sheet, the outbox and the
data. Nothing here imports streamlit: the app hands in its `st.secrets`, the command line the
secrets file, and both get the same `Server`.

Rally caches in exactly two ways, both defined here:

- **Per-server state** is an attribute of the one `Server` per configuration (`for_config`): the
  source, the shared snapshot caches, the outbox and its writer thread, the passcode throttle, the
  form spam limit, the derived-results cache. Built on first use, shared by every session and thread.
- **Per-version derived data** goes through `LiveData.derive(function, *args)`: computed once per data
  version for the whole server (`data_sources.derived`), reused by every rerun of every session.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TypeVar

import pyarrow as pa

from data_sources import secret_logs
from data_sources.base import DataSource, Snapshot, SourceInfo
from data_sources.config import DATA_DIR_ENV, EMULATOR_ENV, ConfigError, RallyConfig, load_config, secret_values
from data_sources.derived import SHEET_PARTS, DerivedCache, call_key
from data_sources.factory import open_source
from data_sources.outbox import DeadLetter, Outbox, Pending
from data_sources.snapshot_cache import CacheState, SnapshotCache
from rally.core.contract import LIVE_TAB_TITLES, LIVE_TABS, TAB_NAMES, normalise_key
from rally.core.records import QueuedRow
from rally.core.settings import Settings
from rally.room.access import PasscodeThrottle
from rally.room.limits import SubmissionLimiter
from rally.sheet.dataset import Calendar, Dataset, combine, read_live, read_sheet, sheet_time_zone

T = TypeVar("T")
log = logging.getLogger("rally.server")

LIVE_TAB_NAMES = frozenset(spec.name for spec in LIVE_TABS)
# Arguments of a derived call that stand for the kept tabs' parts (see LiveData.derive).
SHEET_PART_KEYS = frozenset(f"<dataset.{name}>" for name in SHEET_PARTS)
# Until the Settings tab has been read, the default refresh interval applies.
DEFAULT_MAX_AGE = Settings().refresh_seconds
OUTBOX_FILE = "outbox.sqlite"
# The environment variables the configuration reads besides the secrets.
CONFIG_ENV = (DATA_DIR_ENV, EMULATOR_ENV)

# What every server-wide timer reads (shared caches, the passcode throttle, the spam limit); the benchmark plays
# a minute on a simulated clock and tests walk through waits with `set_clock` instead of sleeping.
_clock: Callable[[], float] = time.monotonic


def now() -> float:
    return _clock()


def wall_clock() -> datetime:
    """The aware UTC time "today" is read from (the company's date is taken from it in its own time zone)."""
    return datetime.now(UTC)


def set_clock(clock: Callable[[], float] = time.monotonic) -> None:
    """Time every server-wide timer by `clock` from now on; no argument restores the real one."""
    global _clock
    _clock = clock


@dataclass(frozen=True)
class LiveData:
    """What a page reads: the dataset of one data version, how fresh it is, and the way to derive from it."""

    dataset: Dataset | None  # None only when nothing has ever been read
    state: CacheState
    info: SourceInfo
    version: str = ""  # the whole dataset's version: the Sheet's read, the live tabs' read, this server's queued rows
    derived: DerivedCache = field(default_factory=DerivedCache, repr=False, compare=False)
    sheet_version: str = ""  # the version of the tabs people keep alone (a vote or an answer leaves it unchanged)

    def derive(self, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        """`function(*args, **kwargs)`, computed once per data version for the whole server, then reused.

        For pure `rally/` functions of the data: `data.derive(weekly_leaderboard, data.dataset.posts, week)`.
        Arguments are the dataset, its parts (posts, staff, kpis, notes, votes, survey…) or hashable values; the
        result is shared, so treat it as read-only. A result of the kept tabs alone (posts, staff…) is keyed by
        their version, so a vote or a survey answer arriving doesn't compute it again.
        """
        key = call_key(function, args, kwargs, self.dataset)
        version = self.sheet_version if self.sheet_version and only_sheet_parts(key) else self.version
        return self.derived.get(version, key, lambda: function(*args, **kwargs))

    def today(self) -> date:
        """The company's date now, in its time zone (the `Time zone` setting, else the Sheet's)."""
        calendar = self.dataset.calendar if self.dataset is not None else Calendar()
        return calendar.today(wall_clock())


class Server:
    """One Rally server's parts for one configuration. Build it with `for_config`, never directly in a page."""

    def __init__(self, config: RallyConfig):
        self.config = config
        self.source: DataSource = open_source(config)
        self.sheet = SnapshotCache(self.source, clock=now)
        self.derived = DerivedCache()
        # Results of the live reads (survey answers, votes), keyed by those reads' own versions: kept apart so a
        # live refresh every few seconds never pushes the dataset's derived results out.
        self.live_results = DerivedCache(versions=4)
        self.throttle = PasscodeThrottle(clock=now)
        self.limiter = SubmissionLimiter(clock=now)
        self._live: dict[tuple[str, ...], SnapshotCache] = {}
        self._outbox: Outbox | None = None
        self._writing = False
        # The dataset in its two halves, each parsed once per version of what it is read from (see rally.sheet).
        self._sheet_parts = DerivedCache(versions=2)
        self._live_parts = DerivedCache(versions=3)
        self._datasets = DerivedCache(versions=3)
        self._last: LiveData | None = None
        self._zone_of: tuple[str, str] = ("", "")
        self._lock = threading.Lock()

    # -- writes ------------------------------------------------------------------------------------------
    def outbox(self) -> Outbox:
        """This server's durable write queue, its writer started (on first use it sends leftovers from a previous run)."""
        box = self._store()
        with self._lock:
            if not self._writing:
                box.start()
                self._writing = True
        return box

    def _store(self) -> Outbox:
        """The outbox to read queued rows from, without starting its writer (the command line only reads)."""
        with self._lock:
            if self._outbox is None:
                self._outbox = Outbox(
                    self.config.data_dir / OUTBOX_FILE, self.source, secrets=self.config.secret_values()
                )
            return self._outbox

    def write_queue(self) -> tuple[list[Pending], list[DeadLetter]]:
        """The rows waiting for the Sheet (with the last failure's reason) and the rows it refused for good (Data health)."""
        box = self.outbox()
        return box.pending(), box.dead_letters()

    def pending_rows(self, tab: str, snapshot: Snapshot | None = None) -> list[dict[str, str]]:
        """Rows this server accepted for `tab` that `snapshot` may not hold.

        Without a snapshot: the rows the source has not confirmed yet. With the snapshot a page merges
        them into, also the rows confirmed after that read began, so an answer never drops out of the
        live results between landing in the Sheet and the next read (readers drop repeats by ID).
        """
        since = snapshot.fetched_at.timestamp() if snapshot else None
        return [p.row for p in self.outbox().pending(tab, sent_since=since)]

    # -- reads ---------------------------------------------------------------------------------------------
    def live_tabs(self, tabs: Sequence[str], max_age: float) -> CacheState:
        """Just the named tabs (votes, answers, ideas), shared by every screen, at most one read per `max_age`.

        Live parts of the meeting refresh every few seconds; reading only their small tabs keeps that
        cheap and leaves the big Posts tab to the normal interval.
        """
        return self._live_cache(tuple(tabs)).get(max_age)

    def _live_cache(self, tabs: tuple[str, ...]) -> SnapshotCache:
        with self._lock:
            cache = self._live.get(tabs)
            if cache is None:
                cache = self._live[tabs] = SnapshotCache(self.source, clock=now, only=list(tabs))
            return cache

    def current(self, refresh: bool = False, live: bool = False) -> LiveData:
        """The data every page reads: shared, at most one upstream read per refresh interval.

        The tabs the room fills (votes, answers, ideas) come from the newest read that holds them: the
        whole Sheet's, or the short-interval read of just those tabs. With `live`, that short read is made
        when it is older than `Live refresh seconds` (the pages that show live results ask for it).
        Rows this server accepted that neither read holds yet join at once (marked pending).
        """
        if refresh:
            state = self.sheet.refresh()
        else:
            previous = self._last
            max_age = previous.dataset.settings.refresh_seconds if previous and previous.dataset else DEFAULT_MAX_AGE
            state = self.sheet.get(max_age)
        snapshot = state.snapshot
        if snapshot is None:
            return LiveData(None, state, self.source.info(), "", self.derived)
        settings = self._last.dataset.settings if self._last and self._last.dataset else Settings()
        live_cache = self._live_cache(LIVE_TAB_TITLES)
        live_state = live_cache.get(settings.live_refresh_seconds) if live else live_cache.state()
        data = self._data(state, snapshot, live_state.snapshot)
        self._last = data
        return data

    def _data(self, state: CacheState, snapshot: Snapshot, live: Snapshot | None) -> LiveData:
        """The dataset of the whole Sheet's read, the live tabs' read (when newer) and this server's queued rows."""
        if live is not None and live.fetched_at <= snapshot.fetched_at:
            live = None  # the whole Sheet's read is newer: its copy of the live tabs wins
        queued = self._queued(snapshot, live)
        zone = self._zone(snapshot)
        today = Calendar(time_zone=zone).today(wall_clock())
        sheet_queued = {tab: rows for tab, rows in queued.items() if tab not in LIVE_TAB_NAMES}
        live_queued = {tab: rows for tab, rows in queued.items() if tab in LIVE_TAB_NAMES}
        sheet_key = f"{snapshot.version}:{_digest(sheet_queued)}:{today}"
        sheet = self._sheet_parts.get(
            sheet_key,
            ("<sheet>",),
            lambda: read_sheet(snapshot.tabs, snapshot.locale, sheet_queued, today=today, time_zone=snapshot.time_zone),
        )
        live_tabs = {**snapshot.tabs, **(live.tabs if live is not None else {})}
        live_source = live.version if live is not None else snapshot.version
        live_key = f"{sheet_key}|{live_source}:{_digest(live_queued)}"
        parts = self._live_parts.get(
            live_key, ("<live>",), lambda: read_live(live_tabs, live_queued, sheet, today=today)
        )
        dataset = self._datasets.get(live_key, ("<dataset>",), lambda: combine(sheet, parts))
        # Arrow keeps the buffers a parse freed (over 100 MB at 100k rows) unless asked to give them back.
        pa.default_memory_pool().release_unused()
        return LiveData(dataset, state, self.source.info(), live_key, self.derived, sheet_key)

    def _queued(self, snapshot: Snapshot, live: Snapshot | None) -> dict[str, list[QueuedRow]]:
        """This server's rows per contract tab that the read holding that tab may not show: one outbox query."""
        read_at = snapshot.fetched_at.timestamp()
        live_at = live.fetched_at.timestamp() if live is not None else read_at
        try:
            rows = self._store().pending(sent_since=min(read_at, live_at))
        except (sqlite3.Error, OSError) as error:  # the page still shows the Sheet; the writer logs its own trouble
            log.warning("outbox unreadable: %s", error)
            return {}
        by_tab: dict[str, list[QueuedRow]] = {}
        for row in rows:
            tab = TAB_NAMES.get(normalise_key(row.tab))
            if tab is None:
                continue
            since = live_at if tab in LIVE_TAB_NAMES else read_at
            if row.sent is None or row.sent >= since:
                by_tab.setdefault(tab, []).append(QueuedRow(row.row, pending=row.sent is None))
        return by_tab

    def _zone(self, snapshot: Snapshot) -> str:
        """The company's time zone for this read (its Settings tab alone is looked at)."""
        if self._zone_of[0] != snapshot.version:
            self._zone_of = (snapshot.version, sheet_time_zone(snapshot.tabs, snapshot.time_zone))
        return self._zone_of[1]

    def today(self) -> date:
        """The company's date now, by the time zone of the newest data read (UTC before the first read)."""
        last = self._last
        return last.today() if last is not None else Calendar().today(wall_clock())

    def close(self) -> None:
        if self._outbox is not None and self._writing:
            self._outbox.stop()


def _digest(queued: Mapping[str, Sequence[QueuedRow]]) -> str:
    if not queued:
        return "-"
    rows = sorted((tab, sorted(q.cells.items()), q.pending) for tab, items in queued.items() for q in items)
    return hashlib.blake2b(json.dumps(rows).encode(), digest_size=8).hexdigest()


def only_sheet_parts(key: tuple) -> bool:
    """True when a derived call's arguments hold parts of the kept tabs only (no live part, not the whole dataset)."""
    parts = [a for a in (*key[2], *(v for _, v in key[3])) if isinstance(a, tuple) and len(a) == 1]
    return all(part[0] in SHEET_PART_KEYS for part in parts)


# -- the one Server per configuration ---------------------------------------------------------------------------
_servers: dict[str, Server] = {}
_servers_lock = threading.Lock()


def for_config(config: RallyConfig) -> Server:
    """The Server for `config`, built on first use and shared by every session and thread from then on."""
    key = config.cache_key()
    server = _servers.get(key)
    if server is None:
        with _servers_lock:
            server = _servers.get(key)
            if server is None:
                server = _servers[key] = Server(config)
    return server


def config_from(secrets: Mapping | None = None) -> RallyConfig:
    """The configuration from `secrets` (st.secrets in the app; the secrets file when None) and the environment.

    Every log line from here on is scrubbed of the secrets it holds (data_sources/secret_logs.py), even
    when the configuration is refused with a ConfigError saying what to fix.
    """
    raw = secrets
    if raw is None:
        from data_sources.config import read_secrets_file

        raw = read_secrets_file()
    secret_logs.install(secret_values(raw))
    return load_config(raw)


_by_secrets: dict[str, Server] = {}


def for_secrets(secrets: Mapping | None = None) -> Server:
    """The Server for these secrets (see `config_from`); raises ConfigError with what to fix.

    Pages ask on every rerun: the same secrets and environment give the Server found last time without
    reading the configuration again.
    """
    environment = {name: os.environ.get(name, "") for name in CONFIG_ENV}
    # A digest, so the secrets are not kept a second time as a dictionary key.
    fingerprint = hashlib.sha256(json.dumps([secrets, environment], sort_keys=True, default=str).encode()).hexdigest()
    server = _by_secrets.get(fingerprint)
    if server is None:
        server = for_config(config_from(secrets))
        with _servers_lock:
            _by_secrets[fingerprint] = server
    return server


def reset() -> None:
    """Forget every Server (stopping their writers): tests that change the configuration start afresh."""
    with _servers_lock:
        servers = list(_servers.values())
        _servers.clear()
        _by_secrets.clear()
    for server in servers:
        server.close()


__all__ = ["ConfigError", "LiveData", "Server", "config_from", "for_config", "for_secrets", "now", "reset", "set_clock"]
