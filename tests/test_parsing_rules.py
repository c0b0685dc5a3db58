"""What people type into the Sheet, read the way the Sheet contract says: one table per rule."""

from __future__ import annotations

from datetime import date

import pytest

from rally.core.months import month_days, parse_month, shift_month
from rally.core.parsing import (
    canonical_platform,
    clean_name,
    is_web_link,
    iso_week_label,
    name_key,
    parse_date,
    parse_number,
    week_start,
)
from rally.core.text import csv_safe, md_escape, md_link, truncate

NOV_16 = date(2026, 11, 16)


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("2026-11-16", True, NOV_16),
        ("2026-11-16", False, NOV_16),  # ISO never depends on the date order
        ("2026-11-16 09:30", True, NOV_16),
        ("2026-11-16T09:30:00Z", True, NOV_16),
        ("  2026-11-16  ", True, NOV_16),
        ("16/11/2026", True, NOV_16),
        ("16/11/26", True, NOV_16),  # two-digit years are this century
        ("16.11.2026", True, NOV_16),
        ("16-11-2026", True, NOV_16),
        ("16/11/2026 14:05", True, NOV_16),
        ("03/04/2026", True, date(2026, 4, 3)),
        ("03/04/2026", False, date(2026, 3, 4)),  # the one reading that the date order decides
        ("11/16/2026", False, NOV_16),
        ("11/16/2026", True, NOV_16),  # no 16th month: the only reading that exists wins
        ("Nov 18, 2026", True, date(2026, 11, 18)),
        ("Nov 18, 2026", False, date(2026, 11, 18)),
        ("18 Nov 2026", True, date(2026, 11, 18)),
        ("18 November 2026", False, date(2026, 11, 18)),
        ("Monday, Nov 16 2026", True, NOV_16),
        ("46342", True, NOV_16),  # Sheets serial: days since 1899-12-30
        ("46342.75", True, NOV_16),  # a serial with a time of day is still that day
        ("2026-02-29", True, None),  # 2026 is not a leap year
        ("2028-02-29", True, date(2028, 2, 29)),
        ("31/04/2026", True, None),  # neither reading exists
        ("Nov 18", True, None),  # no year: dateutil would quietly fill one in
        ("Nov 2026", True, None),  # no day: dateutil would quietly make it the 1st
        ("2026", True, None),  # a year, not a serial from this century
        ("12", True, None),  # a count typed in the wrong column
        ("Monday", True, None),
        ("yesterday", True, None),
        ("", True, None),
        ("   ", True, None),
    ],
)
def test_parse_date_reads_every_documented_format(text, day_first, expected):
    """Dates in the contract's formats parse; anything Rally can't be sure of is None."""
    assert parse_date(text, day_first) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", (1234.0, None)),
        ("1,234", (1234.0, None)),
        ("1 234", (1234.0, None)),
        ("1\u00a0234", (1234.0, None)),  # Sheets' non-breaking thousands separator
        ("12.5", (12.5, None)),
        ("1.2k", (1200.0, None)),
        ("2.5K", (2500.0, None)),
        ("3m", (3_000_000.0, None)),
        ("4.1m", (4_100_000.0, None)),  # exact, not 4099999.9999999995
        ("2.3k", (2300.0, None)),
        ("1b", (1_000_000_000.0, None)),
        ("+7", (7.0, None)),
        ("0", (0.0, None)),  # zero is a real figure, not missing
        ("", (None, None)),  # blank is missing, not wrong
        ("  ", (None, None)),
        ("-5", (None, "negative number")),
        ("-1.2k", (None, "negative number")),
        ("n/a", (None, "not a number")),
        ("lots", (None, "not a number")),
        ("12 likes", (None, "not a number")),
        ("1.2.3", (None, "not a number")),
        ("3x", (None, "not a number")),
    ],
)
def test_parse_number_reads_shorthand_and_reports_what_it_cannot(text, expected):
    """Counts accept thousands separators and k/m suffixes; negatives and words are reported."""
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "cleaned", "key"),
    [
        ("Maya Patel", "Maya Patel", "maya patel"),
        ("maya  patel ", "maya patel", "maya patel"),  # the contract's own example
        ("  MAYA\tPATEL", "MAYA PATEL", "maya patel"),
        ("Maya\u00a0Patel", "Maya Patel", "maya patel"),  # pasted from a web page
        ("Siobhán O'Brien", "Siobhán O'Brien", "siobhán o'brien"),  # apostrophes are part of names
        ("Jo 🚀", "Jo 🚀", "jo 🚀"),  # emoji are part of names too
        ("Straße", "Straße", "strasse"),  # casefold, not lower: ß and SS are one person
        ("", "", ""),
    ],
)
def test_names_are_trimmed_and_matched_ignoring_case(text, cleaned, key):
    """clean_name keeps the spelling but tidies spaces; name_key is what two spellings share."""
    assert clean_name(text) == cleaned
    assert name_key(text) == key


