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

Where the state that outlives a page lives is chosen here too, once (`Server.__init__`): without `state`
under [rally], on this server (a SQLite outbox in the data folder, limits in memory); with it, in the
fleet's PostgreSQL (data_sources/shared_state.py): the outbox is a table any server's writer sends from,
the Sheet is read by one server for all (data_sources/fleet_source.py), the limits count every server's
tries, and rows another server accepted count here at once. Pages can't tell which: the API is the same.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, TypeVar

from data_sources import secret_logs
from data_sources.base import DataSource, Snapshot, SourceInfo, version_of
from data_sources.config import DATA_DIR_ENV, EMULATOR_ENV, ConfigError, RallyConfig, load_config, secret_values
from data_sources.derived import DATASET_PARTS, SHEET_PARTS, DerivedCache, call_key
from data_sources.factory import open_source
from data_sources.memory import give_back, tune_process
from data_sources.outbox import DeadLetter, Outbox, Pending, WriteQueue, store_errors
from data_sources.packed import Unpacked, pack_big
from data_sources.snapshot_cache import CacheState, SnapshotCache
from rally.core.contract import LIVE_TAB_TITLES, LIVE_TABS, TAB_NAMES, normalise_key
from rally.core.records import QueuedRow
from rally.core.settings import Settings
from rally.room.access import PasscodeThrottle
from rally.room.limits import SubmissionLimiter
from rally.sheet.dataset import Calendar, Dataset, combine, read_live, read_sheet, sheet_time_zone

if TYPE_CHECKING:  # a fleet's parts (PostgreSQL's driver) are imported only by a server with `state`
    from data_sources.shared_limits import SharedPasscodeThrottle, SharedSubmissionLimiter
    from data_sources.shared_state import SharedState

T = TypeVar("T")
log = logging.getLogger("rally.server")

LIVE_TAB_NAMES = frozenset(spec.name for spec in LIVE_TABS)
LIVE_KEYS = frozenset(normalise_key(title) for title in LIVE_TAB_TITLES)
# Arguments of a derived call that stand for the kept tabs' parts (see LiveData.derive).
SHEET_PART_KEYS = frozenset(f"<dataset.{name}>" for name in SHEET_PARTS)
# How long after a page last asked the server keeps its data fresh in the background (a projector left open asks
# every few seconds; a server nobody looks at stops reading the Sheet).
WATCH_SECONDS = 600.0
# The room's tabs are read every `Live refresh seconds` only while a page showing live results asks for them (its
# fragment asks on every tick): a few ticks after the last one, the short reads stop.
LIVE_WATCH_TICKS = 4
# How long a sender waits for the version holding what they sent before the page shows the previous one anyway.
WAIT_FOR_VERSION_SECONDS = 30.0
# How long a build waits after a viewer's run noticed the data was due: that run draws its page first (a warm rerun
# takes well under this at 100k posts; bench/RESULTS.md, first rerun after a change).
DEFER_SECONDS = 0.5
# The derived results the background thread computes for a new version before publishing it: those pages asked for
# in the last WARM_WINDOW_SECONDS, at most WARM_CALLS of them (the newest first).
WARM_WINDOW_SECONDS = 900.0
WARM_CALLS = 64
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
    recent: RecentCalls | None = field(default=None, repr=False, compare=False)

    def derive(self, function: Callable[..., T], *args: object, **kwargs: object) -> T:
        """`function(*args, **kwargs)`, computed once per data version for the whole server, then reused.

        For pure `rally/` functions of the data: `data.derive(weekly_leaderboard, data.dataset.posts, week)`.
        Arguments are the dataset, its parts (posts, staff, kpis, notes, votes, survey…) or hashable values; the
        result is shared, so treat it as read-only. A result of the kept tabs alone (posts, staff…) is keyed by
        their version, so a vote or a survey answer arriving doesn't compute it again.
        """
        key = call_key(function, args, kwargs, self.dataset)
        version = self.sheet_version if self.sheet_version and only_sheet_parts(key) else self.version
        if self.recent is not None:
            self.recent.remember(key, function, args, kwargs, self.dataset)
        return self.derived.get(version, key, lambda: function(*args, **kwargs))

    def today(self) -> date:
        """The company's date now, in its time zone (the `Time zone` setting, else the Sheet's)."""
        calendar = self.dataset.calendar if self.dataset is not None else Calendar()
        return calendar.today(wall_clock())


