"""1. Upstream reads: requests to the Sheets emulator while 1, 10 and 50 viewers refresh every page for a minute.

Every viewer is a real session of the real app (AppTest) reading the demo company
from a Sheet in the emulator. Over one simulated minute (the shared caches run on
a simulated clock, so the minute takes as long as the pages take to draw) each
viewer opens a page every `every` seconds, going round every page in views/, the
viewers spread evenly over the interval. The naive pattern does, for the same page
views, what a first Streamlit app on gspread does on every rerun: `open_by_key`,
then `worksheet(tab)` and `get_all_records()` for every tab Rally reads, with real
gspread against the same emulator.
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
    settings = Settings()  # the demo's Sheet keeps the default intervals
    return summarise(ours, naive, settings, pages)


def summarise(ours: list[Reads], naive: list[Reads], settings: Settings, pages: list[str]) -> Measurement:
    rows = []
    for mine, theirs in zip(ours, naive):
        rows.append(
            [
                str(mine.viewers),
                f"{mine.page_views:,}",
                f"{theirs.total:,} ({theirs.requests['metadata']:,} metadata, {theirs.requests['values_get']:,} values)",
                f"{mine.total:,} ({mine.requests['batch_get']:,} batchGet, {mine.requests['metadata']:,} metadata)",
                f"{theirs.total / mine.total:,.0f}×" if mine.total else "–",
            ]
        )
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
    return Measurement(
        number=1,
        title="Upstream reads",
        method=(
            f"Real sessions of the real app (AppTest) on the demo company in a Sheet in the emulator. For one simulated minute "
            f"(the shared caches run on a simulated clock) each viewer opens a page every {EVERY:g} s, going round all "
            f"{len(pages)} pages in views/ ({', '.join(p.removeprefix('views/') for p in pages)}). The naive pattern makes, for the same page views, "
            "`open_by_key`, then `worksheet(tab)` and `get_all_records()` for each of the tabs Rally reads, with real gspread."
        ),
        headers=["Viewers", "Page views in the minute", "Naive: requests", "Rally: requests", "Naive ÷ Rally"],
        rows=rows,
        baseline=f"naive {big_naive.total:,} requests/min at {big.viewers} viewers",
        result=f"{big.total} requests/min at any number of viewers"
        if flat
        else f"{big.total} requests/min at {big.viewers} viewers",
        ratio=f"1/{big_naive.total / big.total:,.0f}" if big.total else "–",
        target="flat in viewers; ≤ 1 batch read per cache interval",
        met=met,
        verdict=verdict,
        notes=[
            "Google's quota is about 60 read requests a minute per user (a service account is one user): the naive pattern passes it "
            f"with {math.ceil(60 / (naive[0].total / max(1, naive[0].page_views)))} page views a minute.",
            "Budget per kind of read: the whole Sheet once per `Refresh seconds` (default 60), a live tab (votes, answers) once per "
            "`Live refresh seconds` (default 3) — each kind counted against its own interval.",
        ],
    )