@pytest.mark.parametrize(
    ("typed", "platform"),
    [
        ("LinkedIn", "LinkedIn"),
        ("linkedin", "LinkedIn"),
        ("Linked In", "LinkedIn"),
        (" LINKED-IN ", "LinkedIn"),
        ("X", "X"),
        ("x", "X"),
        ("Twitter", "X"),
        ("X/Twitter", "X"),
        ("Twitter (X)", "X"),
        ("Facebook", "Facebook"),
        ("FB", "Facebook"),
        ("Instagram", "Instagram"),
        ("IG", "Instagram"),
        ("Insta", "Instagram"),
        ("Blog", "Blog"),
        ("Blogging", "Blog"),
        ("Blog post", "Blog"),
        ("TikTok", "TikTok"),
        ("tik tok", "TikTok"),
        ("YouTube", "YouTube"),
        ("Mastodon", "Mastodon"),  # unknown platforms are kept as typed
        ("  Company  newsletter ", "Company newsletter"),  # …tidied, but not recased
        ("", ""),
    ],
)
def test_platforms_are_matched_ignoring_case_spaces_and_punctuation(typed, platform):
    """Known platforms get their usual name; anything else is kept as typed."""
    assert canonical_platform(typed) == platform


@pytest.mark.parametrize(
    ("text", "is_link"),
    [
        ("https://www.linkedin.com/posts/maya-123", True),
        ("http://example.com", True),
        ("HTTPS://EXAMPLE.COM/A", True),
        ("  https://example.com/a  ", True),
        ("https://example.com/a_(b)", True),  # parentheses are encoded when it becomes Markdown
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//example.com/a", False),  # protocol-relative: not clearly http(s)
        ("www.example.com", False),
        ("ftp://example.com", False),
        ("https://", False),
        ("https://example.com/a b", False),  # a space: two things pasted into one cell
        ('https://example.com/"onmouseover=', False),
        ("https://example.com/<script>", False),
        ("", False),
    ],
)
def test_only_http_links_are_web_links(text, is_link):
    """Only http(s) links may ever become clickable."""
    assert is_web_link(text) is is_link


@pytest.mark.parametrize(
    ("day", "label", "monday"),
    [
        (NOV_16, "2026-W47", NOV_16),
        (date(2026, 11, 22), "2026-W47", NOV_16),  # Sunday closes the week
        (date(2026, 11, 23), "2026-W48", date(2026, 11, 23)),
        (date(2026, 1, 1), "2026-W01", date(2025, 12, 29)),  # week 1 starts in the previous year
        (date(2026, 12, 31), "2026-W53", date(2026, 12, 28)),  # 2026 has 53 ISO weeks
        (date(2027, 1, 1), "2026-W53", date(2026, 12, 28)),  # New Year's Day belongs to last year's week
        (date(2027, 1, 3), "2026-W53", date(2026, 12, 28)),
        (date(2027, 1, 4), "2027-W01", date(2027, 1, 4)),
        (date(2024, 12, 30), "2025-W01", date(2024, 12, 30)),  # and the other way round
        (date(2028, 2, 29), "2028-W09", date(2028, 2, 28)),
    ],
)
def test_iso_weeks_run_monday_to_sunday_across_year_boundaries(day, label, monday):
    """A day's ISO week label, and that label's Monday."""
    assert iso_week_label(day) == label
    assert week_start(label) == monday


@pytest.mark.parametrize(
    ("label", "monday"),
    [
        ("2026-W47", NOV_16),
        ("2026-w47", NOV_16),  # typed by hand on the Notes tab
        (" 2026-W47 ", NOV_16),
        ("2026-W1", date(2025, 12, 29)),
    ],
)
def test_week_start_accepts_hand_typed_labels(label, monday):
    """Week labels typed by a person still find their Monday."""
    assert week_start(label) == monday


