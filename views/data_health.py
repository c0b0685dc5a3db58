"""Data health: every problem in the Sheet, with the row to fix.

Everyone sees the counts; the rows and the values in them (names, figures, a reach
flagged as implausible) are for the facilitator, who fixes them.
"""

import streamlit as st

from rally.sheet.health import health_tables, unknown_names
from ui import layout, write_queue
from ui.access import facilitator_gate, is_facilitator

data = layout.load()
dataset = data.dataset
counts, issues, advice = data.derive(
    health_tables, dataset
)  # build_dataset's findings plus reach figures that need a second look

st.title("Data health")
st.caption(layout.data_as_of(data))
if data.info.sheet_url and is_facilitator():  # the Sheet's address, like its rows, is the facilitator's
    st.link_button("Open the Sheet", data.info.sheet_url, icon="📄")

st.dataframe(counts, hide_index=True, width="stretch")
write_queue.draw(data)  # answers on their way to the Sheet, refused rows, copies

ghosts = data.derive(unknown_names, dataset.posts, dataset.staff)
if not ghosts.empty:
    # Each counts as a person everywhere (people posting, staff on the directors' page): a typo makes a ghost.
    st.subheader(f"{len(ghosts):,} name{'s' if len(ghosts) != 1 else ''} not on the Staff tab")
    st.caption(
        "Each counts as a separate person on every page. If it's someone on the Staff tab typed differently, "
        "correct the Name cells in the Posts tab; if it's someone new, add them to the Staff tab."
    )
    # The names are the facilitator's; a Sheet with issues signs in once, further down, for both.
    if is_facilitator() or (issues.empty and facilitator_gate("the names not on the Staff tab")):
        st.dataframe(
            ghosts,
            hide_index=True,
            width="stretch",
            column_config={
                "First row": st.column_config.NumberColumn(
                    help="The Posts row of their first post (0: still on its way)"
                )
            },
        )
    elif not issues.empty:
        st.caption("The names and their closest Staff name are for the facilitator: sign in below.")

if issues.empty:
    st.success("No problems found: every row is counted.", icon="✅")
    st.stop()

st.subheader(f"{len(issues):,} thing{'s' if len(issues) != 1 else ''} to fix")
st.caption(
    "Row numbers are the ones Google Sheets shows. Rows without a usable date or name are left out of every figure; everything else still counts."
)
if not facilitator_gate("the rows and values to fix"):
    st.caption(
        "The rows and what they hold (names, figures) are shown to the facilitator, who fixes them. The counts per tab are above."
    )
    st.stop()

st.dataframe(
    issues,
    hide_index=True,
    width="stretch",
    column_order=["tab", "row", "column", "problem", "value"],
    column_config={
        "tab": st.column_config.TextColumn("Tab", width="small"),
        "row": st.column_config.NumberColumn("Row", format="%d", width="small"),
        "column": st.column_config.TextColumn("Column", width="small"),
        "problem": st.column_config.TextColumn("Problem", width="large"),
        "value": st.column_config.TextColumn("Value", width="medium"),
    },
)
st.subheader("How to fix them")
st.dataframe(advice, hide_index=True, width="stretch")
