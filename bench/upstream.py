"""1. Upstream reads: requests to the Sheets emulator while 1, 10 and 50 viewers refresh every page for a minute.

Every viewer is a real session of the real app (AppTest) reading the demo company
from a Sheet in the emulator. Over one simulated minute (the shared caches run on
a simulated clock, so the minute takes as long as the pages take to draw) each
viewer opens a page every `every` seconds, going round every page in views/, the
viewers spread evenly over the interval. Two baselines make the same page views with
real gspread against the same emulator:

- the naive pattern, what a first Streamlit app on gspread does on every rerun:
  `open_by_key`, then `worksheet(tab)` and `get_all_records()` for every tab Rally reads;
- Streamlit's own connection (`st-gsheets-connection`, streamlit_gsheets/gsheets_connection.py,
  `GSheetsServiceAccountClient.read`), which a user would pick: each tab read through a
  `st.cache_data(ttl=...)` shared by every session (default ttl 3600 s), and on a miss
  `open_by_url` (a metadata read), `spreadsheet.worksheet(title)` (another) and
  gspread-dataframe's `values_get(title, valueRenderOption=UNFORMATTED_VALUE)`. It can't be
  installed beside gspread 6, so its requests are made here as its source makes them.
"""

from __future__ import annotations

import math
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.report import Measurement
from bench.sessions import PAGES, failures, open_session, sheet_app
from data_sources import server
from data_sources.gspread_clients import client_for_emulator
from rally.core import contract
from rally.core.settings import Settings
from rally.demo.company import demo_tabs
from tests.emulator.sheets_emulator import FakeClock, SheetsEmulator

VIEWERS = (1, 10, 50)
MINUTE = 60.0
EVERY = 5.0  # a viewer opens a page every 5 s: 12 page views a minute each
KEY = "bench-upstream"


@dataclass
class Reads:
    viewers: int
    page_views: int
    requests: Counter  # kind -> count
    batch_ranges: Counter  # the tabs of each batchGet -> count

    @property
    def total(self) -> int:
        return sum(self.requests.values())


def schedule(
    viewers: int, pages: list[str], minute: float = MINUTE, every: float = EVERY
) -> list[tuple[float, int, str]]:
    """(time, viewer, page) for every page view in the minute, in time order: each viewer goes round every page."""
    events = []
    for viewer in range(viewers):
        start = every * viewer / viewers
        for n in range(math.ceil((minute - start) / every)):
            events.append((start + n * every, viewer, pages[(viewer + n) % len(pages)]))
    return sorted(events)


def rally_reads(
    emulator: SheetsEmulator, viewers: int, pages: list[str], data_dir: Path, every: float = EVERY
) -> Reads:
    """Rally's requests while `viewers` sessions run the real pages for a simulated minute (a fresh server)."""
    with sheet_app(emulator, KEY, data_dir) as secrets:
        clock = FakeClock(0.0)
        server.set_clock(clock)
        emulator.reset_log()
        sessions = {}
        events = schedule(viewers, pages, every=every)
        for at_time, viewer, page in events:
            clock.now = at_time
            if viewer in sessions:
                at = sessions[viewer].switch_page(page).run()
            else:
                at = sessions[viewer] = open_session(page, secrets)
            if problems := failures(at):
                raise RuntimeError(f"{page} failed for viewer {viewer} at {at_time:.1f} s: {problems}")
        log = emulator.log
    return Reads(
        viewers, len(events), Counter(r.kind for r in log), Counter(r.ranges for r in log if r.kind == "batch_get")
    )


def naive_reads(emulator: SheetsEmulator, viewers: int, pages: list[str], every: float = EVERY) -> Reads:
    """The same page views, each doing open_by_key, worksheet() and get_all_records() per tab."""
    client = client_for_emulator(emulator.host, timeout=30)
    titles = [
        title
        for spec in contract.ALL_TABS
        if (title := contract.find_tab(dict.fromkeys(emulator.tab_titles(KEY)), spec))
    ]
    emulator.reset_log()
    events = schedule(viewers, pages, every=every)
    for _ in events:
        spreadsheet = client.open_by_key(KEY)
        for title in titles:
            spreadsheet.worksheet(title).get_all_records()
    return Reads(viewers, len(events), Counter(r.kind for r in emulator.log), Counter())


