"""The meeting's loop: notes from the presenter, the record a closed meeting leaves, last week's items followed up."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from data_sources import commands, server
from data_sources.commands import Caller, Refused
from data_sources.config import load_config
from rally.core.contract import FOLLOW_UPS, MEETINGS
from rally.demo.company import demo_tabs
from rally.sheet.dataset import build_dataset
from rally.weekly.glance import meeting_week
from rally.weekly.meeting import weekly_meeting
from rally.weekly.record import differences, follow_ups, item_key, meeting_records, next_seq, record_rows

TODAY = date(2026, 11, 23)
WEEK = meeting_week(TODAY)
FACILITATOR = Caller("session-1", facilitator=True)


@pytest.fixture(scope="module")
def meeting():
    dataset = build_dataset(demo_tabs(TODAY), today=TODAY)
    return weekly_meeting(dataset, WEEK, today=TODAY)


def frame_of(rows: list[dict[str, str]], spec) -> pd.DataFrame:
    return pd.DataFrame([{column: row.get(column, "") for column in spec.header} for row in rows])


def test_closing_a_meeting_twice_gives_the_same_rows(meeting):
    """Each row's ID is the week and the item, so a second close (or a retried write) is the same rows."""
    first, again = record_rows(meeting, TODAY), record_rows(meeting, TODAY)
    assert first == again and len({row["ID"] for row in first}) == len(first)
    assert {row["Kind"] for row in first} >= {"total", "hero", "winner", "highlight"}


def test_a_record_reads_back_as_the_meeting_showed_it(meeting):
    """The Meetings rows read back to the totals, hero, winners and items the slides showed."""
    [record] = meeting_records(frame_of(record_rows(meeting, TODAY), MEETINGS)).values()
    assert record.week == WEEK and record.closed == TODAY.isoformat()
    assert record.totals["Posts"] == meeting.glance.this.posts
    assert record.hero == (meeting.hero.name, meeting.hero.reason)
    assert record.highlights == tuple((h.kind, h.text) for h in meeting.highlights)
    assert differences(record, meeting) == []


def test_today_s_figures_are_shown_beside_the_record_only_where_they_differ(meeting):
    """A late post changes the week's posts: the record keeps what was shown, the difference is named."""
    [record] = meeting_records(frame_of(record_rows(meeting, TODAY), MEETINGS)).values()
    later = replace(record, totals={**record.totals, "Posts": record.totals["Posts"] - 2})
    [difference] = differences(later, meeting)
    assert difference.what == "Posts" and difference.now == f"{meeting.glance.this.posts:,}"


# fmt: off
@pytest.mark.parametrize(
    ("marks", "status"),
    [
        ([], ""),  # nobody has marked it yet
        ([("not yet", "1")], "not yet"),
        ([("not yet", "1"), ("done", "2")], "done"),  # the latest mark counts
        ([("done", "3"), ("not yet", "2")], "done"),  # by Seq, not by row order
        ([("maybe", "4")], ""),  # not a status: ignored
    ],
)
# fmt: on
def test_a_follow_up_shows_its_latest_mark(marks, status):
    """Last week's item comes back with the latest of done, not yet or dropped."""
    text = "Add reach to every post by Friday"
    rows = [{"Week": "2026-W46", "Item": item_key(text), "Status": s, "Seq": seq} for s, seq in marks]
    frame = frame_of(rows, FOLLOW_UPS) if rows else pd.DataFrame(columns=FOLLOW_UPS.header)
    [item] = follow_ups([text], "2026-W46", frame)
    assert (item.text, item.status) == (text, status)


@pytest.fixture
def demo_server(tmp_path, monkeypatch):
    """A real Server on a private demo store (its outbox writes to the store)."""
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SHEETS_EMULATOR_HOST", raising=False)
    server.reset()
    rally = server.for_config(load_config({}))
    yield rally
    server.reset()


def test_a_note_from_the_presenter_counts_at_once_and_lands_once(demo_server):
    """A highlight added on a slide is in the dataset at once, and in the Notes tab once after the write."""
    data = demo_server.current()
    week = meeting_week(data.today())
    commands.add_note(demo_server, FACILITATOR, data, week, "Highlight", "Two new posters in Sales!")
    assert "Two new posters in Sales!" in demo_server.current().dataset.notes["text"].tolist()
    demo_server.outbox().flush()
    notes = demo_server.source.fetch().tabs["Notes"]
    assert sum("Two new posters in Sales!" in row for row in notes) == 1
    with pytest.raises(Refused, match="facilitator"):
        commands.add_note(demo_server, Caller("someone"), data, week, "Improve", "Nothing")


def test_closing_the_meeting_writes_one_row_set_and_marks_follow_ups(demo_server):
    """Closing twice leaves one set of Meetings rows; a follow-up mark is read back as the item's status."""
    data = demo_server.current()
    week = meeting_week(data.today())
    meeting = weekly_meeting(data.dataset, week, today=data.today())
    written = commands.close_meeting(demo_server, FACILITATOR, meeting, data.today())
    commands.close_meeting(demo_server, FACILITATOR, meeting, data.today())
    demo_server.outbox().flush()
    rows = demo_server.source.fetch().tabs["Meetings"][1:]
    assert len(rows) == written
    data = demo_server.current(refresh=True)
    assert week in meeting_records(data.dataset.meetings)
    [item] = follow_ups(["Ask for reach by Friday"], week, data.dataset.follow_ups)
    commands.follow_up(demo_server, FACILITATOR, week, item, "done", next_seq(data.dataset.follow_ups), data.today())
    [item] = follow_ups(["Ask for reach by Friday"], week, demo_server.current().dataset.follow_ups)
    assert item.status == "done"
