"""Survey results for the projector: live counter, charts per question, round comparison, and answers turned into actions."""

import streamlit as st

from rally.core.contract import SURVEY
from rally.core.text import md_escape, md_text, truncate
from rally.survey.actions import action_points
from rally.survey.anonymity import count_phrase
from rally.survey.answers import ROUND_NAME_MAX, in_round, question_result, suggested_round_name, team_breakdown
from rally.survey.charts import choice_chart, scale_chart, words_chart
from ui import layout
from ui import survey_panel as panel
from ui.access import facilitator_gate, is_facilitator, sign_out

RESULTS, ACTIONS = "Live results", "Turning answers into actions"
EVERYONE, BY_TEAM = "Everyone", "By team"

data = layout.load(live=True)
dataset = data.dataset
today = layout.today()
survey = panel.live_survey(data)

st.title("Survey results")

with st.expander("Facilitator controls", icon="🎛️", expanded=is_facilitator()):
    if facilitator_gate("survey controls"):
        shown = survey.revealed
        reveal, new_round = st.columns(2, gap="large")
        with reveal:
            st.markdown(f"**{md_escape(survey.current)}** — results are {'on screen' if shown else 'hidden'}.")
            st.button(
                "Hide results" if shown else "Show results",
                icon="🙈" if shown else "👀",
                type="secondary" if shown else "primary",
                on_click=panel.show_results,
                args=(survey.current, not shown, survey, today),
            )
            st.button("Sign out", icon="🔒", on_click=sign_out, type="tertiary")
        with new_round, st.form("new-round", border=False):
            name = st.text_input(
                "Start a new round",
                value=suggested_round_name(today, [n for n, _ in survey.rounds.started]),
                max_chars=ROUND_NAME_MAX,
            )
            if st.form_submit_button("Start round", icon="▶️") and panel.start_round(name, survey, today):
                st.rerun()
        st.caption(md_escape(survey.questions.note))
        for issue in (*survey.questions.issues, *survey.answers.issues, *survey.rounds.issues):
            st.caption(f"⚠️ {md_escape(issue.tab)} row {issue.row} {md_escape(issue.column)}: {md_text(issue.problem)}")


def draw_question(result, live: panel.LiveSurvey, hidden_controls: bool) -> None:
    """One question's result: its chart (or its answers and words), with the comparison in words."""
    question = result.question
    st.markdown(f"#### {md_escape(question.text)}")
    if not result.answered:
        st.caption("No answers yet.")
        return
    said = f"{result.answered} answered"
    if result.mean is not None:
        said += f" · average {result.mean:.1f} of 5"
        if result.previous_mean is not None:
            said += f" (was {result.previous_mean:.1f}, {result.mean - result.previous_mean:+.1f})"
        said += "".join(f" · {md_escape(group)} {mean:.1f}" for group, mean in result.group_means.items())
    st.caption(said)
    if question.type == "scale":
        st.altair_chart(scale_chart(result.distribution, *question.scale_labels), width="stretch")
    elif question.type != "text":
        st.altair_chart(choice_chart(result.distribution), width="stretch")
    else:
        answers_col, words_col = st.columns([3, 2], gap="large")
        with answers_col:
            visible = result.texts[~result.texts["hidden"]]
            for answer_id, text in zip(visible["answer_id"], visible["text"]):
                if hidden_controls:
                    text_col, button_col = st.columns([6, 1], vertical_alignment="center")
                    text_col.markdown(f"💬 {md_escape(truncate(text, 300))}")
                    button_col.button(
                        "Hide",
                        key=f"hide-{answer_id}",
                        on_click=panel.set_hidden,
                        args=(SURVEY.name, answer_id, True, live, today),
                        type="tertiary",
                    )
                else:
                    st.markdown(f"💬 {md_escape(truncate(text, 300))}")
            hidden = result.texts[result.texts["hidden"]]
            if len(hidden):
                st.caption(f"{len(hidden)} answer{'s' if len(hidden) != 1 else ''} hidden by the facilitator.")
                if hidden_controls:
                    with st.expander("Hidden answers"):
                        for answer_id, text in zip(hidden["answer_id"], hidden["text"]):
                            st.markdown(md_escape(truncate(text, 300)))
                            st.button(
                                "Show again",
                                key=f"show-{answer_id}",
                                on_click=panel.set_hidden,
                                args=(SURVEY.name, answer_id, False, live, today),
                            )
        with words_col:
            if len(result.words):
                st.altair_chart(words_chart(result.words), width="stretch")
            else:
                st.caption("Most used words appear once a word is in two answers.")