@dataclass
class ConnectionReads(Reads):
    ttl: float = 3600.0
    misses: int = 0  # cache misses in the minute (each one a read of one tab)


def connection_reads(
    emulator: SheetsEmulator, viewers: int, pages: list[str], every: float = EVERY, ttl: float = 3600.0
) -> ConnectionReads:
    """The same page views through st-gsheets-connection's pattern: per tab a cache shared by every session for `ttl`
    seconds (st.cache_data, on the simulated clock), and on a miss its three requests for that tab."""
    client = client_for_emulator(emulator.host, timeout=30)
    url = f"https://docs.google.com/spreadsheets/d/{KEY}/edit"
    titles = [
        title
        for spec in contract.ALL_TABS
        if (title := contract.find_tab(dict.fromkeys(emulator.tab_titles(KEY)), spec))
    ]
    emulator.reset_log()
    fetched: dict[str, float] = {}  # tab -> when its cached frame was read
    misses = 0
    events = schedule(viewers, pages, every=every)
    for at_time, _, _ in events:
        for title in titles:
            if title in fetched and at_time - fetched[title] < ttl:
                continue  # st.cache_data hands every session the cached frame
            misses += 1
            spreadsheet = client.open_by_url(url)  # _open_spreadsheet: validate_url(...) -> open_by_url
            worksheet = spreadsheet.worksheet(title)  # _select_worksheet
            spreadsheet.values_get(  # gspread_dataframe._get_all_values
                "'" + worksheet.title.replace("'", "''") + "'",
                params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "FORMATTED_STRING"},
            )
            fetched[title] = at_time
    return ConnectionReads(viewers, len(events), Counter(r.kind for r in emulator.log), Counter(), ttl, misses)


def budget(reads: Reads, settings: Settings, minute: float = MINUTE) -> dict[tuple, int]:
    """The most batchGets each kind of read may make in the minute: one per interval of its cache."""
    full = max(reads.batch_ranges, key=len, default=())
    return {
        ranges: math.ceil(minute / (settings.refresh_seconds if ranges == full else settings.live_refresh_seconds))
        for ranges in reads.batch_ranges
    }


def run(viewers: tuple[int, ...] = VIEWERS, every: float = EVERY, today: date | None = None) -> Measurement:
    pages = list(PAGES)
    tabs = demo_tabs(today or date.today())
    with tempfile.TemporaryDirectory(prefix="rally-bench-upstream-") as tmp, SheetsEmulator() as emulator:
        emulator.add_spreadsheet(KEY, tabs=tabs)
        ours = [rally_reads(emulator, n, pages, Path(tmp) / f"viewers-{n}", every) for n in viewers]
        naive = [naive_reads(emulator, n, pages, every) for n in viewers]
        connection = [connection_reads(emulator, n, pages, every) for n in viewers]
    settings = Settings()  # the demo's Sheet keeps the default intervals
    return summarise(ours, naive, settings, pages, connection)


