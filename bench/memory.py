"""6. Memory: peak RSS of one real `streamlit run` server with 100k posts and 20 browser sessions.

The server is started exactly as in production, reading a Google Sheet (the emulator,
in its own process, serving the tabs bench/data.py makes) through SHEETS_EMULATOR_HOST
and a secrets file in a temporary working folder: nothing in the app is changed.
Twenty sessions open at once, each speaking Streamlit's own websocket protocol (what the
browser does; the browser tests cover the browser itself): each opens a page by its address,
then goes round every page in views/ as the sidebar does, and stays connected. The peak is the kernel's high-water mark of the
server's resident memory (VmHWM), which counts every moment, not just the samples.
The same run with 1k posts is the baseline. The server's environment is the machine's: no setting a user would have to know.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psutil
import requests

from bench.data import synthetic_tabs
from bench.report import Measurement
from tests.apptest import PAGES
from tests.browser.server import ROOT, page_url, sheet_cwd, start_server, stop_server

SIZES = (1_000, 100_000)
SESSIONS = 20
TARGET_MB = 400
KEY = "bench-memory"
MB = 2**20


@dataclass
class MemoryRun:
    posts: int
    sessions: int
    env: str  # what the server's environment added, "" for none
    idle: float  # MB after start, before any session
    after: float  # MB with every session open, at the end
    peak: float  # MB, the high-water mark over the whole run
    seconds: float  # from the first page asked for to every session done


def high_water_mark(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / MB
    return psutil.Process(pid).memory_info().rss / MB


def start_emulator(tabs: dict, folder: Path) -> tuple[subprocess.Popen, str]:
    """The emulator in a process of its own (as Google is), serving `tabs` as spreadsheet KEY."""
    from tests.browser.server import free_port

    tabs_file = folder / "tabs.json"
    tabs_file.write_text(json.dumps(tabs))
    port = free_port()
    log = (folder / "emulator.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.emulator.sheets_emulator", "--port", str(port), "--key", KEY, "--tabs", str(tabs_file)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    host = f"127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://{host}/v4/spreadsheets/{KEY}", timeout=2).status_code == 200:
                return process, host
        except requests.RequestException:
            time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError("the emulator did not start in 60 s")


class SessionFailed(Exception):
    pass


async def _session(
    url: str,
    pages: list[str],
    first: int,
    round_done: asyncio.Queue,
    hold: asyncio.Event,
    received: dict[str, int] | None = None,
    compression: str | None = "deflate",
) -> None:
    """One viewer over Streamlit's own websocket protocol (what the browser speaks): opens a page by its
    address, then goes round the others as the sidebar does, and stays connected until `hold` is set.

    `received` gets the bytes the server sent for each page (every message of its run; as on the wire with
    `compression=None`, else as decompressed).
    """
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    order = pages[first:] + pages[:first]
    try:
        async with websockets.connect(
            url.replace("http://", "ws://") + "/_stcore/stream",
            subprotocols=["streamlit"],
            origin=url,
            max_size=None,
            compression=compression,
        ) as ws:
            hashes: dict[str, str] = {}
            for page_file in order:
                message = BackMsg()
                message.rerun_script.page_name = page_url(page_file)
                message.rerun_script.page_script_hash = hashes.get(page_url(page_file), "")
                await ws.send(message.SerializeToString())
                while True:
                    reply = ForwardMsg()
                    raw = await ws.recv()
                    if received is not None:
                        received[page_file] = received.get(page_file, 0) + len(raw)
                    reply.ParseFromString(raw)
                    kind = reply.WhichOneof("type")
                    if kind == "navigation":
                        hashes.update({p.url_pathname: p.page_script_hash for p in reply.navigation.app_pages})
                    elif kind == "delta" and reply.delta.new_element.WhichOneof("type") == "exception":
                        raise RuntimeError(f"an exception on {page_file}: {reply.delta.new_element.exception.message}")
                    elif kind == "script_finished":
                        break
            await round_done.put(None)
            await hold.wait()
    except Exception as error:
        await round_done.put(error)


async def _drive(url: str, sessions: int, pages: list[str], timeout: float) -> list[BaseException]:
    """`sessions` viewers at once; returns once every one has gone round every page and all sat open a moment."""
    round_done: asyncio.Queue = asyncio.Queue()
    hold = asyncio.Event()
    tasks = [asyncio.create_task(_session(url, pages, n % len(pages), round_done, hold)) for n in range(sessions)]
    failures: list[BaseException] = []
    try:
        for _ in range(sessions):
            outcome = await asyncio.wait_for(round_done.get(), timeout)
            if outcome is not None:
                failures.append(outcome)
        await asyncio.sleep(1.0)  # every session open and idle: the server settled
    except TimeoutError:
        failures.append(TimeoutError(f"sessions still running after {timeout:.0f} s"))
    finally:
        hold.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    return failures


def measure(
    posts: int, sessions: int, folder: Path, today: date, timeout: float = 300, env: dict[str, str] | None = None
) -> MemoryRun:
    folder.mkdir(parents=True, exist_ok=True)
    emulator, host = start_emulator(synthetic_tabs(posts, today), folder)
    try:
        server = start_server(
            folder / "data", env={"SHEETS_EMULATOR_HOST": host, **(env or {})}, cwd=sheet_cwd(folder / "cwd", KEY)
        )
        try:
            pid = server.process.pid
            idle = psutil.Process(pid).memory_info().rss / MB
            started = time.monotonic()
            errors = asyncio.run(_drive(server.url, sessions, list(PAGES), timeout))
            seconds = time.monotonic() - started
            if errors:
                raise RuntimeError(
                    f"{len(errors)} of {sessions} sessions failed with {posts:,} posts: {errors[0]!r}\n{server.log()[-2000:]}"
                )
            after = psutil.Process(pid).memory_info().rss / MB
            peak = high_water_mark(pid)
        finally:
            stop_server(server)
    finally:
        os.killpg(emulator.pid, signal.SIGTERM)
        emulator.wait(10)
    env_text = " ".join(f"{k}={v}" for k, v in (env or {}).items())
    return MemoryRun(posts, sessions, env_text, idle, after, peak, seconds)


def run(sizes: tuple[int, ...] = SIZES, sessions: int = SESSIONS, today: date | None = None) -> Measurement:
    with tempfile.TemporaryDirectory(prefix="rally-bench-memory-") as tmp:
        runs = [measure(n, sessions, Path(tmp) / f"posts-{n}", today or date.today()) for n in sizes]
    return summarise(runs)


def summarise(runs: list[MemoryRun]) -> Measurement:
    small, big = runs[0], runs[-1]
    rows = [
        [
            f"{r.posts:,}",
            str(r.sessions),
            r.env or "as `streamlit run app.py`",
            f"{r.idle:,.0f} MB",
            f"{r.after:,.0f} MB",
            f"{r.peak:,.0f} MB",
            f"{r.seconds:,.1f} s",
        ]
        for r in runs
    ]
    met = big.peak <= TARGET_MB
    verdict = f"peak {big.peak:,.0f} MB with {big.posts:,} posts and {big.sessions} sessions" + (
        f", {TARGET_MB - big.peak:,.0f} MB under {TARGET_MB} MB"
        if met
        else f", {big.peak - TARGET_MB:,.0f} MB over {TARGET_MB} MB"
    )
    verdict += (
        f"; {big.after:,.0f} MB held once every session is done ({big.peak - big.after:,.0f} MB below the peak), "
        f"{big.after - small.after:,.0f} MB more than with {small.posts:,} posts"
    )
    if not met:
        verdict += (
            ": most of the gap is memory kept"
            if big.after > TARGET_MB
            else ": what is kept fits, the gap is a passing peak"
        )
    return Measurement(
        number=6,
        title="Memory",
        method=(
            "One `streamlit run app.py` server reading a Sheet in the emulator (its own process) through SHEETS_EMULATOR_HOST and a secrets "
            f"file in a temporary working folder, in the machine's own environment; {big.sessions} sessions at once over Streamlit's "
            "websocket protocol (as a browser speaks it), each opening a page by its address, going round every page in views/ as the "
            "sidebar does and staying connected. Peak = the server process's VmHWM (the kernel's high-water mark of resident memory)."
        ),
        headers=[
            "Posts",
            "Sessions",
            "Server started",
            "RSS after start",
            "RSS at the end",
            "Peak RSS",
            "All sessions done in",
        ],
        rows=rows,
        baseline=f"{small.peak:,.0f} MB peak with {small.posts:,} posts",
        result=f"{big.peak:,.0f} MB peak",
        ratio=f"{big.peak / small.peak:.1f}×",
        target=f"≤ {TARGET_MB} MB with 100k posts and {big.sessions} sessions",
        met=met,
        verdict=verdict,
    )
