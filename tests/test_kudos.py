"""Kudos: reading the tab (and rows still on their way), the week's kudos for the highlights, and the page."""

from __future__ import annotations

from datetime import date

import pytest

from rally.core.contract import KUDOS
from rally.core.records import QueuedRow
from rally.sheet.dataset import read_kudos
from rally.weekly.kudos import NewKudos, kudos_for_week, kudos_problems, signed
from tests.apptest import ROOT, app, texts

TAB = {
    "Kudos": [
        ["ID", "Date", "To", "From", "Message"],
        ["k1", "2026-11-16", "maya  patel", "Leo Martin", "Great case study"],  # 2
        ["k2", "2026-11-23", "Leo Martin", "", "Thanks for the tips"],  # 3: next week, anonymous
        ["k1", "2026-11-16", "Maya Patel", "Leo Martin", "Great case study"],  # 4: a retried write, same ID
        [
            "",
            "18/11/2026",
            "Ana Ruiz",
            "Maya",
            "<b>Brilliant</b> [click](javascript:x)",
        ],  # 5: typed by hand, day-first date
        ["k5", "2026-11-17", "", "Maya", "no one to thank"],  # 6: no To
        ["k6", "someday", "Ana Ruiz", "", "Undated thanks"],  # 7: no readable date
    ]
}


def test_each_kudos_is_read_once_with_names_as_the_staff_tab_spells_them():
    """A repeated ID counts once; rows without a To are left out; names take the Staff spelling."""
    kudos = read_kudos(TAB, display_names={"maya patel": "Maya Patel"})
    assert sorted(kudos["id"]) == ["", "k1", "k2", "k6"]
    assert set(kudos["to"]) == {"Maya Patel", "Leo Martin", "Ana Ruiz"}


# fmt: off
@pytest.mark.parametrize(
    ("week", "meeting_weekday", "messages"),
    [
        ("2026-W47", 0, ["<b>Brilliant</b> [click](javascript:x)", "Thanks for the tips"]),  # Tue 17 to Mon 23 Nov: oldest first
        ("2026-W46", 0, ["Great case study"]),  # sent on Monday 16 Nov, the meeting day: read out that morning
        ("2026-W48", 0, []),
        ("2026-W47", 2, ["Thanks for the tips"]),  # Wednesday meetings: Thu 19 to Wed 25 Nov
        ("2026-W46", 2, ["Great case study", "<b>Brilliant</b> [click](javascript:x)"]),  # Thu 12 to Wed 18 Nov (18/11 is day-first)
    ],
)
# fmt: on
def test_the_meeting_reads_out_the_kudos_sent_since_the_last_one(week, meeting_weekday, messages):
    """A meeting reads the kudos sent after the previous meeting day up to its own; an undated kudos is in none."""
    assert kudos_for_week(read_kudos(TAB), week, meeting_weekday)["message"].tolist() == messages


def test_kudos_still_on_their_way_are_included_once():
    """Queued rows join the tab's; one the read already brought (same ID) is not doubled."""
    queued = [QueuedRow({"ID": "k9", "Date": "2026-11-18", "To": "Leo Martin", "Message": "Nice one"}), QueuedRow({"ID": "k2", "To": "Leo Martin", "Message": "Thanks for the tips"}, pending=False)]
    kudos = read_kudos(TAB, queued)
    assert kudos["id"].tolist().count("k2") == 1
    assert kudos.set_index("id").loc["k9", "pending"]


def test_a_kudos_without_a_sender_is_signed_by_a_colleague():
    """From is optional: blank stays anonymous."""
    assert (signed(""), signed("Leo")) == ("a colleague", "Leo")


