"""The presenter's Send button: the week's digest to every configured channel, each channel's result on screen.

Facilitator only (drawn for them, and checked again by the command when pressed). A channel that failed keeps its
sentence on screen with a Try again button that sends to the failed channels only, so nothing is
lost silently and nobody gets the digest twice.
"""

from __future__ import annotations

import streamlit as st

from data_sources import commands
from rally.core.text import md_escape
from rally.weekly.digest import digest_data
from rally.weekly.meeting import WeeklyMeeting
from ui.access import is_facilitator
from ui.forms import send

RESULTS_KEY = "rally_digest_sent"  # week -> the last results, this browser session


def _send(meeting: WeeklyMeeting, channels: list[str] | None):
    with st.spinner("Sending the digest…"):
        return send(commands.send_digest, digest_data(meeting), channels)


def send_digest_panel(meeting: WeeklyMeeting) -> None:
    """An expander on the last slide, for a facilitator only: Send the week's digest, then how each channel went.

    Nobody else sees it (the projector stays clean, and the slide's one passcode form, the vote's, signs in for both).
    """
    if not is_facilitator():
        return
    with st.expander(f"🔒 Facilitator: send the {meeting.week} digest"):
        sent: dict[str, list] = st.session_state.setdefault(RESULTS_KEY, {})
        results = sent.get(meeting.week, [])
        if st.button(
            "Send the digest to every configured channel" if not results else "Send it again to every channel",
            icon="📨",
            key="digest-send",
            type="primary" if not results else "secondary",
        ):
            results = _send(meeting, None) or []
            if results:
                sent[meeting.week] = results
        for result in results:
            if result.ok:
                st.success(f"{result.label}: {md_escape(result.message)}", icon="✅")
            else:
                st.error(f"{result.label}: {md_escape(result.message)}", icon="⚠️")
        failed = [r.channel for r in results if not r.ok]
        if failed and st.button("Try again where it failed", icon="🔁", key="digest-retry"):
            retried = _send(meeting, failed)
            if retried is not None:
                by_channel = {r.channel: r for r in results} | {r.channel: r for r in retried}
                sent[meeting.week] = list(by_channel.values())
                st.rerun()
