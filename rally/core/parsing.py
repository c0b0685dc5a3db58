"""Parsing rules for what people type into a Sheet: dates, numbers, names and platforms.

Every parser works over a column's unique values, so 100k rows cost what a few
thousand distinct cells cost.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from dateutil import parser as dateutil_parser

from rally.core.contract import PYTHON_WHITESPACE, normalise_key

T = TypeVar("T")
SHEETS_EPOCH = date(1899, 12, 30)
# Serial numbers outside 2000-01-01 .. 2100-12-31 are more likely typos (a year, a count) than dates.
SERIAL_RANGE = (36526, 73415)

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:[T ].*)?$")
_SERIAL = re.compile(r"^\d+(?:\.\d+)?$")
_HAS_MONTH_NAME = re.compile(r"[A-Za-z]{3,}")


def parse_date(text: str, day_first: bool = True) -> date | None:
    """One cell to a date, or None when it is not a date Rally can be sure of."""
    text = text.strip()
    if not text:
        return None
    if match := _ISO.match(text):
        return _safe_date(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC_DATE.match(text):
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        year += 2000 if year < 100 else 0
        day, month = (first, second) if day_first else (second, first)
        # 11/16/2026 under day-first can only mean 16 November: take the only reading that exists.
        return _safe_date(year, month, day) or _safe_date(year, day, month)
    if _SERIAL.match(text):
        serial = float(text)
        if SERIAL_RANGE[0] <= serial <= SERIAL_RANGE[1]:
            return SHEETS_EPOCH + timedelta(days=math.floor(serial))
        return None
    if _HAS_MONTH_NAME.search(text):
        try:
            parsed = dateutil_parser.parse(text, dayfirst=day_first, default=datetime(1900, 1, 1))
            # dateutil fills a missing day or year from the default: parse again with another
            # default, and trust only a date that did not come from either ("Nov 18", "Nov 2026").
            check = dateutil_parser.parse(text, dayfirst=day_first, default=datetime(1904, 2, 2))
        except (ValueError, OverflowError):
            return None
        return parsed.date() if parsed.date() == check.date() else None
    return None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def map_unique(values: pd.Series, function: Callable[[str], T]) -> tuple[list[T], np.ndarray]:
    """`function` of each distinct value, and for each row the position of its value's result.

    A column of 100k cells typically holds a few thousand distinct ones: parsing those
    and spreading the results with one numpy take costs what the distinct cells cost.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return [function(u) for u in uniques.tolist()], codes


def map_text(values: pd.Series, function: Callable[[str], str]) -> pd.Series:
    """`values.map(function)` for a text function, called once per distinct value."""
    results, codes = map_unique(values, function)
    return pd.Series(np.asarray(results, dtype=object)[codes] if results else [], index=values.index, dtype="str")


def parse_dates(values: pd.Series, day_first: bool = True) -> pd.Series:
    """A column of cells to datetime64 (NaT where unparseable); parsed once per unique value."""
    parsed, codes = map_unique(values, lambda text: parse_date(text, day_first))
    days = pd.to_datetime(pd.Series(parsed, dtype="object"), errors="coerce").astype("datetime64[ns]").to_numpy()
    return pd.Series(days[codes], index=values.index, dtype="datetime64[ns]")


_SUFFIX = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}
_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*([kmb])?$", re.IGNORECASE)


def parse_number(text: str) -> tuple[float | None, str | None]:
    """One cell to (value, problem). Blank is (None, None): missing, not wrong."""
    cleaned = text.strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        return None, None
    match = _NUMBER.match(cleaned)
    if not match:
        return None, "not a number"
    # Decimal, so "4.1m" is 4100000 and not 4099999.9999999995.
    value = float(Decimal(match[1]) * _SUFFIX.get((match[2] or "").lower(), 1))
    if value < 0:
        return None, "negative number"
    return value, None


# Digits with at most one decimal point, short enough for Decimal to hold exactly: float() reads them the same way.
_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_PLAIN_MAX_LENGTH = 28


def _number_or_problem(text: str) -> tuple[float, str]:
    if len(text) <= _PLAIN_MAX_LENGTH and _PLAIN_NUMBER.fullmatch(text):
        return float(text), ""  # the common case, without the Decimal arithmetic
    value, problem = parse_number(text)
    return (math.nan if value is None else value), problem or ""


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A column to (float64 with NaN for missing, problem text or "" per row)."""
    parsed, codes = map_unique(values, _number_or_problem)
    numbers = np.fromiter((v for v, _ in parsed), dtype="float64", count=len(parsed))
    problems = np.asarray([p for _, p in parsed] or [""], dtype=object)
    return pd.Series(numbers[codes], index=values.index, dtype="float64"), pd.Series(
        problems[codes], index=values.index, dtype="str"
    )


def clean_name(text: str) -> str:
    """Trim and collapse inner spaces; emoji and apostrophes stay; an accent typed two ways is one letter (NFC)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


