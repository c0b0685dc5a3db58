"""The durable write path against the emulator: throttled, failing, restarted — nothing lost, nothing doubled."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest

from data_sources.outbox import Outbox
from data_sources.retry import RetryPolicy
from rally.core.contract import Column, TabSpec
from rally.core.records import read_records
from tests.apptest import ROOT
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
    """429s, 503s and a 503 after the row was written: 200 submissions end as exactly 200 rows in the Sheet."""
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
    assert sorted(in_sheet) == sorted(ids), "every ID exactly once in the Sheet"
    assert outbox.found_already >= 7, "the apply-then-fail appends were found in the tab instead of sent again"
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


# -- exactly once in the Sheet ------------------------------------------------------------------------------------


def vote(outbox: Outbox, n: int, **cells: str) -> str:
    return outbox.submit("Votes", HEADER, {"Week": "2026-W47", "Link": f"https://example.com/{n}", **cells})


# fmt: off
UNTRUSTED_ANSWERS = [
    # (what the Sheet does with the first append, whether that append landed)
    ("503 after the write",          lambda e: e.apply_then_fail(1, status=503),                              True),
    ("HTML 503 after the write",     lambda e: e.html_error_next(1, 503, kind="append", after_apply=True),     True),  # Google's front end: no JSON
    ("connection reset after the write", lambda e: e.reset_next(1, kind="append", after_apply=True),          True),
    ("HTML 502 before the write",    lambda e: e.html_error_next(1, 502, kind="append"),                       False),
    ("connection reset before the write", lambda e: e.reset_next(1, kind="append"),                           False),
    ("500 before the write",         lambda e: e.fail_next(1, status=500, kind="append"),                      False),
]
# fmt: on


@pytest.mark.parametrize(("fault", "inject", "landed"), UNTRUSTED_ANSWERS, ids=[row[0] for row in UNTRUSTED_ANSWERS])
def test_after_an_answer_it_cant_trust_the_outbox_looks_before_sending_again(
    sheet, sheets_emulator, tmp_path, fault, inject, landed
):
    """One read of the tab's IDs for all the rows waiting, then only the missing ones are sent: each ID once."""
    clock = FakeClock(0.0)
    outbox = Outbox(tmp_path / "outbox.sqlite", sheet, policy=FAST, clock=clock)
    ids = [vote(outbox, n) for n in range(5)]
    inject(sheets_emulator)
    assert outbox.flush() == 0
    [reason] = {p.error for p in outbox.pending()}
    assert "<" not in reason and "Google Sheets unreachable" in reason, "one readable line, never the HTML page"
    ids.append(vote(outbox, 5))  # a row queued meanwhile goes with the retry
    drain(outbox, clock)
    assert sorted(sheet_ids(sheets_emulator)) == sorted(ids)
    assert outbox.id_reads == 1 and sheets_emulator.count("batch_get") == 1
    assert outbox.found_already == (5 if landed else 0)
    assert sheets_emulator.count("append") == 2


def test_rows_with_a_trusted_answer_are_never_looked_for(sheet, sheets_emulator, tmp_path):
    """A 429 is a refusal (nothing was written): the retry sends at once, without reading the tab."""
    clock = FakeClock(0.0)
    outbox = Outbox(tmp_path / "outbox.sqlite", sheet, policy=FAST, clock=clock)
    sheets_emulator.fail_next(2, status=429, kind="append")
    ids = [vote(outbox, n) for n in range(3)]
    drain(outbox, clock)
    assert sheet_ids(sheets_emulator) == ids and outbox.id_reads == 0 and sheets_emulator.count("batch_get") == 0


