"""The app's door to the data: configuration, the shared cache and the parsed dataset, per server.

This is the only module of data_sources/ that imports streamlit: it holds the
process-wide singletons (`st.cache_resource`) that every session shares.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from data_sources.base import DataSource, Snapshot, SourceInfo
from data_sources.config import ConfigError, RallyConfig, load_config
from data_sources.factory import open_source
from data_sources.outbox import Outbox
from data_sources.snapshot_cache import CacheState, SnapshotCache
from rally.contract import POSTS, TabSpec, normalise_key
from rally.dataset import Dataset, build_dataset
from rally.records import QueuedRow
from rally.settings import Settings

log = logging.getLogger("rally.live")

# Until the Settings tab has been read, the default refresh interval applies.
DEFAULT_MAX_AGE = Settings().refresh_seconds
OUTBOX_FILE = "outbox.sqlite"


@dataclass(frozen=True)
class LiveData:
    dataset: Dataset | None  # None only when nothing has ever been read
    state: CacheState
    info: SourceInfo


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}


def app_config() -> RallyConfig:
    """The configuration from st.secrets and the environment; raises ConfigError with what to fix."""
    return load_config(_secrets())


@st.cache_resource(show_spinner=False)
def _shared_cache(cache_key: str, _config: RallyConfig) -> SnapshotCache:
    return SnapshotCache(open_source(_config))


def shared_cache(config: RallyConfig | None = None) -> SnapshotCache:
    config = config or app_config()
    return _shared_cache(config.cache_key(), config)


@st.cache_resource(show_spinner=False)
def _live_cache(cache_key: str, tabs: tuple[str, ...], _config: RallyConfig) -> SnapshotCache:
    return SnapshotCache(shared_cache(_config).source, only=list(tabs))


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
def _dataset(version: str, queued_key: str, _tabs: dict, locale: str | None, _queued: Sequence[QueuedRow] = ()) -> Dataset:
    # Keyed by the data's version and this server's queued posts: a rerun on unchanged data
    # reuses the parsed frames (treat them as read-only).
    return build_dataset(_tabs, locale, {POSTS.name: _queued})


def _dataset_for(snapshot: Snapshot) -> Dataset:
    """The snapshot's dataset with the posts logged here that it does not show yet (so they count at once)."""
    queued = queued_rows(POSTS, snapshot)
    key = json.dumps([[dict(q.cells), q.pending] for q in queued], sort_keys=True) if queued else ""
    return _dataset(snapshot.version, key, snapshot.tabs, snapshot.locale, tuple(queued))


@st.cache_resource(show_spinner=False, on_release=lambda box: box.stop())
def _outbox(cache_key: str, _config: RallyConfig) -> Outbox:
    box = Outbox(_config.data_dir / OUTBOX_FILE, shared_cache(_config).source, secrets=_config.secret_values())
    box.start()
    return box


def outbox(config: RallyConfig | None = None) -> Outbox:
    """This server's durable write queue (started on first use; sends leftovers from a previous run)."""
    config = config or app_config()
    return _outbox(config.cache_key(), config)


def pending_rows(tab: str) -> list[dict[str, str]]:
    """Rows this server accepted for `tab` that the source has not confirmed yet."""
    return [p.row for p in outbox().pending(tab)]


def queued_rows(spec: TabSpec, snapshot: Snapshot | None) -> list[QueuedRow]:
    """This server's rows for `spec`'s tab that `snapshot` may not show: still queued, or confirmed after it was read.

    Readers de-duplicate by ID (`rally.records`), so a row the read did bring counts once.
    """
    read_at = snapshot.fetched_at.timestamp() if snapshot else 0.0
    names = {normalise_key(spec.name), *(normalise_key(a) for a in spec.aliases)}
    try:
        rows = outbox().unread(read_at)
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
        max_age = _dataset_for(previous).settings.refresh_seconds if previous else DEFAULT_MAX_AGE
        state = cache.get(max_age)
    snapshot = state.snapshot
    dataset = _dataset_for(snapshot) if snapshot else None
    return LiveData(dataset, state, cache.source.info())


__all__ = ["ConfigError", "LiveData", "app_config", "current", "live_tabs", "outbox", "pending_rows", "queued_rows", "shared_cache", "source"]
