"""A fleet's shared state in a real PostgreSQL: the outbox any writer claims, one Sheet read for all, shared limits."""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import psycopg
import pytest

from data_sources import server as composition
from data_sources.config import ConfigError, load_config, redact
from data_sources.fleet_source import FleetSource
from data_sources.retry import RetryPolicy
from data_sources.shared_limits import SharedPasscodeThrottle, SharedSubmissionLimiter
from data_sources.shared_outbox import SharedOutbox
from data_sources.shared_state import SharedState, migrate
from rally.core.contract import LIVE_TAB_TITLES, VOTES
from rally.demo.company import demo_tabs
from rally.room.access import FREE_ATTEMPTS
from rally.weekly.votes import vote_row
from tests.apptest import ROOT
from tests.emulator.sheets_emulator import FakeClock
from tests.sources import SHEET_KEY, emulator_config, google_source
from tests.test_outbox import HEADER, sheet_ids

FAST = RetryPolicy(attempts=1_000_000, base_seconds=0.5, cap_seconds=4.0)


@pytest.fixture
def state(state_url):
    """The shared state of one server of the fleet (its migrations applied)."""
    shared = SharedState(state_url)
    yield shared
    shared.close()


@pytest.fixture
def sheet(sheets_emulator, tmp_path):
    """A Google Sheet source on the emulator with an empty Posts tab."""
    return google_source(sheets_emulator, tmp_path, {"Posts": [["Date", "Name", "Platform"]]})


def writer(state, sheet, clock, name, **options) -> SharedOutbox:
    return SharedOutbox(state, sheet, policy=FAST, clock=clock, min_seconds_between_appends=0, writer=name, **options)


def vote(outbox, n: int) -> str:
    return outbox.submit("Votes", HEADER, {"Week": "2026-W47", "Link": f"https://example.com/{n}", "Voter": f"t-{n}"})


def drain(outboxes, clock: FakeClock, rounds: int = 200) -> None:
    """Flush every writer until the shared queue is empty, moving the clock instead of sleeping."""
    for _ in range(rounds):
        for outbox in outboxes:
            outbox.flush()
        if not outboxes[0].pending():
            return
        clock.advance(max(0.5, (outboxes[0].next_due() or clock()) - clock()))
    raise AssertionError(f"still pending: {len(outboxes[0].pending())}")


# -- migrations -------------------------------------------------------------------------------------------------------


def test_migrations_are_applied_once_whoever_starts_first(state_url):
    """Three servers starting together apply the SQL files once between them; a later start applies none."""
    with ThreadPoolExecutor(3) as pool:
        states = list(pool.map(lambda _: SharedState(state_url), range(3)))
    with psycopg.connect(state_url, autocommit=True) as db:
        applied = [name for (name,) in db.execute("SELECT name FROM rally_migrations")]
        assert migrate(db) == []
    for shared in states:
        shared.close()
    assert applied == sorted(p.name for p in (ROOT / "data_sources" / "migrations").glob("*.sql")) and applied


# -- the outbox any writer claims -------------------------------------------------------------------------------------


def test_two_servers_writers_send_every_row_exactly_once(state, sheet, sheets_emulator):
    """Rows accepted by two servers, sent by both writers racing: each reaches the Sheet once, in appends that never share a row."""
    clock = FakeClock(1000.0)
    first, second = writer(state, sheet, clock, "a"), writer(state, sheet, clock, "b")
    ids = [vote(first if n % 2 else second, n) for n in range(60)]
    barrier = threading.Barrier(2)

    def race(outbox):
        barrier.wait()
        return outbox.flush()

    with ThreadPoolExecutor(2) as pool:
        sent = sum(pool.map(race, [first, second]))
    drain([first, second], clock)
    assert sent <= 60 and sorted(sheet_ids(sheets_emulator)) == sorted(ids)
    assert first.id_reads == second.id_reads == 0, "no row was ever held by both"


def test_rows_another_server_accepted_are_pending_here_and_change_its_view(state_url, sheet):
    """A row queued on one server is in the other's pending rows, and the other's generation moves when it is queued."""
    states = [SharedState(state_url), SharedState(state_url)]
    try:
        clock = FakeClock(1000.0)
        here, there = writer(states[0], sheet, clock, "here"), writer(states[1], sheet, clock, "there")
        noticed = threading.Event()
        states[0].on_change(lambda what: what == "outbox" and noticed.set())
        assert states[0].listening.wait(10)
        before = here.generation
        row_id = vote(there, 1)
        assert noticed.wait(10), "no word of the other server's row"
        assert here.generation != before
        assert [p.id for p in here.pending("Votes")] == [row_id]
    finally:
        for shared in states:
            shared.close()


