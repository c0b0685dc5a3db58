"""The first page after `streamlit run`: its title and a spinner on screen at once, while the server warms up.

A fresh server's first page imports pandas and Altair, makes the demo company (or reads the Sheet) and parses it
before it can draw anything: seconds with nothing on screen. The router puts the page's title and a spinner up
before any of that starts; `ui.layout.load()` takes them down once the data is there and the page draws itself.
Only this light module (Streamlit alone) is imported before they show.
"""

from __future__ import annotations

import threading

import streamlit as st

_local = threading.local()  # this script run's placeholder (each run has a thread of its own)
_warm = threading.Event()  # set once a page of this server has its data


def show(title: str) -> None:
    """Until the server has loaded its data once, the page's title and a spinner in a placeholder at the top.

    Called again in the same run (the router knows the page's title later), it retitles the same placeholder.
    """
    if _warm.is_set():
        _local.slot = None
        return
    slot = getattr(_local, "slot", None) or st.empty()
    with slot.container():
        st.title(title)
        st.status("Starting Rally: reading the data…", state="running")
    _local.slot = slot


def done() -> None:
    """The data is there: the placeholder goes, the page draws its own title in its place."""
    _warm.set()
    hide()


def hide() -> None:
    """The placeholder goes (a sign-in page drawn instead of a page: the server isn't warm yet)."""
    slot = getattr(_local, "slot", None)
    if slot is not None:
        slot.empty()
        _local.slot = None
