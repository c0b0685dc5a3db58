"""7. Drawn in Chromium and 8. Cold start: what a person waits for in a real browser.

7 opens every page of views/ by its address in Debian's Chromium (Playwright) at the projector's 1280×800, on
the demo, and times it from the request to the page drawn: the script finished, no skeleton left, every chart
on show drawn (below the fold too) and every table in view with its header. A three-line Streamlit app opened
the same way is the baseline (what the browser and Streamlit cost before Rally draws anything). Chromium's CPU
time (all its processes) is shown beside the clock: it holds on a busy machine where wall time doesn't.

8 starts `streamlit run app.py` afresh (a new data folder, so the demo company is made too) with Chromium
already open, asks for the first page as soon as the server answers its health check (polled over HTTP, as
`streamlit run` opens a browser once it listens), and notes when the page's title (or a spinner) is first on
screen and when the page is drawn. The three-line app started the same way is the baseline.
"""

from __future__ import annotations

import compileall
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from bench.report import Measurement
from tests.apptest import PAGES
from tests.browser.server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    free_port,
    healthy,
    page_url,
    start_server,
    stop_server,
)

VIEWPORT = {"width": 1280, "height": 800}
DRAW_TARGET = 2.0  # seconds, for the pages named in DRAW_TARGET_PAGES
DRAW_TARGET_PAGES = ("views/kpis.py", "views/directors.py")
COLD_TARGET = 3.0  # seconds from `streamlit run` to the first page drawn
FEEDBACK_TARGET = 1.0  # seconds from the page asked for to its title or a spinner on screen
HELLO_APP = 'import streamlit as st\n\nst.title("Hello")\nst.write("A three-line Streamlit app.")\n'

# The page is drawn: the script done, no skeleton, every chart laid out (below the fold too) drawn, tables in view headed.
DRAWN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (!document.querySelector('[data-testid="stMain"] h1, [data-testid="stMain"] [data-testid="stMarkdownContainer"]')) return false;
    if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stSkeletonElement"], [data-testid="stSpinner"]')) return false;
    const laidOut = (el) => el.offsetParent !== null;
    const inView = (el) => laidOut(el) && el.getBoundingClientRect().top < window.innerHeight;
    const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"], [data-testid="stMetricChart"]')].filter(laidOut);
    const tables = [...document.querySelectorAll('[data-testid="stDataFrame"]')].filter(inView);
    return charts.every(c => c.querySelector('canvas, svg')) && tables.every(t => t.querySelector('th, [role="columnheader"]'));
}"""
# What a person sees first: the page's title, or a spinner saying something is on its way.
FEEDBACK = '[data-testid="stMain"] h1, [data-testid="stSpinner"]'
COUNT_CHARTS = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"], [data-testid="stMetricChart"]')]
    .filter(el => el.offsetParent !== null).length"""


@dataclass
class Draw:
    page: str
    wall: float  # seconds from the request to drawn (best of the repeats)
    cpu: float  # Chromium's CPU seconds over that same load
    charts: int  # Vega views drawn (st.metric's sparklines included)


@dataclass
class ColdStart:
    app: str
    listening: float  # seconds from `streamlit run` to the server answering
    feedback: float  # seconds from `streamlit run` to the title or a spinner on screen
    drawn: float  # seconds from `streamlit run` to the first page drawn

    @property
    def feedback_after_request(self) -> float:
        return self.feedback - self.listening


def chromium_cpu() -> float:
    """CPU seconds of every Chromium process this process started (browser, renderers, GPU, network)."""
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            if "chrom" in child.name():
                times = child.cpu_times()
                total += times.user + times.system
        except psutil.Error:
            pass
    return total


def _launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def time_to_drawn(page, url: str, timeout: float = 120_000) -> tuple[float, float, int]:
    """(wall seconds, Chromium CPU seconds, Vega views) from asking for `url` to the page drawn."""
    cpu, began = chromium_cpu(), time.monotonic()
    page.goto(url)
    # The previous page's finished state must not count: wait for this page's script to start or finish afresh.
    page.wait_for_function(DRAWN, timeout=timeout, polling=20)
    wall = time.monotonic() - began
    return wall, chromium_cpu() - cpu, page.evaluate(COUNT_CHARTS)


def measure_pages(url: str, pages: dict[str, str], repeats: int, playwright) -> list[Draw]:
    """Each page (name -> its address under `url`) drawn `repeats` times after one visit to each; the best of each."""
    browser = _launch(playwright)
    try:
        page = browser.new_page(viewport=VIEWPORT)
        for path in pages.values():  # every page once: the server's results and Chromium's code cache in place
            time_to_drawn(page, f"{url}/{path}")
        draws = []
        for name, path in pages.items():
            samples = [time_to_drawn(page, f"{url}/{path}") for _ in range(repeats)]
            wall, cpu, charts = min(samples)
            draws.append(Draw(name, wall, cpu, charts))
        return draws
    finally:
        browser.close()