def test_a_failed_look_keeps_the_rows_waiting_and_sends_nothing(sheet, sheets_emulator, tmp_path):
    """When the read of the IDs fails too, nothing is sent blind; the next try reads again."""
    clock = FakeClock(0.0)
    outbox = Outbox(tmp_path / "outbox.sqlite", sheet, policy=FAST, clock=clock)
    sheets_emulator.apply_then_fail(1, status=503)
    ids = [vote(outbox, n) for n in range(4)]
    outbox.flush()
    sheets_emulator.html_error_next(3, 503, kind="batch_get")  # the source's own read retries give up (NO_WAIT: 3)
    clock.advance(outbox.next_due() - clock())
    assert outbox.flush() == 0 and sheets_emulator.count("append") == 1
    drain(outbox, clock)
    assert sorted(sheet_ids(sheets_emulator)) == sorted(ids) and sheets_emulator.count("append") == 1


def test_a_server_killed_mid_append_leaves_no_copy_three_times_over(sheet, sheets_emulator, tmp_path):
    """A writer process killed while its append is applied but unanswered: the next run finds those rows and sends only new ones."""
    path = tmp_path / "outbox.sqlite"
    submitter = Outbox(path, sheet, clock=FakeClock(0.0))
    ids = [vote(submitter, n) for n in range(30)]
    for kill in range(3):
        held = sheets_emulator.stall_after_apply(1)
        writer = subprocess.Popen(
            [sys.executable, "-m", "tests.outbox_writer", str(path), sheets_emulator.host, SHEET_KEY, "--quick"],
            cwd=ROOT,
        )
        try:
            assert held.wait(60), "the writer never sent its append"
        finally:
            writer.kill()
            writer.wait(10)
        sheets_emulator.release()
        ids += [vote(submitter, 100 * (kill + 1) + n) for n in range(10)]  # answers keep coming while it restarts
    in_flight = [p for p in submitter.pending() if p.attempts == 0]
    assert len(in_flight) >= 10, "the last killed run's rows are still unconfirmed here"
    clock = FakeClock(0.0)
    restarted = Outbox(path, sheet, policy=FAST, clock=clock)
    drain(restarted, clock)
    in_sheet = sheet_ids(sheets_emulator)
    assert len(in_sheet) == len(set(in_sheet)) == len(ids) == 60 and set(in_sheet) == set(ids)
    assert restarted.found_already >= 10 and restarted.id_reads == 1


# -- a bad row never blocks the queue ----------------------------------------------------------------------------------


def test_a_row_refused_for_good_is_moved_aside_and_the_rows_behind_it_go_on(sheet, sheets_emulator, tmp_path):
    """A permanent 400 for one row: the append is halved until that row is alone, the rest land, and the row becomes a dead letter."""
    clock = FakeClock(0.0)
    outbox = Outbox(tmp_path / "outbox.sqlite", sheet, policy=FAST, clock=clock)
    sheets_emulator.refuse_rows_containing("REFUSED")
    good = [vote(outbox, n) for n in range(3)]
    bad = vote(outbox, 3, Voter="REFUSED")
    good += [vote(outbox, n) for n in range(4, 10)]
    outbox.flush()
    assert sorted(sheet_ids(sheets_emulator)) == sorted(good), "one flush: everyone else is in the Sheet"
    good.append(vote(outbox, 10))  # a later row is not held back either
    drain(outbox, clock)
    assert sorted(sheet_ids(sheets_emulator)) == sorted(good)
    [dead] = outbox.dead_letters()
    assert (dead.id, dead.tab, dead.row["Voter"]) == (bad, "Votes", "REFUSED")
    assert "error 400" in dead.reason and dead.attempts == 3  # tried alone three times
    assert outbox.pending() == [] and outbox.next_due() is None
    assert sheets_emulator.count("append") <= 2 * 4 + 3 + 1, "halving costs a few appends, not one per row"


