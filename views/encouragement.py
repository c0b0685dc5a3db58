"""Encouragement (facilitator only, never projected): who may need a hand or a word, each with a next step."""

import streamlit as st

from rally.core.text import md_escape
from rally.staff.encouragement import RULES, encouragement_list
from rally.staff.training import training_records
from rally.weekly.glance import last_complete_week, weeks_to_show
from ui import layout
from ui.access import facilitator_gate

data = layout.load()
dataset = data.dataset

st.title("Encouragement")
st.caption(
    "Private to the facilitator — keep this page off the projector. People who may need a hand or a word, with a next step for each."
)
if not facilitator_gate("the encouragement list"):
    st.stop()

# Every rule looks at every person: keep the list per data and week.
nudges_for = st.cache_data(show_spinner="Looking through the weeks…", max_entries=16)(encouragement_list)

today = layout.today()
weeks = weeks_to_show(dataset.posts, today)
default = last_complete_week(today)
week = st.selectbox(
    "As of week",
    weeks,
    index=weeks.index(default) if default in weeks else 0,
    help="Defaults to the week the meeting reviews (the last complete one)",
)
records, _ = training_records(dataset.staff, dataset.raw, dataset.settings.day_first(data.state.snapshot.locale))
nudges = nudges_for(dataset.posts, dataset.staff, records, week)

counts = st.columns(len(RULES))
for column, rule in zip(counts, RULES):
    column.metric(rule.title, int((nudges["rule"] == rule.key).sum()))

for rule in RULES:
    rows = nudges[nudges["rule"] == rule.key]
    st.subheader(f"{rule.title} ({len(rows)})")
    if rows.empty:
        st.caption("Nobody right now.")
        continue
    st.caption(f"Next step: {rule.step}")
    for row in rows.itertuples():
        team = f" ({md_escape(row.team)})" if row.team else ""
        st.markdown(f"- **{md_escape(row.name)}**{team} — {md_escape(row.why)}")
