"""Months as the KPIs tab holds them, normalised to 'YYYY-MM'."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
from dateutil import parser as dateutil_parser

from rally.core.parsing import parse_date

_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_MONTH_NAME_YEAR = re.compile(r"^([A-Za-z]{3,})\.?[\s,\-']*(\d{2}|\d{4})$")


def parse_month(text: str, day_first: bool = True) -> str:
    """'2026-10', 'Oct 2026', '01/10/2026' or a Sheets date serial -> '2026-10'; '' when unreadable."""
    text = text.strip()
    if match := _YEAR_MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else ""
    if match := _MONTH_NAME_YEAR.match(text):
        try:
            parsed = dateutil_parser.parse(f"1 {match[1]} {match[2]}", dayfirst=True)
        except (ValueError, OverflowError):
            return ""
        return f"{parsed.year:04d}-{parsed.month:02d}"
    parsed_date = parse_date(text, day_first)
    return f"{parsed_date.year:04d}-{parsed_date.month:02d}" if parsed_date else ""


def parse_months(values: pd.Series, day_first: bool = True) -> pd.Series:
    """A column to 'YYYY-MM' strings ('' where unreadable), parsed once per unique value."""
    lookup = {u: parse_month(u, day_first) for u in pd.unique(values)}
    return values.map(lookup).astype("str")


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def shift_month(month: str, by: int) -> str:
    """'2026-01' shifted by -1 -> '2025-12'."""
    year, number = int(month[:4]), int(month[5:7])
    index = year * 12 + (number - 1) + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_days(month: str) -> tuple[date, date]:
    """First and last day of a 'YYYY-MM' month."""
    start = date(int(month[:4]), int(month[5:7]), 1)
    following = shift_month(month, 1)
    end = date.fromordinal(date(int(following[:4]), int(following[5:7]), 1).toordinal() - 1)
    return start, end
