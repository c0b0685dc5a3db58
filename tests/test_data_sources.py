"""Both data sources, for real: the local store on disk and gspread against the in-repo Sheets emulator."""

from __future__ import annotations

import threading
from datetime import date

import pandas as pd
import pytest

from bench.data import synthetic_tabs
from data_sources.base import SourceError
from data_sources.config import RallyConfig
from data_sources.factory import open_source
from data_sources.google_sheet import GoogleSheetSource
from data_sources.packed import PACK_CELLS, PackedRows, Unpacked
from data_sources.server import Server, set_clock
from data_sources.snapshot_cache import SnapshotCache
from rally.demo.company import demo_tabs
from rally.sheet.dataset import build_dataset
from tests.emulator.sheets_emulator import FakeClock
from tests.sources import SHEET_KEY, demo_store, emulator_config, google_source

POSTS_HEADER = ["Date", "Name", "Platform", "Link"]


@pytest.fixture
def both_sources(sheets_emulator, tmp_path):
    """The demo store and a Google Sheet holding the same demo company."""
    return {"demo": demo_store(tmp_path), "google-sheet": google_source(sheets_emulator, tmp_path)}


def test_both_sources_give_the_same_columns_and_dtypes(both_sources):
    """The contract: whichever source is live, every frame has the same columns and dtypes."""
    datasets = {kind: build_dataset(s.fetch().tabs, s.fetch().locale) for kind, s in both_sources.items()}
    demo, sheet = datasets["demo"], datasets["google-sheet"]
    for frame in ("posts", "staff", "kpis", "notes"):
        assert dict(getattr(demo, frame).dtypes) == dict(getattr(sheet, frame).dtypes), frame
        assert len(getattr(demo, frame)) == len(getattr(sheet, frame)) > 0, frame
    assert demo.posts["reach"].sum() == sheet.posts["reach"].sum()
    assert [i.as_dict() for i in demo.issues] == [i.as_dict() for i in sheet.issues]


def test_numbers_and_dates_sent_as_numbers_read_like_typed_text(sheets_emulator, tmp_path):
    """Unformatted reads give serial dates and JSON numbers; Rally reads them as it reads text."""
    tabs = {
        "Posts": [
            ["Date", "Name", "Platform", "Reach"],
            [46342, "Maya Patel", "LinkedIn", 1234.0],
            ["2026-11-16", "Leo", "X", "1,234"],
        ]
    }
    dataset = build_dataset(google_source(sheets_emulator, tmp_path, tabs).fetch().tabs)
    assert list(dataset.posts["date"].dt.strftime("%Y-%m-%d")) == ["2026-11-16", "2026-11-16"]
    assert list(dataset.posts["reach"]) == [1234.0, 1234.0]


def test_a_refresh_is_one_batch_get_after_one_metadata_read(sheets_emulator, tmp_path):
    """Starting costs one metadata request; every refresh after is a single values:batchGet for all tabs."""
    source = google_source(sheets_emulator, tmp_path)
    sheets_emulator.reset_log()
    for _ in range(3):
        source.fetch()
    assert sheets_emulator.count("metadata") == 1
    assert sheets_emulator.count("batch_get") == 3
    assert sheets_emulator.count() == 4
    assert len(sheets_emulator.requests("batch_get")[0].ranges) == 5


