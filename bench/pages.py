"""3. Page time and 4. First rerun after a change: each page (AppTest) with 1k and 100k posts.

A warm rerun is what happens on every click and every auto-refresh once the data
is loaded: the page's script runs again on the cached Dataset. Each page at 100k
posts is compared with itself at 1k; the data is a Sheet in the emulator made
by bench/data.py, read through the app's own path.

The first rerun after a change is what the first viewer after each edit of the Sheet waits for: its target is
≤ 1.5× the page's warm rerun (the new data is to be read, parsed and derived in the background while viewers
are served the previous version). Between two samples the server is given the time to take the new data in.
"""

from __future__ import annotations

import tempfile
import time
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
CHANGE_TARGET = 1.5  # first rerun after a change ÷ warm rerun, at the biggest size
SETTLE_SECONDS = 120  # how long the server may take to take in a change before the next sample
CHANGED_TAB = "Bench"  # a tab no page reads: changing it changes the Sheet's version and nothing a page shows


@dataclass
class PageTimes:
    posts: int
    first_load: Sample  # the first session's first page: read + parse included
    warm: dict[str, Sample]  # page -> one warm rerun (best of the repeats)
    changed: dict[str, Sample]  # page -> its first rerun after the Sheet changed (best of the repeats)


def settle(secrets: dict, before: str) -> None:
    """Wait (real time) until the server serves data newer than `before`: work it does in the background is done."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while server.for_secrets(secrets).current().version == before and time.monotonic() < deadline:
        time.sleep(0.05)


def measure(
    emulator: SheetsEmulator,
    posts: int,
    pages: list[str],
    folder: Path,
    repeats: int,
    today: date,
    change_repeats: int = 2,
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
        edits = 0
        for page in pages:
            at = open_session(page, secrets)
            at.run()  # the page's own first rerun: anything it caches on first use is in place
            sample, at = best_of(repeats, at.run)
            if problems := failures(at):
                raise RuntimeError(f"{page} with {posts:,} posts: {problems}")
            warm[page] = sample
            samples = []
            for _ in range(change_repeats):
                edits += 1
                before = server.for_secrets(secrets).current().version
                emulator.set_values(key, CHANGED_TAB, [["Edits"], [str(edits)]])
                clock.advance(24 * 3600)  # every interval has passed: the rerun reads the Sheet again
                sample, at = timed(at.run)
                if problems := failures(at):
                    raise RuntimeError(f"{page} with {posts:,} posts, after the Sheet changed: {problems}")
                samples.append(sample)
                settle(secrets, before)
            changed[page] = min(samples, key=lambda s: s.wall)
    return PageTimes(posts, first_load, warm, changed)


def run(
    sizes: tuple[int, ...] = SIZES, repeats: int = 5, today: date | None = None, change_repeats: int = 2
) -> list[Measurement]:
    pages = list(PAGES)
    with tempfile.TemporaryDirectory(prefix="rally-bench-pages-") as tmp, SheetsEmulator() as emulator:
        results = [
            measure(emulator, n, pages, Path(tmp), repeats, today or date.today(), change_repeats) for n in sizes
        ]
    return summarise(results, pages)


def summarise(results: list[PageTimes], pages: list[str]) -> list[Measurement]:
    """Two measurements from one run: warm reruns as the company grows, and the first rerun after a change."""
    return [summarise_warm(results, pages), summarise_changed(results, pages)]


def summarise_warm(results: list[PageTimes], pages: list[str]) -> Measurement:
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
        )
    rows.append(
        ["first page of the first session (read + parse + draw)"]
        + [f"{ms(t.first_load.cpu)} ({ms(t.first_load.wall)})" for t in results]
        + [ratio(big.first_load.cpu, small.first_load.cpu)]
    )
    met = worst <= TARGET_RATIO
    name = worst_page.removeprefix("views/")
    slowest = max(pages, key=lambda page: big.warm[page].cpu)
    verdict = (
        (
            f"slowest to grow: {name}, {worst:.1f}× itself at {small.posts:,}"
            if met
            else f"{name} at {big.posts:,} posts is {worst:.1f}× itself at {small.posts:,} (target ≤ {TARGET_RATIO:g}×)"
        )
        + f"; the slowest warm rerun at {big.posts:,} posts is {slowest.removeprefix('views/')}'s, {ms(big.warm[slowest].cpu)} of CPU"
    )
    return Measurement(
        number=3,
        title="Page time",
        method=(
            f"Each of the {len(pages)} pages in views/ under AppTest on a Sheet in the emulator (bench/data.py) with "
            f"{small.posts:,} and {big.posts:,} posts: a new session opens the page, reruns it once, then one more rerun is "
            "timed (best of several). CPU time of the process, wall time in brackets."
        ),
        headers=["Page", *[f"{t.posts:,} posts" for t in results], f"{big.posts // 1000}k ÷ {small.posts // 1000}k"],
        rows=rows,
        baseline=f"each page at {small.posts:,} posts",
        result=f"worst page {ms(big.warm[worst_page].cpu)} at {big.posts:,}",
        ratio=f"{worst:.1f}× (worst page)",
        target=f"each page at 100k ≤ {TARGET_RATIO:g}× itself at 1k",
        met=met,
        verdict=verdict,
    )


def summarise_changed(results: list[PageTimes], pages: list[str]) -> Measurement:
    big = results[-1]

    def change_ratio(page: str) -> float:
        return big.changed[page].wall / big.warm[page].wall

    rows = [
        [page.removeprefix("views/")]
        + [f"{ms(t.warm[page].wall)}" for t in results]
        + [f"{ms(t.changed[page].wall)} ({ms(t.changed[page].cpu)} CPU)" for t in results]
        + [f"{change_ratio(page):,.1f}×"]
        for page in pages
    ]
    worst = max(pages, key=change_ratio)
    over = [page for page in pages if change_ratio(page) > CHANGE_TARGET]
    name = worst.removeprefix("views/")
    if over:
        verdict = (
            f"{len(over)} of {len(pages)} pages wait longer than {CHANGE_TARGET:g}× their warm rerun after a change at "
            f"{big.posts:,} posts; the worst, {name}, takes {ms(big.changed[worst].wall)} against {ms(big.warm[worst].wall)} "
            f"warm ({change_ratio(worst):,.1f}×)"
        )
    else:
        verdict = (
            f"every page's first rerun after a change at {big.posts:,} posts is within {CHANGE_TARGET:g}× its warm rerun; "
            f"the worst, {name}, {ms(big.changed[worst].wall)} against {ms(big.warm[worst].wall)} ({change_ratio(worst):,.1f}×)"
        )
    return Measurement(
        number=4,
        title="First rerun after a change",
        method=(
            "The same sessions as measurement 3: after its warm reruns, each page's session sees the Sheet edited (a tab no "
            "page reads) with every refresh interval passed, and its next rerun is timed on the clock (what the viewer waits "
            "for); then the server is given the time to take the change in (until it serves the new data) before the next "
            "sample; best of 2 edits per page. CPU of the whole process over the rerun in brackets (background work included)."
        ),
        headers=[
            "Page",
            *[f"warm, {t.posts:,} posts" for t in results],
            *[f"after a change, {t.posts:,}" for t in results],
            f"after a change ÷ warm, {big.posts:,}",
        ],
        rows=rows,
        baseline=f"warm rerun of the same page at {big.posts:,} posts",
        result=f"worst {name} {ms(big.changed[worst].wall)}",
        ratio=f"{change_ratio(worst):,.1f}× (worst page)",
        target=f"≤ {CHANGE_TARGET:g}× the warm rerun at {big.posts // 1000}k posts",
        met=not over,
        verdict=verdict,
    )
