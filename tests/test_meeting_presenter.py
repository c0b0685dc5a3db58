"""The presenter's facilitator controls under AppTest: notes from the slides, closing the meeting, last week followed up."""

from __future__ import annotations

import pytest

from data_sources import server
from rally.core.week import Week
from rally.weekly.glance import meeting_week
from rally.weekly.record import item_key
from tests.apptest import app, texts
from ui import layout

MEETING = "views/meeting.py"


def slide(number: int, week: Week | None = None, facilitator: bool = True):
    query = {"slide": str(number)} | ({"week": str(week)} if week else {})
    at = app(MEETING, query=query)
    assert not at.exception
    if facilitator:
        at.session_state["rally_facilitator"] = True  # as the demo passcode leaves it (tests/test_roles.py)
        at = at.run()
    return at


def button(at, label: str):
    [found] = [b for b in at.button if b.label == label]
    return found


def dataset():
    return server.for_secrets({}).current().dataset


def test_a_highlight_added_on_its_slide_shows_at_once_and_is_one_notes_row(demo_app_env):
    week = meeting_week(layout.today())
    at = slide(2)
    at.text_area(key="note-Highlight-text").input("Priya's webinar filled the room: 120 sign-ups")
    at = button(at, "Add a highlight").click().run()
    assert not at.exception and not at.error
    assert "Priya's webinar filled the room: 120 sign-ups" in texts(at)
    assert [t.value for t in at.toast] == ["The highlight is on the slide, and on its way to the Sheet's Notes tab."]
    notes = dataset().notes
    mine = notes[notes["text"] == "Priya's webinar filled the room: 120 sign-ups"]
    assert len(mine) == 1 and mine["kind"].tolist() == ["Highlight"] and mine["week"].tolist() == [week]


def test_the_hero_picked_on_its_slide_replaces_the_rule_s_choice(demo_app_env):
    at = slide(3)
    who = at.selectbox(key="note-hero").options[3]
    at.selectbox(key="note-hero").select(who)
    at.text_area(key="note-Hero-text").input("Answered every customer question in the comments")
    at = button(at, "Pick the hero").click().run()
    assert not at.exception and not at.error
    assert who in [h.value.removeprefix("🌟 ") for h in at.header]
    assert "Answered every customer question in the comments" in texts(at)


@pytest.mark.parametrize(
    ("kind", "slide_number", "text", "problem"),
    [
        ("Highlight", 2, "", "Write the note first."),
        ("Improve", 6, "   \n  ", "Write the note first."),  # blank, once the spaces are gone
        ("Hero", 3, "Great week", "Pick who the hero of the week is."),
    ],
)
def test_a_note_the_presenter_can_t_take_says_why_and_writes_nothing(demo_app_env, kind, slide_number, text, problem):
    at = slide(slide_number)
    before = len(dataset().notes)
    at.text_area(key=f"note-{kind}-text").set_value(text)
    label = {"Highlight": "Add a highlight", "Improve": "Add an action", "Hero": "Pick the hero"}[kind]
    at = button(at, label).click().run()
    assert problem in " ".join(e.value for e in at.error).replace("\\", "")
    assert len(dataset().notes) == before


def test_without_the_facilitator_role_the_slide_s_note_asks_for_the_passcode(demo_app_env):
    at = slide(6, facilitator=False)
    assert not [t for t in at.text_area if t.key == "note-Improve-text"]
    assert any(t.label == "Facilitator passcode" for t in at.text_input)


def test_closing_the_meeting_keeps_its_record_and_next_week_follows_its_items_up(demo_app_env):
    week = meeting_week(layout.today())
    item = "Tag the company page in every post"

    at = slide(6, week)
    at.text_area(key="note-Improve-text").input(item)
    at = button(at, "Add an action").click().run()
    assert item in texts(at)
    assert [t.value for t in at.toast] == ["The action is on the slide, and on its way to the Sheet's Notes tab."]

    at = slide(7, week)
    at = button(at, f"Close the {week} meeting").click().run()
    assert not at.exception and not at.error
    meetings = dataset().meetings
    assert set(meetings["Week"]) == {week} and item in meetings["Value"].tolist()
    rows = len(meetings)
    at = button(at, f"Close the {week} meeting").click().run()  # a second close writes nothing new
    assert len(dataset().meetings) == rows

    again = slide(1, week)
    assert "📌 Closed on" in texts(again) and "Since then" not in texts(again)

    # Next week's do-better slide opens with last week's item, marked by the facilitator; the mark is kept.
    at = slide(6, week.next)
    assert f"Last week ({week}): did we?" in texts(at)
    [control] = [c for c in at.get("button_group") if item in c.proto.label]
    control.set_value("done").run()
    marks = dataset().follow_ups
    assert marks[["Week", "Item", "Status"]].values.tolist() == [[week, item_key(item), "done"]]
    staff = slide(6, week.next, facilitator=False)
    assert f"{item} — **✅ Done**" in "\n".join(m.value for m in staff.markdown).replace("\\", "")