_SCHEME_AND_HOST = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*)(.*)$")


def link_identity(url: str) -> str:
    """What makes two logged links the same post: scheme and host ignore case, the path does not (YouTube IDs)."""
    url = url.strip().rstrip("/")
    match = _SCHEME_AND_HOST.match(url)
    return match[1].casefold() + match[2] if match else url


def name_key(text: str) -> str:
    """The key two spellings of one person share: 'maya  patel ' and 'Maya Patel' match."""
    return clean_name(text).casefold()


_PLATFORMS = {
    "linkedin": "LinkedIn",
    "x": "X",
    "twitter": "X",
    "xtwitter": "X",
    "twitterx": "X",
    "facebook": "Facebook",
    "fb": "Facebook",
    "instagram": "Instagram",
    "ig": "Instagram",
    "insta": "Instagram",
    "blog": "Blog",
    "blogging": "Blog",
    "blogpost": "Blog",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "yt": "YouTube",
}


def canonical_platform(text: str) -> str:
    """A platform's usual name; anything unknown is kept as typed (trimmed)."""
    return _PLATFORMS.get(normalise_key(text), clean_name(text))


_WEB_LINK = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def is_web_link(text: str) -> bool:
    """Only http(s) links may ever become clickable."""
    return bool(_WEB_LINK.match(text.strip()))


# The same rules for a whole column at once, in Arrow's RE2. RE2 and Python's re agree on these patterns for
# plain ASCII text without a line break (RE2's \s is narrower, and Python's case-insensitive s also matches ſ),
# so those cells go through Arrow and any other cell through the functions above.
_WEB_LINK_RE2 = r"^https?://[^\t\n\x0b\x0c\r\x1c-\x1f <>\"']+$"
_SCHEME_AND_HOST_RE2 = r"^(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*)(?P<rest>.*)$"


def _arrow_ready(values: pd.Series) -> tuple[pa.Array, np.ndarray]:
    cells = pa.array(values, type=pa.large_string())
    plain = pc.and_(pc.string_is_ascii(cells), pc.invert(pc.match_substring(cells, "\n")))
    return pc.utf8_trim(cells, characters=PYTHON_WHITESPACE), plain.to_numpy(zero_copy_only=False)


def web_links(values: pd.Series) -> pd.Series:
    """`is_web_link` of every cell of a column."""
    if values.empty:
        return pd.Series([], index=values.index, dtype="bool")
    cells, plain = _arrow_ready(values)
    result = pd.Series(
        pc.match_substring_regex(cells, _WEB_LINK_RE2, ignore_case=True).to_numpy(zero_copy_only=False),
        index=values.index,
        dtype="bool",
    )
    if not plain.all():
        others, codes = map_unique(values[~plain], is_web_link)
        result[~plain] = np.asarray(others, dtype=bool)[codes]
    return result


def link_identities(values: pd.Series) -> pd.Series:
    """`link_identity` of every cell of a column."""
    if values.empty:
        return pd.Series([], index=values.index, dtype="str")
    cells, plain = _arrow_ready(values)
    url = pc.utf8_rtrim(cells, characters="/")
    parts = pc.extract_regex(url, _SCHEME_AND_HOST_RE2)
    joined = pc.binary_join_element_wise(
        pc.ascii_lower(pc.struct_field(parts, "head")), pc.struct_field(parts, "rest"), pa.scalar("", pa.large_string())
    )
    result = pd.Series(pc.if_else(pc.is_valid(parts), joined, url), index=values.index, dtype="str")
    if not plain.all():
        result[~plain] = map_text(values[~plain], link_identity)
    return result


def iso_week_label(day: date) -> str:
    """Monday-to-Sunday ISO week, labelled like 2026-W47."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_start(label: str) -> date:
    """The Monday of an ISO week label; raises ValueError on a malformed label."""
    match = re.fullmatch(r"(\d{4})-W(\d{1,2})", label.strip(), re.IGNORECASE)
    if not match:
        raise ValueError(f"{label!r} is not a week like 2026-W47")
    return date.fromisocalendar(int(match[1]), int(match[2]), 1)