def test_a_dead_letter_can_be_retried_once_the_sheet_takes_it(sheet, sheets_emulator, tmp_path):
    """Retry puts it back in the queue: it lands once; drop gives up on it, and it is never sent."""
    clock = FakeClock(0.0)
    outbox = Outbox(tmp_path / "outbox.sqlite", sheet, policy=FAST, clock=clock)
    sheets_emulator.refuse_rows_containing("REFUSED")
    kept, dropped = vote(outbox, 1, Voter="REFUSED once"), vote(outbox, 2, Voter="REFUSED for ever")
    drain(outbox, clock)
    assert {d.id for d in outbox.dead_letters()} == {kept, dropped} and sheet_ids(sheets_emulator) == []

    sheets_emulator.refuse_rows_containing(None)  # the Sheet was fixed (a validation rule removed, say)
    assert outbox.retry_dead([kept]) == 1 and outbox.drop_dead([dropped]) == 1
    assert [p.id for p in outbox.pending()] == [kept] and outbox.dead_letters() == []
    drain(outbox, clock)
    assert sheet_ids(sheets_emulator) == [kept]
    assert outbox.retry_dead([dropped]) == 0, "a dropped row stays dropped"


def test_a_row_that_can_never_be_written_is_moved_aside_without_being_sent(sheet, sheets_emulator, tmp_path):
    """A cell over Google's 50,000 characters fails validation: a dead letter at once, the others sent."""
    clock = FakeClock(0.0)
    outbox = Outbox(tmp_path / "outbox.sqlite", sheet, policy=FAST, clock=clock)
    ok = vote(outbox, 1)
    too_long = vote(outbox, 2, Voter="x" * 50_001)
    assert outbox.flush() == 1
    assert sheet_ids(sheets_emulator) == [ok] and sheets_emulator.count("append") == 1
    [dead] = outbox.dead_letters()
    assert dead.id == too_long and "50,000" in dead.reason and dead.attempts == 0


def test_one_budget_a_failing_sheet_backs_every_tab_off_together(sheet, sheets_emulator, tmp_path):
    """A 503 on one tab pauses the writer for every tab; the next try sends both tabs."""
    clock = FakeClock(0.0)
    outbox = Outbox(tmp_path / "outbox.sqlite", sheet, policy=FAST, clock=clock)
    sheets_emulator.fail_next(1, status=503, kind="append")
    vote(outbox, 1)
    outbox.submit("Ideas", ["ID", "Idea"], {"Idea": "Post the team photo"})
    assert outbox.flush() == 0 and sheets_emulator.count("append") == 1, "the second tab waits for the same retry"
    clock.advance(outbox.next_due() - clock())
    assert outbox.flush() == 2 and sheets_emulator.count("append") == 3


def test_an_older_outbox_file_is_upgraded_and_its_tried_rows_looked_for(sheet, sheets_emulator, tmp_path):
    """A file written before the uncertain mark: rows already tried are looked for in the tab before being sent."""
    import sqlite3

    path = tmp_path / "outbox.sqlite"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE outbox (id TEXT PRIMARY KEY, tab TEXT NOT NULL, header TEXT NOT NULL, cells TEXT NOT NULL,"
        " created REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_try REAL NOT NULL DEFAULT 0, sent REAL, error TEXT);"
    )
    for row_id, attempts in (("landed-before", 2), ("never-tried", 0)):
        db.execute(
            "INSERT INTO outbox (id, tab, header, cells, created, attempts, next_try) VALUES (?, 'Votes', ?, ?, 0, ?, 9e9)",
            (row_id, json.dumps(HEADER), json.dumps({"ID": row_id, "Week": "2026-W47"}), attempts),
        )
    db.commit()
    db.close()
    sheets_emulator.set_values(SHEET_KEY, "Posts", [["Date", "Name", "Platform"]])
    sheets_emulator.add_tab(SHEET_KEY, "Votes", [HEADER, ["landed-before", "2026-W47"]])
    clock = FakeClock(0.0)
    outbox = Outbox(path, sheet, policy=FAST, clock=clock)
    drain(outbox, clock)
    assert sheet_ids(sheets_emulator) == ["landed-before", "never-tried"] and outbox.found_already == 1
