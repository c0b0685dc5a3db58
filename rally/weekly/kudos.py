"""Kudos: anyone thanks a colleague in a line; this week's kudos are read out among the meeting's highlights.

The Kudos tab is written by Rally (through the outbox, RAW, one ID a row) and may be
typed into by hand as well. Messages are untrusted text: pages show them as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from rally.core.parsing import clean_name
from rally.core.text import NAME_MAX

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


def kudos_for_week(kudos: pd.DataFrame, week: str) -> pd.DataFrame:
    """The kudos sent in ISO week `week` (e.g. "2026-W47"), oldest first, for the meeting's highlights.

    Takes `read_kudos(...)`'s frame; each row has `to` (display name), `sender` ("" when
    anonymous: show `FROM_NOBODY`), `message` (untrusted: show as text) and `date`.
    """
    return kudos[kudos["week"] == week].sort_values(["date", "row"]).reset_index(drop=True)


def signed(sender: str) -> str:
    """How a kudos is signed on screen."""
    return sender or FROM_NOBODY