def test_fifty_viewers_within_the_interval_cost_one_read(sheets_emulator, tmp_path):
    """However many sessions ask at once, the shared cache reads the Sheet once per interval."""
    clock = FakeClock(1000.0)
    cache = SnapshotCache(google_source(sheets_emulator, tmp_path), clock=clock)
    sheets_emulator.reset_log()
    threads = [threading.Thread(target=cache.get, args=(60,)) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sheets_emulator.count("batch_get") == 1
    clock.advance(59)
    cache.get(60)
    assert sheets_emulator.count("batch_get") == 1
    clock.advance(2)
    cache.get(60)
    assert sheets_emulator.count("batch_get") == 2


def test_rate_limits_are_retried_a_bounded_number_of_times(sheets_emulator, tmp_path):
    """Two 429s then success reads fine; endless 429s give up after three tries with a clear reason."""
    source = google_source(sheets_emulator, tmp_path)
    source.fetch()
    sheets_emulator.fail_next(2, status=429, kind="batch_get")
    assert source.fetch().tabs["Posts"]
    sheets_emulator.reset_log()
    sheets_emulator.fail_next(10, status=429, kind="batch_get")
    with pytest.raises(SourceError, match="rate limit") as raised:
        source.fetch()
    assert raised.value.transient
    assert sheets_emulator.count("batch_get") == 3


def test_a_failed_read_keeps_the_last_good_data_and_says_why(sheets_emulator, tmp_path):
    """When the Sheet stops answering, the cache serves what it had with the reason, and recovers."""
    clock = FakeClock(0.0)
    cache = SnapshotCache(google_source(sheets_emulator, tmp_path), clock=clock)
    good = cache.get(60).snapshot
    sheets_emulator.fault_rate(1.0, status=503, kind="batch_get")
    clock.advance(61)
    state = cache.get(60)
    assert state.stale and state.snapshot is good
    assert "Google Sheets unreachable" in state.error and "503" in state.error
    sheets_emulator.clear_faults()
    clock.advance(61)
    assert not cache.get(60).stale


def test_an_unshared_sheet_says_who_to_share_it_with(sheets_emulator, tmp_path):
    """A 403 becomes a message naming the service account's e-mail, not a traceback."""
    source = google_source(sheets_emulator, tmp_path)
    sheets_emulator.set_forbidden(SHEET_KEY, True)
    with pytest.raises(SourceError, match=r"Share it with rally@demo-project\.iam\.gserviceaccount\.com") as raised:
        source.fetch()
    assert not raised.value.transient


def test_a_wrong_key_says_which_setting_to_check(sheets_emulator, tmp_path):
    """A 404 names the key Rally looked for and the secrets setting to fix."""
    config = emulator_config(sheets_emulator, tmp_path, key="no-such-sheet")
    with pytest.raises(SourceError, match="no-such-sheet.*spreadsheet"):
        GoogleSheetSource(config, sleep=lambda s: None).fetch()


def test_a_missing_posts_tab_is_a_data_issue_not_a_crash(sheets_emulator, tmp_path):
    """A Sheet without a Posts tab reads, and Data health says to add it."""
    dataset = build_dataset(google_source(sheets_emulator, tmp_path, {"Staff": [["Name"], ["Maya"]]}).fetch().tabs)
    assert dataset.posts.empty
    assert any("Posts tab is missing" in i.problem for i in dataset.issues)


def test_a_tab_renamed_between_reads_is_found_again(sheets_emulator, tmp_path):
    """When a tab disappears under Rally, one more metadata read finds the new layout."""
    source = google_source(sheets_emulator, tmp_path, {"Posts": [POSTS_HEADER], "Old": [["x"]]})
    source.fetch()
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs={"Posts": [POSTS_HEADER, ["2026-11-16", "Maya", "X", ""]]})
    assert source.fetch().tabs == {"Posts": [POSTS_HEADER, ["2026-11-16", "Maya", "X"]]}


def test_appends_go_raw_so_formulas_stay_text(sheets_emulator, tmp_path):
    """Everything Rally writes is RAW: '=1+1' and '+44…' arrive as typed."""
    source = google_source(sheets_emulator, tmp_path, {"Posts": [POSTS_HEADER]})
    source.append_rows("Posts", [["2026-11-16", '=HYPERLINK("x")', "+44 LinkedIn", "@here"]], POSTS_HEADER)
    assert sheets_emulator.values(SHEET_KEY, "Posts")[1] == ["2026-11-16", '=HYPERLINK("x")', "+44 LinkedIn", "@here"]
    assert {r.value_input_option for r in sheets_emulator.requests("append")} == {"RAW"}


