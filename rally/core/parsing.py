"""Parsing rules for what people type into a Sheet: dates, numbers, names and platforms.

Every parser works over a column's unique values, so 100k rows cost what a few
thousand distinct cells cost. No rule reads the clock: "today" is passed in.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache, wraps
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from babel import Locale, UnknownLocaleError
from dateutil import parser as dateutil_parser

from rally.core.contract import PYTHON_WHITESPACE, normalise_key

T = TypeVar("T")
SHEETS_EPOCH = date(1899, 12, 30)

# datetime64[ns] holds 1677-09-21 00:12 .. 2262-04-11 23:47: every window lies inside these whole days, so a date
# Rally has read can never raise pandas' OutOfBoundsDatetime, whatever year was typed.
PANDAS_FIRST_DAY = date(1677, 9, 22)
PANDAS_LAST_DAY = date(2262, 4, 11)


@dataclass(frozen=True)
class DateWindow:
    """The days a column's dates may fall on: anything outside is reported as a likely typo and left out."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if not PANDAS_FIRST_DAY <= self.first <= self.last <= PANDAS_LAST_DAY:
            raise ValueError(f"a date window runs forwards inside {PANDAS_FIRST_DAY} .. {PANDAS_LAST_DAY}")

    def __contains__(self, day: date) -> bool:
        return self.first <= day <= self.last

    @property
    def label(self) -> str:
        """'2000–2027' for whole years (what the constructors make), else both days."""
        if (self.first.month, self.first.day, self.last.month, self.last.day) == (1, 1, 12, 31):
            return f"{self.first.year}–{self.last.year}"
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


def _window_end(today: date | None) -> date:
    # Next year's end: a post dated early next year (a time zone ahead, a typo of a day) is still read.
    return min(date(today.year + 1, 12, 31), PANDAS_LAST_DAY) if today else date(2100, 12, 31)


def activity_window(today: date | None) -> DateWindow:
    """Posts, votes, answers, kudos, notes: 2000-01-01 to the end of next year (2100-12-31 without a today)."""
    return DateWindow(date(2000, 1, 1), _window_end(today))


def people_window(today: date | None) -> DateWindow:
    """A Staff Joined date or a training date: 1950-01-01 to the end of next year."""
    return DateWindow(date(1950, 1, 1), _window_end(today))


DEFAULT_WINDOW = activity_window(None)
NOT_A_DATE = "not a date Rally can read (try 2026-11-16)"

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_ISO_BASIC = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:[T ].*)?$")
# A Sheets serial, with a fraction for the time of day; a German or French Sheet writes the fraction after a comma.
_SERIAL = re.compile(r"^(\d+)(?:[.,]\d+)?$")
_HAS_MONTH_NAME = re.compile(r"[^\W\d_]{3,}")
_FOUR_DIGITS = re.compile(r"\d{4}")
# Written out by hand: strftime's %b follows the process's C locale, which a host may have set to any language.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Longer than any date people type: free text in a date column is not handed to dateutil.
_LONGEST_DATE_TEXT = 64