def summarise(
    ours: list[Reads],
    naive: list[Reads],
    settings: Settings,
    pages: list[str],
    connection: list[ConnectionReads] | None = None,
) -> Measurement:
    connection = connection or []
    rows = []
    for n, (mine, theirs) in enumerate(zip(ours, naive)):
        row = [
            str(mine.viewers),
            f"{mine.page_views:,}",
            f"{theirs.total:,} ({theirs.requests['metadata']:,} metadata, {theirs.requests['values_get']:,} values)",
        ]
        if connection:
            theirs_cached = connection[n]
            row.append(
                f"{theirs_cached.total:,} ({theirs_cached.requests['metadata']:,} metadata, "
                f"{theirs_cached.requests['values_get']:,} values)"
            )
        row += [
            f"{mine.total:,} ({mine.requests['batch_get']:,} batchGet, {mine.requests['metadata']:,} metadata)",
            f"{theirs.total / mine.total:,.0f}×" if mine.total else "–",
        ]
        rows.append(row)
    flat = len({r.total for r in ours}) == 1
    over = [
        (r.viewers, ranges, count, limit)
        for r in ours
        for ranges, limit in budget(r, settings).items()
        if (count := r.batch_ranges[ranges]) > limit
    ]
    met = flat and not over
    big, big_naive = ours[-1], naive[-1]
    if met:
        verdict = f"{big.total} requests a minute whatever the number of viewers; {big.requests['batch_get']} batchGet per {settings.refresh_seconds} s interval"
    else:
        parts = []
        if not flat:
            parts.append("requests grow with viewers: " + ", ".join(f"{r.viewers} viewers → {r.total}" for r in ours))
        parts += [
            f"{v} viewers: {count} batchGets of {', '.join(ranges)} (budget {limit})"
            for v, ranges, count, limit in over
        ]
        verdict = "; ".join(parts)
    notes = [
        "Google's quota is about 60 read requests a minute per user (a service account is one user): the naive pattern passes it "
        f"with {math.ceil(60 / (naive[0].total / max(1, naive[0].page_views)))} page views a minute.",
    ]
    if connection:
        cached = connection[-1]
        # With a ttl longer than the minute, every tab was read once: the minute's requests are one refresh of all.
        per_refresh = cached.total
        rally_hour = big.requests["batch_get"] * round(3600 / MINUTE) + big.requests["metadata"]
        fresh_hour = per_refresh * 3600 / settings.refresh_seconds
        verdict += (
            f". st-gsheets-connection's pattern is flat in viewers too ({cached.total:,} requests in the minute: "
            f"{per_refresh:,.0f} each time its cache runs out, {cached.total / max(1, cached.misses):.0f} per tab), "
            f"but at its default ttl of {cached.ttl / 60:,.0f} minutes every page shows data up to {cached.ttl / 60:,.0f} minutes old; "
            f"set to Rally's {settings.refresh_seconds} s it would make {fresh_hour:,.0f} requests an hour against Rally's {rally_hour:,}"
        )
        notes.append(
            f"st-gsheets-connection (ttl {cached.ttl:,.0f} s): requests when its cache is empty, then none until the ttl runs out: "
            + ", ".join(f"{c.viewers} viewers → {c.total:,}" for c in connection)
            + f". Its reads hold no data newer than the ttl, so a post logged during the meeting shows up to {cached.ttl / 60:,.0f} minutes later."
        )
    notes.append(
        "Budget per kind of read: the whole Sheet once per `Refresh seconds` (default 60), a live tab (votes, answers) once per "
        "`Live refresh seconds` (default 3) — each kind counted against its own interval."
    )
    headers = ["Viewers", "Page views in the minute", "Naive: requests"]
    if connection:
        headers.append(f"st-gsheets-connection (ttl {connection[0].ttl:,.0f} s): requests")
    headers += ["Rally: requests", "Naive ÷ Rally"]
    return Measurement(
        number=1,
        title="Upstream reads",
        method=(
            f"Real sessions of the real app (AppTest) on the demo company in a Sheet in the emulator. For one simulated minute "
            f"(the shared caches run on a simulated clock) each viewer opens a page every {EVERY:g} s, going round all "
            f"{len(pages)} pages in views/ ({', '.join(p.removeprefix('views/') for p in pages)}). The same page views with real gspread: "
            "the naive pattern (`open_by_key`, then `worksheet(tab)` and `get_all_records()` for each tab Rally reads), and "
            "st-gsheets-connection's (each tab through a cache shared by every session for its ttl, default 3600 s; on a miss "
            "`open_by_url`, `worksheet(title)` and gspread-dataframe's `values_get`, as its source does)."
        ),
        headers=headers,
        rows=rows,
        baseline=f"naive {big_naive.total:,} requests/min at {big.viewers} viewers"
        + (
            f"; st-gsheets-connection {connection[-1].total:,} per cache refresh, data up to {connection[-1].ttl / 60:,.0f} min old"
            if connection
            else ""
        ),
        result=f"{big.total} requests/min at any number of viewers"
        if flat
        else f"{big.total} requests/min at {big.viewers} viewers",
        ratio=f"1/{big_naive.total / big.total:,.0f}" if big.total else "–",
        target="flat in viewers; ≤ 1 batch read per cache interval",
        met=met,
        verdict=verdict,
        notes=notes,
    )
