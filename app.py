"""Rally's router: the page list and the sidebar every page shares. Pages lay out; nothing else happens here."""

import streamlit as st

from ui import layout

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
layout.sidebar()
page.run()
