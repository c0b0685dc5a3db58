"""7. Fleet: three replicas on one PostgreSQL, one of them killed mid-run, as many phones as this machine drives.

Debian's PostgreSQL in a throwaway cluster (tests/postgres.py), the Sheets emulator in this process (its
log counts every request Google would have had), three `streamlit run app.py` replicas started as
deploy/compose.yaml starts them (the same secrets with `state`, the same environment), a projector on
each and phones spread over the three (bench/phones.py drives both). A third of the way into the burst
one replica is killed (SIGKILL: no goodbye to the database or the Sheet). Then the run waits for the
shared outbox to drain (the dead replica's claims run out after the default 60 s) and counts, in the Sheet,
every answer each phone was told was saved.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

import psutil

from bench.phones import SERVER_ENV, TARGET_P95, LoadRun, drive, p95, sheet_tabs
from bench.report import Measurement
from rally.core.contract import SURVEY
from rally.core.settings import Settings

REPLICAS = 3
PHONES = 150
KEY = "bench-fleet"
DRAIN_SECONDS = 240.0


def text_of(number: int) -> str:
    return f"More stories from the field, says phone {number}"


def run(phones: int = PHONES, replicas: int = REPLICAS, seed: int = 7) -> Measurement:
    from tests.emulator.sheets_emulator import SheetsEmulator
    from tests.fleet import fleet, kill, queue_counts, sheet_reads
    from tests.postgres import throwaway_cluster

    with (
        tempfile.TemporaryDirectory(prefix="rally-bench-fleet-") as tmp,
        throwaway_cluster() as cluster,
        SheetsEmulator() as emulator,
    ):
        state = cluster.database("fleet")
        tabs = sheet_tabs(date.today())
        emulator.add_spreadsheet(KEY, tabs=tabs)
        before = {row[0] for row in tabs[SURVEY.name][1:]}
        with fleet(Path(tmp), replicas, state, emulator.host, KEY, env=SERVER_ENV) as servers:
            doomed = servers[-1]
            processes = [psutil.Process(s.process.pid) for s in servers]
            cpu = [p.cpu_times() for p in processes]
            emulator.reset_log()
            began = time.monotonic()
            killed_at: list[float] = []

            async def kill_mid_burst(seconds: float, _people) -> None:
                if not killed_at and seconds >= 15.0:
                    kill(doomed)
                    killed_at.append(seconds)

            people, screens, seconds = asyncio.run(drive([s.url for s in servers], phones, seed, during=kill_mid_burst))
            used = [
                sum(p.cpu_times()[:2]) - sum(c[:2]) for p, c in zip(processes[:-1], cpu[:-1])
            ]  # the survivors' CPU over the run
            deadline = time.monotonic() + DRAIN_SECONDS
            while queue_counts(state)["queued"] and time.monotonic() < deadline:
                time.sleep(1.0)
            drained = time.monotonic() - began
            counts = queue_counts(state)
            reads = sheet_reads(emulator.log)
        rows = emulator.values(KEY, SURVEY.name)[1:]
    ids = Counter(row[0] for row in rows if row and row[0] not in before)
    texts = Counter(row[-1] for row in rows if row and "says phone" in str(row[-1]))
    saved = [p for p in people if p.saved is not None]
    lost = [p for p in saved if texts[text_of(p.number)] == 0]
    doubled = sum(1 for n in ids.values() if n > 1) + sum(1 for n in texts.values() if n > 1)
    surviving = [s for s in screens if s.replica != doomed_index(replicas)]
    load = LoadRun(people, surviving, seconds)
    latencies = load.latencies()
    worst = p95(latencies)
    settings = Settings()
    budget = drained / settings.live_refresh_seconds + drained / settings.refresh_seconds
    on_doomed = [p for p in people if p.replica == doomed_index(replicas)]
    errors_elsewhere = [p for p in people if p.replica != doomed_index(replicas) and p.saved is None]
    met = not lost and not doubled and worst <= TARGET_P95 and reads["values"] <= budget and not errors_elsewhere
    row = [
        f"{phones:,} over {replicas}",
        f"replica {replicas} at {killed_at[0]:.0f} s" if killed_at else "–",
        f"{len(saved):,} ({sum(1 for p in saved if p.replica == doomed_index(replicas))} on the killed replica)",
        f"{sum(1 for p in on_doomed if p.saved is None)} on the killed replica, {len(errors_elsewhere)} elsewhere",
        f"{len(lost)} / {doubled}",
        f"{worst:.2f} s",
        f"{counts['sent']:,} rows, all sent after {drained:.0f} s"
        if not counts["queued"]
        else f"{counts['queued']} still queued",
        f"{reads['values']} reads + {reads['id looks']} ID looks + {reads['metadata']} metadata in {drained:.0f} s "
        f"(one server: ≤ {budget:.0f})",
        ", ".join(f"{u / seconds:.0%}" for u in used),
    ]
    return Measurement(
        number=11,
        title="Fleet: three replicas, one killed",
        method=__doc__.split("\n\n", 1)[1].replace("\n", " ").strip(),
        headers=[
            "Phones",
            "Killed",
            "Saved",
            "Not saved",
            "Lost / duplicated in the Sheet",
            "Submit → every projector p95",
            "Shared outbox",
            "Sheet reads for the fleet",
            "Survivors' CPU (of a core)",
        ],
        rows=[row],
        baseline=f"one server's reads: ≤ {budget:.0f}",
        result=f"{reads['values']} reads, p95 {worst:.2f} s, {len(lost)} lost, {doubled} duplicated",
        ratio=f"{reads['values'] / budget:.2f} of one server's reads" if budget else "–",
        target=f"0 lost, 0 duplicated, p95 ≤ {TARGET_P95:.0f} s, Sheet reads within one server's budget",
        met=met,
        verdict=(
            f"{len(saved):,} answers saved through {replicas} replicas, one killed mid-run: {len(lost)} lost, {doubled} duplicated, "
            f"p95 submit → every projector {worst:.2f} s, {reads['values']} Sheet reads for the fleet against one server's {budget:.0f}"
        ),
        notes=[
            "Phones on the killed replica that had not been told “saved” are what a person sees as a page that lost its "
            "connection: their answers were not stored (a phone reconnecting lands on another replica and sends again).",
            "The projector on the killed replica is left out of *every projector*: it went with its server.",
        ],
    )


def doomed_index(replicas: int) -> int:
    return replicas - 1
