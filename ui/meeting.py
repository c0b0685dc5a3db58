"""Pieces the meeting pages share: the week's computed meeting (once per data version), live votes, the digest download, projector styling."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_sources import commands
from data_sources.server import LiveData
from rally.core.week import Week
from rally.weekly.digest import digest_data, render_digest
from rally.weekly.glance import meeting_week, week_choice_label, weeks_to_show
from rally.weekly.highlights import Highlight
from rally.weekly.meeting import WeeklyMeeting, week_highlights, weekly_meeting
from rally.weekly.votes import is_revealed as vote_revealed
from ui import layout
from ui.forms import send
from ui.server import server

# Projector styling: our own constant CSS (no Sheet text ever goes into it).
# Bigger type everywhere, pure black on white, heavier weights: washed-out projectors lose greys and thin strokes.
# Sized so a slide, its Back/Next and its QR codes fit a 1280×800 projector without scrolling (a presenter can't
# scroll in front of a room; tests/browser/test_projector.py measures every slide), a little larger from 1000 px up.
PROJECTOR_CSS = """
<style>
[data-testid="stHeader"] { background: transparent; }
[data-testid="stMain"] .block-container { padding-top: 1.6rem; padding-bottom: 0.75rem; max-width: 1600px; }
[data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
[data-testid="stMain"] h1 { font-size: 2.6rem !important; font-weight: 800 !important; color: #000 !important;
  padding: 0 0 0.2rem 0 !important; }
[data-testid="stMain"] h2 { font-size: 2rem !important; font-weight: 800 !important; color: #000 !important;
  padding: 0.2rem 0 !important; }
[data-testid="stMain"] h3 { font-size: 1.5rem !important; font-weight: 700 !important; color: #000 !important;
  padding: 0.15rem 0 !important; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li { font-size: 1.3rem; line-height: 1.4; color: #000; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li { margin-bottom: 0.15rem; }
[data-testid="stMain"] [data-testid="stMetricValue"],
[data-testid="stMain"] [data-testid="stMetricValue"] p { font-size: 2.8rem; font-weight: 800; color: #000; line-height: 1.2; }
[data-testid="stMain"] [data-testid="stMetricLabel"] p { font-size: 1.2rem; font-weight: 700; color: #000; }
[data-testid="stMain"] [data-testid="stMetricDelta"] p { font-size: 1.15rem; font-weight: 700; }
[data-testid="stMain"] [data-testid="stCaptionContainer"],
[data-testid="stMain"] [data-testid="stCaptionContainer"] p { font-size: 1.05rem; color: #222; }
[data-testid="stMain"] a { color: #0033cc; font-weight: 700; }
[data-testid="stMain"] [data-testid="stPageLink"] p { font-size: 1.1rem; }
.st-key-hero-card { background: #FFF4C2; border: 4px solid #000; border-radius: 16px; padding: 1.2rem 2rem; }
.st-key-hero-card h2 { font-size: 3.2rem !important; }
.st-key-vote-winner h2 { font-size: 2.4rem !important; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] table { width: 100%; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] th,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] td { font-size: 1.2rem; color: #000; padding: 0.2rem 0.6rem; }
[data-testid="stMain"] [data-testid="stMarkdownContainer"] th { font-weight: 800; }
/* A join link breaks at any character rather than run out of its column (a long public address). */
[class*="st-key-join-link-"] p { font-size: 1.15rem !important; overflow-wrap: anywhere; }
[class*="st-key-award-"] [data-testid="stMarkdownContainer"] p { font-size: 1.35rem; }
[class*="st-key-award-"] [data-testid="stCaptionContainer"] p { font-size: 1rem; line-height: 1.3; }
@media (min-height: 1000px) {
  [data-testid="stMain"] .block-container { padding-top: 2.5rem; }
  [data-testid="stMain"] h1 { font-size: 3.2rem !important; }
  [data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
  [data-testid="stMain"] [data-testid="stMarkdownContainer"] li { font-size: 1.5rem; }
  [data-testid="stMain"] [data-testid="stMetricValue"],
  [data-testid="stMain"] [data-testid="stMetricValue"] p { font-size: 3.4rem; }
  [data-testid="stMain"] [data-testid="stMarkdownContainer"] th,
  [data-testid="stMain"] [data-testid="stMarkdownContainer"] td { font-size: 1.45rem; }
}
</style>
"""


def projector_style() -> None:
    st.html(PROJECTOR_CSS)


def week_options(data: LiveData) -> list[Week]:
    """Every week from the first post to today's, newest first (once per data version and day)."""
    return data.derive(weeks_to_show, data.dataset.posts, layout.today())


def default_week() -> Week:
    """The one rule every meeting page opens on (rally.weekly.glance.meeting_week): the last complete week."""
    return meeting_week(layout.today())


def week_from_query(options: list[Week], fallback: Week | None = None) -> Week:
    """The `week` query parameter when it is a week we can show, else the meeting's week (or `fallback`)."""
    fallback = fallback or default_week()
    if fallback not in options and options:
        fallback = options[0]
    given = st.query_params.get("week", "")
    try:
        week = Week.parse(given) if given else fallback
    except ValueError:
        week = fallback
    return week if week in options else fallback


def week_picker(options: list[Week], key: str, container=st, label: str = "Week") -> Week:
    """The week picker every meeting page shares: opens on the meeting's week (or ?week=), the unfinished one says "so far"."""
    today = layout.today()
    chosen = week_from_query(options)
    week = container.selectbox(
        label,
        options,
        index=options.index(chosen) if chosen in options else 0,
        format_func=lambda w: week_choice_label(w, today),
        key=key,
        help="ISO weeks, Monday to Sunday. The meeting looks back on the last complete week.",
    )
    st.query_params["week"] = str(week)  # a copied link opens the same week
    return week


def meeting_for(data: LiveData, week: Week) -> WeeklyMeeting:
    """The week's meeting, once per data version and week for the whole server (treat as read-only)."""
    return data.derive(weekly_meeting, data.dataset, week, None, layout.today())


def highlights_for(data: LiveData, week: Week) -> list[Highlight]:
    """The week's Highlights alone (This week), as the meeting finds them, once per data version and week."""
    return data.derive(week_highlights, data.dataset, week, layout.today())


def live_votes() -> pd.DataFrame:
    """The Votes tab as of at most `Live refresh seconds` ago, with the votes this server took that no read holds yet."""
    return server().current(live=True).dataset.votes


def is_revealed(week: str) -> bool:
    """Whether the facilitator revealed the week's vote, as every screen sees it (the live read of Survey Rounds)."""
    return vote_revealed(server().current(live=True).dataset.survey.rounds, week)


def set_revealed(week: str, shown: bool) -> bool:
    """Facilitator: reveal or hide the week's vote on every screen (a row through the outbox); False when refused."""
    rounds = server().current(live=True).dataset.survey.rounds
    return send(commands.reveal_vote, week, shown, rounds.next_seq, layout.today()) is not None


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
