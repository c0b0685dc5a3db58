"""How this browser session was opened: from a directors' link or not (Streamlit alone, no data, no heavy imports).

The router asks before anything else (the directors' sidebar starts folded away), so this is answered from the
address alone and kept for the session: a facilitator who later opens the directors' page from the menu keeps the
menu; a director's bookmark never shows it. `ui.audience` decides the rest (sign-in, tokens) once the data layer is
loaded.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

DIRECTORS_PATH = "directors"
TOKEN_PARAM = "token"  # noqa: S105 (the query parameter's name, not a secret)
SESSION_KEY = "rally_audience"
TOKEN_KEY = "rally_directors_token"  # noqa: S105 (a session_state key name)


def directors_link() -> bool:
    """True when this browser session shows the directors' page alone: opened from a directors' link or with a token."""
    if SESSION_KEY not in st.session_state:
        path = urlsplit(st.context.url or "").path.rstrip("/")
        opened_as_director = st.query_params.get("view") == DIRECTORS_PATH or path.endswith("/" + DIRECTORS_PATH)
        st.session_state[SESSION_KEY] = "directors" if opened_as_director else "everyone"
        if st.query_params.get(TOKEN_PARAM):
            st.session_state[TOKEN_KEY] = st.query_params[TOKEN_PARAM]
    return st.session_state[SESSION_KEY] == "directors" or bool(st.session_state.get(TOKEN_KEY))


# Pages shown on a projector that fold the menu away as they open: every pixel of a slide is the room's.
FOLDED_PATHS = ("meeting",)


def sidebar_state() -> str:
    """How the sidebar starts: folded for a director's link and for a projected slide, else Streamlit's "auto".

    Said in the router's first page config, from the address, so the browser is never told "auto" first and
    "collapsed" a moment later (which it honoured or not depending on timing).
    """
    path = urlsplit(st.context.url or "").path.rstrip("/")
    return "collapsed" if directors_link() or path.rsplit("/", 1)[-1] in FOLDED_PATHS else "auto"
