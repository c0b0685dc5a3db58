"""What the facilitator hid: survey answers and ideas, by their row ID, in an append-only Moderation tab.

Each click is a row (hide or show again), in order (`Seq`); an item's last action wins.
Hidden items stay in the Sheet, untouched, and still count in the response counter;
they are only left off screens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from rally.core.contract import MODERATION, normalise_key
from rally.core.records import read_records

HIDE, SHOW = "hide", "show"


def hidden_ids(tabs: Mapping[str, list[list]], pending: Iterable[Mapping[str, str]] = ()) -> tuple[frozenset[str], int]:
    """(IDs hidden now, the Seq for the next action)."""
    records = read_records(tabs, MODERATION, pending)
    last: dict[str, tuple[int, int, str]] = {}
    top = 0
    for order, (seq, target, action) in enumerate(zip(records["Seq"], records["Target"], records["Action"])):
        number = _int(seq)
        top = max(top, number)
        kind = normalise_key(action)
        if not target or kind not in (HIDE, SHOW):
            continue
        key = (number, order)
        if target not in last or key >= last[target][:2]:
            last[target] = (*key, kind)
    return frozenset(t for t, (_, _, kind) in last.items() if kind == HIDE), top + 1


def moderation_row(tab: str, target: str, action: str, seq: int, day: date) -> dict[str, str]:
    return {"Seq": str(seq), "Day": day.isoformat(), "Tab": tab, "Target": target, "Action": action}


def _int(text: str) -> int:
    try:
        return int(float(text))
    except (TypeError, ValueError):
        return 0