# fmt: off
@pytest.mark.parametrize(
    ("to", "message", "problems"),
    [
        ("Maya", "Thanks!", []),
        (" ", "Thanks!", ["Pick who the kudos is for."]),
        ("Maya", "   ", ["Write a line of thanks."]),
        ("Maya", "x" * 281, ["Keep it to 280 characters."]),
        ("M" * 81, "Thanks!", ["Keep the name to 80 characters."]),  # the picker accepts a typed name: capped like the form's
    ],
)
# fmt: on
def test_a_kudos_needs_someone_and_a_message(to, message, problems):
    """The form's rules."""
    assert kudos_problems(NewKudos(to, message, "", date(2026, 11, 18))) == problems


def test_a_sender_s_name_is_capped_too():
    assert kudos_problems(NewKudos("Maya", "Thanks!", "S" * 81, date(2026, 11, 18))) == ["Keep your name to 80 characters (or leave it blank)."]


def test_the_kudos_tab_is_part_of_the_contract_with_an_id_first():
    """init-sheet creates it; every written tab starts with ID."""
    from rally.core.contract import ALL_TABS

    assert KUDOS in ALL_TABS and KUDOS.header[0] == "ID"


def test_sending_kudos_shows_it_this_week_as_text(demo_app_env):
    """A kudos sent on the page is in this week's list at once, Markdown and HTML shown as typed."""
    at = app("views/kudos.py")
    at.selectbox(key="kudos-to-0").set_value("Maya Patel")
    at.text_area(key="kudos-message-0").set_value("**Loud** <b>thanks</b> [x](javascript:alert(1))")
    at.button(key="FormSubmitter:kudos-0-Send kudos").click().run()
    assert not at.exception and not at.error
    shown = texts(at)
    assert "Kudos sent to Maya Patel — it'll be read out at " in shown and "meeting" in shown
    assert "**Loud** <b>thanks</b> [x](javascript:alert(1))" in shown  # escaped: no bold, no HTML, no link
    assert "from a colleague" in shown
    raw = "\n".join(m.value for m in at.markdown)
    assert r"\*\*Loud\*\* \<b\>thanks\</b\> \[x\]\(javascript\:alert\(1\)\)" in raw


def test_a_kudos_without_a_message_is_not_sent(demo_app_env):
    """The page says what is missing and keeps the list as it was."""
    at = app("views/kudos.py")
    at.selectbox(key="kudos-to-0").set_value("Maya Patel")
    at.button(key="FormSubmitter:kudos-0-Send kudos").click().run()
    assert [e.value for e in at.error] == ["- Write a line of thanks\\."]


def test_init_sheet_knows_the_kudos_tab():
    """Kudos is in the contract's list of every tab, so `python cli.py init-sheet` adds it with its header."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "import cli, rally.core.contract as c; print([t.name for t in c.ALL_TABS])"], capture_output=True, text=True, check=True, cwd=ROOT)
    assert "'Kudos'" in out.stdout


# fmt: off
@pytest.mark.parametrize(
    ("day", "meeting_weekday", "week", "meeting"),
    [
        (date(2026, 12, 7), 0, "2026-W49", date(2026, 12, 7)),  # Monday, the meeting day: read out that morning
        (date(2026, 12, 8), 0, "2026-W50", date(2026, 12, 14)),  # Tuesday: at next Monday's meeting
        (date(2026, 12, 13), 0, "2026-W50", date(2026, 12, 14)),  # Sunday
        (date(2026, 12, 9), 2, "2026-W49", date(2026, 12, 9)),  # Wednesday meetings: that Wednesday's
        (date(2026, 12, 10), 2, "2026-W50", date(2026, 12, 16)),
        (date(2027, 1, 4), 0, "2026-W53", date(2027, 1, 4)),  # across the year: 2026 has a week 53
    ],
)
# fmt: on
def test_what_is_sent_between_two_meetings_is_read_out_at_the_next(day, meeting_weekday, week, meeting):
    """The Meeting day rule: the week whose meeting reads out a kudos sent on `day`, and that meeting's date."""
    from rally.weekly.glance import meeting_date, meeting_week_of

    assert meeting_week_of(day, meeting_weekday) == week
    assert meeting_date(week, meeting_weekday) == meeting
