"""The app's door to the data: configuration, the shared cache and the parsed dataset, per server.

This is the only module of data_sources/ that imports streamlit: it holds the
process-wide singletons (`st.cache_resource`) that every session shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import streamlit as st

from data_sources.base import DataSource, SourceInfo
from data_sources.config import ConfigError, RallyConfig, load_config
from data_sources.factory import open_source
from data_sources.outbox import Outbox
from data_sources.snapshot_cache import CacheState, SnapshotCache
from rally.dataset import Dataset, build_dataset
from rally.settings import Settings

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
def _dataset(version: str, _tabs: dict, locale: str | None) -> Dataset:
    # Keyed by the data's version: a rerun on unchanged data reuses the parsed frames (treat them as read-only).
    return build_dataset(_tabs, locale)


@st.cache_resource(show_spinner=False, on_release=lambda box: box.stop())
def _outbox(cache_key: str, _config: RallyConfig) -> Outbox:
    box = Outbox(_config.data_dir / OUTBOX_FILE, shared_cache(_config).source, secrets=_config.secret_values())
    box.start()
    return box


def outbox(config: RallyConfig | None = None) -> Outbox:
    """This server's durable write queue (started on first use; sends leftovers from a previous run)."""
    config = config or app_config()
    return _outbox(config.cache_key(), config)


# A read that started before a write landed can finish after it: rows sent this long before a read still count as unseen.
READ_OVERLAP_SECONDS = 30.0


def pending_rows(tab: str, seen_at: datetime | None = None) -> list[dict[str, str]]:
    """Rows this server accepted for `tab` that the source has not confirmed yet.

    With `seen_at` (when the reader's copy of the tab was fetched), rows written to the
    source shortly before or after that moment are included too, so a live count never
    dips while its copy of the Sheet catches up; readers drop repeated IDs.
    """
    sent_after = seen_at.timestamp() - READ_OVERLAP_SECONDS if seen_at is not None else None
    return [p.row for p in outbox().pending(tab, sent_after=sent_after)]


def current(refresh: bool = False) -> LiveData:
    """The data every page reads: shared, at most one upstream read per refresh interval."""
    cache = shared_cache()
    if refresh:
        state = cache.refresh()
    else:
        previous = cache.state().snapshot
        max_age = _dataset(previous.version, previous.tabs, previous.locale).settings.refresh_seconds if previous else DEFAULT_MAX_AGE
        state = cache.get(max_age)
    snapshot = state.snapshot
    dataset = _dataset(snapshot.version, snapshot.tabs, snapshot.locale) if snapshot else None
    return LiveData(dataset, state, cache.source.info())


__all__ = ["ConfigError", "LiveData", "app_config", "current", "live_tabs", "outbox", "pending_rows", "shared_cache", "source"]
