"""Dates with a window per column and numbers by the Sheet's locale: one table per rule, no crash on any cell."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from rally.core.parsing import (
    ENGLISH,
    PANDAS_FIRST_DAY,
    PANDAS_LAST_DAY,
    DateWindow,
    NumberFormat,
    activity_window,
    number_format,
    parse_date,
    parse_dates,
    parse_number,
    parse_numbers,
    people_window,
    read_date,
    read_dates,
    read_number,
)

TODAY = date(2026, 12, 7)
ACTIVITY = activity_window(TODAY)  # 2000-01-01 .. 2027-12-31
PEOPLE = people_window(TODAY)  # 1950-01-01 .. 2027-12-31
NOV_16 = date(2026, 11, 16)
UNREADABLE = "not a date Rally can read (try 2026-11-16)"


# fmt: off
@pytest.mark.parametrize(
    ("today", "window", "first", "last"),
    [
        (TODAY, activity_window, date(2000, 1, 1), date(2027, 12, 31)),
        (None, activity_window, date(2000, 1, 1), date(2100, 12, 31)),  # no today: a fixed, generous end
        (TODAY, people_window, date(1950, 1, 1), date(2027, 12, 31)),
        (None, people_window, date(1950, 1, 1), date(2100, 12, 31)),
        (date(2999, 1, 1), activity_window, date(2000, 1, 1), PANDAS_LAST_DAY),  # never past what pandas can hold
        (date(2026, 12, 31), activity_window, date(2000, 1, 1), date(2027, 12, 31)),
    ],
)
# fmt: on
def test_windows_run_from_a_fixed_start_to_the_end_of_next_year(today, window, first, last):
    """Posts and the like from 2000, people's dates from 1950, both to 31 December of today's next year."""
    assert window(today) == DateWindow(first, last)


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2027, 1, 1), date(2000, 1, 1)),  # backwards
        (date(1600, 1, 1), date(2000, 1, 1)),  # before what datetime64[ns] holds
        (date(2000, 1, 1), date(2263, 1, 1)),
    ],
)
def test_a_window_pandas_cannot_hold_is_refused_when_made(first, last):
    """A window outside datetime64[ns] (or backwards) can't be made, so no read date can overflow pandas."""
    with pytest.raises(ValueError):
        DateWindow(first, last)


