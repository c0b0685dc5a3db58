"""The app's door to the data: configuration, the shared cache and the parsed dataset, per server.

This is the only module of data_sources/ that imports streamlit: it holds the
process-wide singletons (`st.cache_resource`) that every session shares.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pyarrow as pa
import streamlit as st

from data_sources import secret_logs
from data_sources.base import DataSource, Snapshot, SourceInfo
from data_sources.config import ConfigError, RallyConfig, load_config, secret_values
from data_sources.derived import DerivedCache, call_key
from data_sources.factory import open_source
from data_sources.outbox import Outbox
from data_sources.snapshot_cache import CacheState, SnapshotCache
from rally.core.contract import POSTS, TabSpec, normalise_key
from rally.core.dataset import Dataset, build_dataset
from rally.core.records import QueuedRow
from rally.core.settings import Settings

T = TypeVar("T")
log = logging.getLogger("rally.live")

# Until the Settings tab has been read, the default refresh interval applies.
DEFAULT_MAX_AGE = Settings().refresh_seconds
OUTBOX_FILE = "outbox.sqlite"
# What the shared caches measure their intervals with; the benchmark plays a minute on a simulated clock (set_clock).
_clock: Callable[[], float] = time.monotonic


def now() -> float:
    """The time every server-wide timer reads: shared caches, the passcode throttle, the form spam limit."""
    return _clock()


def set_clock(clock: Callable[[], float] = time.monotonic) -> None:
    """Time every server-wide timer by `clock` from now on (the benchmark's simulated minute, tests of waits); no argument restores the real one."""
    global _clock
    _clock = clock


@dataclass(frozen=True)
class LiveData:
    dataset: Dataset | None  # None only when nothing has ever been read
    state: CacheState
    info: SourceInfo
    version: str = ""  # the data's version: the Sheet's read plus this server's queued posts

    def derive(self, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        """`function(*args, **kwargs)`, computed once per data version for the whole server, then reused by every rerun.

        For pure `rally/` functions of the data: `data.derive(weekly_leaderboard, data.dataset.posts, week)`.
        Arguments are the dataset, its parts (posts, staff, kpis, notes, issues…) or hashable values; the result is shared, so treat it as read-only.
        """
        key = call_key(function, args, kwargs, self.dataset)
        return derived_cache().get(self.version, key, lambda: function(*args, **kwargs))


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}


def app_config() -> RallyConfig:
    """The configuration from st.secrets and the environment; raises ConfigError with what to fix.

    Every log line from here on is scrubbed of the secrets it holds (see data_sources/secret_logs.py),
    even when the configuration is refused.
    """
    secrets = _secrets()
    secret_logs.install(secret_values(secrets))
    return load_config(secrets)


@st.cache_resource(show_spinner=False)
def _shared_cache(cache_key: str, _config: RallyConfig) -> SnapshotCache:
    return SnapshotCache(open_source(_config), clock=now)


def shared_cache(config: RallyConfig | None = None) -> SnapshotCache:
    config = config or app_config()
    return _shared_cache(config.cache_key(), config)


@st.cache_resource(show_spinner=False)
def _live_cache(cache_key: str, tabs: tuple[str, ...], _config: RallyConfig) -> SnapshotCache:
    return SnapshotCache(shared_cache(_config).source, clock=now, only=list(tabs))


def live_tabs(tabs: tuple[str, ...], max_age: float) -> CacheState:
    """Just the named tabs (votes, answers, ideas), shared by every screen, at most one read per `max_age` seconds.

    Live parts of the meeting refresh every few seconds; reading only their small
    tabs keeps that cheap and leaves the big Posts tab to the normal interval.
    """
    config = app_config()
    return _live_cache(config.cache_key(), tuple(tabs), config).get(max_age)


def source(config: RallyConfig | None = None) -> DataSource:
    return shared_cache(config).source


@st.cache_resource(show_spinner=False, max_entries=2)
def _dataset(version: str, _tabs: dict, locale: str | None, _queued: Sequence[QueuedRow] = ()) -> Dataset:
    # Keyed by the data's version (the Sheet's and this server's queued posts'): a rerun on
    # unchanged data reuses the parsed frames (treat them as read-only).
    dataset = build_dataset(_tabs, locale, {POSTS.name: _queued})
    # Parsing goes through Arrow buffers that Arrow's allocator keeps once freed (over 100 MB at 100k rows)
    # unless asked to give them back: the server would carry them until the next read.
    pa.default_memory_pool().release_unused()
    return dataset


def _dataset_for(snapshot: Snapshot) -> tuple[Dataset, str]:
    """The snapshot's dataset with the posts logged here that it does not show yet (so they count at once), and its version."""
    queued = queued_rows(POSTS, snapshot)
    version = snapshot.version
    if queued:
        key = json.dumps([[dict(q.cells), q.pending] for q in queued], sort_keys=True)
        version += ":" + hashlib.blake2b(key.encode(), digest_size=8).hexdigest()
    return _dataset(version, snapshot.tabs, snapshot.locale, tuple(queued)), version


@st.cache_resource(show_spinner=False)
def derived_cache() -> DerivedCache:
    """Results derived from the data, per data version, shared by every session (see LiveData.derive)."""
    return DerivedCache()


@st.cache_resource(show_spinner=False, on_release=lambda box: box.stop())
def _outbox(cache_key: str, _config: RallyConfig) -> Outbox:
    box = Outbox(_config.data_dir / OUTBOX_FILE, shared_cache(_config).source, secrets=_config.secret_values())
    box.start()
    return box


def outbox(config: RallyConfig | None = None) -> Outbox:
    """This server's durable write queue (started on first use; sends leftovers from a previous run)."""
    config = config or app_config()
    return _outbox(config.cache_key(), config)


def pending_rows(tab: str, snapshot: Snapshot | None = None) -> list[dict[str, str]]:
    """Rows this server accepted for `tab` that are not in `snapshot` for sure.

    Without a snapshot: the rows the source has not confirmed yet. With the snapshot a
    page merges them into (`read_records(state.snapshot.tabs, spec, pending_rows(tab, state.snapshot))`),
    also the rows confirmed after that read began, so an answer never drops out of the live
    results between landing in the Sheet and the next read.
    """
    since = snapshot.fetched_at.timestamp() if snapshot else None
    return [p.row for p in outbox().pending(tab, sent_since=since)]


def queued_rows(spec: TabSpec, snapshot: Snapshot | None) -> list[QueuedRow]:
    """This server's rows for `spec`'s tab that `snapshot` may not show: still queued, or confirmed after it was read.

    Readers de-duplicate by ID (`rally.core.records`), so a row the read did bring counts once.
    """
    read_at = snapshot.fetched_at.timestamp() if snapshot else 0.0
    names = {normalise_key(spec.name), *(normalise_key(a) for a in spec.aliases)}
    try:
        rows = outbox().pending(sent_since=read_at)
    except (sqlite3.Error, OSError) as error:  # the page still shows the Sheet; the writer logs its own trouble
        log.warning("outbox unreadable: %s", error)
        return []
    return [QueuedRow(p.row, pending=p.sent is None) for p in rows if normalise_key(p.tab) in names]


def current(refresh: bool = False) -> LiveData:
    """The data every page reads: shared, at most one upstream read per refresh interval.

    Posts logged on this server join it at once (marked `pending` until the Sheet has them).
    """
    cache = shared_cache()
    if refresh:
        state = cache.refresh()
    else:
        previous = cache.state().snapshot
        max_age = _dataset_for(previous)[0].settings.refresh_seconds if previous else DEFAULT_MAX_AGE
        state = cache.get(max_age)
    snapshot = state.snapshot
    dataset, version = _dataset_for(snapshot) if snapshot else (None, "")
    return LiveData(dataset, state, cache.source.info(), version)


__all__ = [
    "ConfigError", "LiveData", "app_config", "current", "derived_cache", "live_tabs", "now", "outbox", "pending_rows", "queued_rows", "set_clock", "shared_cache", "source",
]  # fmt: skip
