"""3. Page time: one warm rerun of each page (AppTest) with 1k and with 100k posts.

A warm rerun is what happens on every click and every auto-refresh once the data
is loaded: the page's script runs again on the cached Dataset. Each page at 100k
posts is compared with itself at 1k; the data is a Sheet in the emulator made
by bench/data.py, read through the app's own path.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.data import synthetic_tabs
from bench.report import Measurement, Sample, best_of, ms, ratio, timed
from bench.sessions import PAGES, failures, open_session, sheet_app
from data_sources import server
from tests.emulator.sheets_emulator import FakeClock, SheetsEmulator

SIZES = (1_000, 100_000)
TARGET_RATIO = 3.0
CHANGED_TAB = "Bench"  # a tab no page reads: changing it changes the Sheet's version and nothing a page shows


@dataclass
class PageTimes:
    posts: int
    first_load: Sample  # the first session's first page: read + parse included
    warm: dict[str, Sample]  # page -> one warm rerun (best of the repeats)
    changed: dict[
        str, Sample
    ]  # page -> its first rerun after the Sheet changed: read + parse + the page's computations


def measure(
    emulator: SheetsEmulator, posts: int, pages: list[str], folder: Path, repeats: int, today: date
) -> PageTimes:
    key = f"bench-pages-{posts}"
    emulator.add_spreadsheet(key, tabs={**synthetic_tabs(posts, today), CHANGED_TAB: [["Edits"], ["0"]]})
    warm, changed = {}, {}
    with sheet_app(emulator, key, folder / key) as secrets:
        clock = FakeClock(0.0)
        server.set_clock(
            clock
        )  # the shared caches' intervals: moved by hand below (sheet_app sets the real clock back)
        first_load, _ = timed(lambda: open_session(pages[0], secrets))
        for edits, page in enumerate(pages, start=1):
            at = open_session(page, secrets)
            at.run()  # the page's own first rerun: anything it caches on first use is in place
            sample, at = best_of(repeats, at.run)
            if problems := failures(at):
                raise RuntimeError(f"{page} with {posts:,} posts: {problems}")
            warm[page] = sample
            emulator.set_values(key, CHANGED_TAB, [["Edits"], [str(edits)]])
            clock.advance(24 * 3600)  # every interval has passed: the rerun reads the Sheet again
            changed[page], at = timed(at.run)
            if problems := failures(at):
                raise RuntimeError(f"{page} with {posts:,} posts, after the Sheet changed: {problems}")
    return PageTimes(posts, first_load, warm, changed)


def run(sizes: tuple[int, ...] = SIZES, repeats: int = 5, today: date | None = None) -> Measurement:
    pages = list(PAGES)
    with tempfile.TemporaryDirectory(prefix="rally-bench-pages-") as tmp, SheetsEmulator() as emulator:
        results = [measure(emulator, n, pages, Path(tmp), repeats, today or date.today()) for n in sizes]
    return summarise(results, pages)


def summarise(results: list[PageTimes], pages: list[str]) -> Measurement:
    small, big = results[0], results[-1]
    rows, worst, worst_page = [], 0.0, ""
    for page in pages:
        r = big.warm[page].cpu / small.warm[page].cpu
        if r > worst:
            worst, worst_page = r, page
        rows.append(
            [page.removeprefix("views/")]
            + [f"{ms(t.warm[page].cpu)} ({ms(t.warm[page].wall)})" for t in results]
            + [ratio(big.warm[page].cpu, small.warm[page].cpu)]
            + [f"{ms(t.changed[page].cpu)} ({ms(t.changed[page].wall)})" for t in results]
        )
    rows.append(
        ["first page of the first session (read + parse + draw)"]
        + [f"{ms(t.first_load.cpu)} ({ms(t.first_load.wall)})" for t in results]
        + [ratio(big.first_load.cpu, small.first_load.cpu)]
        + ["" for _ in results]
    )
    slowest = max(pages, key=lambda page: big.changed[page].cpu)
    met = worst <= TARGET_RATIO
    name = worst_page.removeprefix("views/")
    verdict = (
        f"slowest page {name}: {worst:.1f}× itself at {small.posts:,}"
        if met
        else f"{name} at {big.posts:,} posts is {worst:.1f}× itself at {small.posts:,} (target ≤ {TARGET_RATIO:g}×)"
    )
    return Measurement(
        number=3,
        title="Page time",
        method=(
            f"Each of the {len(pages)} pages in views/ under AppTest on a Sheet in the emulator (bench/data.py) with "
            f"{small.posts:,} and {big.posts:,} posts: a new session opens the page, reruns it once, then one more rerun is "
            "timed (best of several). CPU time of the process, wall time in brackets. *After a change*: the Sheet is edited "
            "(a tab no page reads) and every refresh interval allowed to pass, then the same session's next rerun is timed once: "
            "the read, the parse and the page's results computed afresh, which a viewer waits for each time the Sheet changes."
        ),
        headers=[
            "Page",
            *[f"{t.posts:,} posts" for t in results],
            f"{big.posts // 1000}k ÷ {small.posts // 1000}k",
            *[f"after a change, {t.posts:,}" for t in results],
        ],
        rows=rows,
        baseline=f"each page at {small.posts:,} posts",
        result=f"worst page {ms(big.warm[worst_page].cpu)} at {big.posts:,}",
        ratio=f"{worst:.1f}× (worst page)",
        target=f"each page at 100k ≤ {TARGET_RATIO:g}× itself at 1k",
        met=met,
        verdict=verdict,
        notes=[
            f"After the Sheet changes, the slowest page to draw again is {slowest.removeprefix('views/')}: "
            f"{ms(big.changed[slowest].cpu)} of CPU at {big.posts:,} posts, of which reading and parsing the Sheet is about the "
            "figure in measurement 2 (no target: shown so a slow first computation can't hide behind cached reruns)."
        ],
    )
