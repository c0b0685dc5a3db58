"""A name somebody typed, held against the Staff tab: the same person, someone close to ask about, or nobody.

Typing "maya patel" or "Chloe Dubois" means Maya Patel and Chloé Dubois for certain (case, spaces and
accents aside). "Maya", "Patel", "Maya Patle" or "Patel Maya" are close but not certain: a form asks
"Did you mean Maya Patel?" instead of quietly counting a new person (a ghost who then shows as staff
who never trained). Closeness is RapidFuzz's WRatio, which weighs a typo, a first or last name alone
and swapped words; every rule is a row in tests/test_names.py.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

CLOSE = 85  # WRatio from which a Staff name is offered ("Maya" → Maya Patel scores 90, "Maria" → Amara Nwosu 72)
NEAREST = 60  # below this the closest Staff name is no help on Data health ("no Staff name is close")
SUGGESTIONS = 3


def fold(name: str) -> str:
    """A name as compared: lower case, accents off, punctuation as a space, spaces collapsed ("Siobhán O'Neill" → "siobhan o neill")."""
    text = unicodedata.normalize("NFKD", str(name))
    return " ".join(utils.default_process("".join(c for c in text if not unicodedata.combining(c))).split())


@dataclass(frozen=True)
class NameMatch:
    """What a typed name is: `name` when it is a Staff name for certain, else the close ones to ask about."""

    typed: str
    name: str | None = None  # the Staff tab's spelling, when it is that person for certain
    suggestions: tuple[str, ...] = ()  # close Staff names, closest first ("Did you mean …?")

    @property
    def known(self) -> bool:
        return self.name is not None


def match_name(typed: str, names: Iterable[str], limit: int = SUGGESTIONS) -> NameMatch:
    """`typed` against `names` (the Staff tab's): the same person, or up to `limit` close names to ask about."""
    names = list(dict.fromkeys(n for n in names if str(n).strip()))
    key = fold(typed)
    if not key or not names:
        return NameMatch(typed)
    same = [n for n in names if fold(n) == key]
    if len(same) == 1:
        return NameMatch(typed, same[0])
    if same:  # two Staff rows that differ only by accents or case: ask which
        return NameMatch(typed, None, tuple(same[:limit]))
    close = process.extract(key, names, scorer=fuzz.WRatio, processor=fold, score_cutoff=CLOSE, limit=limit)
    return NameMatch(typed, None, tuple(name for name, _, _ in close))


def closest_name(typed: str, names: Iterable[str]) -> tuple[str, float] | None:
    """The Staff name nearest `typed` and how near (0–100), or None when none is near enough to help."""
    found = process.extractOne(fold(typed), list(names), scorer=fuzz.WRatio, processor=fold, score_cutoff=NEAREST)
    return (found[0], float(found[1])) if found else None