# fmt: off
@pytest.mark.parametrize(
    ("text", "day_first", "window", "day", "problem"),
    [
        ("2026-11-16", True, ACTIVITY, NOV_16, ""),
        ("", True, ACTIVITY, None, ""),  # blank is missing, not wrong
        ("   ", True, ACTIVITY, None, ""),
        ("3026-11-16", True, ACTIVITY, None, "year 3026 is outside 2000–2027 — a typo?"),
        ("9999-12-31", True, ACTIVITY, None, "year 9999 is outside 2000–2027 — a typo?"),  # pandas' limit is 2262
        ("1026-11-16", True, ACTIVITY, None, "year 1026 is outside 2000–2027 — a typo?"),
        ("0001-01-01", True, ACTIVITY, None, "year 1 is outside 2000–2027 — a typo?"),
        ("16/11/3026", True, ACTIVITY, None, "year 3026 is outside 2000–2027 — a typo?"),
        ("2028-01-01", True, ACTIVITY, None, "year 2028 is outside 2000–2027 — a typo?"),
        ("2027-12-31", True, ACTIVITY, date(2027, 12, 31), ""),  # next year's last day is still in
        ("1999-12-31", True, ACTIVITY, None, "year 1999 is outside 2000–2027 — a typo?"),
        ("1999-12-31", True, PEOPLE, date(1999, 12, 31), ""),  # a Joined date may be older than any post
        ("1985-03-01", True, PEOPLE, date(1985, 3, 1), ""),
        ("1949-12-31", True, PEOPLE, None, "year 1949 is outside 1950–2027 — a typo?"),
        ("2026-11-16T23:30:00-08:00", True, ACTIVITY, NOV_16, ""),  # the zone never moves the day typed
        ("2026-11-16T00:30:00+14:00", True, ACTIVITY, NOV_16, ""),
        ("2026-11-16 23:59:59", True, ACTIVITY, NOV_16, ""),
        ("16/11/2026 23:30 -0800", True, ACTIVITY, NOV_16, ""),
        ("Monday, Nov 16 2026 11:30 PM PST", True, ACTIVITY, NOV_16, ""),  # a zone name dateutil doesn't know
        ("Nov 16, 2026 23:30 UTC+9", True, ACTIVITY, NOV_16, ""),
        ("46342", True, ACTIVITY, NOV_16, ""),  # Sheets serial: days since 1899-12-30
        ("46342.99", True, ACTIVITY, NOV_16, ""),  # 23:45 on the 16th stays the 16th
        ("46342,4375", True, ACTIVITY, NOV_16, ""),  # a German or French Sheet's serial date-time
        ("46342.0000001", True, ACTIVITY, NOV_16, ""),
        ("3400", True, ACTIVITY, None,
         "as a date this number is 22 Apr 1909, outside 2000–2027 — type a date like 2026-11-16"),  # a count, not a date
        ("12", True, ACTIVITY, None,
         "as a date this number is 11 Jan 1900, outside 2000–2027 — type a date like 2026-11-16"),
        ("2026", True, ACTIVITY, None,
         "as a date this number is 18 Jul 1905, outside 2000–2027 — type a date like 2026-11-16"),  # a year alone
        ("99999999", True, ACTIVITY, None, "a number, not a date — type a date like 2026-11-16"),  # past year 9999
        ("9" * 40, True, ACTIVITY, None, "a number, not a date — type a date like 2026-11-16"),
        ("20261116", True, ACTIVITY, NOV_16, ""),  # ISO without dashes: as a serial it would be the year 57,000
        ("20261131", True, ACTIVITY, None, "a number, not a date — type a date like 2026-11-16"),
        ("16/11/26", True, ACTIVITY, NOV_16, ""),
        ("01/03/29", True, ACTIVITY, None, "year 2029 is outside 2000–2027 — a typo?"),  # 00-29 are this century
        ("01/03/85", True, PEOPLE, date(1985, 3, 1), ""),  # two-digit years from 30 are the last century
        ("18 Nov 85", True, PEOPLE, date(1985, 11, 18), ""),  # also with a month name, without reading the clock
        ("Nov 18, 26", True, ACTIVITY, date(2026, 11, 18), ""),
        ("Nov 18", True, ACTIVITY, None, UNREADABLE),  # no year: dateutil would quietly fill one in
        ("31/04/2026", True, ACTIVITY, None, UNREADABLE),
        ("yesterday", True, ACTIVITY, None, UNREADABLE),
        ("-46342", True, ACTIVITY, None, UNREADABLE),
        ("1e5", True, ACTIVITY, None, UNREADABLE),
        ("Nov " + "x" * 80, True, ACTIVITY, None, UNREADABLE),  # long free text never reaches dateutil
        ("03/04/2026", False, ACTIVITY, date(2026, 3, 4), ""),
    ],
)
# fmt: on
def test_read_date_reports_what_it_cannot_read_or_what_lies_outside_the_window(text, day_first, window, day, problem):
    """Each cell gives a day or a problem a person can act on; the year and window are named when out of range."""
    assert read_date(text, day_first, window) == (day, problem)


@pytest.mark.parametrize("cell", [None, float("nan"), 46342, 46342.5])
def test_read_date_takes_cells_that_are_not_text(cell):
    """A None or NaN is blank and a number is a serial: a direct caller's cell never raises."""
    expected = (None, "") if cell is None or cell != cell else (NOV_16, "")
    assert read_date(cell, True, ACTIVITY) == expected


def test_a_column_of_impossible_years_never_raises_and_stays_datetime64():
    """3026, 9999, year 1 and huge serials in one column: NaT and a problem each, never OutOfBoundsDatetime."""
    column = pd.Series(
        ["2026-11-16", "3026-11-16", "9999-12-31", "0001-01-01", "2958465", "1677-09-21", "2262-04-12", "", "x"],
        dtype="str",
    )
    days, problems = read_dates(column, True, ACTIVITY)
    assert days.dtype == "datetime64[ns]" and problems.dtype == "str"
    assert days.notna().tolist() == [True] + [False] * 8
    assert [bool(p) for p in problems] == [False, True, True, True, True, True, True, False, True]
    assert parse_dates(column).notna().sum() == 1  # the default window (2000–2100) leaves them out too
    assert parse_date("3026-11-16") is None and parse_date("2026-11-16") == NOV_16