def test_appending_to_a_missing_tab_creates_it_with_its_header(sheets_emulator, tmp_path):
    """A first vote creates the Votes tab, header first, then the row."""
    source = google_source(sheets_emulator, tmp_path, {"Posts": [POSTS_HEADER]})
    source.append_rows("Votes", [["id-1", "2026-W47"]], ["ID", "Week"])
    assert sheets_emulator.values(SHEET_KEY, "Votes") == [["ID", "Week"], ["id-1", "2026-W47"]]


def test_init_sheet_adds_missing_tabs_and_leaves_data_alone(sheets_emulator, tmp_path):
    """ensure_tabs adds what is missing with headers and never touches an existing tab."""
    source = google_source(sheets_emulator, tmp_path, {"posts": [POSTS_HEADER, ["2026-11-16", "Maya", "X", ""]]})
    added = source.ensure_tabs({"Posts": ["Date", "Name", "Platform"], "Staff": ["Name", "Team"]})
    assert added == ["Staff"]
    assert sheets_emulator.values(SHEET_KEY, "posts")[1] == ["2026-11-16", "Maya", "X"]
    assert sheets_emulator.values(SHEET_KEY, "Staff") == [["Name", "Team"]]


def test_errors_never_carry_the_private_key(sheets_emulator, tmp_path):
    """A key that can't be used is refused without echoing any of it."""
    canary = "-----BEGIN PRIVATE KEY-----\nCANARYCANARYCANARYCANARY\n-----END PRIVATE KEY-----\n"
    config = RallyConfig(
        gsheets={
            "spreadsheet": SHEET_KEY,
            "type": "service_account",
            "private_key": canary,
            "client_email": "a@b.iam.gserviceaccount.com",
            "private_key_id": "k" * 20,
            "project_id": "p",
            "token_uri": "https://oauth2.googleapis.com/token",
        },
        data_dir=tmp_path,
    )
    with pytest.raises(SourceError) as raised:
        GoogleSheetSource(config, sleep=lambda s: None).fetch()
    assert "CANARY" not in str(raised.value) and "k" * 20 not in str(raised.value)


def test_the_demo_store_reseeds_when_the_week_turns_and_keeps_what_people_wrote(tmp_path):
    """Seeded rows follow today's week; rows people appended survive the reseed."""
    store = demo_store(tmp_path, today=date(2026, 11, 18))
    store.append_rows("Votes", [["id-1", "2026-W47"]], ["ID", "Week"])
    first = store.fetch().tabs
    later = demo_store(tmp_path, today=date(2026, 12, 2)).fetch().tabs
    assert first["Posts"] != later["Posts"]
    assert max(r[0] for r in later["Posts"][1:] if r[0]) >= "2026-11-30"
    assert later["Votes"] == [["ID", "Week"], ["id-1", "2026-W47"]]


def test_the_demo_store_takes_concurrent_writers_without_losing_a_row(tmp_path):
    """Eight threads appending at once all land."""
    store = demo_store(tmp_path)
    threads = [
        threading.Thread(target=lambda n=n: [store.append_rows("Kudos", [[f"{n}-{i}"]], ["ID"]) for i in range(25)])
        for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.fetch().tabs["Kudos"]) == 1 + 200


def test_the_local_store_file_is_owner_only(tmp_path):
    """The store holds survey answers: nobody else on the machine may read it."""
    store = demo_store(tmp_path)
    assert store.path.stat().st_mode & 0o077 == 0


def test_a_live_read_fetches_only_the_named_tabs(both_sources, sheets_emulator):
    """Live parts read their own small tabs: one batchGet with just those ranges, matched loosely."""
    for source in both_sources.values():
        source.append_rows("Votes", [["id-1"]], ["ID"])
    sheets_emulator.reset_log()
    for source in both_sources.values():
        assert set(source.fetch(["votes", "Survey"]).tabs) == {"Votes"}
    assert [r.ranges for r in sheets_emulator.requests("batch_get")] == [("'Votes'",)]