@pytest.mark.parametrize(
    "label",
    [
        "2026-47",
        "W47",
        "2026-W00",
        "2027-W53",  # 2027 has only 52 ISO weeks
        "2026-11-16",
        "",
    ],
)
def test_week_start_refuses_what_is_not_a_week(label):
    """A malformed or impossible week label raises ValueError."""
    with pytest.raises(ValueError):
        week_start(label)


@pytest.mark.parametrize(
    ("text", "day_first", "month"),
    [
        ("2026-10", True, "2026-10"),
        ("2026-1", True, "2026-01"),
        ("2026/10", True, "2026-10"),
        ("Oct 2026", True, "2026-10"),
        ("October 2026", True, "2026-10"),
        ("oct 2026", True, "2026-10"),
        ("Oct-26", True, "2026-10"),
        ("Sept 2026", True, "2026-09"),
        ("01/10/2026", True, "2026-10"),
        ("01/10/2026", False, "2026-01"),  # month-first sheets read it as 10 January
        ("2026-10-15", False, "2026-10"),
        ("46296", True, "2026-10"),  # Sheets serial for 2026-10-01
        ("2026-13", True, ""),
        ("2026-00", True, ""),
        ("Octember 2026", True, ""),
        ("2026", True, ""),  # a year is not a month
        ("Q4 2026", True, ""),
        ("", True, ""),
    ],
)
def test_parse_month_reads_the_kpi_tab_formats(text, day_first, month):
    """KPI months become 'YYYY-MM'; unreadable ones become ''."""
    assert parse_month(text, day_first) == month


@pytest.mark.parametrize(
    ("month", "by", "shifted"),
    [
        ("2026-10", 1, "2026-11"),
        ("2026-12", 1, "2027-01"),
        ("2026-01", -1, "2025-12"),
        ("2026-10", 0, "2026-10"),
        ("2026-10", -12, "2025-10"),
        ("2026-10", 27, "2029-01"),
    ],
)
def test_shift_month_crosses_years(month, by, shifted):
    """Months shift by whole months, carrying into the year."""
    assert shift_month(month, by) == shifted


@pytest.mark.parametrize(
    ("month", "first", "last"),
    [
        ("2026-10", date(2026, 10, 1), date(2026, 10, 31)),
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30)),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31)),  # the next month is in another year
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2028-02", date(2028, 2, 1), date(2028, 2, 29)),  # leap year
    ],
)
def test_month_days_are_the_first_and_last_day(month, first, last):
    """A month's first and last day."""
    assert month_days(month) == (first, last)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Maya Patel", "Maya Patel"),
        ("**Maya**", r"\*\*Maya\*\*"),
        ("_Leo_", r"\_Leo\_"),
        ("# Heading", r"\# Heading"),
        ("- item", r"\- item"),
        ("1. first", r"1\. first"),
        ("> quote", r"\> quote"),
        ("<b>Maya</b>", r"\<b\>Maya\</b\>"),
        ("<img src=x onerror=alert(1)>", r"\<img src=x onerror=alert\(1\)\>"),
        ("[click](javascript:alert(1))", r"\[click\]\(javascript\:alert\(1\)\)"),
        ("AT&amp;T", r"AT\&amp;T"),  # an HTML entity is shown as typed, not decoded to "AT&T"
        ("$x$", r"\$x\$"),  # Streamlit would render LaTeX
        (":red[Maya]", r"\:red\[Maya\]"),  # Streamlit's coloured-text directive
        ("`code`", r"\`code\`"),
        ("a\\b", r"a\\b"),
        ("Maya\n\n# boom", r"Maya \# boom"),  # newlines collapse: no block can start mid-cell
        ("Siobhán O'Brien 🚀", "Siobhán O'Brien 🚀"),
    ],
)
def test_md_escape_shows_markdown_and_html_literally(text, shown):
    """Sheet text is escaped so Markdown shows it as typed."""
    assert md_escape(text) == shown