def test_read_dates_gives_each_row_its_own_value_in_the_column_order():
    """Repeated cells are read once and spread back to their rows."""
    column = pd.Series(["46342", "", "3026-01-01", "46342", "16/11/2026"], index=[5, 6, 7, 8, 9], dtype="str")
    days, problems = read_dates(column, True, ACTIVITY)
    assert list(days.index) == [5, 6, 7, 8, 9]
    assert days.dt.date.tolist()[0::3] == [NOV_16, NOV_16] and days.isna().tolist() == [False, True, True, False, False]
    assert problems.tolist() == ["", "", "year 3026 is outside 2000–2027 — a typo?", "", ""]
    empty_days, empty_problems = read_dates(pd.Series([], dtype="str"))
    assert empty_days.dtype == "datetime64[ns]" and empty_problems.empty


def test_the_window_bounds_are_the_days_datetime64_ns_holds():
    """The bounds really are inside datetime64[ns]: a window from the first to the last day reads both."""
    widest = DateWindow(PANDAS_FIRST_DAY, PANDAS_LAST_DAY)
    column = pd.Series([PANDAS_FIRST_DAY.isoformat(), PANDAS_LAST_DAY.isoformat()], dtype="str")
    days, _ = read_dates(column, True, widest)
    assert days.dt.date.tolist() == [PANDAS_FIRST_DAY, PANDAS_LAST_DAY]


# fmt: off
@pytest.mark.parametrize(
    ("locale", "decimal", "group"),
    [
        ("en_US", ".", ","),
        ("en_GB", ".", ","),
        ("de_DE", ",", "."),
        ("fr_FR", ",", "\u202f"),  # CLDR: a narrow no-break space
        ("es_ES", ",", "."),
        ("it_IT", ",", "."),
        ("pt_BR", ",", "."),
        ("nl_NL", ",", "."),
        ("de_CH", ".", "\u2019"),  # a right single quotation mark
        ("sv_SE", ",", "\u00a0"),
        ("pl_PL", ",", "\u00a0"),
        ("en_IN", ".", ","),
        ("de-AT", ",", "."),  # a hyphen instead of an underscore
        (None, ".", ","),  # no locale: English
        ("", ".", ","),
        ("xx_YY", ".", ","),  # a locale Babel doesn't know: English, never an error
        ("not a locale!", ".", ","),
    ],
)
# fmt: on
def test_number_format_comes_from_the_sheet_locale(locale, decimal, group):
    """Babel's CLDR data gives each locale's decimal and group marks; anything unknown reads as English."""
    fmt = number_format(locale)
    assert (fmt.decimal, fmt.group) == (decimal, group)


EN, DE, FR, CH, IN, SV = (number_format(x) for x in ("en_US", "de_DE", "fr_FR", "de_CH", "en_IN", "sv_SE"))
EN_HINT = "type the one you mean as this Sheet writes numbers (like 1,234.5)"
DE_HINT = "type the one you mean as this Sheet writes numbers (like 1.234,5)"


