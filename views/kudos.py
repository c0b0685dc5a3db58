"""Kudos: thank a colleague in a line (to the Kudos tab, through the outbox); this week's kudos, shown as text."""

import pandas as pd
import streamlit as st

from data_sources import commands
from rally.core.text import NAME_MAX, md_escape, md_text
from rally.staff.posting import staff_spelling
from rally.weekly.glance import meeting_date, meeting_week_of
from rally.weekly.kudos import MESSAGE_MAX, NewKudos, for_meeting, kudos_for_week, signed
from ui import layout
from ui.forms import send

FLASH = "rally_kudos_flash"
GENERATION = "rally_kudos_form"
EARLIER = 20

data = layout.load()
dataset = data.dataset
today = layout.today()
# The next meeting (today's, on the meeting day) reads out what is sent from now on: see rally.weekly.glance.
week = meeting_week_of(today, dataset.settings.meeting_weekday)
meeting = meeting_date(week, dataset.settings.meeting_weekday)
when = "today's meeting" if meeting == today else f"the meeting on {meeting:%A %-d %B}"

st.title("Kudos")
st.caption(f"Thank a colleague for a post, a tip or a hand. Kudos sent now are read out at {when}.")

if flash := st.session_state.pop(FLASH, None):
    st.success(flash, icon="🙌")

generation = st.session_state.setdefault(GENERATION, 0)
with st.form(f"kudos-{generation}"):
    to = st.selectbox(
        "Kudos to",
        sorted(dataset.staff["name"], key=str.casefold),
        index=None,
        accept_new_options=True,
        placeholder="Pick or type a name",
        key=f"kudos-to-{generation}",
    )
    message = st.text_area(
        "Your message",
        max_chars=MESSAGE_MAX,
        placeholder="Your case study got us two calls this week — thank you!",
        key=f"kudos-message-{generation}",
    )
    sender = st.text_input(
        "From (optional)",
        max_chars=NAME_MAX,
        placeholder="Your name — leave blank to send it anonymously",
        key=f"kudos-from-{generation}",
    )
    submitted = st.form_submit_button("Send kudos", type="primary", icon="🙌", width="stretch")

if submitted:
    kudos = NewKudos(staff_spelling(to or "", dataset.staff), message, sender, today)
    if send(commands.send_kudos, data, kudos):
        st.session_state[FLASH] = f"Kudos sent to {md_escape(kudos.to)} — it'll be read out at {when}."
        st.session_state[GENERATION] = generation + 1
        st.rerun()

kudos = dataset.kudos


def show(rows) -> None:
    for row in rows.itertuples():
        when = "undated" if pd.isna(row.date) else f"{row.date:%a %d %b}"
        pending = " · ⏳ on its way to the Sheet" if row.pending else ""
        st.markdown(
            f"🙌 **{md_text(row.to, NAME_MAX)}** — {md_text(row.message)}  \n*from {md_text(signed(row.sender), NAME_MAX)} · {when}{pending}*"
        )


this_week = kudos_for_week(kudos, week, dataset.settings.meeting_weekday)
st.subheader(f"For {when}")
if this_week.empty:
    st.info(f"No kudos yet for {when}. Be the first — it takes ten seconds.", icon="💬")
else:
    show(this_week.iloc[::-1])

earlier = kudos[~for_meeting(kudos, week, dataset.settings.meeting_weekday)].head(EARLIER)
if not earlier.empty:
    with st.expander(f"Earlier kudos ({len(earlier)} most recent)"):
        show(earlier)
