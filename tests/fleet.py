"""A fleet on this machine: several real `streamlit run app.py` replicas sharing one PostgreSQL and one Sheet.

Used by tests/test_fleet.py and the benchmark's fleet run (bench/fleet.py). Each replica is started as in
production (tests/browser/server.py), from one working folder whose secrets name the Sheet in the
emulator and the fleet's `state`; each has its own data folder, as separate machines would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from tests.browser.server import ROOT, RallyServer, start_server, stop_server


def fleet_cwd(folder: Path, spreadsheet_key: str, state_url: str, rally: dict | None = None) -> Path:
    """A working folder whose .streamlit/ holds Rally's config and the fleet's secrets (the Sheet, `state`)."""
    streamlit_dir = folder / ".streamlit"
    streamlit_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / ".streamlit" / "config.toml", streamlit_dir / "config.toml")
    lines = [
        "[connections.gsheets]",
        f'spreadsheet = "https://docs.google.com/spreadsheets/d/{spreadsheet_key}/edit"',
        'client_email = "rally@emulated-project.iam.gserviceaccount.com"',
        "",
        "[rally]",
        f"state = {json.dumps(state_url)}",
        *(f"{key} = {json.dumps(value)}" for key, value in (rally or {}).items()),
    ]
    (streamlit_dir / "secrets.toml").write_text("\n".join(lines) + "\n")
    return folder


@contextmanager
def fleet(
    folder: Path,
    replicas: int,
    state_url: str,
    emulator_host: str,
    spreadsheet_key: str,
    rally: dict | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[list[RallyServer]]:
    """`replicas` servers on one Sheet and one database; every one still running is stopped at the end."""
    cwd = fleet_cwd(folder / "cwd", spreadsheet_key, state_url, rally)
    servers: list[RallyServer] = []
    try:
        for n in range(replicas):
            servers.append(
                start_server(
                    folder / f"replica-{n}", env={"SHEETS_EMULATOR_HOST": emulator_host, **(env or {})}, cwd=cwd
                )
            )
        yield servers
    finally:
        for server in servers:
            if server.process.poll() is None:
                stop_server(server)


def kill(server: RallyServer) -> None:
    """The replica lost at once (its machine gone): no shutdown, no goodbye to the database or the Sheet."""
    try:
        os.killpg(server.process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    server.process.wait(10)


def queue_counts(state_url: str) -> dict[str, int]:
    """What the fleet's shared outbox holds: rows in all, sent, still queued, dead letters."""
    with psycopg.connect(state_url) as db:
        total, sent, queued, dead = db.execute(
            "SELECT count(*), count(sent), count(*) FILTER (WHERE sent IS NULL AND dead IS NULL AND dropped IS NULL), "
            "count(dead) FROM rally_outbox"
        ).fetchone()
    return {"total": total, "sent": sent, "queued": queued, "dead": dead}


def sheet_reads(log) -> dict[str, int]:
    """The emulator's log as reads of the Sheet: whole or live-tab reads, ID looks before a resend, metadata."""
    reads = {"values": 0, "id looks": 0, "metadata": 0}
    for record in log:
        if record.kind == "batch_get":
            reads["id looks" if any("!" in r for r in record.ranges) else "values"] += 1
        elif record.kind == "metadata":
            reads["metadata"] += 1
    return reads