def test_a_killed_writer_s_rows_are_taken_over_and_land_once(state, state_url, sheet, sheets_emulator, tmp_path):
    """A writer process killed while its append is applied but unanswered: once its claim runs out another writer looks
    for those rows in the Sheet and sends only the rest; rows it never claimed go at once."""
    clock = FakeClock(1000.0)
    survivor = writer(state, sheet, clock, "survivor", claim_seconds=30.0)
    ids = [vote(survivor, n) for n in range(20)]
    held = sheets_emulator.stall_after_apply(1)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.outbox_writer", str(tmp_path / "unused"), sheets_emulator.host, SHEET_KEY,
         "--quick", "--state", state_url],
        cwd=ROOT,
    )  # fmt: skip
    try:
        assert held.wait(60), "the writer never sent its append"
    finally:
        process.kill()
        process.wait(10)
    sheets_emulator.release()
    later = [vote(survivor, 100 + n) for n in range(5)]  # answers keep coming on the surviving server
    assert survivor.flush() == 5, "rows nobody held go at once"
    assert len(sheet_ids(sheets_emulator)) == 25, "the killed writer's append landed; its rows are still held"
    with psycopg.connect(state_url) as db:
        (until,) = db.execute(
            "SELECT max(claimed_until) FROM rally_outbox WHERE claimed_by = 'killed-writer'"
        ).fetchone()
    clock.now = max(clock.now, until) + 1.0
    drain([survivor], clock)
    in_sheet = sheet_ids(sheets_emulator)
    assert len(in_sheet) == len(set(in_sheet)) == 25 and set(in_sheet) == set(ids + later)
    assert survivor.found_already == 20 and survivor.id_reads == 1


def test_a_429_on_one_server_backs_every_writer_off(state, sheet, sheets_emulator):
    """The write quota is the service account's: after one writer is told to slow down, the other waits too."""
    clock = FakeClock(1000.0)
    first, second = writer(state, sheet, clock, "a"), writer(state, sheet, clock, "b")
    vote(first, 1)
    sheets_emulator.fail_next(1, 429, kind="append")
    assert first.flush() == 0
    vote(second, 2)
    assert second.flush() == 0 and sheets_emulator.count("append") == 1
    drain([first, second], clock)
    assert len(sheet_ids(sheets_emulator)) == 2


def test_appends_are_paced_for_the_whole_fleet(state, sheet):
    """Each append takes the next slot of the fleet's pace, whichever writer sends it."""
    clock = FakeClock(1000.0)
    paced = [writer(state, sheet, clock, name) for name in "ab"]
    for outbox in paced:
        outbox._min_interval = 0.0001  # a real pace, too short to notice
    slots = []
    with state.connection() as db:
        for outbox in paced * 2:
            outbox._turn()
            slots.append(db.execute("SELECT next_append FROM rally_writer").fetchone()[0])
    assert slots == sorted(slots) and len(set(slots)) == 4


def test_dead_letters_of_the_fleet_are_shown_and_retried_from_any_server(state, sheet, sheets_emulator):
    """A row refused for good is moved aside for every server; retried from another, it lands."""
    clock = FakeClock(1000.0)
    first, second = writer(state, sheet, clock, "a"), writer(state, sheet, clock, "b")
    row_id = first.submit("Votes", HEADER, {"Week": "2026-W47", "Link": "x" * 60_000, "Voter": "t"})
    first.flush()
    assert [d.id for d in second.dead_letters()] == [row_id] and not second.pending()
    with state.connection() as db:
        db.execute("UPDATE rally_outbox SET cells = %s WHERE id = %s", [f'{{"ID": "{row_id}", "Week": "w"}}', row_id])
    assert second.retry_dead([row_id]) == 1
    drain([second], clock)
    assert sheet_ids(sheets_emulator) == [row_id]


# -- one server reads the Sheet for the fleet -------------------------------------------------------------------------


def fleet_of(count, state_url, emulator, tmp_path, fresh=60.0):
    """`count` servers' sources on one Sheet, each with its own shared-state connection."""
    states = [SharedState(state_url) for _ in range(count)]
    tabs = {**demo_tabs(date.today()), "Votes": [list(VOTES.header)]}
    sources = [
        FleetSource(google_source(emulator, tmp_path / str(n), tabs), shared, fresh_for=lambda only: fresh)
        for n, shared in enumerate(states)
    ]
    return states, sources


