"""Data health's view of the writes on their way to the Sheet: rows waiting, rows the Sheet refused for good
(dead letters, each with its reason and Send again / Drop), and rows written twice.

The rows themselves (names, answers) are the facilitator's; everyone else sees how many.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from data_sources import commands
from data_sources.server import LiveData
from rally.core.text import md_escape
from rally.sheet.health import written_twice
from ui.access import facilitator_gate
from ui.forms import send
from ui.server import server

SHOWN_DEAD_LETTERS = 20


def _send_again(row_id: str) -> None:
    if send(commands.retry_dead_letter, row_id):
        st.toast("Back in the queue: it goes to the Sheet with the next write.", icon="📤")


def _drop(row_id: str) -> None:
    if send(commands.drop_dead_letter, row_id):
        st.toast("Dropped: it will not be sent.", icon="🗑️")


def draw(data: LiveData) -> None:
    """The section on Data health: what is waiting, what was refused (with Send again / Drop), what was written twice."""
    waiting, dead = server().write_queue()
    twice = data.derive(written_twice, data.dataset)  # the rows themselves are listed with the other issues below

    st.subheader("Writes to the Sheet")
    left, middle, right = st.columns(3)
    left.metric("Waiting to be written", f"{len(waiting):,}")
    middle.metric("Refused by the Sheet", f"{len(dead):,}")
    right.metric("Rows written twice", f"{twice:,}")
    reasons = [p.error for p in waiting if p.error]
    if reasons:
        st.warning(f"Rows wait for the Sheet — {md_escape(reasons[-1])}. They are sent on their own.", icon="⏳")
    if twice:
        st.caption("Each ID in the Sheet more than once is listed below with its row (Rally counts it once).")
    if dead and facilitator_gate("the refused rows"):
        _dead_letters(dead)


def _dead_letters(dead: list) -> None:
    st.markdown(
        "**Refused by the Sheet.** These rows were moved aside so the ones after them could go on. "
        "Fix what the reason says (in the Sheet or its settings), then send them again; or drop them."
    )
    for letter in dead[:SHOWN_DEAD_LETTERS]:
        with st.container(border=True):
            when = datetime.fromtimestamp(letter.moved).astimezone()
            st.caption(f"{md_escape(letter.tab)} · moved aside at {when:%H:%M on %d %b} · tried {letter.attempts}×")
            st.markdown(md_escape(letter.reason))
            # The row's cells are what someone typed: shown as plain text, never Markdown or HTML.
            st.text("\n".join(f"{column}: {value}" for column, value in letter.row.items() if value)[:2000])
            again, drop, _ = st.columns([1, 1, 4])
            again.button("Send again", key=f"retry-dead-{letter.id}", on_click=_send_again, args=(letter.id,))
            drop.button("Drop", key=f"drop-dead-{letter.id}", on_click=_drop, args=(letter.id,))
    if len(dead) > SHOWN_DEAD_LETTERS:
        st.caption(f"…and {len(dead) - SHOWN_DEAD_LETTERS:,} more, shown as these are sent or dropped.")
