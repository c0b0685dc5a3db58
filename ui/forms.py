"""What every form needs: a stable anonymous token for this browser session, and the spam limit."""

from __future__ import annotations

import math
import uuid

import streamlit as st

from data_sources import live
from rally.room.limits import SubmissionLimiter

TOKEN_STATE_KEY = "rally_session_token"  # noqa: S105 (a session_state key name, not a secret)


@st.cache_resource(show_spinner=False)
def _limiter() -> SubmissionLimiter:
    # live.now: the server's settable clock, so a test can walk past the minute without sleeping.
    return SubmissionLimiter(clock=live.now)


def session_token() -> str:
    """A random token for this browser session, used only in memory (the spam limit's key).

    The vote and the survey each keep a token of their own on purpose: the Votes tab stores
    its token next to an optional name, so the survey's (stored only hashed) must never equal it.
    """
    if TOKEN_STATE_KEY not in st.session_state:
        st.session_state[TOKEN_STATE_KEY] = uuid.uuid4().hex
    return st.session_state[TOKEN_STATE_KEY]


def submission_allowed() -> bool:
    """Counts a submission for this session; False (with a message drawn) when it is over the limit."""
    allowed, wait = _limiter().allow(session_token())
    if not allowed:
        st.error(
            f"That's a lot of submissions in a minute — nothing was sent this time. Try again in {math.ceil(wait)} s.",
            icon="⏳",
        )
    return allowed