def hello_app(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "hello.py"
    script.write_text(HELLO_APP)
    return script


def _start(script: Path, data_dir: Path, port: int) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if k != "SHEETS_EMULATOR_HOST"}
    environment.update({"RALLY_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)})
    data_dir.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    log = (data_dir / "server.log").open("w")
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def cold_start(script: Path, data_dir: Path, playwright, timeout: float = 60) -> ColdStart:
    """`streamlit run script` from nothing to its first page drawn, with Chromium already open and waiting."""
    browser = _launch(playwright)
    page = browser.new_page(viewport=VIEWPORT)
    port = free_port()
    began = time.monotonic()
    process = _start(script, data_dir, port)
    try:
        # The page is asked for the moment the server answers, as `streamlit run` opens a browser once it listens.
        # Readiness is polled over plain HTTP: polled by Chromium navigating (an error page for every refused attempt),
        # the same servers were seen answering 0.2–1 s later on 2 cores (bench/NOTES.md).
        while not healthy(f"http://127.0.0.1:{port}"):
            if process.poll() is not None or time.monotonic() - began > timeout:
                raise RuntimeError(f"{script.name} did not start: {(data_dir / 'server.log').read_text()[-2000:]}")
            time.sleep(0.02)
        listening = time.monotonic() - began
        page.goto(f"http://127.0.0.1:{port}/", wait_until="commit")
        page.wait_for_selector(FEEDBACK, timeout=timeout * 1000, state="visible")
        feedback = time.monotonic() - began
        page.wait_for_function(DRAWN, timeout=timeout * 1000, polling=20)
        drawn = time.monotonic() - began
        return ColdStart(script.name, listening, feedback, drawn)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)
        browser.close()


def run_drawn(pages: list[str] | None = None, repeats: int = 3) -> Measurement:
    from playwright.sync_api import sync_playwright

    pages = list(pages or PAGES)
    with tempfile.TemporaryDirectory(prefix="rally-bench-browser-") as tmp, sync_playwright() as playwright:
        folder = Path(tmp)
        hello = start_server(folder / "hello-data", cwd=folder, script=hello_app(folder / "hello"))
        try:
            [baseline] = measure_pages(hello.url, {"hello": ""}, repeats, playwright)
        finally:
            stop_server(hello)
        server = start_server(folder / "data")
        try:
            draws = measure_pages(server.url, {p: page_url(p) for p in pages}, repeats, playwright)
        finally:
            stop_server(server)
    return summarise_drawn(draws, baseline)


def compiled_as_on_a_first_start() -> None:
    """Rally's modules compiled to bytecode in __pycache__, as Python does by default the first time they are imported.

    This machine's environment sets PYTHONDONTWRITEBYTECODE=1, so no start ever wrote them and every start compiled
    every Rally module again (the first page drawn 0.25 s later, bench/NOTES.md). Installed packages come compiled by pip.
    """
    for package in ("rally", "data_sources", "ui", "views"):
        compileall.compile_dir(ROOT / package, quiet=1)
    compileall.compile_file(ROOT / "app.py", quiet=1)


def run_cold(repeats: int = 3) -> Measurement:
    from playwright.sync_api import sync_playwright

    compiled_as_on_a_first_start()
    with tempfile.TemporaryDirectory(prefix="rally-bench-cold-") as tmp, sync_playwright() as playwright:
        folder = Path(tmp)
        hello = hello_app(folder / "hello")
        baseline = [cold_start(hello, folder / f"hello-{n}", playwright) for n in range(repeats)]
        rally = [cold_start(ROOT / "app.py", folder / f"rally-{n}", playwright) for n in range(repeats)]
    return summarise_cold(rally, baseline)


def summarise_drawn(draws: list[Draw], baseline: Draw) -> Measurement:
    targeted = [d for d in draws if d.page in DRAW_TARGET_PAGES]
    late = [d for d in targeted if d.wall > DRAW_TARGET]
    slowest = max(draws, key=lambda d: d.wall)
    names = " and ".join(d.page.removeprefix("views/") for d in targeted)
    if late:
        verdict = "; ".join(
            f"{d.page.removeprefix('views/')} drawn in {d.wall:.1f} s, {d.wall - DRAW_TARGET:.1f} s over "
            f"({d.charts} Vega view{'s' if d.charts != 1 else ''}, {d.cpu:.1f} s of Chromium's CPU)"
            for d in late
        )
    else:
        verdict = f"{names} drawn in " + " and ".join(f"{d.wall:.1f} s" for d in targeted) + f" (≤ {DRAW_TARGET:g} s)"
    verdict += (
        f"; the slowest page is {slowest.page.removeprefix('views/')} at {slowest.wall:.1f} s, "
        f"the three-line app {baseline.wall:.1f} s"
    )
    rows = [
        [
            d.page.removeprefix("views/"),
            f"{d.wall:.2f} s",
            f"{d.cpu:.2f} s",
            str(d.charts),
            f"{d.wall / baseline.wall:.1f}×",
            ("≤ 2 s: " + ("✅" if d.wall <= DRAW_TARGET else "❌")) if d in targeted else "",
        ]
        for d in [baseline, *draws]
    ]
    rows[0][0] = "three-line Streamlit app (baseline)"
    worst = max(targeted, key=lambda d: d.wall) if targeted else slowest
    return Measurement(
        number=7,
        title="Drawn in Chromium",
        method=(
            f"Every page in views/ opened by its address in Chromium at {VIEWPORT['width']}×{VIEWPORT['height']} on the demo company, "
            "each once to warm the server and the browser's code cache, then timed "
            "from the request to drawn (the script finished, no skeleton or spinner, every chart laid out — below the fold "
            "too — drawn, every table in view headed); best of the repeats. *Chromium CPU* is the CPU time of all of "
            "Chromium's processes over the same load, which holds on a busy machine where the clock doesn't. *Vega views* "
            "counts every chart drawn, st.metric's sparklines included."
        ),
        headers=["Page", "Request → drawn", "Chromium CPU", "Vega views", "÷ three-line app", "Target"],
        rows=rows,
        baseline=f"three-line app {baseline.wall:.1f} s",
        result=f"{worst.page.removeprefix('views/')} {worst.wall:.1f} s",
        ratio=f"{worst.wall / baseline.wall:.1f}×",
        target=f"{names} drawn ≤ {DRAW_TARGET:g} s",
        met=not late,
        verdict=verdict,
    )


def summarise_cold(rally: list[ColdStart], baseline: list[ColdStart]) -> Measurement:
    best = min(rally, key=lambda c: c.drawn)
    hello = min(baseline, key=lambda c: c.drawn)
    feedback = min(c.feedback_after_request for c in rally)
    drawn_ok = best.drawn <= COLD_TARGET
    feedback_ok = feedback <= FEEDBACK_TARGET
    parts = [
        f"first page drawn {best.drawn:.1f} s after `streamlit run`"
        + ("" if drawn_ok else f", {best.drawn - COLD_TARGET:.1f} s over {COLD_TARGET:g} s")
        + f" (the three-line app {hello.drawn:.1f} s, {best.drawn / hello.drawn:.1f}×)",
        f"its title or a spinner on screen {feedback:.1f} s after the page was asked for"
        + ("" if feedback_ok else f", {feedback - FEEDBACK_TARGET:.1f} s over {FEEDBACK_TARGET:g} s"),
    ]
    rows = [
        [
            label,
            str(n + 1),
            f"{c.listening:.2f} s",
            f"{c.feedback:.2f} s",
            f"{c.feedback_after_request:.2f} s",
            f"{c.drawn:.2f} s",
        ]
        for label, runs in (("three-line Streamlit app", baseline), ("Rally (app.py, the demo made afresh)", rally))
        for n, c in enumerate(runs)
    ]
    return Measurement(
        number=8,
        title="Cold start",
        method=(
            "`streamlit run` started from nothing (a new data folder: Rally makes the demo company too) with Chromium already open "
            "and Rally's modules compiled to bytecode beforehand (as Python does on a first start; this machine disables it); "
            "the first page is asked for the moment the server answers its health check (polled over plain HTTP every 20 ms). Times from the start of `streamlit run`: the server "
            "answering, the page's title or a spinner on screen, the page drawn (as in measurement 7). Every run is shown."
        ),
        headers=["App", "Run", "Server answers", "Title or spinner", "… after the request", "First page drawn"],
        rows=rows,
        baseline=f"three-line app drawn {hello.drawn:.1f} s",
        result=f"drawn {best.drawn:.1f} s, feedback {feedback:.1f} s",
        ratio=f"{best.drawn / hello.drawn:.1f}×",
        target=f"first page drawn ≤ {COLD_TARGET:g} s, title or spinner ≤ {FEEDBACK_TARGET:g} s after the request",
        met=drawn_ok and feedback_ok,
        verdict="; ".join(parts),
    )
