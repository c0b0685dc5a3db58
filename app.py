"""Rally's router: the page list. Pages lay out; each draws the shared sidebar through ui.layout.load()."""

import streamlit as st

st.set_page_config(page_title="Rally", page_icon="📣", layout="wide")

PAGES = {
    "Meeting": [
        st.Page("pages/this_week.py", title="This week", icon="📅", default=True),
    ],
    "Admin": [
        st.Page("pages/data_health.py", title="Data health", icon="🩺"),
        st.Page("pages/connect.py", title="Connect & settings", icon="🔌"),
    ],
}

page = st.navigation(PAGES)
page.run()
