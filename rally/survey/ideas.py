"""The ideas box: anonymous ideas for making the company's social media better, always open.

Ideas are rows in the Ideas tab (ID, Day, Idea), written RAW through the outbox;
the facilitator can hide one from screens (rally.survey.moderation).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import pandas as pd

from rally.core.contract import IDEAS
from rally.core.records import read_records

IDEA_LIMIT = 500  # characters; the form stops typing there and the server cuts there too


def clean_idea(text: str) -> str:
    """The idea as it will be stored: trimmed and cut to IDEA_LIMIT ('' means nothing to send)."""
    return str(text).strip()[:IDEA_LIMIT].rstrip()


def idea_row(text: str, day: date) -> dict[str, str]:
    return {"Day": day.isoformat(), "Idea": clean_idea(text)}


def read_ideas(
    tabs: Mapping[str, list[list]], pending: Iterable[Mapping[str, str]] = (), hidden: Iterable[str] = ()
) -> pd.DataFrame:
    """id, day, text, hidden, pending — newest first (the Sheet's order, queued ideas last in, first out)."""
    records = read_records(tabs, IDEAS, pending)
    records = records[records["Idea"].str.strip() != ""]
    hidden = set(hidden)
    ids = records["ID"].where(records["ID"] != "", "row-" + records["row"].astype("str"))
    frame = pd.DataFrame(
        {
            "id": ids.astype("str"),
            "day": records["Day"].astype("str"),
            "text": records["Idea"].astype("str"),
            "hidden": ids.isin(hidden).astype("bool"),
            "pending": records["pending"].astype("bool"),
        }
    )
    return frame.iloc[::-1].reset_index(drop=True)


def latest_ideas(ideas: pd.DataFrame, count: int = 5) -> list[str]:
    """The newest ideas not hidden, as text."""
    return list(ideas.loc[~ideas["hidden"], "text"].head(count))