def test_servers_due_together_make_one_read_of_the_sheet(state_url, sheets_emulator, tmp_path):
    """Three servers reading at once: one reads Google, two take its read from PostgreSQL, all hold the same version."""
    states, sources = fleet_of(3, state_url, sheets_emulator, tmp_path)
    try:
        sheets_emulator.reset_log()
        with ThreadPoolExecutor(3) as pool:
            snapshots = list(pool.map(lambda source: source.fetch(), sources))
        assert sheets_emulator.count("batch_get") == 1
        assert len({s.version for s in snapshots}) == 1 and snapshots[0].tabs == snapshots[1].tabs == snapshots[2].tabs
        assert sum(s.upstream_reads for s in sources) == 1 and sum(s.taken for s in sources) == 2
    finally:
        for shared in states:
            shared.close()


def test_a_read_is_taken_only_while_it_is_newer_and_fresh(state_url, sheets_emulator, tmp_path):
    """A server holding the newest read reads Google itself; a stored read older than the interval is not taken."""
    states, sources = fleet_of(2, state_url, sheets_emulator, tmp_path, fresh=3600.0)
    stale_states, stale = fleet_of(1, state_url, sheets_emulator, tmp_path / "stale", fresh=0.0)
    try:
        leader, follower = sources
        first = leader.fetch(LIVE_TAB_TITLES)
        sheets_emulator.reset_log()
        taken = follower.fetch(LIVE_TAB_TITLES)
        assert taken.version == first.version and sheets_emulator.count("batch_get") == 0
        again = leader.fetch(LIVE_TAB_TITLES, known=first)  # nothing newer than its own: it reads
        assert sheets_emulator.count("batch_get") == 1 and again.version == first.version
        unchanged = follower.fetch(LIVE_TAB_TITLES, known=taken)  # the same version: no bytes fetched, redated
        assert unchanged.tabs is taken.tabs and unchanged.fetched_at == again.fetched_at
        stale[0].fetch(LIVE_TAB_TITLES)
        assert sheets_emulator.count("batch_get") == 2, "a read older than the interval is read again"
    finally:
        for shared in states + stale_states:
            shared.close()


def test_the_whole_sheet_and_the_live_tabs_are_stored_apart(state_url, sheets_emulator, tmp_path):
    """A read of the live tabs is never handed to a server asking for the whole Sheet."""
    states, (leader, follower) = fleet_of(2, state_url, sheets_emulator, tmp_path)
    try:
        leader.fetch(LIVE_TAB_TITLES)
        sheets_emulator.reset_log()
        whole = follower.fetch()
        assert sheets_emulator.count("batch_get") == 1 and "Posts" in whole.tabs
    finally:
        for shared in states:
            shared.close()


def test_ids_are_always_looked_for_in_the_sheet_itself(state_url, sheets_emulator, tmp_path):
    """The exactly-once look before a resend reads the tab now, never a stored read."""
    states, (leader, follower) = fleet_of(2, state_url, sheets_emulator, tmp_path)
    try:
        leader.fetch()
        sheets_emulator.reset_log()
        follower.ids_in("Posts", [0])
        assert sheets_emulator.count("batch_get") == 1
    finally:
        for shared in states:
            shared.close()


# -- limits shared by every server ------------------------------------------------------------------------------------


def test_the_spam_limit_counts_sends_on_every_server(state_url):
    """Ten sends a minute per session, wherever they arrive; a minute later the session may send again."""
    states = [SharedState(state_url), SharedState(state_url)]
    try:
        clock = FakeClock(1000.0)
        limiters = [SharedSubmissionLimiter(shared, clock=clock) for shared in states]
        assert all(limiters[n % 2].allow("phone")[0] for n in range(10))
        allowed, wait = limiters[1].allow("phone")
        assert not allowed and 0 < wait <= 60
        assert limiters[0].allow("another phone")[0]
        clock.advance(61)
        assert limiters[1].allow("phone")[0]
    finally:
        for shared in states:
            shared.close()