def live_results() -> None:
    """The part of the page that refreshes on its own: the counter, then the results once shown."""
    survey = panel.live_survey()
    current, previous = survey.current, survey.previous
    count = survey.count()
    qr_col, count_col, controls_col = st.columns([1.3, 1.5, 2.2], gap="medium")
    with qr_col:
        panel.join_code(panel.SURVEY_PATH, width=160)
    with count_col:
        st.markdown(f"### {md_escape(current)}")
        st.metric(
            "Answers",
            f"{count:,}",
            help="Each person counts once per round: sending again replaces their earlier answers.",
        )
        if previous:
            st.caption(f"{md_escape(previous)}: {survey.count(previous):,} answers")
        if survey.error:
            st.caption(f"⏳ Answers from other servers may be late: {md_escape(survey.error)}")
    with controls_col:
        view = st.segmented_control("Show", [RESULTS, ACTIONS], default=RESULTS, key="survey-view") or RESULTS
        split = (
            st.segmented_control("Break down", [EVERYONE, BY_TEAM], default=EVERYONE, key="survey-split") or EVERYONE
        )
    if not survey.revealed:
        st.info("Results are hidden until the facilitator shows them. Keep the answers coming!", icon="🙈")
        return
    frame = in_round(survey.answers.frame, current)
    before = in_round(survey.answers.frame, previous) if previous else None
    if view == ACTIONS:
        st.subheader(ACTIONS)
        st.caption(
            f"For {md_escape(current)}{f', compared with {md_escape(previous)}' if previous else ''}. Groups under {survey.threshold} are reported as “fewer than {survey.threshold}”."
        )
        points = action_points(
            frame,
            survey.answers.questions,
            survey.threshold,
            before,
            previous,
            survey.hidden,
            ideas_box=int((~survey.ideas["hidden"]).sum()),
        )
        if not points:
            st.info("Nothing to act on yet: findings appear as answers come in.")
        for point in points:
            st.markdown(f"- **{md_escape(point.finding)}** → {md_escape(point.action)}")
        return
    breakdown = None
    if split == BY_TEAM:
        breakdown = team_breakdown(frame, survey.questions.team_question, survey.threshold)
        if survey.questions.team_question is None:
            st.caption("There is no Team question in this survey, so there is nothing to break down by.")
        elif breakdown.groups:
            st.caption(
                f"Teams shown: {', '.join(md_escape(g) for g in breakdown.groups)}. "
                f"Not shown separately: {count_phrase(breakdown.withheld_answers, survey.threshold, 'answer', 'answers')} from smaller teams or with no team given. "
                + panel.threshold_note(survey)
            )
        else:
            st.caption(f"No team has enough answers to be shown on its own yet. {panel.threshold_note(survey)}")
    facilitator = is_facilitator()
    shown = [
        q
        for q in survey.answers.questions
        if not q.is_team and (not q.from_form_only or (frame["question"] == q.id).any())
    ]
    charts = [q for q in shown if q.type != "text"]
    texts = [q for q in shown if q.type == "text"]
    for start in range(0, len(charts), 2):
        for column, question in zip(st.columns(2, gap="large"), charts[start : start + 2]):
            with column:
                draw_question(
                    question_result(question, frame, before, (current, previous), breakdown), survey, facilitator
                )
    for question in texts:
        draw_question(
            question_result(question, frame, before, (current, previous), None, survey.hidden), survey, facilitator
        )


# Redrawn every LOOK_SECONDS, not every `Live refresh seconds`: an answer is on the screen within that of its version
# being built, while the Sheet is still read every `Live refresh seconds` (measured: bench/RESULTS.md, phones per server).
st.fragment(live_results, run_every=min(layout.LOOK_SECONDS, survey.refresh_seconds))()
