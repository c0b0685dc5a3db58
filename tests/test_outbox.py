"""The durable write path against the emulator: throttled, failing, restarted — nothing lost, nothing doubled."""

from __future__ import annotations

import threading
import time

import pytest

from data_sources.outbox import Outbox
from data_sources.retry import RetryPolicy
from rally.core.contract import Column, TabSpec
from rally.core.records import read_records
from tests.emulator.sheets_emulator import FakeClock
from tests.sources import SHEET_KEY, google_source

VOTES = TabSpec("Votes", (Column("ID", True), Column("Week"), Column("Link"), Column("Voter")))
HEADER = VOTES.header
FAST = RetryPolicy(attempts=1_000_000, base_seconds=0.5, cap_seconds=4.0)


@pytest.fixture
def sheet(sheets_emulator, tmp_path):
    """A Google Sheet source on the emulator with an empty Posts tab."""
    return google_source(sheets_emulator, tmp_path, {"Posts": [["Date", "Name", "Platform"]]})


def submit_concurrently(outbox: Outbox, count: int) -> list[str]:
    ids: list[str] = []
    lock = threading.Lock()

    def vote(n: int) -> None:
        row_id = outbox.submit(
            "Votes", HEADER, {"Week": "2026-W47", "Link": f"https://example.com/{n}", "Voter": f"token-{n}"}
        )
        with lock:
            ids.append(row_id)

    threads = [threading.Thread(target=vote, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ids


def drain(outbox: Outbox, clock: FakeClock, emulator_clock: FakeClock | None = None, rounds: int = 3000) -> int:
    """Flush until nothing is pending, moving the fake clocks instead of sleeping."""
    for used in range(rounds):
        outbox.flush()
        if not outbox.pending():
            return used
        step = max(0.5, (outbox.next_due() or clock()) - clock())
        clock.advance(step)
        if emulator_clock:
            emulator_clock.advance(step)
    raise AssertionError(f"still pending after {rounds} rounds: {len(outbox.pending())}")


def sheet_ids(emulator) -> list[str]:
    return [row[0] for row in emulator.values(SHEET_KEY, "Votes")[1:]]


def test_two_hundred_concurrent_votes_survive_throttling_and_faults(sheet, sheets_emulator, tmp_path):
    """429s, 503s and a 503 after the row was written: 200 submissions end as exactly 200 distinct IDs."""
    clock, sheet_clock = FakeClock(0.0), FakeClock(0.0)
    sheets_emulator.clock = sheet_clock
    sheets_emulator.write_quota_per_minute = 12
    sheets_emulator.fault_rate(0.2, status=503, seed=7, kind="append")
    sheets_emulator.apply_then_fail(2, status=503)
    outbox = Outbox(tmp_path / "outbox.sqlite", sheet, policy=FAST, clock=clock)

    ids = submit_concurrently(outbox, 200)
    assert len(set(ids)) == 200 and len(outbox.pending()) == 200

    # Small batches, so the quota and the faults get many chances to bite.
    import data_sources.outbox as outbox_module

    original = outbox_module.MAX_ROWS_PER_APPEND
    outbox_module.MAX_ROWS_PER_APPEND = 7
    try:
        drain(outbox, clock, sheet_clock)
    finally:
        outbox_module.MAX_ROWS_PER_APPEND = original

    in_sheet = sheet_ids(sheets_emulator)
    assert set(in_sheet) == set(ids)
    assert len(in_sheet) > 200, "the apply-then-fail appends should have landed twice"
    assert sheets_emulator.count("append") > 200 // 7
    assert any(r.status == 429 for r in sheets_emulator.log) and any(r.status == 503 for r in sheets_emulator.log)
    records = read_records(sheet.fetch().tabs, VOTES)
    assert len(records) == 200 and records["ID"].is_unique


def test_readers_see_queued_rows_before_they_reach_the_sheet(sheet, sheets_emulator, tmp_path):
    """While the Sheet is down, a vote shows as pending; once written it shows once, not twice."""
    sheets_emulator.fault_rate(1.0, status=503, kind="append")
    clock = FakeClock()
    outbox = Outbox(tmp_path / "outbox.sqlite", sheet, policy=FAST, clock=clock)
    row_id = outbox.submit("Votes", HEADER, {"Week": "2026-W47", "Link": "https://example.com/1"})
    outbox.flush()
    pending = [p.row for p in outbox.pending("Votes")]
    assert pending and "unreachable" in outbox.pending()[0].error
    records = read_records(sheet.fetch().tabs, VOTES, pending)
    assert list(records["ID"]) == [row_id] and records["pending"].all()

    sheets_emulator.clear_faults()
    drain(outbox, clock)
    records = read_records(sheet.fetch().tabs, VOTES, [p.row for p in outbox.pending("Votes")] + pending)
    assert list(records["ID"]) == [row_id] and not records["pending"].any()


def test_a_restart_sends_what_the_last_run_left_behind(sheet, sheets_emulator, tmp_path):
    """Rows accepted before a crash are sent by the next server's writer thread."""
    sheets_emulator.fault_rate(1.0, status=503, kind="append")
    first = Outbox(tmp_path / "outbox.sqlite", sheet, policy=FAST, clock=FakeClock())
    ids = [first.submit("Votes", HEADER, {"Week": "2026-W47"}) for _ in range(10)]
    first.flush()
    del first  # the server dies with ten rows unsent

    sheets_emulator.clear_faults()
    second = Outbox(
        tmp_path / "outbox.sqlite", sheet, policy=RetryPolicy(attempts=10, base_seconds=0.01, cap_seconds=0.05)
    )
    second.start()
    try:
        deadline = time.monotonic() + 10
        while second.pending() and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        second.stop()
    assert sheet_ids(sheets_emulator) == ids


def test_a_refused_write_stays_queued_with_the_reason(sheet, sheets_emulator, tmp_path):
    """A Sheet that stopped being shared keeps rows queued, never drops them, and says why."""
    sheets_emulator.set_forbidden(SHEET_KEY, True)
    outbox = Outbox(tmp_path / "outbox.sqlite", sheet, policy=FAST, clock=FakeClock())
    outbox.submit("Votes", HEADER, {"Week": "2026-W47"})
    assert outbox.flush() == 0
    [pending] = outbox.pending()
    assert "Share it with" in pending.error and pending.attempts == 1


def test_submitting_the_same_id_twice_stores_it_once(sheet, tmp_path):
    """A double-tapped submit with the same ID is one row."""
    outbox = Outbox(tmp_path / "outbox.sqlite", sheet, clock=FakeClock())
    outbox.submit("Votes", HEADER, {"ID": "same", "Week": "2026-W47"})
    outbox.submit("Votes", HEADER, {"ID": "same", "Week": "2026-W47"})
    assert len(outbox.pending()) == 1


def test_columns_outside_the_header_are_refused(sheet, tmp_path):
    """A row that doesn't fit its tab is a programming error, caught before anything is stored."""
    outbox = Outbox(tmp_path / "outbox.sqlite", sheet, clock=FakeClock())
    with pytest.raises(ValueError, match="Nope"):
        outbox.submit("Votes", HEADER, {"Nope": "x"})
    assert outbox.pending() == []


def test_the_outbox_file_is_owner_only(sheet, tmp_path):
    """Queued answers are private to the server's user."""
    outbox = Outbox(tmp_path / "outbox.sqlite", sheet)
    assert outbox.path.stat().st_mode & 0o077 == 0


def test_rows_queued_while_a_tab_backs_off_go_with_its_retry_in_one_append(sheet, sheets_emulator, tmp_path):
    """After a 429, new answers wait for the tab's retry instead of each trying (and failing) on its own."""
    clock = FakeClock(0.0)
    outbox = Outbox(tmp_path / "outbox.sqlite", sheet, policy=FAST, clock=clock)
    sheets_emulator.fail_next(1, status=429, kind="append")
    outbox.submit("Votes", HEADER, {"Week": "2026-W47"})
    assert outbox.flush() == 0 and sheets_emulator.count("append") == 1
    retry_at = outbox.next_due()
    for n in range(20):
        outbox.submit("Votes", HEADER, {"Week": "2026-W47", "Voter": f"token-{n}"})
    assert outbox.flush() == 0 and sheets_emulator.count("append") == 1, "the tab is backing off: nothing is sent"
    assert outbox.next_due() == retry_at
    clock.advance(retry_at - clock())
    assert outbox.flush() == 21
    assert sheets_emulator.count("append") == 2
    assert len(sheet_ids(sheets_emulator)) == 21


def test_pending_since_a_read_keeps_rows_that_landed_after_it(sheet, sheets_emulator, tmp_path):
    """A row sent after a read began is still handed to readers of that read, so it never drops out of sight."""
    clock = FakeClock(1000.0)
    outbox = Outbox(tmp_path / "outbox.sqlite", sheet, policy=FAST, clock=clock)
    read_began = clock()
    stale_read = sheet.fetch(["Votes"]).tabs
    clock.advance(1)
    row_id = outbox.submit("Votes", HEADER, {"Week": "2026-W47"})
    outbox.flush()
    assert outbox.pending("Votes") == []
    assert [p.id for p in outbox.pending("Votes", sent_since=read_began)] == [row_id]
    assert outbox.pending("Votes", sent_since=clock() + 1) == []
    records = read_records(stale_read, VOTES, [p.row for p in outbox.pending("Votes", sent_since=read_began)])
    assert list(records["ID"]) == [row_id]
    fresh = read_records(
        sheet.fetch(["Votes"]).tabs, VOTES, [p.row for p in outbox.pending("Votes", sent_since=read_began)]
    )
    assert list(fresh["ID"]) == [row_id] and not fresh["pending"].any(), "in both: shown once, as the Sheet's row"


def test_a_response_s_rows_are_stored_together_or_not_at_all(sheet, tmp_path):
    """submit_many stores every row of a survey response, or none when one of them doesn't fit the tab."""
    outbox = Outbox(tmp_path / "outbox.sqlite", sheet, clock=FakeClock())
    ids = outbox.submit_many("Votes", HEADER, [{"Week": "2026-W47"}, {"Week": "2026-W48"}])
    assert [p.id for p in outbox.pending()] == ids and len(set(ids)) == 2
    with pytest.raises(ValueError, match="Nope"):
        outbox.submit_many("Votes", HEADER, [{"Week": "2026-W49"}, {"Nope": "x"}])
    assert len(outbox.pending()) == 2
    assert outbox.submit_many("Votes", HEADER, []) == []
