"""Import numbers instead of typing them (facilitator only): upload an export, see what Rally would write, then write it.

The preview comes from `rally.monthly.imports.plan_import`; nothing is written until the button
is pressed, and a file Rally can't read writes nothing and says why. The write is the
`commands.import_numbers` command (the facilitator role checked again, each row's ID, the outbox).
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from data_sources import commands
from data_sources.server import LiveData
from rally.core.text import md_escape
from rally.monthly.imports import ImportPlan, ImportProblem, plan_import
from ui.access import facilitator_gate
from ui.forms import send

DONE_KEY = "rally_import_done"


def import_numbers(data: LiveData, today: date) -> None:
    """The upload, its preview and the Write button, for a facilitator; a locked gate for everyone else."""
    st.subheader("Import numbers from LinkedIn and Google Analytics")
    st.caption(
        "LinkedIn page analytics: the **content**, **followers** or **visitors** export (.xls or .xlsx) — content fills each "
        "post's reach, reactions, comments, shares and clicks by link; followers fill Company page followers; visitors "
        "Company page views. Google Analytics 4: Reports → Acquisition → Traffic acquisition, one month, Download as CSV — "
        "its Organic Social sessions fill Web traffic from social. You see what will be written before anything is."
    )
    if not facilitator_gate("importing numbers"):
        return
    if done := st.session_state.pop(DONE_KEY, None):
        st.success(done, icon="✅")
    upload = st.file_uploader(
        "Export file",
        type=["xls", "xlsx", "csv"],
        key="import-file",
        help="One file at a time, as the platform exported it",
    )
    if upload is None:
        return
    try:
        plan = plan_import(upload.name, upload.getvalue(), data.dataset.kpis, data.dataset.posts, today)
    except ImportProblem as problem:
        st.error(f"{md_escape(str(problem))} Nothing was written.", icon="🚫")
        return
    show_plan(plan)
    if not plan.writes:
        st.info("Nothing to write: Rally already has these numbers, or none of the rows could be used.", icon="ℹ️")
        return
    if st.button(
        f"Write {plan.writes} row{'s' if plan.writes != 1 else ''} to the Sheet",
        type="primary",
        icon="📥",
        key="import-write",
    ):
        written = send(commands.import_numbers, data, plan, today)
        if written is not None:
            st.session_state[DONE_KEY] = (
                f"{written} row(s) from {plan.source} are on their way to the Sheet; they count after the next read (within a minute)."
            )
            st.rerun()


def show_plan(plan: ImportPlan) -> None:
    """What the import would write and every row it leaves out, as tables (Sheet text is never markup in a table)."""
    kpis, posts, unmatched = plan.preview()
    st.markdown(f"**{md_escape(plan.source)}** · {md_escape(plan.covers)}")
    if len(kpis):
        st.markdown(
            "KPI months it will write (the row supersedes the month's row in the KPIs tab, keeping its target):"
        )
        st.dataframe(kpis, hide_index=True, width="stretch")
    if len(posts):
        st.markdown("Post numbers it will write (old → new; they replace the typed ones of the post with that link):")
        st.dataframe(posts, hide_index=True, width="stretch")
    if plan.unchanged:
        st.caption(f"{plan.unchanged} row(s) hold numbers Rally already has: nothing to write for them.")
    if len(unmatched):
        st.warning(f"{len(unmatched)} row(s) can't be used and will be left out:", icon="⚠️")
        st.dataframe(unmatched, hide_index=True, width="stretch")