def test_appending_to_a_tab_spelt_differently_writes_to_the_existing_one(sheets_emulator, tmp_path):
    """A 'votes' tab made by hand is where Rally's Votes rows go, not a second tab."""
    source = google_source(sheets_emulator, tmp_path, {"Posts": [POSTS_HEADER], "votes": [["ID"]]})
    source.append_rows("Votes", [["id-1"]], ["ID"])
    assert sheets_emulator.tab_titles(SHEET_KEY) == ["Posts", "votes"]
    assert sheets_emulator.values(SHEET_KEY, "votes") == [["ID"], ["id-1"]]


@pytest.mark.parametrize(
    "literal",
    [
        "46342",  # a date cell, as a serial number
        "46342.0",
        "46342.4375",  # a date with a time of day
        "1234.0",  # a whole number sent as a float loses its '.0', as a person would see it
        "-3",
        "0",
        "1e21",  # huge floats keep Python's spelling, as before
        "0.1",
        "true",
        "false",
        "null",
        '"007"',  # text stays exactly as typed
        '"=1+1"',
    ],
)
def test_decoding_an_answer_gives_the_same_text_as_converting_each_cell(literal):
    """decode_values turns numbers into text inside the JSON decoder; the text is what as_text gives each value."""
    import json

    from data_sources.google_sheet import _row_text, as_text, decode_values

    answer = ('{"valueRanges": [{"range": "Posts!A1:B1", "values": [[' + literal + ', "x"]]}]}').encode()
    [value_range] = decode_values(answer)
    expected = [as_text(json.loads(literal)), "x"]
    assert [_row_text(row) for row in value_range["values"]] == [expected]


def test_the_version_changes_with_the_data_and_only_with_it(sheets_emulator, tmp_path):
    """Two reads of unchanged data share a version (so caches keyed by it are reused); an edited cell gives a new one."""
    source = google_source(
        sheets_emulator, tmp_path, {"Posts": [["Date", "Name", "Platform"], ["2026-11-16", "Maya", "X"]]}
    )
    first, second = source.fetch(), source.fetch()
    assert first.version == second.version
    sheets_emulator.set_values(SHEET_KEY, "Posts", [["Date", "Name", "Platform"], ["2026-11-16", "Maya", "LinkedIn"]])
    assert source.fetch().version != first.version


def test_a_server_keeps_one_copy_of_the_rows_a_new_read_did_not_change(sheets_emulator, tmp_path):
    """Every read brings every cell again; the cache keeps the rows it already holds where they are equal.

    At 100k posts that is over 100 MB the parsed data would otherwise hold twice (one read per minute).
    """
    posts = [["Date", "Name", "Platform"], ["2026-11-16", "Maya", "X"]]
    source = google_source(sheets_emulator, tmp_path, {"Posts": posts, "Survey": [["ID", "Answer"], ["a1", "Fine"]]})
    clock = FakeClock(0.0)
    cache = SnapshotCache(source, clock=clock)
    first = cache.get(60).snapshot

    clock.advance(61)
    same = cache.get(60).snapshot
    assert sheets_emulator.count("batch_get") == 2, "the second read happened"
    assert same.tabs is first.tabs and same.version == first.version
    assert same.fetched_at > first.fetched_at, "dated by the new read, which rows queued since are compared with"

    source.append_rows("Survey", [["a2", "Great"]], ["ID", "Answer"])
    clock.advance(61)
    changed = cache.get(60).snapshot
    assert changed.version != first.version
    assert changed.tabs["Survey"] == [["ID", "Answer"], ["a1", "Fine"], ["a2", "Great"]]
    assert changed.tabs["Posts"] is first.tabs["Posts"], "the unchanged tab is the copy already held"
    assert changed.tabs == source.fetch().tabs, "what the snapshot says is what the Sheet says"