# fmt: off
@pytest.mark.parametrize(
    ("label", "url", "markdown"),
    [
        ("Post", "https://example.com/a", "[Post](https://example.com/a)"),
        ("Post", "  https://example.com/a ", "[Post](https://example.com/a)"),
        ("Post", "https://en.wikipedia.org/wiki/Rally_(event)", "[Post](https://en.wikipedia.org/wiki/Rally_%28event%29)"),
        ("**Maya**", "https://example.com", r"[\*\*Maya\*\*](https://example.com)"),
        ("x](javascript:alert(1))", "https://example.com", r"[x\]\(javascript\:alert\(1\)\)](https://example.com)"),
        ("Post", "javascript:alert(1)", "Post"),  # never a link
        ("Post", "JAVASCRIPT:alert(1)", "Post"),
        ("Post", " javascript:alert(1)", "Post"),
        ("Post", "data:text/html,hi", "Post"),
        ("Post", "www.example.com", "Post"),
        ("Post", "", "Post"),
        ("[Post](javascript:x)", "javascript:x", r"\[Post\]\(javascript\:x\)"),  # the label can't smuggle one in either
    ],
)
# fmt: on
def test_md_link_links_only_http_urls(label, url, markdown):
    """A Markdown link for http(s) URLs; anything else is the escaped label alone."""
    assert md_link(label, url) == markdown


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Maya Patel", "Maya Patel"),
        ("a=b", "a=b"),  # only a leading sign starts a formula
        ("", ""),
        (42, 42),  # numbers are numbers: a negative count stays a number
        (-3.5, -3.5),
        (None, None),
    ],
)
def test_csv_safe_defuses_formulas(value, safe):
    """Cells that a spreadsheet would run as formulas get a leading quote."""
    assert csv_safe(value) == safe


@pytest.mark.parametrize(
    ("text", "limit", "shown"),
    [
        ("short", 200, "short"),
        ("a" * 200, 200, "a" * 200),  # exactly at the limit: untouched
        ("a" * 201, 200, "a" * 199 + "…"),
        ("one two three", 8, "one two…"),  # the space before the cut is dropped
        ("one\n\ntwo", 200, "one two"),
        ("  padded  ", 200, "padded"),
    ],
)
def test_truncate_cuts_long_cells_with_an_ellipsis(text, limit, shown):
    """Long cells are cut to the limit, ellipsis included."""
    assert truncate(text, limit) == shown
    assert len(truncate(text, limit)) <= limit


# fmt: off
@pytest.mark.parametrize(
    ("first", "second", "same_post"),
    [
        ("https://www.linkedin.com/posts/abc", "https://www.linkedin.com/posts/abc/", True),  # a trailing slash is the same page
        ("https://WWW.LinkedIn.com/posts/abc", "https://www.linkedin.com/posts/abc", True),  # hosts ignore case
        ("https://youtu.be/dQw4w9WgXcQ", "https://youtu.be/dqw4w9wgxcq", False),  # video IDs do not
        (" https://x.com/a/status/1 ", "https://x.com/a/status/1", True),
    ],
)
# fmt: on
def test_link_identity_decides_when_two_links_are_one_post(first, second, same_post):
    """Duplicate detection compares links the way the web does."""
    from rally.core.parsing import link_identity

    assert (link_identity(first) == link_identity(second)) is same_post


# Cells where a regex engine other than Python's could read a link differently; the column versions must not.
TRICKY_LINKS = [
    "https://www.linkedin.com/posts/abc",
    "HTTPS://WWW.LinkedIn.com/Posts/ABC/",
    "HTTPS://X.COM///",
    "httpſ://x.com",  # Python's case-insensitive s also matches the long s
    "HTTP://Ü.com/ä",  # not ASCII: the host's case folds beyond A-Z
    "https://x.com/x\n/",  # a line break before the last slash: Python's $ matches before a final newline
    "https://x.com/\x1c",  # an ASCII separator is whitespace to Python, not to RE2's \s
    "https://x.com/a\x0bb",  # so is a vertical tab
    " https://x.com/p ",
    "\u3000https://x.com/p",
    "https://x.com/?a=1#f",
    "x://Y/",
    "1http://x",
    "www.x.com",
    "https://",
    "",
]


@pytest.mark.parametrize("text", TRICKY_LINKS)
def test_column_link_rules_read_every_cell_as_the_cell_rules_do(text):
    """web_links and link_identities (Arrow, for 100k rows) agree with is_web_link and link_identity cell by cell."""
    import pandas as pd

    from rally.core.parsing import link_identities, link_identity, web_links

    column = pd.Series(["https://a.com/", text, "Ünïcode https://b.com"], dtype="str")
    assert list(web_links(column)) == [is_web_link(cell) for cell in column]
    assert list(link_identities(column)) == [link_identity(cell) for cell in column]
