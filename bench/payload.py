"""9. Page payload: the bytes each page sends over the websocket to a browser, with 1k and 100k posts.

A real `streamlit run app.py` server on a Sheet in the emulator (as in measurement 6), and one session speaking
Streamlit's websocket protocol without compression that opens every page in views/ once; the bytes of every message
of each page's run are counted as they arrive. A page that sends every row it has grows with the company; the
leaderboard's target is ≤ 50 KB at 100k posts (the top rows, a search and pages; totals computed on the server).
"""

from __future__ import annotations

import asyncio
import os
import signal
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.data import synthetic_tabs
from bench.memory import KEY, _session, start_emulator
from bench.report import Measurement
from tests.apptest import PAGES
from tests.browser.server import sheet_cwd, start_server, stop_server

SIZES = (1_000, 100_000)
TARGET_PAGE = "views/leaderboard.py"
TARGET_KB = 50
KB = 1024


@dataclass
class Payload:
    posts: int
    pages: dict[str, int]  # page -> bytes sent for its first run in the session


async def _one_session(url: str, pages: list[str]) -> dict[str, int]:
    received: dict[str, int] = {}
    done: asyncio.Queue = asyncio.Queue()
    hold = asyncio.Event()
    hold.set()  # leave as soon as the round is done
    await _session(url, pages, 0, done, hold, received, compression=None)
    outcome = await done.get()
    if outcome is not None:
        raise outcome
    return received


def measure(posts: int, folder: Path, today: date) -> Payload:
    folder.mkdir(parents=True, exist_ok=True)
    emulator, host = start_emulator(synthetic_tabs(posts, today), folder)
    try:
        server = start_server(folder / "data", env={"SHEETS_EMULATOR_HOST": host}, cwd=sheet_cwd(folder / "cwd", KEY))
        try:
            pages = asyncio.run(_one_session(server.url, list(PAGES)))
        finally:
            stop_server(server)
    finally:
        os.killpg(emulator.pid, signal.SIGTERM)
        emulator.wait(10)
    return Payload(posts, pages)


def run(sizes: tuple[int, ...] = SIZES, today: date | None = None) -> Measurement:
    with tempfile.TemporaryDirectory(prefix="rally-bench-payload-") as tmp:
        results = [measure(n, Path(tmp) / f"posts-{n}", today or date.today()) for n in sizes]
    return summarise(results)


def kb(size: int) -> str:
    return f"{size / KB:,.1f} KB"


def summarise(results: list[Payload]) -> Measurement:
    small, big = results[0], results[-1]
    rows = [
        [
            page.removeprefix("views/"),
            *[kb(r.pages.get(page, 0)) for r in results],
            f"{big.pages.get(page, 0) / max(1, small.pages.get(page, 0)):.1f}×",
        ]
        for page in sorted(big.pages, key=lambda p: -big.pages[p])
    ]
    sent = big.pages.get(TARGET_PAGE, 0)
    met = sent <= TARGET_KB * KB
    largest = max(big.pages, key=big.pages.get)
    name = TARGET_PAGE.removeprefix("views/")
    verdict = (
        f"{name} sends {kb(sent)} at {big.posts:,} posts"
        + ("" if met else f", {(sent - TARGET_KB * KB) / KB:,.1f} KB over {TARGET_KB} KB")
        + f" ({kb(small.pages.get(TARGET_PAGE, 0))} at {small.posts:,}); the largest page at {big.posts:,} posts is "
        f"{largest.removeprefix('views/')} with {kb(big.pages[largest])}"
    )
    return Measurement(
        number=9,
        title="Page payload",
        method=(
            "One `streamlit run app.py` server per size on a Sheet in the emulator (bench/data.py), and one session speaking "
            "Streamlit's websocket protocol (uncompressed) that opens every page in views/ once, signed in as nobody; "
            "the bytes of every message of each page's run, as they arrive."
        ),
        headers=["Page", *[f"{r.posts:,} posts" for r in results], f"{big.posts // 1000}k ÷ {small.posts // 1000}k"],
        rows=rows,
        baseline=f"{name} at {small.posts:,} posts: {kb(small.pages.get(TARGET_PAGE, 0))}",
        result=f"{kb(sent)} at {big.posts:,}",
        ratio=f"{sent / max(1, small.pages.get(TARGET_PAGE, 0)):.1f}×",
        target=f"{name} ≤ {TARGET_KB} KB at {big.posts:,} posts",
        met=met,
        verdict=verdict,
    )
