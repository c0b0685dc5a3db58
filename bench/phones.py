"""10. Phones per server: how many phones answering the survey within a minute one Rally server holds.

One `streamlit run app.py` server reads the demo company from a Sheet in the emulator (as in
production, through SHEETS_EMULATOR_HOST and a secrets file), and a projector shows the survey's live
results (views/survey_results.py). Phones are real Streamlit sessions over the websocket protocol a
browser speaks (bench/memory.py does the same for viewers): each opens the survey page at a moment
spread over the first `SPREAD_SECONDS`, takes a few seconds to answer, fills every question of the form
and presses "Send my answers", then stays connected as a phone left on the page does. The projector is
a session on the results page that reruns its live fragment whenever the server's `auto_rerun` says, as
the browser's timer does, and notes each count it is shown.

Submit → projector for the k-th answer sent is the time from pressing Send until a projector first
shows k more answers than when the run began (counts can't tell answers apart; across a run the
distribution is the same). The number of phones is raised until the p95 passes the target or a phone
sees an error or no "Thanks — saved" within `SAVE_TIMEOUT`.
"""

from __future__ import annotations

import asyncio
import random
import re
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psutil

from bench.report import Measurement

SPREAD_SECONDS = 40.0  # phones open the survey over this long…
THINK_SECONDS = (4.0, 15.0)  # …and answer within this long: every answer is sent within a minute
SAVE_TIMEOUT = 30.0  # a phone that hears nothing for this long after Send counts as an error
TARGET_P95 = 2.0
STEPS = (10, 25, 50, 100, 200, 400)
# How the servers are started for an all-hands (deploy/compose.yaml does the same): Streamlit's full garbage collection
# after every script run held the interpreter for a while on every phone's run; measured with 50 phones, switching it
# off took the p95 from submit to projector from 13.5 s to 3.0 s (Python's own collector still runs).
SERVER_ENV = {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "false"}
SURVEY_PAGE = "survey"
RESULTS_PAGE = "survey_results"
SAVED_TEXT = "Thanks — saved"


@dataclass
class Phone:
    number: int
    replica: int = 0
    opened: float | None = None  # seconds since the run began: the survey page drawn
    sent: float | None = None  # Send pressed
    saved: float | None = None  # "Thanks — saved" drawn
    error: str | None = None


@dataclass
class Projector:
    replica: int
    counts: list[tuple[float, int]] = field(default_factory=list)  # (seconds since the run began, answers shown)
    error: str | None = None

    def first_at_least(self, count: int) -> float | None:
        return next((at for at, shown in self.counts if shown >= count), None)


@dataclass
class LoadRun:
    phones: list[Phone]
    projectors: list[Projector]
    seconds: float
    server_cpu: float = 0.0  # CPU seconds the server processes used during the run
    server_peak_mb: float = 0.0
    notes: dict[str, object] = field(default_factory=dict)

    @property
    def errors(self) -> list[Phone]:
        return [p for p in self.phones if p.error or p.saved is None]

    def latencies(self) -> list[float]:
        """Submit → every projector, per answer (seconds): the k-th answer sent against the k-th new answer shown."""
        base = {id(p): min((c for _, c in p.counts), default=0) for p in self.projectors}
        sent = sorted(p.sent for p in self.phones if p.saved is not None and p.sent is not None)
        out = []
        for k, at in enumerate(sent, start=1):
            shown = [p.first_at_least(base[id(p)] + k) for p in self.projectors]
            out.append(max(s for s in shown) - at if all(s is not None for s in shown) else float("inf"))
        return out

    def send_to_saved(self) -> list[float]:
        return [p.saved - p.sent for p in self.phones if p.saved is not None and p.sent is not None]


