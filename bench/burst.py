"""5. Survey burst: 200 answers submitted at once from concurrent threads, through the outbox, to a throttled, failing Sheet.

The production write path, in real time: `Outbox.submit` from 200 threads released
together, its background writer appending to the emulator, which allows 60 writes a
minute and answers 5% of all requests with a 503. A reader plays the live results
screen: every `POLL` seconds it takes a live read of the tab (a SnapshotCache over
just that tab, `Live refresh seconds` old at most, as `Server.live_tabs` does) merged
with the outbox's pending rows by `rally.core.records.read_records`.

A last run kills the writer: the same 200 answers go through an outbox whose writer
runs in a process of its own (`tests/outbox_writer.py`), killed while an append has
been applied but not answered, several times over, and started again each time, with
the Sheet also answering "503 after writing" (JSON and HTML) and dropping a connection
after writing. What counts there is the Sheet itself: submitted, rows, duplicates.

The answers go to the survey's tab when a feature has registered one (a written tab
whose name starts with "Survey"), else to a stand-in tab with the same shape: an ID
and a few short text columns.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import rally
from bench.report import Measurement
from data_sources.google_sheet import GoogleSheetSource
from data_sources.outbox import Outbox
from data_sources.snapshot_cache import SnapshotCache
from rally.core import contract
from rally.core.contract import Column, TabSpec
from rally.core.records import read_records
from rally.core.settings import Settings
from rally.demo.company import demo_tabs
from tests.emulator.sheets_emulator import SheetsEmulator
from tests.sources import emulator_config

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = 200
WRITES_PER_MINUTE = 60
FAULT_RATE = 0.05
POLL = 0.1  # how often the stand-in results screen looks (the data path's delay, not a screen's refresh period)
TARGET_P95 = 3.0
KEY = "bench-burst"
STAND_IN = TabSpec(
    "Bench answers",
    (Column("ID", True), Column("Round"), Column("Question"), Column("Answer"), Column("Team")),
    description="Stand-in for the survey's tab until the survey feature registers its own.",
)


def answers_spec() -> TabSpec:
    """The survey's tab spec once a feature registers it (rally/*.py), else the stand-in."""
    for module in pkgutil.iter_modules(rally.__path__):
        if module.name not in ("cli", "__main__"):
            importlib.import_module(f"rally.{module.name}")
    survey = [spec for spec in contract.WRITTEN_TABS if contract.normalise_key(spec.name).startswith("survey")]
    return survey[0] if survey else STAND_IN


def answer_row(spec: TabSpec, n: int) -> dict[str, str]:
    """One made-up answer: every column but the ID filled with short text (the outbox fills the ID)."""
    return {column.name: f"{column.name.lower()} {n % 7}" for column in spec.columns if column.name != "ID"}


@dataclass
class BurstRun:
    seed: int
    spread: float
    submitted: dict[str, float] = field(default_factory=dict)  # ID -> when its submit call started
    submit_returned: dict[str, float] = field(default_factory=dict)
    first_seen: dict[str, float] = field(default_factory=dict)  # ID -> when the reader first showed it
    vanished: set[str] = field(default_factory=set)  # shown, then missing from a later look
    reader_looks: int = 0
    all_in_sheet: float = math.nan  # seconds from the first submit until every ID was in the Sheet
    sheet_rows: int = 0
    sheet_ids: int = 0
    seen_once: bool = True  # the final read showed each ID exactly once
    final_visible: int = 0
    requests: Counter = field(default_factory=Counter)  # (kind, status) -> count

    def latencies(self) -> list[float]:
        return sorted(self.first_seen[i] - self.submitted[i] for i in self.submitted if i in self.first_seen)

    @property
    def lost(self) -> int:
        return len(self.submitted) - self.final_visible

    @property
    def duplicated(self) -> int:
        return 0 if self.seen_once else 1


def p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[-1]
        if len(values) > 1
        else (values[0] if values else math.nan)
    )