class Server:
    """One Rally server's parts for one configuration. Build it with `for_config`, never directly in a page."""

    def __init__(self, config: RallyConfig, background: bool = True):
        self.config = config
        # The one place that chooses where state lives: the fleet's PostgreSQL when `state` is set, else this server.
        self.shared: SharedState | None = None
        self.source: DataSource = open_source(config)
        if config.state_url:
            # Imported here: PostgreSQL's driver takes a noticeable part of a cold start, and one server needs none.
            from data_sources.fleet_source import FleetSource
            from data_sources.shared_limits import SharedPasscodeThrottle, SharedSubmissionLimiter
            from data_sources.shared_state import SharedState

            self.shared = SharedState(config.state_url)
            self.source = FleetSource(self.source, self.shared, fresh_for=self._fresh_for)
            self.throttle: PasscodeThrottle | SharedPasscodeThrottle = SharedPasscodeThrottle(self.shared)
            self.limiter: SubmissionLimiter | SharedSubmissionLimiter = SharedSubmissionLimiter(self.shared)
        else:
            self.throttle = PasscodeThrottle(clock=now)
            self.limiter = SubmissionLimiter(clock=now)
        self.sheet = SnapshotCache(self.source, clock=now)
        self.derived = DerivedCache()
        # Results of the live reads (survey answers, votes), keyed by those reads' own versions: kept apart so a
        # live refresh every few seconds never pushes the dataset's derived results out.
        self.live_results = DerivedCache(versions=4)
        self._live: dict[tuple[str, ...], SnapshotCache] = {}
        self._outbox: WriteQueue | None = None
        self._writing = False
        # The dataset in its two halves, each parsed once per version of what it is read from (see rally.sheet).
        self._sheet_parts = DerivedCache(versions=2)
        self._live_parts = DerivedCache(versions=3)
        self._datasets = DerivedCache(versions=3)
        self._last: LiveData | None = None
        self._zone_of: tuple[str, str] = ("", "")
        self._room_of: tuple[tuple[str, str], str] = (("", ""), "")
        # Stale-while-revalidate (see `current`): the version every viewer is handed, and who builds the next one.
        self._published: LiveData | None = None
        self._background = background
        self._refresh_thread: _Refresher | None = None
        self._recent_calls = RecentCalls()
        self._watched_at = -WATCH_SECONDS
        self._live_watched_at = -WATCH_SECONDS
        self._built_generation = -1  # the outbox's generation the newest build read the queue at
        self._lock = threading.Lock()
        if self.shared is not None:
            self._store()  # listening before the server is: its view of the queue counts from the first change on
            self.shared.on_change(self._changed_elsewhere)

    # -- writes ------------------------------------------------------------------------------------------
    def outbox(self) -> WriteQueue:
        """This server's durable write queue, its writer started (on first use it sends leftovers from a previous run)."""
        box = self._store()
        with self._lock:
            if not self._writing:
                box.start()
                self._writing = True
        return box

    def _store(self) -> WriteQueue:
        """The outbox to read queued rows from, without starting its writer (the command line only reads)."""
        with self._lock:
            if self._outbox is None:
                secrets = self.config.secret_values()
                if self.shared is not None:
                    from data_sources.shared_outbox import CLAIM_SECONDS, SharedOutbox

                    claim = float(self.config.rally.get("write_claim_seconds", CLAIM_SECONDS))
                    self._outbox = SharedOutbox(self.shared, self.source, secrets=secrets, claim_seconds=claim)
                else:
                    self._outbox = Outbox(self.config.data_dir / OUTBOX_FILE, self.source, secrets=secrets)
            return self._outbox

    def _changed_elsewhere(self, what: str) -> None:
        """Another server queued or sent a row: build the version holding it now, so this server's screens show it on
        their next look (a screen nobody watches waits to be asked)."""
        if what not in ("outbox", "reconnected") or self._published is None or not self._background:
            return
        if now() - self._watched_at < WATCH_SECONDS:
            self._refresher().request()

    def _fresh_for(self, only: list[str] | None) -> float:
        """How old another server's read may be for this one to take it instead of reading the Sheet (FleetSource)."""
        settings = self._settings()
        return float(settings.live_refresh_seconds if only is not None else settings.refresh_seconds)

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

    def current(self, refresh: bool = False, live: bool = False, wait: bool = False) -> LiveData:
        """The data every page reads: the newest version this server has built, handed over at once.

        New versions are built in the background (stale-while-revalidate): when the Sheet is due for a read
        (`Refresh seconds`), the room's tabs are (`Live refresh seconds`, while a page showing live results is
        open) or this server has queued a new row, one thread reads, parses and computes the derived results
        the pages asked for last time, then publishes the new version; until then every viewer keeps the
        previous one with its "Data as of" stamp. Only the very first read of a server is made in the asking
        viewer's run. With `refresh` (the Refresh button, the command line) the read is made now and waited for;
        with `wait` the caller waits for a version that holds everything queued so far (a form just sent).
        """
        self._watching(live)
        if refresh or self._published is None or not self._background:
            return self._publish(self._build(read=True if refresh else None, live=live))
        if wait:
            self._refresher().request(wait=True)
        elif self._due(live):
            self._refresher().request(defer=True)
        return self._published

    def settle(self) -> LiveData:
        """Wait for a version that holds everything this server has read or queued so far (tests, a page after a form)."""
        if self._published is not None and self._background:
            self._refresher().request(wait=True)
        return self.current()

    def changed(self) -> None:
        """Something was queued on this server: build the version that holds it (and wait for it, so the sender sees it)."""
        if self._published is None or not self._background:
            return
        self._refresher().request(wait=True)

    def _watching(self, live: bool) -> None:
        at = now()
        self._watched_at = at
        if live:
            self._live_watched_at = at

    def _due(self, live: bool) -> bool:
        """True when a new version is due: a read for what viewers look at (the Sheet, the room's tabs), or rows queued
        or confirmed on this server since the published version was built."""
        if self._outbox is not None and self._outbox.generation != self._built_generation:
            return True
        settings = self._settings()
        if self.sheet.age() is None or self.sheet.age() >= settings.refresh_seconds:
            return True
        live_age = self._live_cache(LIVE_TAB_TITLES).age()
        return live and (live_age is None or live_age >= settings.live_refresh_seconds)

    def _live_watched(self, settings: Settings) -> bool:
        return now() - self._live_watched_at < LIVE_WATCH_TICKS * max(1.0, settings.live_refresh_seconds)

    def _settings(self) -> Settings:
        published = self._published
        return published.dataset.settings if published is not None and published.dataset else Settings()

    def _build(self, read: bool | None = None, live: bool | None = None) -> LiveData:
        """A LiveData of the newest reads: `read` True reads the Sheet now, None when due, False never (same for `live`)."""
        settings = self._settings()
        if read:
            state = self.sheet.refresh()
        elif read is None:
            state = self.sheet.get(settings.refresh_seconds)
        else:
            state = self.sheet.state()
        snapshot = state.snapshot
        if snapshot is None:
            return LiveData(None, state, self.source.info(), "", self.derived)
        live_cache = self._live_cache(LIVE_TAB_TITLES)
        live_watched = self._live_watched(settings)
        if live or (live is None and live_watched):
            live_state = live_cache.get(settings.live_refresh_seconds)
        else:
            live_state = live_cache.state()
        return self._data(state, snapshot, live_state.snapshot)

    def _publish(self, data: LiveData) -> LiveData:
        with self._lock:
            published = self._published
            # A build that finished later but read earlier never replaces a newer one.
            if published is None or data.dataset is not None or published.dataset is None:
                self._published = data
            self._last = self._published
            return self._published

    def _refresher(self) -> _Refresher:
        with self._lock:
            if self._refresh_thread is None:
                self._refresh_thread = _Refresher(self)
                self._refresh_thread.start()
            return self._refresh_thread

    def _background_round(self) -> None:
        """One round of the background thread: build what is due, compute what pages asked for, then publish."""
        watched = now() - self._watched_at < WATCH_SECONDS
        data = self._build(read=None if watched else False, live=None)
        if data.dataset is not None and self._published is not None and data.version != self._published.version:
            warm(data, self._recent_calls)
        self._publish(data)

    def next_due_in(self) -> float | None:
        """Seconds until the background thread should look again (None: nobody is watching, wait to be asked)."""
        if now() - self._watched_at >= WATCH_SECONDS:
            return None
        settings = self._settings()
        waits = [settings.refresh_seconds - (self.sheet.age() or 0.0)]
        if self._live_watched(settings):
            waits.append(settings.live_refresh_seconds - (self._live_cache(LIVE_TAB_TITLES).age() or 0.0))
        return max(0.2, min(waits))

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
            lambda: read_sheet(
                Unpacked(snapshot.tabs), snapshot.locale, sheet_queued, today=today, time_zone=snapshot.time_zone
            ),
        )
        live_tabs = Unpacked({**snapshot.tabs, **(live.tabs if live is not None else {})})
        live_source = self._room_version(live_tabs, snapshot, live)
        live_key = f"{sheet_key}|{live_source}:{_digest(live_queued)}"
        parts = self._live_parts.get(
            live_key, ("<live>",), lambda: read_live(live_tabs, live_queued, sheet, today=today)
        )
        dataset = self._datasets.get(live_key, ("<dataset>",), lambda: combine(sheet, parts))
        # Parsed: a big tab's rows are kept packed until the next parse (data_sources/packed.py).
        pack_big(snapshot.tabs)
        # Arrow and malloc keep what a parse freed (over 100 MB at 100k rows) unless asked to give it back.
        give_back()
        return LiveData(dataset, state, self.source.info(), live_key, self.derived, sheet_key, self._recent_calls)

    def _room_version(self, tabs: Mapping[str, list], snapshot: Snapshot, live: Snapshot | None) -> str:
        """The version of the room's tabs by what they hold, whichever read brought them (the whole Sheet's every
        minute, their own every few seconds): the same votes and answers read either way are the same version, so
        no page's results are computed again when one read takes over from the other."""
        reads = (snapshot.version, live.version if live is not None else "")
        if self._room_of[0] != reads:
            room = {title: tabs[title] for title in sorted(tabs) if normalise_key(title) in LIVE_KEYS}
            text = json.dumps(room, separators=(",", ":"), ensure_ascii=False, default=str).encode()
            self._room_of = (reads, version_of(text, "room"))
        return self._room_of[1]

    def _queued(self, snapshot: Snapshot, live: Snapshot | None) -> dict[str, list[QueuedRow]]:
        """This server's rows per contract tab that the read holding that tab may not show: one outbox query."""
        self._built_generation = self._store().generation
        read_at = snapshot.fetched_at.timestamp()
        live_at = live.fetched_at.timestamp() if live is not None else read_at
        try:
            rows = self._store().pending(sent_since=min(read_at, live_at))
        except store_errors() as error:  # the page still shows the Sheet; the writer logs its own trouble
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
            self._zone_of = (snapshot.version, sheet_time_zone(Unpacked(snapshot.tabs), snapshot.time_zone))
        return self._zone_of[1]

    def today(self) -> date:
        """The company's date now, by the time zone of the newest data read (UTC before the first read)."""
        last = self._last
        return last.today() if last is not None else Calendar().today(wall_clock())

    def close(self) -> None:
        if self._refresh_thread is not None:
            self._refresh_thread.stop()
        if self._outbox is not None and self._writing:
            self._outbox.stop()
        if self.shared is not None:
            self.shared.close()


