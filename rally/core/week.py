"""A week as a value: an ISO week, Monday to Sunday, made once and passed on.

`Week` is its label (`2026-W47`, so it compares equal to the `week` column of the posts frame and
keys a derived result like any string) and knows its own start, end, neighbours and days, so
nothing downstream parses a label back into dates.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_LABEL = re.compile(r"(\d{4})-W(\d{1,2})", re.IGNORECASE)


class Week(str):
    """An ISO week: `Week.of(day)`, `Week.parse("2026-W47")`; `str(week)` is its label."""

    start: date

    def __new__(cls, start: date) -> Week:
        monday = start - timedelta(days=start.weekday())
        year, number, _ = monday.isocalendar()
        week = super().__new__(cls, f"{year}-W{number:02d}")
        week.start = monday
        return week

    def __reduce__(self):  # pickled and copied as the value it is
        return (Week, (self.start,))

    @classmethod
    def of(cls, day: date) -> Week:
        """The week `day` falls in."""
        return cls(day)

    @classmethod
    def parse(cls, label: str) -> Week:
        """The week a label like `2026-W47` names; ValueError (saying what a week looks like) otherwise."""
        match = _LABEL.fullmatch(str(label).strip())
        if not match:
            raise ValueError(f"{label!r} is not a week like 2026-W47")
        try:
            return cls(date.fromisocalendar(int(match[1]), int(match[2]), 1))
        except ValueError:
            raise ValueError(f"{label!r} is not a week like 2026-W47: {match[1]} has no week {match[2]}") from None

    @property
    def label(self) -> str:
        return str.__str__(self)

    @property
    def end(self) -> date:
        """The Sunday."""
        return self.start + timedelta(days=6)

    @property
    def previous(self) -> Week:
        return Week(self.start - timedelta(days=7))

    @property
    def next(self) -> Week:
        return Week(self.start + timedelta(days=7))

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def shifted(self, weeks: int) -> Week:
        return Week(self.start + timedelta(days=7 * weeks))

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(7)]

    def span(self) -> str:
        """'16–22 Nov 2026', '30 Nov – 6 Dec 2026' or '28 Dec 2026 – 3 Jan 2027': how a person says the week."""
        end = self.end
        if self.start.year != end.year:
            return f"{self.start:%-d %b %Y} – {end:%-d %b %Y}"
        if self.start.month != end.month:
            return f"{self.start:%-d %b} – {end:%-d %b %Y}"
        return f"{self.start.day}–{end:%-d %b %Y}"

    def __repr__(self) -> str:
        return f"Week({self.label!r})"


def as_week(week: str | Week) -> Week:
    """`week` itself when it is a Week already (the usual case: pages make one and pass it on), else its label parsed."""
    return week if isinstance(week, Week) else Week.parse(week)