# fmt: off
@pytest.mark.parametrize(
    ("text", "fmt", "value", "problem"),
    [
        ("1234", EN, 1234.0, ""),
        ("1234", DE, 1234.0, ""),  # plain digits mean the same everywhere
        ("", DE, None, ""),
        ("1.234", EN, 1.234, ""),
        ("1.234", DE, 1234.0, ""),  # the issue's German Sheet: 1.234 is a thousand and more
        ("2.500", DE, 2500.0, ""),
        ("2.500", EN, 2.5, ""),
        ("1,234", EN, 1234.0, ""),
        ("1,234", DE, 1.234, ""),
        ("1.234,5", DE, 1234.5, ""),
        ("1.234.567,89", DE, 1234567.89, ""),
        ("12,5k", DE, 12500.0, ""),  # not 125,000
        ("1.2k", EN, 1200.0, ""),
        ("1,2 Mio", DE, None, "not a number"),  # only k, m and b are suffixes
        ("1 234,5", FR, 1234.5, ""),
        ("1\u202f234,5", FR, 1234.5, ""),  # as Sheets itself writes it in French
        ("1\u00a0234,5", FR, 1234.5, ""),
        ("1 234,5", SV, 1234.5, ""),
        ("1 234.5", EN, 1234.5, ""),  # a space groups digits in any locale
        ("1 234 567", DE, 1234567.0, ""),
        ("1'234.5", CH, 1234.5, ""),
        ("1\u2019234.5", CH, 1234.5, ""),
        ("1'234", EN, 1234.0, ""),  # and so does an apostrophe
        ("0,12", DE, 0.12, ""),  # how the source writes a typed 0.12 in a German Sheet
        ("0.12", EN, 0.12, ""),
        ("46343,4375", DE, 46343.4375, ""),
        ("1,5e+20", DE, 1.5e20, ""),  # Python's way of writing a huge typed number, in the Sheet's notation
        ("1e-05", EN, 1e-05, ""),
        (".5", EN, 0.5, ""),
        ("1,23,456", IN, 123456.0, ""),  # India groups by two after the first three
        ("12,34,56,789", IN, 123456789.0, ""),
        ("4.1m", EN, 4100000.0, ""),  # exact, not 4099999.9999999995
        ("4,1m", DE, 4100000.0, ""),
        ("+7", DE, 7.0, ""),
        ("-5", DE, None, "negative number"),
        ("\u22125", EN, None, "negative number"),  # a typographic minus is still a minus
        ("-12,5", EN, None, "negative number"),  # negative whichever reading was meant
        ("n/a", DE, None, "not a number"),
        ("1.2.3", EN, None, "not a number"),
        ("1,2,3,4", DE, None, "not a number"),
        ("12,5", EN, None, f"could be 125 or 12.5 — {EN_HINT}"),  # the issue's English Sheet: no guess
        ("1,234.5", DE, None, f"could be 1,2345 or 1234,5 — {DE_HINT}"),  # readings shown as the Sheet writes them
        ("1.2k", DE, None, f"could be 12000 or 1200 — {DE_HINT}"),
        ("1 234,5", EN, None, f"could be 12345 or 1234.5 — {EN_HINT}"),
        ("0,5", EN, None, f"could be 5 or 0.5 — {EN_HINT}"),
        ("0,500", EN, None, f"could be 500 or 0.5 — {EN_HINT}"),  # a group never starts with 0
        ("1,00", EN, None, f"could be 100 or 1 — {EN_HINT}"),
        ("1.5", DE, None, f"could be 15 or 1,5 — {DE_HINT}"),
        ("1.234", FR, None,
         "could be 1,234 or 1234 — type the one you mean as this Sheet writes numbers (like 1\u202f234,5)"),
        ("1.234,5", FR, None,
         "not how this Sheet writes numbers (like 1\u202f234,5) — type 1234,5 if that is what it means"),
        ("1,23,456", EN, None,
         "not how this Sheet writes numbers (like 1,234.5) — type 123456 if that is what it means"),  # India's groups
        ("1.000.000", EN, None,
         "not how this Sheet writes numbers (like 1,234.5) — type 1000000 if that is what it means"),
        ("1" * 48, EN, float("1" * 48), ""),
        ("1" * 47 + ",5", EN, None, "not a number"),  # longer than any count: no second reading, no page of digits
        ("1" * 200, EN, float("1" * 200), ""),  # in the Sheet's own notation any length reads
        ("1e999", EN, None, "not a number"),  # past what a float holds
    ],
)
# fmt: on
def test_read_number_reads_the_sheets_own_notation_and_never_guesses(text, fmt, value, problem):
    """Numbers are read in the Sheet's notation; a text only another notation reads is reported with its readings."""
    assert read_number(text, fmt) == (value, problem)


def test_number_notation_compares_by_marks_not_by_locale_name():
    """en_US and en_GB write numbers alike, so they are one notation (and English is the default)."""
    assert number_format("en_US") == number_format("en_GB") == ENGLISH == NumberFormat()
    assert number_format("de_DE").example == "1.234,5"


