"""Training tracker (facilitator): who is trained in which module, % trained per team, who has not started."""

import streamlit as st

from rally.core.issues import issues_frame
from rally.core.text import md_escape
from rally.staff.training import (
    coverage_matrix,
    module_list,
    not_started,
    survey_support_needs,
    team_coverage,
    tracked_modules,
)
from ui import layout
from ui.access import facilitator_gate

data = layout.load()
dataset = data.dataset

st.title("Training tracker")
st.caption(
    "Trained staff share about three times more. Everyone needs every module — the self-proclaimed experts included."
)
if not facilitator_gate("the training tracker"):
    st.stop()

required = module_list(dataset.settings.training_modules)
records = dataset.training
issues = [issue for issue in dataset.issues if issue.tab == "Training"]
matrix = coverage_matrix(dataset.staff, records, required)
modules = tracked_modules(records, required)
teams = team_coverage(matrix, required)

if matrix.empty:
    st.info(
        "No one to track yet: add people to the Staff tab (Name, Team, Trained) or rows to a Training tab (Name, Module, Date).",
        icon="🧑‍🏫",
    )
    st.stop()

total = teams.iloc[-1]
everyone, started, trained = int(total["people"]), int(total["started"]), int(total["trained"])
col_trained, col_started, col_waiting = st.columns(3)
col_trained.metric(
    "Trained in every module",
    f"{trained} of {everyone}",
    f"{total['trained_pct']:.0f}%",
    delta_color="off",
    delta_arrow="off",
)
col_started.metric(
    "Started", f"{started} of {everyone}", f"{total['started_pct']:.0f}%", delta_color="off", delta_arrow="off"
)
col_waiting.metric("Not started", f"{everyone - started}")
st.caption(f"Modules everyone should have (the Training modules setting): {md_escape(', '.join(required))}.")

needs = data.derive(survey_support_needs, dataset.survey, dataset.settings.anonymity_threshold)
team_area, needs_area = st.columns([3, 2]) if needs is not None else (st.container(), None)
with team_area:
    st.subheader("By team")
    st.dataframe(
        teams,
        hide_index=True,
        width="stretch",
        column_config={
            "team": st.column_config.TextColumn("Team"),
            "people": st.column_config.NumberColumn("People"),
            "trained": st.column_config.NumberColumn("Fully trained"),
            "trained_pct": st.column_config.ProgressColumn(
                "% fully trained", format="%.0f%%", min_value=0, max_value=100
            ),
            "started": st.column_config.NumberColumn("Started"),
            "started_pct": st.column_config.ProgressColumn("% started", format="%.0f%%", min_value=0, max_value=100),
        },
    )
if needs_area is not None:
    with needs_area:
        st.subheader("What the survey says would help")
        st.caption("Answers to the survey's support question, counted — no names.")
        st.dataframe(
            needs,
            hide_index=True,
            width="stretch",
            column_config={"need": "Support asked for", "people": st.column_config.NumberColumn("People")},
        )

st.subheader("Who has which module")
st.dataframe(
    matrix[["name", "team", *modules, "done"]],
    hide_index=True,
    width="stretch",
    height=min(36 * (len(matrix) + 1) + 2, 640),
    column_config={
        "name": st.column_config.TextColumn("Name", pinned=True),
        "team": st.column_config.TextColumn("Team"),
        **{m: st.column_config.CheckboxColumn(m, disabled=True) for m in modules},
        "done": st.column_config.NumberColumn("Required done", format=f"%d of {len(required)}"),
    },
)

waiting = not_started(matrix)
st.subheader("Not started yet")
if not waiting:
    st.success("Everyone has started their training.", icon="🎉")
else:
    st.caption("Invite them to the next session — a first module makes the first post much easier.")
    for team, names in waiting.items():
        st.markdown(f"**{md_escape(team)}** ({len(names)}): {md_escape(', '.join(names))}")

if issues:
    with st.expander(f"{len(issues)} row{'s' if len(issues) != 1 else ''} of the Training tab to check"):
        st.dataframe(issues_frame(issues), hide_index=True, width="stretch")
