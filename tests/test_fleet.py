"""A fleet with the real parts: PostgreSQL, three `streamlit run` replicas, the Sheets emulator, phones over websockets.

Phones answer the survey through different replicas while a projector on each counts; one replica is
killed mid-burst. Counts and behaviour are asserted, never timings (bench/fleet.py measures those).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import date

import pytest

from bench import phones
from rally.core.contract import SURVEY
from tests.emulator.sheets_emulator import SheetsEmulator
from tests.fleet import fleet, kill, queue_counts, sheet_reads

KEY = "rally-fleet-sheet"
PHONES = 30


@pytest.fixture
def sheet():
    """The demo company with its survey as a Google Sheet in an emulator in this process (its log counts the reads)."""
    with SheetsEmulator() as emulator:
        emulator.add_spreadsheet(KEY, tabs=phones.sheet_tabs(date.today()))
        yield emulator


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.2)


def test_answers_through_three_replicas_one_killed_reach_the_sheet_once_and_every_projector(sheet, state_url, tmp_path):
    """Every answer a phone was told was saved is in the Sheet once, the surviving projectors show the same count, and
    the fleet read the Sheet no more than one server would."""
    # A dead replica's claims run out in 3 s here (60 s by default), so the test needn't wait a minute.
    with fleet(tmp_path, 3, state_url, sheet.host, KEY, rally={"write_claim_seconds": 3}) as servers:
        doomed = servers[2]
        sheet.reset_log()
        began = time.monotonic()

        async def kill_mid_burst(seconds: float, people) -> None:
            mine = [p for p in people if p.replica == 2]
            if doomed.process.poll() is None and sum(p.saved is not None for p in mine) >= 2:
                kill(doomed)

        people, screens, _ = asyncio.run(
            phones.drive(
                [s.url for s in servers], PHONES, spread=10.0, think=(1.0, 3.0), settle=4.0, during=kill_mid_burst
            )
        )
        assert doomed.process.poll() is not None, "the replica was killed mid-burst"
        survivors = [p for p in people if p.replica != 2]
        assert all(p.saved is not None for p in survivors), [p.error for p in survivors if p.error]
        saved = [p for p in people if p.saved is not None]
        assert any(p.replica == 2 for p in saved), "the killed replica had accepted answers before it died"

        wait_until(lambda: queue_counts(state_url)["queued"] == 0, 60, "the shared outbox to drain")
        seconds = time.monotonic() - began
        rows = sheet.values(KEY, SURVEY.name)[1:]
        ids = Counter(row[0] for row in rows)
        assert max(ids.values()) == 1, "no answer twice in the Sheet"
        counts = queue_counts(state_url)
        assert counts["dead"] == 0 and counts["sent"] == counts["total"] == len(ids) - len(
            [r for r in phones.sheet_tabs(date.today())[SURVEY.name][1:]]
        ), "every row the fleet accepted is in the Sheet, and nothing else was added"
        texts = Counter(row[-1] for row in rows if "says phone" in str(row[-1]))
        for p in saved:
            assert texts[f"More stories from the field, says phone {p.number}"] == 1, f"phone {p.number}"

        live = [s for s in screens if s.replica != 2]
        assert not any(s.error for s in live)
        final = {s.counts[-1][1] for s in live}
        assert len(final) == 1, f"every projector shows the same count: {final}"
        assert final.pop() - min(c for _, c in live[0].counts) == len(saved) + sum(
            1
            for p in people
            if p.saved is None and p.sent is not None and texts[f"More stories from the field, says phone {p.number}"]
        )

        reads = sheet_reads(sheet.log)
        # One server's budget over the run: the room's tabs once per Live refresh seconds (3), the Sheet once a minute.
        budget = seconds / 3 + seconds / 60 + 2
        assert reads["values"] <= budget, f"{reads} over {seconds:.0f} s"
