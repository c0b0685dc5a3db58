"""Kudos: anyone thanks a colleague in a line; the next meeting reads them out among its highlights.

The Kudos tab is written by Rally (through the outbox, RAW, one ID a row) and may be
typed into by hand as well. Messages are untrusted text: pages show them as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from rally.core.parsing import clean_name
from rally.core.text import NAME_MAX
from rally.weekly.glance import meeting_date

MESSAGE_MAX = 280
FROM_NOBODY = "a colleague"  # how a kudos without a From is signed when shown


@dataclass(frozen=True)
class NewKudos:
    to: str
    message: str
    sender: str
    day: date

    def cells(self) -> dict[str, str]:
        return {
            "Date": self.day.isoformat(),
            "To": clean_name(self.to),
            "From": clean_name(self.sender),
            "Message": " ".join(self.message.split()),
        }


def kudos_problems(kudos: NewKudos) -> list[str]:
    """What stops a kudos being sent, as sentences a person can act on."""
    problems = []
    if not clean_name(kudos.to):
        problems.append("Pick who the kudos is for.")
    elif len(clean_name(kudos.to)) > NAME_MAX:
        problems.append(f"Keep the name to {NAME_MAX} characters.")
    if len(clean_name(kudos.sender)) > NAME_MAX:
        problems.append(f"Keep your name to {NAME_MAX} characters (or leave it blank).")
    if not kudos.message.strip():
        problems.append("Write a line of thanks.")
    elif len(kudos.message) > MESSAGE_MAX:
        problems.append(f"Keep it to {MESSAGE_MAX} characters.")
    return problems


def kudos_for_week(kudos: pd.DataFrame, week: str, meeting_weekday: int = 0) -> pd.DataFrame:
    """The kudos the meeting about `week` reads out, oldest first: those sent after the previous meeting day, up to and
    including this meeting's day (the `Meeting day` setting, Monday 0; see rally.weekly.glance.meeting_week_of).

    With Monday meetings, a kudos sent on Monday morning is read out that morning rather than a week later.
    Takes `read_kudos(...)`'s frame; each row has `to` (display name), `sender` ("" when anonymous: show
    `FROM_NOBODY`), `message` (untrusted: show as text) and `date` (undated kudos are in no meeting).
    """
    return kudos[for_meeting(kudos, week, meeting_weekday)].sort_values(["date", "row"]).reset_index(drop=True)


def for_meeting(kudos: pd.DataFrame, week: str, meeting_weekday: int = 0) -> pd.Series:
    """True for each kudos the meeting about `week` reads out (see `kudos_for_week`)."""
    meeting = pd.Timestamp(meeting_date(week, meeting_weekday))
    sent = kudos["date"]
    return (sent > meeting - pd.Timedelta(days=7)) & (sent <= meeting)


def signed(sender: str) -> str:
    """How a kudos is signed on screen."""
    return sender or FROM_NOBODY