# Every kind of cell, for the column rules to agree with the cell rules on.
CELLS = ["1234", "1.234", "1,234", "12,5", "0,12", "1.2k", "12,5k", "1 234,5", "", "n/a", "-5", "007", "0",
         "1" * 30, "1.5", "٣", "46343,4375", "1,5e+20", " 12 ", "2.500"]  # fmt: skip


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "fr_FR", "de_CH", "en_IN"])
def test_parse_numbers_reads_every_cell_as_read_number_does(locale):
    """The column rule (fast path for plain digits included) agrees with the cell rule on every cell."""
    fmt = number_format(locale)
    values, problems = parse_numbers(pd.Series(CELLS, dtype="str"), fmt)
    expected = [read_number(cell, fmt) for cell in CELLS]
    assert values.dtype == "float64" and problems.dtype == "str"
    assert np.array_equal(values.to_numpy(), [np.nan if v is None else v for v, _ in expected], equal_nan=True)
    assert problems.tolist() == [p for _, p in expected]


def test_parse_numbers_and_parse_number_keep_their_english_defaults():
    """Callers that pass no locale still read English, with None for no problem in the one-cell rule."""
    values, problems = parse_numbers(pd.Series(["1,234", "12,5", ""], dtype="str"))
    assert values.tolist()[0] == 1234.0 and np.isnan(values.tolist()[1]) and problems.tolist()[2] == ""
    assert parse_number("1,234") == (1234.0, None) and parse_number("1.234", DE) == (1234.0, None)
    assert parse_numbers(pd.Series([], dtype="str"))[0].dtype == "float64"


# Cells that have crashed parsers elsewhere: none may raise, whatever the rule.
NASTY = ["\x00", "🚀", "٣٤", "1e999999", "9" * 5000, "NaN", "inf", "-inf", "1_000", "0x1F", "1/2", "½", "Ⅻ",
         "2026-02-30T99:99", "99/99/9999", "Nov 31 2026", "Feb 29 1900", "31 Dec 9999 23:59", "-1-1-1",
         "1" + "\u202f" * 3 + "234", "k", "-", "+", ".", ",", "1,", "1.", "e5", "١٢/١١/٢٠٢٦"]  # fmt: skip


@pytest.mark.parametrize("cell", NASTY)
def test_no_cell_makes_a_date_or_number_rule_raise(cell):
    """Any text gives a value or a problem, never an exception."""
    for fmt in (EN, DE, FR, IN):
        value, problem = read_number(cell, fmt)
        assert (value is None) == bool(problem)  # none of these cells is blank
    for window in (ACTIVITY, PEOPLE):
        day, problem = read_date(cell, True, window)
        assert day is None or day in window
    read_dates(pd.Series([cell, cell], dtype="str"), False, ACTIVITY)
    parse_numbers(pd.Series([cell], dtype="str"), DE)


@pytest.mark.parametrize("typo", ["3026-11-16", "9999-12-31", "16/11/3026", "0001-01-01", "2958465"])
def test_one_far_date_in_posts_no_longer_takes_the_dataset_down(typo):
    """The issue's crash: a post dated 3026 (or 9999, or year 1) is left out with an issue; the others still count."""
    from rally.core.contract import POSTS
    from rally.sheet.dataset import build_dataset

    dataset = build_dataset({"Posts": [POSTS.header, ["2026-11-16", "Maya", "X"], [typo, "Leo", "X"]]})
    assert dataset.posts["name"].tolist() == ["Maya"]
    assert [(i.tab, i.row, i.column) for i in dataset.issues] == [("Posts", 3, "Date")]


TYPED = [0.1, 0.12, 1 / 3, 2.675, 1e-05, 1.5e20, 123456789.123, 46343.4375, 1e16, 1e50, 2**53 + 1.0, 5e-324, 1.7976931348623157e308]


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "fr_FR", "de_CH", "sv_SE", "en_IN"])
@pytest.mark.parametrize("number", TYPED)
def test_a_typed_number_written_out_in_the_sheets_notation_reads_back_exactly(locale, number):
    """A JSON number the source writes as Python does, with the Sheet's decimal mark and no grouping, is the same float."""
    fmt = number_format(locale)
    text = str(int(number)) if number.is_integer() else str(number)  # data_sources.google_sheet.as_text's way
    written = text.replace(".", fmt.decimal)
    assert read_number(written, fmt) == (number, "")
    assert parse_numbers(pd.Series([written], dtype="str"), fmt)[0].tolist() == [number]