class _Part:
    """Stands for a part of the dataset in a remembered call, bound again to the next version's part."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class RecentCalls:
    """The derived calls pages made lately, so the background thread can compute them for the next version first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: OrderedDict[tuple, tuple[float, Callable, tuple, dict]] = OrderedDict()

    def remember(self, key: tuple, function: Callable, args: tuple, kwargs: dict, dataset: Dataset | None) -> None:
        def unbind(value: object) -> object:
            if dataset is not None:
                if value is dataset:
                    return _Part("")
                for name in DATASET_PARTS:
                    if value is getattr(dataset, name, None):
                        return _Part(name)
            return value

        entry = (now(), function, tuple(map(unbind, args)), {k: unbind(v) for k, v in kwargs.items()})
        with self._lock:
            self._calls[key] = entry
            self._calls.move_to_end(key)
            while len(self._calls) > 4 * WARM_CALLS:
                self._calls.popitem(last=False)

    def latest(self) -> list[tuple[Callable, tuple, dict]]:
        since = now() - WARM_WINDOW_SECONDS
        with self._lock:
            entries = [entry for entry in reversed(self._calls.values()) if entry[0] >= since]
        return [(function, args, kwargs) for _, function, args, kwargs in entries[:WARM_CALLS]]


def warm(data: LiveData, recent: RecentCalls) -> None:
    """Compute, for `data`'s version, the derived results pages asked for lately (a failure is the page's to show)."""

    def bind(value: object) -> object:
        if isinstance(value, _Part):
            return data.dataset if not value.name else getattr(data.dataset, value.name)
        return value

    for function, args, kwargs in recent.latest():
        try:
            data.derive(function, *map(bind, args), **{k: bind(v) for k, v in kwargs.items()})
        except Exception:  # noqa: BLE001 (the page that asks for it again raises it there, with its message)
            log.warning("computing %s ahead of the pages failed", getattr(function, "__qualname__", function))