def p95(values: Sequence[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


# -- Streamlit's websocket protocol, as the browser speaks it ---------------------------------------------------


def _ws_url(url: str) -> str:
    return url.replace("http://", "ws://") + "/_stcore/stream"


class Session:
    """One browser session: runs pages, keeps the page hashes and query string the browser would send back."""

    def __init__(self, ws):
        self.ws = ws
        self.hashes: dict[str, str] = {}
        self.query = ""
        self.page_hash = ""

    @classmethod
    async def open(cls, url: str):
        import websockets

        ws = await websockets.connect(
            _ws_url(url), subprotocols=["streamlit"], origin=url, max_size=None, open_timeout=60, ping_interval=None
        )
        return cls(ws)

    async def run(self, page: str, widgets=(), fragment: str = "") -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        message = BackMsg()
        state = message.rerun_script
        state.page_name = page
        state.query_string = self.query
        state.page_script_hash = self.hashes.get(page, self.page_hash)
        if fragment:
            state.fragment_id = fragment
            state.is_auto_rerun = True
        state.widget_states.widgets.extend(widgets)
        await self.ws.send(message.SerializeToString())

    async def receive(self):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        reply = ForwardMsg()
        reply.ParseFromString(await self.ws.recv())
        kind = reply.WhichOneof("type")
        if kind == "navigation":
            self.hashes.update({p.url_pathname: p.page_script_hash for p in reply.navigation.app_pages})
            self.page_hash = reply.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query = reply.page_info_changed.query_string
        return kind, reply

    async def close(self) -> None:
        await self.ws.close()


def _element(reply):
    element = reply.delta.new_element
    kind = element.WhichOneof("type")
    return kind, (getattr(element, kind) if kind else None)


def answers(form: list, number: int) -> list:
    """Every question of the survey form answered (the first choice; a line of text), and Send pressed."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    states = []
    for kind, widget in form:
        state = WidgetState(id=widget.id)
        # Choices go back as the text the browser was shown, as Streamlit 1.67's widgets expect.
        if kind == "button_group":
            state.string_array_value.data.append(widget.options[number % len(widget.options)].content)
        elif kind == "radio":
            state.string_value = widget.options[number % max(1, len(widget.options) - 1)]
        elif kind == "text_area":
            state.string_value = f"More stories from the field, says phone {number}"
        elif kind == "button" and widget.is_form_submitter:
            state.trigger_value = True
        else:
            continue
        states.append(state)
    return states


async def phone(url: str, me: Phone, start_at: float, think: float, began: float, hold: asyncio.Event) -> None:
    """One phone: opens the survey, answers, sends, waits for "Thanks — saved", then stays on the page."""
    await asyncio.sleep(max(0.0, began + start_at - time.monotonic()))
    session = None
    try:
        session = await Session.open(url)
        await session.run(SURVEY_PAGE)
        form = []
        while True:
            kind, reply = await asyncio.wait_for(session.receive(), SAVE_TIMEOUT)
            if kind == "delta":
                element, widget = _element(reply)
                if element in ("button_group", "radio", "text_area", "button") and getattr(widget, "form_id", ""):
                    form.append((element, widget))
                elif element == "exception":
                    raise RuntimeError(f"the survey page failed: {widget.message}")
            elif kind == "script_finished":
                break
        if not any(kind == "button" for kind, _ in form):
            raise RuntimeError("the survey page drew no form")
        me.opened = time.monotonic() - began
        await asyncio.sleep(think)
        me.sent = time.monotonic() - began
        await session.run(SURVEY_PAGE, answers(form, me.number))
        while me.saved is None:
            kind, reply = await asyncio.wait_for(session.receive(), SAVE_TIMEOUT)
            if kind != "delta":
                continue
            element, widget = _element(reply)
            if element == "alert" and SAVED_TEXT in widget.body:
                me.saved = time.monotonic() - began
            elif element == "alert" and widget.format == widget.ERROR:
                raise RuntimeError(f"refused: {widget.body[:200]}")
            elif element == "exception":
                raise RuntimeError(f"the survey page failed: {widget.message}")
        await hold.wait()
    except TimeoutError:
        me.error = f"no answer from the server in {SAVE_TIMEOUT:.0f} s"
    except Exception as error:  # noqa: BLE001 (every failure is counted and reported, none stops the run)
        me.error = f"{type(error).__name__}: {error}"[:300]
    finally:
        if session is not None:
            try:
                await session.close()
            except Exception:  # noqa: BLE001,S110 (a session already gone: nothing left to close)
                pass


COUNT = re.compile(r"[\d,]+")


async def projector(url: str, me: Projector, began: float, stop: asyncio.Event) -> None:
    """The results page on a screen: its live fragment rerun whenever the server asks, every count noted."""
    session = None
    try:
        session = await Session.open(url)
        await session.run(RESULTS_PAGE)
        timers: dict[str, asyncio.Task] = {}

        async def every(fragment: str, interval: float) -> None:
            while not stop.is_set():
                await asyncio.sleep(interval)
                try:
                    await session.run(RESULTS_PAGE, fragment=fragment)
                except Exception:  # noqa: BLE001 (the server went: the receiving loop reports it)
                    return

        while not stop.is_set():
            try:
                kind, reply = await asyncio.wait_for(session.receive(), 1.0)
            except TimeoutError:
                continue
            if kind == "auto_rerun" and reply.auto_rerun.fragment_id not in timers:
                fragment = reply.auto_rerun.fragment_id
                timers[fragment] = asyncio.create_task(every(fragment, reply.auto_rerun.interval))
            elif kind == "delta":
                element, widget = _element(reply)
                if element == "metric" and widget.label == "Answers":
                    me.counts.append((time.monotonic() - began, int(COUNT.search(widget.body)[0].replace(",", ""))))
                elif element == "exception":
                    raise RuntimeError(f"the results page failed: {widget.message}")
        for task in timers.values():
            task.cancel()
    except Exception as error:  # noqa: BLE001 (reported with the run)
        me.error = f"{type(error).__name__}: {error}"[:300]
    finally:
        if session is not None:
            try:
                await session.close()
            except Exception:  # noqa: BLE001,S110 (a session already gone: nothing left to close)
                pass


async def drive(
    urls: Sequence[str],
    phones: int,
    seed: int = 1,
    spread: float = SPREAD_SECONDS,
    think: tuple[float, float] = THINK_SECONDS,
    settle: float = 8.0,
    during=None,
) -> tuple[list[Phone], list[Projector], float]:
    """`phones` phones spread over the servers at `urls` (phone n on server n mod len), a projector on each.

    `during(seconds_since_start, phones)` is awaited every half second, for a run that does something to the servers meanwhile.
    """
    rng = random.Random(seed)
    began = time.monotonic()
    stop, hold = asyncio.Event(), asyncio.Event()
    screens = [Projector(n) for n in range(len(urls))]
    screen_tasks = [asyncio.create_task(projector(url, s, began, stop)) for url, s in zip(urls, screens)]
    await asyncio.sleep(3.0)  # the projectors are up before the first phone
    began_phones = time.monotonic()
    people = [Phone(n, n % len(urls)) for n in range(phones)]
    tasks = [
        asyncio.create_task(phone(urls[p.replica], p, rng.uniform(0, spread), rng.uniform(*think), began_phones, hold))
        for p in people
    ]
    offset = began_phones - began
    watcher = None
    if during is not None:

        async def tick() -> None:
            while True:
                await asyncio.sleep(0.5)
                await during(time.monotonic() - began_phones, people)

        watcher = asyncio.create_task(tick())
    deadline = began_phones + spread + think[1] + SAVE_TIMEOUT + 30
    while time.monotonic() < deadline and any(p.saved is None and p.error is None for p in people):
        await asyncio.sleep(0.5)
    await asyncio.sleep(settle)  # the last answers reach every projector
    if watcher is not None:
        watcher.cancel()
    stop.set()
    hold.set()
    await asyncio.gather(*tasks, *screen_tasks, return_exceptions=True)
    for p in people:
        if p.saved is None and p.error is None:
            p.error = "never saved"
    # Phones' times from the phones' start; projectors' from the projectors' start: one clock for both.
    for s in screens:
        s.counts = [(at - offset, count) for at, count in s.counts]
    return people, screens, time.monotonic() - began_phones


# -- one server -------------------------------------------------------------------------------------------------


def sheet_tabs(today: date) -> dict:
    from rally.demo.company import demo_tabs
    from rally.demo.survey import survey_demo_tabs

    return {**demo_tabs(today), **survey_demo_tabs(today)}


def one_server(phones: int, folder: Path, seed: int = 1, env: dict[str, str] | None = None) -> LoadRun:
    """A fresh emulator and server, `phones` phones and a projector; returns what every phone and screen saw."""
    from bench.memory import KEY, high_water_mark, start_emulator
    from tests.browser.server import sheet_cwd, start_server, stop_server

    folder.mkdir(parents=True, exist_ok=True)
    emulator, host = start_emulator(sheet_tabs(date.today()), folder)
    try:
        server = start_server(
            folder / "data",
            env={"SHEETS_EMULATOR_HOST": host, **SERVER_ENV, **(env or {})},
            cwd=sheet_cwd(folder / "cwd", KEY),
        )
        try:
            process = psutil.Process(server.process.pid)
            cpu = process.cpu_times()
            people, screens, seconds = asyncio.run(drive([server.url], phones, seed))
            after = process.cpu_times()
            run = LoadRun(people, screens, seconds, (after.user + after.system) - (cpu.user + cpu.system))
            run.server_peak_mb = high_water_mark(server.process.pid)
        finally:
            stop_server(server)
    finally:
        import os
        import signal

        os.killpg(emulator.pid, signal.SIGTERM)
        emulator.wait(10)
    return run


def verdict_of(run: LoadRun) -> tuple[bool, float]:
    latencies = run.latencies()
    worst = p95(latencies)
    return (not run.errors and worst <= TARGET_P95), worst


def row_of(n: int, run: LoadRun) -> list[str]:
    latencies = [x for x in run.latencies() if x != float("inf")]
    saved = run.send_to_saved()
    shown = sum(1 for x in run.latencies() if x != float("inf"))
    return [
        f"{n:,}",
        f"{len(run.phones) - len(run.errors):,} / {len(run.errors):,}",
        f"{p95(run.latencies()):.2f} s" + (f" (median {statistics.median(latencies):.2f} s)" if latencies else ""),
        f"{p95(saved):.2f} s" if saved else "–",
        f"{shown:,}",
        f"{run.server_cpu / run.seconds:.0%} of a core, {run.server_cpu / max(1, len(run.phones)) * 1000:,.0f} ms a phone"
        if run.seconds
        else "–",
        f"{run.server_peak_mb:,.0f} MB",
        "; ".join(sorted({(p.error or "")[:80] for p in run.errors}))[:200] or "–",
    ]


def run(steps: Sequence[int] = STEPS, seed: int = 1) -> Measurement:
    rows, held, reason, runs = [], 0, "", []
    cores = psutil.cpu_count(logical=True)
    with tempfile.TemporaryDirectory(prefix="rally-bench-phones-") as tmp:
        for n in steps:
            result = one_server(n, Path(tmp) / f"phones-{n}", seed)
            runs.append(result)
            met, worst = verdict_of(result)
            rows.append(row_of(n, result))
            print(f"         {n} phones: p95 {worst:.2f} s, {len(result.errors)} errors", flush=True)
            if not met:
                reason = (
                    f"{n:,} phones: {len(result.errors)} error(s)"
                    if result.errors
                    else f"{n:,} phones: p95 {worst:.2f} s"
                )
                break
            held = n
    biggest = runs[-1]
    per_phone = biggest.server_cpu / max(1, len(biggest.phones))
    return summarise(rows, held, reason, cores, per_phone)


def phones_a_minute_per_core(cpu_per_phone: float, busy: float = 0.5) -> int:
    """Phones answering within a minute one core serves while kept `busy` at most (the rest is headroom for latency)."""
    return int(60 * busy / cpu_per_phone) if cpu_per_phone else 0


def summarise(rows: list[list[str]], held: int, reason: str, cores: int, cpu_per_phone: float = 0.0) -> Measurement:
    met = held > 0
    by_cpu = phones_a_minute_per_core(cpu_per_phone)
    return Measurement(
        number=10,
        title="Phones per server",
        method=(
            "One `streamlit run app.py` server on the demo company in a Sheet in the emulator (its own process), a projector on the "
            "survey's live results and N phones, each a real Streamlit session over the websocket protocol a browser speaks: it opens "
            f"the survey at a moment spread over {SPREAD_SECONDS:.0f} s, answers every question {THINK_SECONDS[0]:.0f}–{THINK_SECONDS[1]:.0f} s later, "
            "presses Send, waits for “Thanks — saved” and stays connected. The projector reruns its live fragment when the server's "
            "auto-rerun asks, as the browser's timer does. *Submit → projector* is from pressing Send until the projector first shows that "
            f"many new answers. N is raised until the p95 passes {TARGET_P95:.0f} s or a phone sees an error. The phones, the projector and the "
            f"emulator run on the same {cores}-core machine as the server (and, here, other people's work: see the load average). "
            "The server is started as deploy/ starts it (`STREAMLIT_RUNNER_POST_SCRIPT_GC=false`). *A phone* is the server's CPU over the "
            "run divided by the phones: one page opened, one form sent, the page drawn again, and its share of the versions built."
        ),
        headers=[
            "Phones",
            "Saved / errors",
            "Submit → projector p95",
            "Send → “saved” p95",
            "Answers on the projector",
            "Server CPU",
            "Server peak RSS",
            "Errors seen",
        ],
        rows=rows,
        baseline=f"target p95 {TARGET_P95:.0f} s",
        result=f"{held:,} phones held" if held else "none held",
        ratio=f"{held:,} per server (one core at a time)" if held else "–",
        target=f"p95 submit → projector ≤ {TARGET_P95:.0f} s, no errors",
        met=met,
        verdict=(
            f"one server holds {held:,} phones answering within a minute" if held else "not even the first step held"
        )
        + (f"; at {reason}" if reason else "")
        + (
            f". By CPU, a phone costs the server {cpu_per_phone * 1000:,.0f} ms: one core kept half busy serves about "
            f"{by_cpu:,} phones a minute"
            if cpu_per_phone
            else ""
        ),
        notes=[
            "A Python process runs Rally's code on one core at a time (the interpreter lock), so a server is one core: "
            "*per core* and *per server* are the same figure. A machine with more cores runs more replicas.",
            "What the time goes to, from a profile of the server under 50 phones: every new version of the data (each answer "
            "queued or sent) parses the room's tabs again (about 0.5 s on this machine under others' load), and a projector "
            "looks for a new version every 0.5 s; the Streamlit runs of each phone (the page, the form, the page again) compete "
            "with both for the interpreter.",
        ],
    )
