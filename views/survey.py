"""Answer the survey: the page phones open from the QR code. Anonymous; one response per person per round."""

import streamlit as st

from rally.core.text import md_escape, safe_link
from rally.survey.answers import answers_of, session_code
from rally.survey.questions import PREFER_NOT_TO_SAY, SCALE_VALUES, TEXT_LIMIT, Question, parse_multi
from ui import layout
from ui import survey_panel as panel

EDITING_KEY = "survey-editing"
SAVED_KEY = "survey-saved"

data = layout.load(live=True)
today = layout.today()
survey = panel.live_survey(data)
token = panel.session_token()
session = session_code(token, survey.current)
questions = survey.questions

st.title("Your view on our social media")
st.caption(f"Round: {md_escape(survey.current)} · one answer per person: sending again replaces your earlier answers.")
st.info(
    "**Anonymous.** Rally stores no name, e-mail or IP address: only your answers, the round and the day (never the time). "
    f"Results by team are shown only for groups of at least {survey.threshold} people.",
    icon="🔒",
)

form_link = safe_link(data.dataset.settings.survey_form_link)
if form_link:
    # The `Survey form link` setting: the survey is answered in the company's Google Form (the room's QR opens it too).
    st.markdown("This survey is answered in our Google Form. Its answers show on the results page, live.")
    st.link_button("Open the survey", form_link, icon="📋", type="primary", width="stretch")
    st.stop()
if survey.answers.form:
    st.warning(
        "This Sheet's Survey tab holds a Google Form's responses, so this survey is answered in that Form: "
        "ask the facilitator for its link. The results still show here, live.",
        icon="📋",
    )
    st.stop()

mine = answers_of(survey.answers.frame, session, survey.current)
editing = st.session_state.get(EDITING_KEY) == survey.current
if (mine or st.session_state.get(SAVED_KEY) == survey.current) and not editing:
    st.success("**Thanks — saved.** Your answers count in this round's results.", icon="✅")
    st.button("Change my answers", icon="✏️", on_click=lambda: st.session_state.update({EDITING_KEY: survey.current}))
    st.page_link("views/ideas.py", label="Got an idea? The ideas box is always open", icon="💡")
    st.stop()


def ask(question: Question, before: str | None, key: str) -> object:
    """One question's widget, filled in with the earlier answer when the person is changing theirs."""
    label = md_escape(question.text) + ("" if question.required else " (optional)")
    if question.type == "scale":
        low, high = question.scale_labels
        earlier = int(before) if before and before.isdigit() and int(before) in SCALE_VALUES else None
        value = st.segmented_control(label, list(SCALE_VALUES), default=earlier, key=key, width="stretch")
        st.caption(f"1 = {md_escape(low)} · 5 = {md_escape(high)}")
        return value
    if question.type == "multi":
        known = parse_multi(before, question.choices)[0] if before else []
        return st.pills(
            label, list(question.choices), selection_mode="multi", default=known, format_func=md_escape, key=key
        )
    if question.type == "text":
        return st.text_area(
            label,
            value=before or "",
            max_chars=TEXT_LIMIT,
            height=110,
            key=key,
            placeholder="Write as much or as little as you like",
        )
    options = list(question.choices) + ([PREFER_NOT_TO_SAY] if question.is_team and not question.required else [])
    index = options.index(before) if before in options else None
    return st.radio(label, options, index=index, horizontal=question.type == "yesno", format_func=md_escape, key=key)


with st.form("survey", border=False):
    given = {q.id: ask(q, mine.get(q.id), f"answer-{survey.current}-{q.id}") for q in questions.questions}
    sent = st.form_submit_button("Send my answers", type="primary", icon="📨", width="stretch")

if sent and panel.submit_answers(given, survey, session, today):
    st.session_state[SAVED_KEY] = survey.current
    st.session_state.pop(EDITING_KEY, None)
    st.rerun()