def _two_digit_year(year: int) -> int:
    # The usual spreadsheet pivot: 00-29 are this century, 30-99 the last one ("01/03/85" is 1985).
    return year + (2000 if year < 30 else 1900)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _typed_day(text: str, day_first: bool) -> date | int | None:
    """The day a cell names, whatever its year; a Sheets serial as its whole number of days; None if unreadable.

    The time of day and any time zone are ignored: they never move the day that was typed.
    """
    if match := _ISO.match(text):
        return _safe_date(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC_DATE.match(text):
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        year = _two_digit_year(year) if len(match[3]) == 2 else year
        day, month = (first, second) if day_first else (second, first)
        # 11/16/2026 under day-first can only mean 16 November: take the only reading that exists.
        return _safe_date(year, month, day) or _safe_date(year, day, month)
    if (match := _ISO_BASIC.match(text)) and (day := _safe_date(int(match[1]), int(match[2]), int(match[3]))):
        return day  # 20261116: eight digits are never a serial (that would be the year 57,000)
    if match := _SERIAL.match(text):
        # Any serial past 9,999,999 days is past the year 9999: no need to read all of a 5,000-digit number.
        return int(match[1]) if len(match[1]) <= 8 else 10**8
    if _HAS_MONTH_NAME.search(text) and len(text) <= _LONGEST_DATE_TEXT:
        return _month_name_date(text, day_first)
    return None


def _month_name_date(text: str, day_first: bool) -> date | None:
    try:
        parsed = dateutil_parser.parse(text, dayfirst=day_first, default=datetime(1900, 1, 1), ignoretz=True)
        # dateutil fills a missing day or year from the default: parse again with another
        # default, and trust only a date that did not come from either ("Nov 18", "Nov 2026").
        check = dateutil_parser.parse(text, dayfirst=day_first, default=datetime(1904, 2, 2), ignoretz=True)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed.date() != check.date():
        return None
    if not _FOUR_DIGITS.search(text):
        # dateutil pivots a two-digit year on today's clock; Rally's rules never read the clock.
        return _safe_date(_two_digit_year(parsed.year % 100), parsed.month, parsed.day)
    return parsed.date()


def read_date(text: object, day_first: bool = True, window: DateWindow | None = None) -> tuple[date | None, str]:
    """One cell to (day, problem): (None, "") when blank; a problem a person can act on when it can't be read.

    Never raises: a year of 3026 or 9999 is reported, not handed to pandas.
    """
    window = window or DEFAULT_WINDOW
    text = _cell_text(text)
    if not text:
        return None, ""
    typed = _typed_day(text, day_first)
    if typed is None:
        return None, NOT_A_DATE
    if isinstance(typed, int):
        ordinal = SHEETS_EPOCH.toordinal() + typed
        if ordinal > date.max.toordinal():
            return None, "a number, not a date — type a date like 2026-11-16"
        day = date.fromordinal(ordinal)
        if day in window:
            return day, ""
        return (
            None,
            f"as a date this number is {day.day} {_MONTHS[day.month - 1]} {day.year}, outside {window.label} — type a date like 2026-11-16",
        )
    if typed in window:
        return typed, ""
    return None, f"year {typed.year} is outside {window.label} — a typo?"


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value.strip() if isinstance(value, str) else str(value).strip()


def parse_date(text: str, day_first: bool = True, window: DateWindow | None = None) -> date | None:
    """One cell to a date, or None when it is not a date Rally can be sure of (or lies outside the window)."""
    return read_date(text, day_first, window)[0]


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


def read_dates(
    values: pd.Series, day_first: bool = True, window: DateWindow | None = None
) -> tuple[pd.Series, pd.Series]:
    """A column to (datetime64[ns] with NaT where blank or unread, the problem or "" per row); once per unique value."""
    results, codes = map_unique(values, lambda text: read_date(text, day_first, window))
    problems = np.asarray([problem for _, problem in results] or [""], dtype=object)
    return _days_series(results, codes, values.index), pd.Series(problems[codes], index=values.index, dtype="str")


def parse_dates(values: pd.Series, day_first: bool = True, window: DateWindow | None = None) -> pd.Series:
    """A column of cells to datetime64 (NaT where unparseable or outside the window); parsed once per unique value."""
    results, codes = map_unique(values, lambda text: read_date(text, day_first, window))
    return _days_series(results, codes, values.index)


def _days_series(results: list[tuple[date | None, str]], codes: np.ndarray, index: pd.Index) -> pd.Series:
    # numpy turns None into NaT; every day read lies inside its window, so the cast to nanoseconds can't overflow.
    days = np.array([day for day, _ in results], dtype="datetime64[D]").astype("datetime64[ns]")
    return pd.Series(days[codes], index=index, dtype="datetime64[ns]")


# Numbers ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberFormat:
    """How a Sheet writes numbers: its decimal mark, its digit-group mark, and the size of groups after the first."""

    decimal: str = "."
    group: str = ","
    locale: str = field(default="en", compare=False)  # for messages only: en_US and en_GB write numbers alike
    secondary_group: int = 3  # 2 in India: 12,34,567

    @property
    def example(self) -> str:
        """Twelve hundred and thirty-four and a half, as this Sheet writes it."""
        return f"1{self.group}234{self.decimal}5"


ENGLISH = NumberFormat()
# The two notations most Sheets use; a text that only one of them reads is reported with that reading.
_POINT_DECIMAL = ENGLISH
_COMMA_DECIMAL = NumberFormat(",", ".", "de")


@lru_cache(maxsize=64)
def number_format(locale: str | None) -> NumberFormat:
    """A Sheet's `properties.locale` ('de_DE', 'fr_FR', 'en_US'…) to its number notation, from Babel's CLDR data.

    An unknown or missing locale is English (what Google assumes for a Sheet without one).
    """
    if not locale:
        return ENGLISH
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
        decimal, group = parsed.number_symbols["latn"]["decimal"], parsed.number_symbols["latn"]["group"]
        grouping = parsed.decimal_formats[None].grouping
    except (ValueError, TypeError, KeyError, AttributeError, UnknownLocaleError):
        return ENGLISH
    if len(decimal) != 1 or len(group) != 1 or decimal == group:
        return ENGLISH
    return NumberFormat(decimal, group, str(parsed), grouping[1] if grouping[1] in (2, 3) else 3)


_SUFFIX = {"k": 1_000, "m": 1_000_000, "b": 1_000_000_000}
_SPACES = " \u00a0\u202f\u2009"  # Sheets and CLDR group digits with no-break and narrow no-break spaces
_APOSTROPHES = "'\u2019"  # Switzerland
_SIGN = re.compile(r"^([+\-\u2212])\s*")
_WITH_SUFFIX = re.compile(r"^(.*?)\s*([kmb])$", re.IGNORECASE)
NOT_A_NUMBER = "not a number"
NEGATIVE = "negative number"
# Longer than any count people type: no second reading is looked for, so a message never repeats a page of digits.
_LONGEST_NUMBER_TEXT = 48
_FOLD_MARKS = str.maketrans({**dict.fromkeys(_SPACES, " "), **dict.fromkeys(_APOSTROPHES, "'")})


@lru_cache(maxsize=64)
def _grammar(fmt: NumberFormat) -> tuple[re.Pattern, re.Pattern, str]:
    """This notation's numbers (grouped or not) and its plain numbers, with every space and apostrophe folded to one.

    Valid grouping: the first group is 1-3 digits not starting with 0, every later group exactly 3
    digits (or 2, then a last 3, where the locale groups that way), all with the same mark.
    """
    marks = "".join(dict.fromkeys(fmt.group + " '")).replace(fmt.decimal, "")
    g, d = f"[{re.escape(marks)}]", re.escape(fmt.decimal)
    fraction = rf"(?:{d}\d+)?"
    plain = rf"\d+{fraction}|\d*{d}\d+"
    grouped = rf"[1-9]\d{{0,2}}({g})\d{{3}}(?:\1\d{{3}})*{fraction}"
    if fmt.secondary_group == 2:
        grouped += rf"|[1-9]\d?({g})\d{{2}}(?:\2\d{{2}})*\2\d{{3}}{fraction}"
    return re.compile(rf"(?:{plain}|{grouped})"), re.compile(plain), marks


@lru_cache(maxsize=64)
def _scientific(fmt: NumberFormat) -> re.Pattern:
    # How Python writes a very large or small typed number (1e-05, 1.5e+20), in the Sheet's own notation only:
    # no person types one, so it is never a reading of another notation.
    return re.compile(rf"\d+(?:{re.escape(fmt.decimal)}\d+)?[eE][+\-]?\d{{1,3}}")


def _reading(mantissa: str, fmt: NumberFormat) -> Decimal | None:
    """The number `mantissa` is in `fmt`'s notation, or None when that notation can't read it."""
    number, _, marks = _grammar(fmt)
    if not number.fullmatch(mantissa):
        return None
    return Decimal(mantissa.translate({ord(c): None for c in marks}).replace(fmt.decimal, "."))


def _loose_reading(mantissa: str, fmt: NumberFormat) -> Decimal | None:
    """Every group mark dropped, whatever the groups: how a careless reader takes "12,5" in an English Sheet (125)."""
    _, plain, marks = _grammar(fmt)
    stripped = mantissa.translate({ord(c): None for c in marks})
    return Decimal(stripped.replace(fmt.decimal, ".")) if plain.fullmatch(stripped) else None


def _shown(value: Decimal, fmt: NumberFormat) -> str:
    """A value in the Sheet's own notation, ungrouped, so it reads one way only: 1234,5 in a German Sheet."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", fmt.decimal)


def read_number(text: object, fmt: NumberFormat = ENGLISH) -> tuple[float | None, str]:
    """One cell to (value, problem): (None, "") when blank; never a guess between two readings.

    Read in the Sheet's own notation (`fmt`), with any kind of space or an apostrophe as a
    group mark too, and k/m/b for thousands, millions, billions. A text this notation can't
    read but another can ("12,5" in an English Sheet) is reported with every reading.
    """
    cleaned = _cell_text(text)
    if not cleaned:
        return None, ""
    sign = _SIGN.match(cleaned)
    body = (cleaned[sign.end() :] if sign else cleaned).translate(_FOLD_MARKS)
    negative = bool(sign) and sign[1] != "+"
    multiplier = 1
    if suffixed := _WITH_SUFFIX.match(body):
        body, multiplier = suffixed[1], _SUFFIX[suffixed[2].lower()]
    own = _reading(body, fmt)
    if own is None and _scientific(fmt).fullmatch(body):
        own = Decimal(body.replace(fmt.decimal, "."))
    if own is not None:
        if negative:
            return None, NEGATIVE
        # Decimal, so "4.1m" is 4100000 and not 4099999.9999999995.
        value = float(own * multiplier)
        return (value, "") if math.isfinite(value) else (None, NOT_A_NUMBER)
    if len(body) > _LONGEST_NUMBER_TEXT:
        return None, NOT_A_NUMBER
    readings: list[Decimal] = []
    for candidate in (
        _loose_reading(body, fmt),
        *(_reading(body, other) for other in (_POINT_DECIMAL, _COMMA_DECIMAL) if other != fmt),
    ):
        if candidate is not None and candidate * multiplier not in readings:
            readings.append(candidate * multiplier)
    if not readings:
        return None, NOT_A_NUMBER
    if negative:
        return None, NEGATIVE
    shown = [_shown(r, fmt) for r in readings]
    if len(shown) == 1:
        return (
            None,
            f"not how this Sheet writes numbers (like {fmt.example}) — type {shown[0]} if that is what it means",
        )
    either = ", ".join(shown[:-1]) + " or " + shown[-1]
    return None, f"could be {either} — type the one you mean as this Sheet writes numbers (like {fmt.example})"


def parse_number(text: str, fmt: NumberFormat = ENGLISH) -> tuple[float | None, str | None]:
    """One cell to (value, problem). Blank is (None, None): missing, not wrong."""
    value, problem = read_number(text, fmt)
    return value, problem or None


# Digits with at most one decimal mark, short enough for Decimal to hold exactly: float() reads them the same way.
# Typed numbers look like this once the source has written them out, and so does the bulk of any column.
_PLAIN_MAX_LENGTH = 28


@lru_cache(maxsize=64)
def _plain_number(fmt: NumberFormat) -> Callable[[str], tuple[float, str]]:
    plain = re.compile(rf"\d+(?:{re.escape(fmt.decimal)}\d+)?", re.ASCII).fullmatch

    def number_or_problem(text: str) -> tuple[float, str]:
        if isinstance(text, str) and len(text) <= _PLAIN_MAX_LENGTH and plain(text):
            return float(text.replace(fmt.decimal, ".")), ""  # the common case, without the Decimal arithmetic
        value, problem = read_number(text, fmt)
        return (math.nan if value is None else value), problem

    return number_or_problem


def parse_numbers(values: pd.Series, fmt: NumberFormat = ENGLISH) -> tuple[pd.Series, pd.Series]:
    """A column to (float64 with NaN for missing, problem text or "" per row), read once per distinct value."""
    parsed, codes = map_unique(values, _plain_number(fmt))
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


# Arrow's steps over a column of links each make a column as big as it: a big tab's go in slices of this many.
CHUNK_ROWS = 16_384


def _in_slices(function: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
    @wraps(function)
    def by_slices(values: pd.Series) -> pd.Series:
        if len(values) <= CHUNK_ROWS:
            return function(values)
        return pd.concat([function(values.iloc[at : at + CHUNK_ROWS]) for at in range(0, len(values), CHUNK_ROWS)])

    return by_slices


@_in_slices
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


@_in_slices
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
