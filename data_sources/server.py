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
from typing import TypeVar

import pyarrow as pa

from data_sources import secret_logs
from data_sources.base import DataSource, Snapshot, SourceInfo
from data_sources.config import DATA_DIR_ENV, EMULATOR_ENV, ConfigError, RallyConfig, load_config, secret_values
from data_sources.derived import DerivedCache, call_key
from data_sources.factory import open_source
from data_sources.outbox import Outbox
from data_sources.snapshot_cache import CacheState, SnapshotCache
from rally.core.contract import POSTS, TabSpec, normalise_key
from rally.core.dataset import Dataset, build_dataset
from rally.core.records import QueuedRow
from rally.core.settings import Settings
from rally.room.access import PasscodeThrottle
from rally.room.limits import SubmissionLimiter

T = TypeVar("T")
log = logging.getLogger("rally.server")

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
    version: str = ""  # the data's version: the Sheet's read plus this server's queued posts
    derived: DerivedCache = field(default_factory=DerivedCache, repr=False, compare=False)

    def derive(self, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        """`function(*args, **kwargs)`, computed once per data version for the whole server, then reused.

        For pure `rally/` functions of the data: `data.derive(weekly_leaderboard, data.dataset.posts, week)`.
        Arguments are the dataset, its parts (posts, staff, kpis, notes, issues…) or hashable values; the
        result is shared, so treat it as read-only.
        """
        key = call_key(function, args, kwargs, self.dataset)
        return self.derived.get(self.version, key, lambda: function(*args, **kwargs))


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
        self._lock = threading.Lock()

    # -- writes ------------------------------------------------------------------------------------------
    def outbox(self) -> Outbox:
        """This server's durable write queue (started on first use; sends leftovers from a previous run)."""
        with self._lock:
            if self._outbox is None:
                box = Outbox(self.config.data_dir / OUTBOX_FILE, self.source, secrets=self.config.secret_values())
                box.start()
                self._outbox = box
            return self._outbox

    def pending_rows(self, tab: str, snapshot: Snapshot | None = None) -> list[dict[str, str]]:
        """Rows this server accepted for `tab` that `snapshot` may not hold.

        Without a snapshot: the rows the source has not confirmed yet. With the snapshot a page merges
        them into, also the rows confirmed after that read began, so an answer never drops out of the
        live results between landing in the Sheet and the next read (readers drop repeats by ID).
        """
        since = snapshot.fetched_at.timestamp() if snapshot else None
        return [p.row for p in self.outbox().pending(tab, sent_since=since)]

    def queued_rows(self, spec: TabSpec, snapshot: Snapshot | None) -> list[QueuedRow]:
        """This server's rows for `spec`'s tab that `snapshot` may not show: still queued, or confirmed after it."""
        read_at = snapshot.fetched_at.timestamp() if snapshot else 0.0
        names = {normalise_key(spec.name), *(normalise_key(a) for a in spec.aliases)}
        try:
            rows = self.outbox().pending(sent_since=read_at)
        except (sqlite3.Error, OSError) as error:  # the page still shows the Sheet; the writer logs its own trouble
            log.warning("outbox unreadable: %s", error)
            return []
        return [QueuedRow(p.row, pending=p.sent is None) for p in rows if normalise_key(p.tab) in names]

    # -- reads ---------------------------------------------------------------------------------------------
    def live_tabs(self, tabs: Sequence[str], max_age: float) -> CacheState:
        """Just the named tabs (votes, answers, ideas), shared by every screen, at most one read per `max_age`.

        Live parts of the meeting refresh every few seconds; reading only their small tabs keeps that
        cheap and leaves the big Posts tab to the normal interval.
        """
        key = tuple(tabs)
        with self._lock:
            cache = self._live.get(key)
            if cache is None:
                cache = self._live[key] = SnapshotCache(self.source, clock=now, only=list(key))
        return cache.get(max_age)

    def current(self, refresh: bool = False) -> LiveData:
        """The data every page reads: shared, at most one upstream read per refresh interval.

        Posts logged on this server join it at once (marked `pending` until the Sheet has them).
        """
        if refresh:
            state = self.sheet.refresh()
        else:
            previous = self.sheet.state().snapshot
            max_age = self.dataset_for(previous)[0].settings.refresh_seconds if previous else DEFAULT_MAX_AGE
            state = self.sheet.get(max_age)
        snapshot = state.snapshot
        dataset, version = self.dataset_for(snapshot) if snapshot else (None, "")
        return LiveData(dataset, state, self.source.info(), version, self.derived)

    def dataset_for(self, snapshot: Snapshot) -> tuple[Dataset, str]:
        """The snapshot's dataset with the posts logged here that it does not show yet, and its version.

        Parsed once per version for the whole server (single flight, like every derived result).
        """
        queued = self.queued_rows(POSTS, snapshot)
        version = snapshot.version
        if queued:
            key = json.dumps([[dict(q.cells), q.pending] for q in queued], sort_keys=True)
            version += ":" + hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
        return self.derived.get(version, ("<dataset>",), lambda: _parse(snapshot, queued)), version

    def close(self) -> None:
        if self._outbox is not None:
            self._outbox.stop()


def _parse(snapshot: Snapshot, queued: Sequence[QueuedRow]) -> Dataset:
    dataset = build_dataset(snapshot.tabs, snapshot.locale, {POSTS.name: queued})
    # Parsing goes through Arrow buffers that Arrow's allocator keeps once freed (over 100 MB at 100k rows)
    # unless asked to give them back: the server would carry them until the next read.
    pa.default_memory_pool().release_unused()
    return dataset


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
