"""The ideas box: always open, anonymous — how would you improve our social media?"""

import streamlit as st

from rally.core.contract import IDEAS
from rally.core.text import md_text
from rally.survey.ideas import IDEA_LIMIT
from ui import layout
from ui import survey_panel as panel
from ui.access import facilitator_gate, is_facilitator

SHOWN = 30

data = layout.load(live=True)
today = layout.today()

st.title("Ideas box")
st.markdown("### How would you improve our social media?")
st.caption(
    "Always open. Anonymous: Rally stores your idea and the day, never your name, e-mail or IP address. Ideas are shown on the *Over to you* slide."
)

with st.form("idea", clear_on_submit=True, border=True):
    text = st.text_area(
        "Your idea", max_chars=IDEA_LIMIT, height=120, placeholder="One idea at a time: send as many as you like"
    )
    sent = st.form_submit_button("Send idea", type="primary", icon="💡", width="stretch")
if sent and panel.submit_idea(text, today):
    st.success("**Thanks — saved.** Another idea? The box is still open.", icon="✅")

survey = panel.live_survey()  # read after the form: an idea just sent is listed first
ideas = survey.ideas
facilitator = is_facilitator()
visible = ideas[~ideas["hidden"]]
st.subheader("Latest ideas")
if visible.empty:
    st.info("No ideas yet. Be the first!", icon="💡")
for idea_id, text in zip(visible["id"].head(SHOWN), visible["text"].head(SHOWN)):
    if facilitator:
        text_col, button_col = st.columns([6, 1], vertical_alignment="center")
        text_col.markdown(f"💡 {md_text(text)}")
        button_col.button(
            "Hide",
            key=f"hide-idea-{idea_id}",
            on_click=panel.set_hidden,
            args=(IDEAS.name, idea_id, True, survey, today),
            type="tertiary",
        )
    else:
        st.markdown(f"💡 {md_text(text)}")
if len(visible) > SHOWN:
    st.caption(f"…and {len(visible) - SHOWN} earlier ideas, all in the Sheet's Ideas tab.")
hidden = ideas[ideas["hidden"]]
if len(hidden):
    st.caption(f"{len(hidden)} idea{'s' if len(hidden) != 1 else ''} hidden by the facilitator.")
    if facilitator:
        with st.expander("Hidden ideas"):
            for idea_id, text in zip(hidden["id"], hidden["text"]):
                st.markdown(md_text(text))
                st.button(
                    "Show again",
                    key=f"show-idea-{idea_id}",
                    on_click=panel.set_hidden,
                    args=(IDEAS.name, idea_id, False, survey, today),
                )
if not facilitator:
    with st.expander("Facilitator", icon="🎛️"):
        if facilitator_gate("hiding ideas"):
            st.rerun()