def burst(
    seed: int,
    folder: Path,
    spec: TabSpec,
    submissions: int = SUBMISSIONS,
    spread: float = 0.0,
    settings: Settings | None = None,
    timeout: float = 180.0,
) -> BurstRun:
    """One burst: `submissions` threads released together, each submitting at once (spread=0) or after a random wait up to `spread` seconds."""
    settings = settings or Settings()
    tabs = {**demo_tabs(date.today()), spec.name: [spec.header]}
    result = BurstRun(seed, spread)
    with SheetsEmulator(write_quota_per_minute=WRITES_PER_MINUTE) as emulator:
        emulator.add_spreadsheet(KEY, tabs=tabs)
        config = emulator_config(emulator, folder, KEY)
        source = GoogleSheetSource(config)  # the app's own retry policy and real sleeps
        source.fetch()  # the server has been up a while: it knows the Sheet's tabs
        emulator.fault_rate(FAULT_RATE, status=503, seed=seed)
        outbox = Outbox(folder / f"outbox-{seed}.sqlite", source)  # the app's write policy, real clock
        outbox.start()
        live = SnapshotCache(source, only=[spec.name])
        stop = threading.Event()
        reader = threading.Thread(
            target=_read_results,
            args=(result, live, outbox, spec, settings, stop),
            name="bench-results-screen",
            daemon=True,
        )
        reader.start()

        gate = threading.Barrier(submissions)
        lock = threading.Lock()

        waits = random.Random(seed).choices(range(1000), k=submissions)

        def submit(n: int) -> None:
            gate.wait()
            if spread:
                time.sleep(spread * waits[n] / 1000)
            started = time.monotonic()
            row_id = outbox.submit(spec.name, spec.header, answer_row(spec, n))
            with lock:
                result.submitted[row_id] = started
                result.submit_returned[row_id] = time.monotonic()

        threads = [threading.Thread(target=submit, args=(n,), name=f"bench-submit-{n}") for n in range(submissions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        first = min(result.submitted.values())
        deadline = first + timeout
        while time.monotonic() < deadline:
            ids = [row[0] for row in emulator.values(KEY, spec.name)[1:] if row]
            if set(result.submitted) <= set(ids):
                result.all_in_sheet = time.monotonic() - first
                break
            time.sleep(0.05)
        # One more live interval, so the screen shows what the Sheet now holds.
        time.sleep(settings.live_refresh_seconds + 2 * POLL)
        stop.set()
        reader.join(5)
        outbox.stop()
        emulator.clear_faults()
        rows = [row for row in emulator.values(KEY, spec.name)[1:] if row]
        result.sheet_rows, result.sheet_ids = len(rows), len({row[0] for row in rows})
        final = read_records(source.fetch([spec.name]).tabs, spec, [p.row for p in outbox.pending(spec.name)])
        ours = final[final["ID"].isin(result.submitted)]
        result.final_visible = ours["ID"].nunique()
        result.seen_once = ours["ID"].is_unique
        result.requests = Counter((r.kind, r.status) for r in emulator.log)
    return result


def _read_results(
    result: BurstRun, live: SnapshotCache, outbox: Outbox, spec: TabSpec, settings: Settings, stop: threading.Event
) -> None:
    """The results screen: live read of the tab merged with the pending rows, every POLL seconds."""
    shown: set[str] = set()
    while not stop.is_set():
        state = live.get(settings.live_refresh_seconds)
        since = state.snapshot.fetched_at.timestamp() if state.snapshot else None
        pending = [
            p.row for p in outbox.pending(spec.name, sent_since=since)
        ]  # what server.pending_rows(tab, snapshot) gives a page
        records = read_records(state.snapshot.tabs if state.snapshot else {}, spec, pending)
        now = time.monotonic()
        visible = set(records["ID"])
        for row_id in visible - shown:
            result.first_seen.setdefault(row_id, now)
        result.vanished |= shown - visible
        shown = visible
        result.reader_looks += 1
        stop.wait(POLL)


@dataclass
class KillRun:
    """A burst whose writer process was killed mid-append `kills` times: what the Sheet holds afterwards."""

    submitted: int
    kills: int
    rows: int  # data rows in the tab
    ids: int  # distinct IDs among them
    missing: int  # submitted IDs not in the tab
    seconds: float  # from the first submission until every ID was in the Sheet (nan: not all got there)
    requests: Counter = field(default_factory=Counter)  # (kind, status) -> count; status 0 is a dropped connection

    @property
    def duplicates(self) -> int:
        return self.rows - self.ids


def burst_with_kills(
    seed: int,
    folder: Path,
    spec: TabSpec,
    submissions: int = SUBMISSIONS,
    kills: int = 5,
    spread: float = 10.0,
    quick: bool = False,
    timeout: float = 300.0,
) -> KillRun:
    """`submissions` answers over `spread` seconds while the writer process is killed `kills` times with an append in flight.

    Each kill comes when the Sheet has applied an append and holds its answer back: the
    writer dies not knowing. A new writer process starts at once (a server restarted) and
    must find those rows in the tab instead of sending them again. `quick` shortens the
    writer's waits (tests); the logic is the production one.
    """
    path = folder / f"outbox-kills-{seed}.sqlite"
    tabs = {**demo_tabs(date.today()), spec.name: [spec.header]}
    with SheetsEmulator(write_quota_per_minute=WRITES_PER_MINUTE) as emulator:
        emulator.add_spreadsheet(KEY, tabs=tabs)
        submitter = Outbox(path, GoogleSheetSource(emulator_config(emulator, folder, KEY)))  # stores; never sends
        emulator.fault_rate(FAULT_RATE, status=503, seed=seed)
        # After each restart the Sheet also applies one append and then fails it, in turn each of these ways.
        after_writing = (
            lambda: emulator.apply_then_fail(1, status=503),
            lambda: emulator.html_error_next(1, 503, kind="append", after_apply=True),
            lambda: emulator.reset_next(1, kind="append", after_apply=True),
        )

        def writer() -> subprocess.Popen:
            command = [sys.executable, "-m", "tests.outbox_writer", str(path), emulator.host, KEY]
            return subprocess.Popen(command + (["--quick"] if quick else []), cwd=ROOT)

        ids: list[str] = []
        lock = threading.Lock()
        waits = random.Random(seed).choices(range(1000), k=submissions)
        gate = threading.Barrier(submissions)

        def submit(n: int) -> None:
            gate.wait()
            time.sleep(spread * waits[n] / 1000)
            row_id = submitter.submit(spec.name, spec.header, answer_row(spec, n))
            with lock:
                ids.append(row_id)

        def all_landed() -> bool:
            with lock:
                if len(ids) < submissions:
                    return False
                wanted = set(ids)
            return wanted <= {row[0] for row in emulator.values(KEY, spec.name)[1:] if row}

        process = writer()
        threads = [
            threading.Thread(target=submit, args=(n,), name=f"bench-kill-submit-{n}") for n in range(submissions)
        ]
        for thread in threads:
            thread.start()
        started = time.monotonic()
        deadline = started + timeout
        killed = 0
        seconds = math.nan
        try:
            while killed < kills and time.monotonic() < deadline:
                held = emulator.stall_after_apply(1)
                while not held.wait(0.05) and not all_landed() and time.monotonic() < deadline:
                    pass
                if not held.is_set():
                    break  # everything landed before the next append: nothing left in flight to kill
                process.kill()  # an append applied, its answer held back: the writer dies not knowing
                process.wait(10)
                killed += 1
                emulator.release()
                after_writing[(killed - 1) % len(after_writing)]()
                process = writer()  # the server comes back
            emulator.release()
            for thread in threads:
                thread.join()
            while time.monotonic() < deadline:
                if all_landed():
                    seconds = time.monotonic() - started
                    break
                time.sleep(0.1)
        finally:
            process.kill()
            process.wait(10)
            emulator.release()
        rows = [row for row in emulator.values(KEY, spec.name)[1:] if row]
        present = {row[0] for row in rows}
        return KillRun(
            submitted=len(ids),
            kills=killed,
            rows=len(rows),
            ids=len(present),
            missing=len(set(ids) - present),
            seconds=seconds,
            requests=Counter((r.kind, r.status) for r in emulator.log),
        )


# (seed, spread): all at the same instant, and a room answering over ten seconds (many small appends: the quota bites).
SCENARIOS = ((1, 0.0), (2, 0.0), (3, 10.0), (4, 10.0))
KILLS = 5


def run(
    scenarios: tuple[tuple[int, float], ...] = SCENARIOS,
    submissions: int = SUBMISSIONS,
    kills: int = KILLS,
    quick_writer: bool = False,
) -> Measurement:
    spec = answers_spec()
    with tempfile.TemporaryDirectory(prefix="rally-bench-burst-") as tmp:
        runs = [burst(seed, Path(tmp), spec, submissions, spread) for seed, spread in scenarios]
        # Over 20 s, so five restarts of the writer (a couple of seconds each) fall inside the burst.
        killed = burst_with_kills(5, Path(tmp), spec, submissions, kills, 20.0, quick_writer) if kills else None
    return summarise(runs, spec, submissions, killed)


def summarise(runs: list[BurstRun], spec: TabSpec, submissions: int, killed: KillRun | None = None) -> Measurement:
    rows = []
    for r in runs:
        lat = r.latencies()
        appends = sum(n for (kind, _), n in r.requests.items() if kind == "append")
        refused = ", ".join(
            f"{n} × {status}"
            for status in (429, 503)
            if (n := sum(c for (_, s), c in r.requests.items() if s == status))
        )
        submit_p95 = p95(sorted(r.submit_returned[i] - r.submitted[i] for i in r.submit_returned))
        rows.append(
            [
                f"{r.seed}: " + (f"over {r.spread:g} s" if r.spread else "at once"),
                f"{r.all_in_sheet:.1f} s",
                f"{p95(lat):.2f} s (max {max(lat, default=math.nan):.2f} s)",
                f"{submit_p95 * 1000:.0f} ms",
                f"{r.lost} / {r.duplicated if r.seen_once else 'yes'}",
                str(len(r.vanished)),
                f"{appends} appends ({refused or 'none refused'})",
                f"{r.sheet_rows} rows, {r.sheet_ids} IDs",
            ]
        )
    worst_p95 = max(p95(r.latencies()) for r in runs)
    lost = sum(r.lost for r in runs)
    doubled = sum(r.duplicated for r in runs)
    vanished = sum(len(r.vanished) for r in runs)
    slowest = max(r.all_in_sheet for r in runs)
    met = lost == 0 and doubled == 0 and worst_p95 <= TARGET_P95 and vanished == 0
    in_sheet_twice = sum(r.sheet_rows - r.sheet_ids for r in runs)
    met = met and in_sheet_twice == 0
    if killed is not None:
        met = met and killed.duplicates == 0 and killed.missing == 0
        rows.append(
            [
                f"5: over 20 s, writer killed {killed.kills}× mid-append",
                f"{killed.seconds:.1f} s",
                "—",
                "—",
                f"{killed.missing} / {killed.duplicates}",
                "—",
                f"{sum(n for (kind, _), n in killed.requests.items() if kind == 'append')} appends "
                f"({killed.requests[('append', 503)]} × 503, {killed.requests[('append', 0)]} dropped), "
                f"{sum(n for (kind, _), n in killed.requests.items() if kind == 'batch_get')} reads of the IDs",
                f"{killed.rows} rows, {killed.ids} IDs",
            ]
        )
    if met:
        verdict = f"0 lost, 0 duplicated, p95 {worst_p95:.2f} s, all in the Sheet within {slowest:.1f} s"
    else:
        gaps = []
        if lost:
            gaps.append(f"{lost} lost")
        if doubled:
            gaps.append("an ID shown twice")
        if worst_p95 > TARGET_P95:
            gaps.append(f"p95 {worst_p95:.2f} s")
        if vanished:
            gaps.append(f"{vanished} answers disappeared from the results for a moment after being shown")
        if in_sheet_twice:
            gaps.append(f"{in_sheet_twice} rows in the Sheet twice")
        if killed is not None and (killed.duplicates or killed.missing):
            gaps.append(f"with kills: {killed.duplicates} rows twice, {killed.missing} missing")
        verdict = "; ".join(gaps)
    return Measurement(
        number=5,
        title="Survey burst",
        method=(
            f"{submissions} answers to the tab “{spec.name}” ({'the survey feature' if spec is not STAND_IN else 'a stand-in until the survey feature registers its tab'}) "
            f"submitted by {submissions} threads released together through `Outbox.submit`, all at once or each after a random wait of up to 10 s; the outbox's background writer sends them to the emulator "
            f"with {WRITES_PER_MINUTE} writes a minute allowed and {FAULT_RATE:.0%} of all requests answered 503 (seeded; one run per seed), in real time. "
            f"A results screen looks every {POLL:g} s: a live read of the tab (at most `Live refresh seconds` old) merged with the outbox's pending rows by "
            "`read_records`. Latency is from the start of the submit call to the first look that shows the answer."
        ),
        headers=[
            "Seed: submitted",
            "All in the Sheet after",
            "Submit → on screen p95",
            "submit call p95",
            "Lost / duplicated",
            "Shown, then gone for a moment",
            "Writes",
            "In the Sheet",
        ],
        rows=rows,
        baseline=f"target p95 {TARGET_P95:g} s",
        result=f"p95 {worst_p95:.2f} s, {lost} lost, {doubled} duplicated",
        ratio=f"{worst_p95 / TARGET_P95:.2f} of the p95 budget",
        target=f"0 lost, 0 duplicated, p95 ≤ {TARGET_P95:g} s",
        met=met,
        verdict=verdict,
        notes=[
            "*Lost / duplicated* counts what a reader sees, *In the Sheet* what the tab holds: before an append is sent again after an "
            "answer Rally can't trust, the outbox reads the tab's IDs once and sends only the missing rows, so each ID is in the Sheet once.",
            *(
                [
                    f"Run 5 (writer killed): {killed.submitted} submitted, {killed.rows} rows in the Sheet, {killed.duplicates} duplicates, "
                    f"{killed.missing} missing. The writer runs in a process of its own with the production waits; it was killed "
                    f"{killed.kills} times while the Sheet held back the answer to an append it had applied, and started again at once; "
                    "after each restart the Sheet also applied an append and then failed it (in turn a 503, an HTML 503 and a dropped "
                    "connection, which costs the writer its 30 s settling time), on top of 5% of all requests answered 503."
                ]
                if killed is not None
                else []
            ),
            f"A real screen adds its own refresh period on top (a fragment re-running every `Live refresh seconds`, default {Settings().live_refresh_seconds} s).",
        ],
    )
