"""The facilitator's side of the presenter: notes added from the slides, the meeting closed, last week's items followed up.

Everything here writes through data_sources.commands (ID, RAW, exactly once in the Sheet, the role checked) and
shows at once: a command waits for the version of the data holding what it queued before the page draws again.
The controls sit in popovers on the slides' own row (Back, week, Next), so a slide still fits the projector.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from data_sources import commands
from data_sources.server import LiveData
from rally.core.text import md_escape, md_text
from rally.sheet.dataset import Dataset
from rally.weekly.meeting import WeeklyMeeting
from rally.weekly.record import (
    STATUS_LABELS,
    STATUSES,
    FollowUp,
    MeetingRecord,
    differences,
    follow_ups,
    items_to_follow_up,
    meeting_records,
    next_seq,
)
from ui import access
from ui.forms import send

FLASH = "rally-meeting-flash"  # what the last action did, said once after the page draws again


def records_of(dataset: Dataset) -> dict[str, MeetingRecord]:
    return meeting_records(dataset.meetings)


def record_for(data: LiveData, week: str) -> MeetingRecord | None:
    """The week's closed meeting, if it was closed (once per data version for the whole server)."""
    return data.derive(records_of, data.dataset).get(str(week))


def flash() -> None:
    """The last action's result as a toast, once (the page drew again since)."""
    said = st.session_state.pop(FLASH, None)
    if said:
        st.toast(said, icon="✅")


def _done(message: str) -> None:
    st.session_state[FLASH] = message
    st.rerun()


def closed_note(record: MeetingRecord | None, meeting: WeeklyMeeting) -> None:
    """Under a closed week's title: these slides are what its meeting showed, and what moved since."""
    if record is None:
        return
    when = pd.Timestamp(record.closed).strftime("%A %-d %B") if record.closed else "earlier"
    moved = differences(record, meeting)
    since = (
        " Since then: "
        + "; ".join(f"{md_escape(d.what)} {md_escape(d.then)} → {md_escape(d.now)}" for d in moved)
        + "."
        if moved
        else ""
    )
    st.caption(f"📌 Closed on {when}: these slides show what the meeting showed.{since}")


# -- notes from the presenter -----------------------------------------------------------------------------------
NOTE_LABELS = {  # kind -> (the button, the box's prompt, what the toast says once it is on the slide)
    "Highlight": ("Add a highlight", "What to celebrate, as you would say it", "The highlight is on the slide"),
    "Improve": ("Add an action", "What we'll do better, not blame", "The action is on the slide"),
    "Hero": ("Pick the hero", "Why, in words you can say", "The hero of the week is on the slide"),
}


def note_popover(data: LiveData, meeting: WeeklyMeeting, kind: str) -> None:
    """A facilitator's note for this slide (a highlight, a do-better item, the hero and the reason), to the Notes tab."""
    title, prompt, done = NOTE_LABELS[kind]
    with st.popover(title, icon="✏️", width="stretch"):
        if not access.facilitator_gate(title.lower()):
            return
        with st.form(f"note-{kind}", clear_on_submit=True, border=False):
            person = ""
            if kind == "Hero":
                person = st.selectbox("Who", hero_choices(meeting, data.dataset.staff), index=None, key="note-hero")
            text = st.text_area(prompt, max_chars=commands.NOTE_MAX, key=f"note-{kind}-text", height=90)
            sent = st.form_submit_button(title, type="primary", icon="➕")
        if sent and send(commands.add_note, data, meeting.week, kind, text, person or ""):
            _done(f"{done}, and on its way to the Sheet's Notes tab.")


def hero_choices(meeting: WeeklyMeeting, staff: pd.DataFrame) -> list[str]:
    """This week's posters first (by points), then everyone on the Staff tab."""
    named = meeting.leaderboard.loc[meeting.leaderboard["name"] != "Anonymous", "name"].tolist()
    return list(dict.fromkeys([*named, *sorted(staff["name"].dropna().tolist())]))


# -- closing the meeting --------------------------------------------------------------------------------------------
def close_popover(meeting: WeeklyMeeting, record: MeetingRecord | None, today: date) -> None:
    """Close the meeting: what the slides showed goes to the Meetings tab, once."""
    with st.popover("Close the meeting" if record is None else "Closed ✓", icon="📌", width="stretch"):
        if not access.facilitator_gate("close the meeting"):
            return
        st.markdown(
            f"Keeps what {meeting.week}'s slides showed (the totals, hero, winners, highlights, do-better items and "
            "the vote) in the Sheet's **Meetings** tab. Opening this week later shows that record, with today's "
            "figures beside it where they differ; next week's *What we'll do better* opens with these items."
        )
        if record is not None:
            st.caption(f"Closed on {record.closed}. Closing again keeps what it recorded and adds only items it lacks.")
        if st.button(f"Close the {meeting.week} meeting", type="primary", icon="📌", key="close-meeting"):
            if send(commands.close_meeting, meeting, today) is not None:
                _done(f"{meeting.week}'s meeting is closed: its record is in the Meetings tab.")


# -- last week's items, followed up --------------------------------------------------------------------------------
def follow_up_panel(data: LiveData, week: str, today: date) -> bool:
    """Last week's "do better" items, each done / not yet / dropped (a facilitator marks them); False when none."""
    dataset = data.dataset
    before, items = items_to_follow_up(data.derive(records_of, dataset), dataset.notes, week)
    if not items:
        return False
    marks = dataset.follow_ups
    followed = follow_ups(items, before, marks)
    st.subheader(f"Last week ({before}): did we?")
    facilitator = access.is_facilitator()
    for number, item in enumerate(followed, start=1):
        if facilitator:
            st.segmented_control(
                f"{number}. {md_text(item.text, 200)}",
                STATUSES,
                default=item.status or None,
                format_func=STATUS_LABELS.get,
                key=f"follow-up-{before}-{item.key}-{item.status}",
                on_change=_mark,
                args=(before, item, next_seq(marks), today, f"follow-up-{before}-{item.key}-{item.status}"),
            )
        else:
            status = STATUS_LABELS.get(item.status, "❔ Not marked yet")
            st.markdown(f"{number}. {md_text(item.text, 200)} — **{status}**")
    return True


def _mark(week: str, item: FollowUp, seq: int, today: date, key: str) -> None:
    status = st.session_state.get(key)
    if status and status != item.status:
        send(commands.follow_up, week, item, status, seq, today)
