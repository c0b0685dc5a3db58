"""Pieces the meeting pages share: the week's computed meeting (once per data version), live votes, the digest download, projector styling."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from data_sources.server import LiveData
from rally.core.dataset import Dataset
from rally.core.parsing import iso_week_label, week_start
from rally.weekly.digest import digest_data, render_digest
from rally.weekly.glance import last_complete_week, weeks_to_show
from rally.weekly.meeting import WeeklyMeeting, weekly_meeting
from rally.weekly.votes import VOTES, read_votes
from ui import layout
from ui.server import server

REVEAL_KEY = "rally_vote_revealed"  # week -> True once the facilitator reveals the vote (this browser session)

# Projector styling: our own constant CSS (no Sheet text ever goes into it).
# Bigger type everywhere, pure black on white, heavier weights: washed-out projectors lose greys and thin strokes.
PROJECTOR_CSS = """
<style>
[data-testid="stMain"] .block-container { padding-top: 2rem; max-width: 1400px; }
[data-testid="stMain"] h1 { font-size: 3rem !important; font-weight: 800 !important; color: #000 !important; }
[data-testid="stMain"] h2 { font-size: 2.2rem !important; font-weight: 800 !important; color: #000 !important; }
[data-testid="stMain"] h3 { font-size: 1.7rem !important; font-weight: 700 !important; color: #000 !important; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li { font-size: 1.45rem; line-height: 1.45; color: #000; }
[data-testid="stMain"] [data-testid="stMetricValue"] { font-size: 3.2rem; font-weight: 800; color: #000; }
[data-testid="stMain"] [data-testid="stMetricLabel"] p { font-size: 1.3rem; font-weight: 700; color: #000; }
[data-testid="stMain"] [data-testid="stMetricDelta"] { font-size: 1.2rem; font-weight: 700; }
[data-testid="stMain"] [data-testid="stCaptionContainer"] { font-size: 1.05rem; color: #222; }
[data-testid="stMain"] a { color: #0033cc; font-weight: 700; }
.st-key-hero-card { background: #FFF4C2; border: 4px solid #000; border-radius: 16px; padding: 1.5rem 2rem; }
.st-key-hero-card h2 { font-size: 3.4rem !important; }
</style>
"""


def projector_style() -> None:
    st.html(PROJECTOR_CSS)


def week_options(data: LiveData) -> list[str]:
    """Every week from the first post to today's, newest first (once per data version and day)."""
    return data.derive(weeks_to_show, data.dataset.posts, layout.today())


def default_week() -> str:
    """The meeting looks back on the last complete week."""
    return last_complete_week(layout.today())


def week_from_query(options: list[str], fallback: str) -> str:
    """The `week` query parameter when it is a week we can show, else `fallback`."""
    given = st.query_params.get("week", "")
    try:
        week = iso_week_label(week_start(given)) if given else fallback
    except ValueError:
        week = fallback
    return week if week in options else fallback


def live_votes(dataset: Dataset) -> pd.DataFrame:
    """The Votes tab from the short-interval shared read, plus votes this server took that the read may not hold yet (each ID once)."""
    max_age = dataset.settings.live_refresh_seconds
    rally = server()
    state = rally.live_tabs((VOTES.name,), max_age=max_age)
    tabs = state.snapshot.tabs if state.snapshot else {}
    # With the snapshot: votes sent after that read began still count until a read holds them.
    return read_votes(tabs, rally.pending_rows(VOTES.name, state.snapshot))


def _votes_key(votes: pd.DataFrame | None) -> str:
    if votes is None or votes.empty:
        return "none"
    return hashlib.blake2b("|".join(votes["ID"] + ":" + votes["Timestamp"]).encode(), digest_size=12).hexdigest()


def meeting_for(data: LiveData, week: str, votes: pd.DataFrame | None) -> WeeklyMeeting:
    """The week's meeting, once per data version, week and votes seen, for the whole server (treat as read-only)."""
    key = ("<meeting>", week, _votes_key(votes))
    return data.derived.get(data.version or "none", key, lambda: weekly_meeting(data.dataset, week, votes))


def is_revealed(week: str) -> bool:
    return bool(st.session_state.get(REVEAL_KEY, {}).get(week))


def set_revealed(week: str, shown: bool) -> None:
    st.session_state.setdefault(REVEAL_KEY, {})[week] = shown


DIGEST_FORMATS = {
    "E-mail (HTML)": ("html", "text/html", "html"),
    "Markdown": ("markdown", "text/markdown", "md"),
    "JSON": ("json", "application/json", "json"),
}


def digest_download(meeting: WeeklyMeeting, key: str = "digest") -> None:
    """A format choice and a download button for the week's digest (the same content as `python cli.py digest`)."""
    label = st.selectbox(
        "Digest format", list(DIGEST_FORMATS), key=f"{key}-format", help="HTML pastes cleanly into an e-mail"
    )
    form, mime, extension = DIGEST_FORMATS[label]
    st.download_button(
        f"Download the {meeting.week} digest",
        render_digest(digest_data(meeting), form),
        file_name=f"rally-digest-{meeting.week}.{extension}",
        mime=mime,
        icon="📨",
        key=f"{key}-download",
    )
