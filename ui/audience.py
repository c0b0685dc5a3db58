"""Who the app is showing itself to: a session opened from a directors' link gets the directors' page alone."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

DIRECTORS_PATH = "directors"
_SESSION_KEY = "rally_audience"


def directors_link() -> bool:
    """True when this browser session was opened from a directors' link: /directors… or …?view=directors.

    Decided on the session's first run and kept: a facilitator who later opens the
    directors' page from the menu keeps the menu; a director's bookmark never shows it.
    """
    if _SESSION_KEY not in st.session_state:
        path = urlsplit(st.context.url or "").path.rstrip("/")
        opened_as_director = st.query_params.get("view") == DIRECTORS_PATH or path.endswith("/" + DIRECTORS_PATH)
        st.session_state[_SESSION_KEY] = "directors" if opened_as_director else "everyone"
    return st.session_state[_SESSION_KEY] == "directors"
