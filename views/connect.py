"""Connect your sheet: which source is live, how to connect a Google Sheet, and the settings in force.

Everyone sees which source is live, the tabs and the settings (the scoring rules are
public on purpose); the Sheet's address and the service account are for the facilitator.
"""

import streamlit as st

from rally.core.contract import CORE_TABS
from rally.core.settings import settings_table
from rally.core.text import md_escape
from rally.sheet.health import tab_counts
from ui import join, layout
from ui.access import facilitator_gate
from ui.imports import import_numbers

data = layout.load()
info = data.info

st.title("Connect your sheet & settings")
if info.kind == "google-sheet":
    st.success("Rally is reading your Google Sheet.", icon="✅")
    with st.expander("The Sheet and Rally's service account", icon="🔒"):
        if facilitator_gate("the Sheet's address"):
            if info.sheet_url:
                st.link_button("Open the Sheet", info.sheet_url, icon="📄")
            if info.share_with:
                st.write("The Sheet must be shared (as Editor, so forms can write) with Rally's service account:")
                st.code(info.share_with, language=None)
else:
    st.info("Rally is running on the **embedded demo company**: no Sheet is connected yet.", icon="🧪")
    st.markdown(
        """
**Connect your own Google Sheet in five steps**

1. In Google Cloud, create a service account and download its JSON key; enable the Google Sheets API.
2. Share your Sheet with the service account's e-mail address (Editor).
3. Copy `.streamlit/secrets.toml.example` to `.streamlit/secrets.toml`.
4. Set `spreadsheet` to your Sheet's URL and paste the key's fields under `[connections.gsheets]`.
5. Run `python cli.py init-sheet` to add any missing tabs, then `python cli.py check`.
"""
    )

st.subheader("Phones in the room")
where = join.address()
(st.caption if where.reachable else st.warning)(md_escape(where.note()))

st.subheader("Tabs")
st.dataframe(data.derive(tab_counts, data.dataset), hide_index=True, width="stretch")
with st.expander("The columns Rally reads on each tab"):
    for spec in CORE_TABS:
        required = ", ".join(f"**{c.name}**" if c.required else c.name for c in spec.columns)
        st.markdown(f"**{spec.name}** — {spec.description} Columns: {required} (bold = required).")

import_numbers(data, layout.today())

st.subheader("Settings")
st.caption("Defaults live in Rally; add a row to the Settings tab (Key, Value) to change one.")
st.dataframe(settings_table(data.dataset.settings), hide_index=True, width="stretch")
