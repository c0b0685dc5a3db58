"""Pieces every page shares: loading the data with a clear message when it can't be had, and the sidebar."""

from __future__ import annotations

from datetime import date

import streamlit as st

from data_sources.config import ConfigError
from data_sources.server import LiveData
from rally.core.text import md_escape
from rally.sheet.dataset import Dataset
from ui import access, warmup
from ui.server import server


def data_as_of(data: LiveData) -> str:
    snapshot = data.state.snapshot
    if snapshot is None:
        return "No data yet"
    return f"Data as of {snapshot.fetched_at.astimezone():%H:%M} · {data.info.label if data.info.kind == 'google-sheet' else 'demo data'}"


def load(live: bool = False, projector: bool = False) -> LiveData:
    """The data, or a message saying what to do and the page stopped there.

    With `live`, the tabs the room fills (votes, survey answers, ideas) are at most `Live refresh seconds`
    old (pages that show live results ask for that). A `projector` page redraws itself when a newer
    version of the data is ready (`refresh_on_change`). Also draws the sidebar's data stamp and Refresh
    button: every page that shows data calls this.
    """
    warmup.imported()
    try:
        data = server().current(live=live)
        warmup.done()
        data = _sidebar(data)
    except ConfigError as error:
        warmup.done()
        st.error(f"**Rally isn't set up yet.** {md_escape(str(error))}", icon="🔧")
        st.stop()
    if data.dataset is None:
        st.error(f"**Rally can't read the data.** {md_escape(data.state.error or 'unknown reason')}", icon="🚫")
        st.stop()
    if data.state.stale:
        when = data.state.snapshot.fetched_at.astimezone()
        st.warning(f"Data as of {when:%H:%M} — {md_escape(data.state.error or '')}", icon="⏳")
    if projector:
        refresh_on_change(data)
    return data


# How often the survey's live results look for a newer version of the data (views/survey_results.py). Looking costs
# nothing upstream (the Sheet is still read every `Live refresh seconds`), and an answer sent from a phone is on the
# screen within this long of its version being built: measured, bench/RESULTS.md (phones per server).
LOOK_SECONDS = 0.5


def refresh_on_change(data: LiveData) -> None:
    """Every `Live refresh seconds`, look for a newer version of the data; when there is one, draw the page again.

    No click and no reload: the slide, the picked week and the scroll position stay (they live in the address and
    the session), and the new version's figures were computed in the background before it was published, so the
    redraw is quick. A projector left open shows a post logged on a phone within one refresh.
    """
    drawn = data.version

    @st.fragment(run_every=data.dataset.settings.live_refresh_seconds)
    def look_for_a_newer_version() -> None:
        if server().current().version != drawn:
            st.rerun()

    look_for_a_newer_version()


def dataset() -> Dataset:
    return load().dataset


def today() -> date:
    """The company's date now (its `Time zone`, else the Sheet's): every page's "today"."""
    return server().today()


def _sidebar(data: LiveData) -> LiveData:
    with st.sidebar:
        st.caption(data_as_of(data))
        refresh = st.button(
            "Refresh now", icon="🔄", help="Read the Sheet again instead of waiting for the next refresh"
        )
        if access.is_facilitator():
            # Signed in once, the controls are on for every page of this tab; sign out before handing the screen over.
            st.caption("🔓 Facilitator controls are on in this browser tab.")
            st.button("Sign out", icon="🔒", key="sidebar-sign-out", on_click=access.sign_out, type="tertiary")
    return server().current(refresh=True) if refresh else data