def test_a_read_that_finds_the_sheet_unchanged_keeps_the_rows_it_knew(sheets_emulator, tmp_path):
    """Given the previous read, the Google source compares the answer's version before decoding it: an unchanged
    Sheet comes back as the known rows, re-dated, and still costs exactly one batchGet."""
    source = google_source(
        sheets_emulator, tmp_path, {"Posts": [["Date", "Name", "Platform"], ["2026-11-16", "Maya", "X"]]}
    )
    first = source.fetch()
    sheets_emulator.reset_log()
    again = source.fetch(known=first)
    assert again.tabs is first.tabs and again.version == first.version and again.fetched_at > first.fetched_at
    assert sheets_emulator.count("batch_get") == 1
    source.append_rows("Posts", [["2026-11-17", "Leo", "LinkedIn"]], ["Date", "Name", "Platform"])
    changed = source.fetch(known=first)
    assert changed.version != first.version and changed.tabs["Posts"][-1] == ["2026-11-17", "Leo", "LinkedIn"]


# -- what a server keeps of a read -------------------------------------------------------------------------
@pytest.fixture
def server_clock():
    clock = FakeClock(1_000.0)
    set_clock(clock)
    yield clock
    set_clock()


def test_a_big_tab_is_kept_packed_once_parsed_and_parsed_again_from_there(sheets_emulator, tmp_path, server_clock):
    """The newest read is kept so it can be parsed again; at 100k posts its rows are ~55 MB of strings. Once parsed,
    a tab of PACK_CELLS cells or more is kept packed, and a post logged here parses that same read again from it."""
    today = date.today()
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs=synthetic_tabs(2_000, today))
    rally_server = Server(emulator_config(sheets_emulator, tmp_path), background=False)
    try:
        before = rally_server.current().dataset
        held = rally_server.sheet.state().snapshot.tabs
        assert isinstance(held["Posts"], PackedRows) and sum(map(len, Unpacked(held)["Posts"])) >= PACK_CELLS
        assert [title for title, rows in held.items() if isinstance(rows, PackedRows)] == ["Posts"]
        assert Unpacked(held)["Posts"] == open_source(emulator_config(sheets_emulator, tmp_path)).fetch().tabs["Posts"]

        sheets_emulator.reset_log()
        link = "https://www.linkedin.com/posts/maya-packed-1"
        row = {"Date": today.isoformat(), "Name": "Maya Patel", "Platform": "LinkedIn", "Link": link}
        rally_server.outbox().submit("Posts", [*row, "ID"], row)
        after = rally_server.current().dataset
        assert sheets_emulator.count("batch_get") == 0, "parsed again from the packed rows, not read again"
        assert len(after.posts) == len(before.posts) + 1 and (after.posts["link"] == link).sum() == 1
        kept = after.posts[after.posts["link"] != link].drop(columns="pending").reset_index(drop=True)
        pd.testing.assert_frame_equal(kept, before.posts.drop(columns="pending"))
    finally:
        rally_server.close()


def test_the_rooms_tabs_read_either_way_are_one_version(sheets_emulator, tmp_path, server_clock):
    """The room's tabs come with the whole Sheet's read every minute and on their own every few seconds while a live
    page is open: the same votes read either way are the same data version (nothing is computed again), a new vote
    is a new one."""
    tabs = demo_tabs(date.today())
    tabs["Votes"] = [
        ["ID", "Timestamp", "Week", "Post link", "Voter token"],
        ["v1", "2026-11-23T09:41:07Z", "2026-W48", "https://x.com/a/1", "t1"],
    ]
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs=tabs)
    rally_server = Server(emulator_config(sheets_emulator, tmp_path), background=False)
    try:
        whole = rally_server.current()
        server_clock.advance(5)
        live = rally_server.current(live=True)
        assert sheets_emulator.count("batch_get") == 2, "the room's tabs were read on their own"
        assert live.version == whole.version
        rally_server.source.append_rows(
            "Votes", [["v2", "2026-11-23T09:42:00Z", "2026-W48", "https://x.com/a/1", "t2"]], []
        )
        server_clock.advance(5)
        voted = rally_server.current(live=True)
        assert voted.version != whole.version and len(voted.dataset.votes) == 2
        assert voted.sheet_version == whole.sheet_version, "the tabs people keep are unchanged"
    finally:
        rally_server.close()