def test_the_passcode_slow_down_follows_a_guesser_across_servers(state_url):
    """Wrong tries on one server count on the other; the right passcode from a client that never failed is never held back."""
    states = [SharedState(state_url), SharedState(state_url)]
    try:
        clock = FakeClock(1000.0)
        throttles = [SharedPasscodeThrottle(shared, clock=clock) for shared in states]
        for n in range(FREE_ATTEMPTS):
            assert throttles[n % 2].attempt("10.0.0.9", "guess", "secret") == (False, pytest.approx(0.0, abs=2.0))
        assert throttles[1].wait_seconds("10.0.0.9") > 0 and len(throttles[0]) == 1
        assert throttles[0].attempt("10.0.0.9", "secret", "secret")[0] is False, "still waiting: not even checked"
        assert throttles[1].attempt("10.0.0.1", "secret", "secret") == (True, 0.0)
        clock.advance(61)
        assert throttles[0].attempt("10.0.0.9", "secret", "secret") == (True, 0.0)
        with states[0].connection() as db:
            stored = {client for (client,) in db.execute("SELECT client FROM rally_passcode_clients")}
        assert "10.0.0.9" not in stored
    finally:
        for shared in states:
            shared.close()


# -- the composition root chooses -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rally", "gsheets", "refused"),
    [
        ({}, True, None),
        ({"state": "postgresql://rally:pw@db/rally"}, True, None),
        ({"state": "postgres://db/rally"}, True, None),  # libpq's short scheme
        ({"state": "mysql://db/rally"}, True, "PostgreSQL address"),
        ({"state": "postgresql://db/rally"}, False, "no Sheet is configured"),  # the demo lives on one server's disk
    ],
)
def test_state_is_a_postgresql_address_beside_a_sheet(rally, gsheets, refused):
    """`state` names PostgreSQL and comes with a Google Sheet, or Rally says what to change."""
    secrets = {"rally": rally}
    if gsheets:
        secrets["connections"] = {"gsheets": {"spreadsheet": "https://docs.google.com/spreadsheets/d/k/edit"}}
    env = {"SHEETS_EMULATOR_HOST": "127.0.0.1:1"}
    if refused:
        with pytest.raises(ConfigError, match=refused):
            load_config(secrets, env)
    else:
        assert load_config(secrets, env).state_url == (rally.get("state") or None)


def test_the_state_address_never_reaches_a_message():
    """The address may carry the database's password: it is scrubbed like every other secret."""
    config = load_config(
        {
            "rally": {"state": "postgresql://rally:hunter2-long@db/rally"},
            "connections": {"gsheets": {"spreadsheet": "k"}},
        },
        {"SHEETS_EMULATOR_HOST": "127.0.0.1:1"},
    )
    assert "hunter2" not in redact(
        "connecting to postgresql://rally:hunter2-long@db/rally failed", config.secret_values()
    )


def test_an_unreachable_database_says_what_to_check(sheets_emulator, tmp_path):
    """A server whose `state` can't be reached refuses to start with a sentence, not a traceback."""
    config = emulator_config(sheets_emulator, tmp_path)
    config = type(config)(**{**config.__dict__, "rally": {"state": "postgresql://rally@127.0.0.1:1/rally"}})
    with pytest.raises(ConfigError, match="can't reach the database"):
        composition.Server(config, background=False)


def test_an_answer_accepted_by_one_server_counts_on_the_other(state_url, sheets_emulator, tmp_path):
    """Two servers of a fleet on one Sheet: a survey answer queued on one is in the other's next version at once."""
    google_source(sheets_emulator, tmp_path, demo_tabs(date.today()))
    servers = []
    for n in range(2):
        config = emulator_config(sheets_emulator, tmp_path / f"server-{n}")
        config = type(config)(**{**config.__dict__, "rally": {"state": state_url, "sheet_read_attempts": 1}})
        servers.append(composition.Server(config))
    try:
        here, there = servers
        assert isinstance(here.outbox(), SharedOutbox) and isinstance(here.source, FleetSource)
        data = there.current(live=True)
        here.outbox().submit(VOTES.name, VOTES.header, vote_row("2026-W49", "https://example.com/post", "f" * 32))
        after = there.settle().dataset.votes
        assert len(after) == len(data.dataset.votes) + 1
        reads = sheets_emulator.count("batch_get")
        assert reads <= 2, "the second server took the first one's reads"
    finally:
        for server in servers:
            server.close()


def test_limits_while_the_database_is_unreachable_let_forms_through_and_no_passcode(state_url):
    """With the database gone, a form is let through (storing it says whether it was kept) and a passcode is not looked at."""
    shared = SharedState(state_url)
    shared.close()  # every later connection fails, as with the database down
    assert SharedSubmissionLimiter(shared).allow("phone") == (True, 0.0)
    throttle = SharedPasscodeThrottle(shared)
    assert throttle.wait_seconds("10.0.0.9") == 0.0
    assert throttle.attempt("10.0.0.9", "secret", "secret") == (False, pytest.approx(5.0))
