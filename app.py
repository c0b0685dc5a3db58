"""Rally's router: the page list. Pages lay out; each draws the shared sidebar through ui.layout.load().

The page files live in views/, not pages/: while a folder named pages/ sits next
to app.py, Streamlit (1.67) answers a server's first request for a deep link
such as /directors in its old multipage mode: it skips app.py (and with it the
sidebar, roles and layout) or shows a "Page not found" box.
"""

import streamlit as st

from ui import warmup
from ui.opened import sidebar_state

# Directors have no menu, and a slide needs the whole screen: their sidebar (data stamp, Refresh) starts folded away.
st.set_page_config(page_title="Rally", page_icon="📣", layout="wide", initial_sidebar_state=sidebar_state())
# A fresh server takes seconds before a page can draw (the data layer's imports, the first read): a title and a
# spinner are on screen first, retitled with the page's own once it is known.
warmup.show("Rally")

from ui.audience import DIRECTORS_BY_TOKEN, DIRECTORS_ONLY, admit, refuse_other_pages  # noqa: E402 (after the spinner)

# With `viewers` set, nobody sees a page before signing in (or holding a directors' token): the way in is drawn instead.
audience = admit()
if audience is None:
    warmup.hide()
    st.stop()

DIRECTORS = st.Page("views/directors.py", title="Directors' view", icon="🧭", url_path="directors")
PAGES = {
    "Meeting": [
        st.Page("views/this_week.py", title="This week", icon="📅", default=True),
        st.Page("views/meeting.py", title="Weekly meeting", icon="📽️"),
        st.Page("views/leaderboard.py", title="Leaderboard", icon="🏆"),
        st.Page("views/vote.py", title="Vote", icon="🗳️"),
    ],
    "Monthly": [
        st.Page("views/kpis.py", title="KPIs", icon="📈"),
        DIRECTORS,
    ],
    "Survey & ideas": [
        st.Page("views/survey_results.py", title="Survey results", icon="📊"),
        st.Page("views/survey.py", title="Answer the survey", icon="📝"),
        st.Page("views/ideas.py", title="Ideas box", icon="💡"),
    ],
    "Staff": [
        st.Page("views/log_post.py", title="Log a post", icon="📣"),
        st.Page("views/my_progress.py", title="My progress", icon="🏅"),
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

if audience == DIRECTORS_BY_TOKEN:
    # Every page is routed (hidden) only so the address typed in the tab is known: anything but the directors' page is refused.
    page = st.navigation([p for section in PAGES.values() for p in section], position="hidden")
    if page is not DIRECTORS:
        refuse_other_pages()
elif audience == DIRECTORS_ONLY:
    # A director's link (/directors or ?view=directors) gets the read-only page alone, with no menu into the meeting.
    # The default page is listed only so /directors keeps its own address; any other address lands on DIRECTORS.
    page = st.navigation([PAGES["Meeting"][0], DIRECTORS], position="hidden")
    if page is not DIRECTORS:
        st.switch_page(DIRECTORS, query_params=st.query_params.to_dict())
else:
    # Every section open: the Admin pages must not hide behind "View more" at the foot of a long menu.
    page = st.navigation(PAGES, expanded=True)
warmup.show(page.title)
try:
    page.run()
finally:
    warmup.done()
