"""Kudos: anyone thanks a colleague in a line; this week's kudos are read out among the meeting's highlights.

The Kudos tab is written by Rally (through the outbox, RAW, one ID a row) and may be
typed into by hand as well. Messages are untrusted text: pages show them as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from rally.core.contract import Column, TabSpec, register_written_tab
from rally.core.parsing import clean_name, iso_week_label, name_key, parse_dates
from rally.core.records import QueuedRow, read_records
from rally.core.text import NAME_MAX

MESSAGE_MAX = 280
FROM_NOBODY = "a colleague"  # how a kudos without a From is signed when shown

KUDOS = register_written_tab(
    TabSpec(
        "Kudos",
        (
            Column("ID", True, (), "Filled in by Rally", ""),
            Column("Date", False, (), "The day it was sent", "2026-11-18"),
            Column("To", True, (), "Who it is for", "Maya Patel"),
            Column("From", False, (), "Optional: blank stays anonymous", "Leo Martin"),
            Column("Message", True, ("Kudos", "Text"), "One line of thanks", "Your case study got us two calls!"),
        ),
        description="Thanks from one colleague to another; this week's are read out in the meeting.",
    )
)

KUDOS_COLUMNS = {
    "row": "int64",
    "id": "str",
    "date": "datetime64[ns]",
    "week": "str",
    "to_person": "str",  # casefolded key, as posts["person"]
    "to": "str",  # display name (the Staff tab's spelling when known)
    "sender": "str",  # "" when anonymous
    "message": "str",
    "pending": "bool",
}


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


def read_kudos(
    tabs: Mapping[str, list[list]],
    queued: Iterable[QueuedRow | Mapping[str, str]] = (),
    display_names: Mapping[str, str] | None = None,
    day_first: bool = True,
) -> pd.DataFrame:
    """Every kudos (the Kudos tab plus rows still on their way), each ID once, newest first.

    Rows without a To or a Message are left out; a missing or unreadable Date leaves
    the kudos out of any week (it is still listed). `display_names` (person key ->
    name, e.g. `Dataset.display_names()`) spells names as the Staff tab does.
    """
    records = read_records(tabs, KUDOS, queued)
    names = display_names or {}
    to = records["To"].map(clean_name)
    dates = parse_dates(records["Date"], day_first)
    frame = pd.DataFrame(
        {
            "row": records["row"],
            "id": records["ID"],
            "date": dates,
            "week": [iso_week_label(d.date()) if not pd.isna(d) else "" for d in dates],
            "to_person": to.str.casefold(),
            "to": [names.get(name_key(t), t) for t in to],
            "sender": records["From"].map(clean_name),
            "message": records["Message"].map(lambda text: " ".join(text.split())),
            "pending": records["pending"],
        }
    )
    frame = frame[(frame["to"] != "") & (frame["message"] != "")]
    return (
        frame.sort_values(["date", "row"], ascending=[False, False], na_position="last")
        .reset_index(drop=True)
        .astype(KUDOS_COLUMNS)
    )


def kudos_for_week(kudos: pd.DataFrame, week: str) -> pd.DataFrame:
    """The kudos sent in ISO week `week` (e.g. "2026-W47"), oldest first, for the meeting's highlights.

    Takes `read_kudos(...)`'s frame; each row has `to` (display name), `sender` ("" when
    anonymous: show `FROM_NOBODY`), `message` (untrusted: show as text) and `date`.
    """
    return kudos[kudos["week"] == week].sort_values(["date", "row"]).reset_index(drop=True)


def signed(sender: str) -> str:
    """How a kudos is signed on screen."""
    return sender or FROM_NOBODY
