"""Rally's router: the page list. Pages lay out; each draws the shared sidebar through ui.layout.load().

The page files live in views/, not pages/: while a folder named pages/ sits next
to app.py, Streamlit (1.67) answers a server's first request for a deep link
such as /directors in its old multipage mode: it skips app.py (and with it the
sidebar, roles and layout) or shows a "Page not found" box.
"""

import streamlit as st

st.set_page_config(page_title="Rally", page_icon="📣", layout="wide")

PAGES = {
    "Meeting": [
        st.Page("views/this_week.py", title="This week", icon="📅", default=True),
    ],
    "Staff": [
        st.Page("views/log_post.py", title="Log a post", icon="📣"),
        st.Page("views/my_progress.py", title="My progress", icon="📈"),
        st.Page("views/kudos.py", title="Kudos", icon="🙌"),
    ],
    "Facilitator": [
        st.Page("views/training.py", title="Training tracker", icon="🧑‍🏫"),
        st.Page("views/encouragement.py", title="Encouragement", icon="🤝"),
    ],
    "Admin": [
        st.Page("views/data_health.py", title="Data health", icon="🩺"),
        st.Page("views/connect.py", title="Connect & settings", icon="🔌"),
    ],
}

page = st.navigation(PAGES)
page.run()
