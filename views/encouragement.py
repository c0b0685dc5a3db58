"""Encouragement (facilitator only, never projected): who may need a hand or a word, each with a next step."""

import streamlit as st

from rally.core.text import md_escape
from rally.staff.encouragement import RULES, encouragement_list
from ui import layout
from ui import meeting as shared
from ui.access import facilitator_gate

data = layout.load()
dataset = data.dataset

st.title("Encouragement")
st.caption(
    "Private to the facilitator — keep this page off the projector. People who may need a hand or a word, with a next step for each."
)
if not facilitator_gate("the encouragement list"):
    st.stop()

week = shared.week_picker(shared.week_options(data), key="encouragement-week", label="As of week")
# Every rule looks at every person: once per data version and week for the whole server.
nudges = data.derive(encouragement_list, dataset.posts, dataset.staff, dataset.training, week)

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