class _Refresher(threading.Thread):
    """The one background thread per server that builds and publishes new versions (see Server.current)."""

    def __init__(self, server: Server):
        super().__init__(name="rally-refresher", daemon=True)
        self._server = server
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._done = threading.Condition()
        self._asked = 0  # requests made
        self._served = 0  # requests a finished round has covered
        self._hurry = threading.Event()  # a request that shouldn't be deferred (a form just sent, another server's row)

    def request(self, wait: bool = False, defer: bool = False) -> None:
        """Build the next version. `defer`: a viewer's run noticed the data is due, and is drawing its page on the
        version it has; the build starts once that run has had `DEFER_SECONDS` to finish, not in the middle of it
        (one interpreter: a build beside a page's run slows the run down several times over)."""
        with self._done:
            self._asked += 1
            ticket = self._asked
        if not defer:
            self._hurry.set()
        self._wake.set()
        if wait:
            with self._done:
                self._done.wait_for(lambda: self._served >= ticket or self._stopping.is_set(), WAIT_FOR_VERSION_SECONDS)

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        with self._done:
            self._done.notify_all()

    def run(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self._server.next_due_in())
            self._wake.clear()
            if self._stopping.is_set():
                return
            if not self._hurry.is_set():
                self._hurry.wait(DEFER_SECONDS)  # cut short by a request that can't wait
            self._hurry.clear()
            with self._done:
                covering = self._asked
            try:
                self._server._background_round()
            except Exception:  # noqa: BLE001 (the thread must outlive one bad round; the reads keep their own errors)
                log.exception("building the next version of the data failed; the pages keep the previous one")
            with self._done:
                self._served = max(self._served, covering)
                self._done.notify_all()


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
                tune_process()  # before the first read: a big company's frames come and go in many threads
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
