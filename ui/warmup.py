"""The first page after `streamlit run`: its title and a spinner on screen at once, while the server warms up.

A fresh server's first page imports pandas and the data layer, makes the demo company (or reads the Sheet) and parses it
before it can draw anything: seconds with nothing on screen. The router puts the page's title and a spinner up
before any of that starts; `ui.layout.load()` takes them down once the data is there and the page draws itself.
Only this light module (Streamlit alone) is imported before they show.

The cold run also pauses Python's cycle collector until the modules are in (`imported`): importing pandas and the
data layer makes hundreds of thousands of objects, and the collector walked them all again and again, about 0.15 s
of the first run on the demo (bench/NOTES.md). The modules' objects are then frozen (`gc.freeze`): they live as long
as the process, and no later collection, in any run or thread, walks them again. The data read after is not frozen.
"""

from __future__ import annotations

import gc
import threading

import streamlit as st

_local = threading.local()  # this script run's placeholder (each run has a thread of its own)
_warm = threading.Event()  # set once a page of this server has its data
_collector = threading.Lock()
_paused = False  # the cycle collector, paused by the cold run until its modules are imported
_frozen = False  # the modules' objects frozen once (the next cold run of the process leaves the collector alone)
# A run that fails before its page (a broken install, a bug) must not leave the collector off: it comes back on by
# itself after this long (imports take seconds at most; the data is read with it on).
PAUSE_LIMIT_SECONDS = 30.0


def show(title: str) -> None:
    """Until the server has loaded its data once, the page's title and a spinner in a placeholder at the top.

    Called again in the same run (the router knows the page's title later), it retitles the same placeholder.
    """
    if _warm.is_set():
        _local.slot = None
        return
    _pause_collector()
    slot = getattr(_local, "slot", None) or st.empty()
    with slot.container():
        st.title(title)
        st.status("Starting Rally: reading the data…", state="running")
    _local.slot = slot


def imported() -> None:
    """The page's modules are imported and its data is about to be read: freeze what the imports made, collector on."""
    global _paused, _frozen
    with _collector:
        if not _paused:
            return
        if not _frozen:
            gc.freeze()
            _frozen = True
        gc.enable()
        _paused = False


def done() -> None:
    """The data is there: the placeholder goes, the page draws its own title in its place."""
    _warm.set()
    hide()


def _pause_collector() -> None:
    global _paused
    with _collector:
        if _frozen or _paused or not gc.isenabled():
            return
        gc.disable()
        _paused = True
    limit = threading.Timer(PAUSE_LIMIT_SECONDS, imported)
    limit.daemon = True
    limit.start()


def hide() -> None:
    """The placeholder goes (a sign-in page drawn instead of a page: the server isn't warm yet)."""
    imported()
    slot = getattr(_local, "slot", None)
    if slot is not None:
        slot.empty()
        _local.slot = None
