"""The Sheet contract: finding tabs and header rows however loosely people lay them out."""

from __future__ import annotations

import pytest

from rally.core.contract import KPIS, NOTES, POSTS, SETTINGS, STAFF, find_tab, read_table
from rally.core.issues import DataIssue

POSTS_COLUMNS = [
    "row",
    "Date",
    "Name",
    "Platform",
    "Team",
    "Link",
    "Summary",
    "Reach",
    "Reactions",
    "Comments",
    "Shares",
    "Clicks",
    "ID",
]


def records(rows: list[list], spec=POSTS) -> list[dict]:
    """read_table's frame as plain dicts, so a test can compare whole rows."""
    return read_table(rows, spec).frame.to_dict("records")


def blank_post(**cells) -> dict:
    """A Posts record with every contract column, blank unless given."""
    return {name: "" for name in POSTS_COLUMNS[1:]} | cells


def test_the_header_can_sit_below_a_title_row():
    """A title and an empty row above the header: data rows keep the numbers the Sheet shows."""
    rows = [
        ["Rally — social posts 2026"],
        [],
        ["Date", "Name", "Platform"],
        ["2026-11-16", "Maya Patel", "LinkedIn"],
        ["2026-11-17", "Leo Martin", "X"],
    ]
    table = read_table(rows, POSTS)
    assert table.header_row == 3
    assert table.issues == []
    assert table.missing == []
    assert table.frame["row"].tolist() == [4, 5]
    assert table.frame["Name"].tolist() == ["Maya Patel", "Leo Martin"]


def test_the_first_row_holding_every_required_column_is_the_header():
    """A row naming only some required columns (a legend, say) is skipped for the real header."""
    rows = [
        ["Date", "Name"],  # no Platform: not the header
        ["Date", "Name", "Platform"],
        ["2026-11-16", "Maya", "LinkedIn"],
        ["Date", "Name", "Platform"],  # a repeated header further down is just a row
    ]
    table = read_table(rows, POSTS)
    assert table.header_row == 2
    assert table.frame["row"].tolist() == [3, 4]


def test_a_header_below_the_fifth_row_is_not_found_and_is_reported():
    """Only the first five rows are searched; beyond that the tab is reported, not guessed."""
    rows = [["notes"]] * 5 + [["Date", "Name", "Platform"], ["2026-11-16", "Maya", "LinkedIn"]]
    table = read_table(rows, POSTS)
    assert table.header_row is None
    assert table.frame.empty
    assert table.missing == ["Date", "Name", "Platform"]
    assert table.issues == [
        DataIssue("Posts", 1, "Date, Name, Platform", "", "no header row with Date, Name, Platform in the first 5 rows")
    ]


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        (["Date", "Name", "Team", "Reach"], ["Platform"]),
        (["When", "Name", "Platform"], ["Date"]),  # "When" is not an alias of Date
        (["Reach", "Likes"], ["Date", "Name", "Platform"]),
        ([], ["Date", "Name", "Platform"]),
    ],
)
def test_a_missing_required_column_is_reported_by_name(header, missing):
    """Without every required column there is no header row, and the issue names what is missing."""
    table = read_table([header, ["2026-11-16", "Maya", "x"]], POSTS)
    assert table.header_row is None
    assert table.missing == missing
    [issue] = table.issues
    assert (issue.tab, issue.row, issue.column) == ("Posts", 1, ", ".join(missing))
    assert issue.problem.startswith("no header row with " + ", ".join(missing))


def test_an_empty_tab_is_reported_too():
    """A tab with nothing in it has no header row: that is an issue, not a crash."""
    table = read_table([], POSTS)
    assert table.header_row is None
    assert table.frame.columns.tolist() == POSTS_COLUMNS
    assert len(table.issues) == 1


@pytest.mark.parametrize(
    ("alias", "column"),
    [
        ("Posted", "Date"),
        ("Posted on", "Date"),
        ("Day", "Date"),
        ("Staff", "Name"),
        ("Person", "Name"),
        ("Employee", "Name"),
        ("Who", "Name"),
        ("Channel", "Platform"),
        ("Network", "Platform"),
        ("URL", "Link"),
        ("Post link", "Link"),
        ("Description", "Summary"),
        ("What", "Summary"),
        ("Topic", "Summary"),
        ("Impressions", "Reach"),
        ("Views", "Reach"),
        ("Likes", "Reactions"),
        ("Reposts", "Shares"),
        ("Retweets", "Shares"),
        ("Link clicks", "Clicks"),  # not Link: the whole header is compared, not its first word
    ],
)
def test_posts_aliases_fill_their_column(alias, column):
    """Each documented alias is read as its contract column."""
    header = {"Date": "Date", "Name": "Name", "Platform": "Platform"} | {column: alias}
    [record] = records([list(header.values()), [f"value {c}" for c in header]])
    assert record[column] == f"value {column}"


@pytest.mark.parametrize(
    "header",
    [
        ["Date", "Name", "Platform"],
        ["date", "NAME", "platform"],
        ["  Date  ", " Name", "Platform "],
        ["Date*", "Name:", "Platform?"],  # the contract's own asterisks, copied into the Sheet
        ["Date.", "Name!", "Plat-form"],
        ["Posted-on", "Who?", "Channel"],
        ["posted_on", "employee", "NETWORK"],
    ],
)
def test_headers_match_ignoring_case_spaces_and_punctuation(header):
    """Header cells are compared without case, surrounding spaces or punctuation."""
    table = read_table([header, ["2026-11-16", "Maya", "LinkedIn"]], POSTS)
    assert table.header_row == 1
    assert table.frame[["Date", "Name", "Platform"]].to_dict("records") == [
        {"Date": "2026-11-16", "Name": "Maya", "Platform": "LinkedIn"}
    ]


def test_columns_may_come_in_any_order_and_unknown_ones_are_ignored():
    """Shuffled columns are read by name; columns the contract doesn't know are dropped."""
    rows = [
        ["Likes", "Mood", "Platform", "Internal ID", "Name", "Date", "Reach"],
        ["85", "happy", "LinkedIn", "A-17", "Maya", "2026-11-16", "3400"],
    ]
    table = read_table(rows, POSTS)
    assert table.frame.columns.tolist() == POSTS_COLUMNS
    assert table.frame.to_dict("records") == [
        blank_post(row=2, Date="2026-11-16", Name="Maya", Platform="LinkedIn", Reach="3400", Reactions="85")
    ]


def test_the_first_of_two_columns_for_one_field_is_used():
    """A header naming a field twice (Reach and Views) reads the leftmost one."""
    [record] = records([["Date", "Name", "Platform", "Views", "Reach"], ["2026-11-16", "Maya", "X", "10", "20"]])
    assert record["Reach"] == "10"


def test_blank_rows_are_dropped_but_keep_their_numbers():
    """Empty and whitespace-only rows vanish, and every later row keeps its Sheet row number."""
    rows = [
        ["Date", "Name", "Platform"],
        ["2026-11-16", "Maya", "LinkedIn"],
        [],
        ["", "  ", ""],  # spaces only: blank
        ["2026-11-17", "Leo", "X"],
        [],
        [],
        ["2026-11-18", "Ana", "FB"],
    ]
    table = read_table(rows, POSTS)
    assert table.frame["row"].tolist() == [2, 5, 8]
    assert table.frame["Name"].tolist() == ["Maya", "Leo", "Ana"]


def test_a_row_with_only_unknown_columns_filled_counts_as_blank():
    """A row whose contract columns are all empty has nothing Rally can use."""
    rows = [["Date", "Name", "Platform", "Internal"], ["", "", "", "scratch"], ["2026-11-16", "Maya", "X"]]
    assert read_table(rows, POSTS).frame["row"].tolist() == [3]


def test_a_row_with_only_a_metric_is_kept_so_it_can_be_reported():
    """A row with no Date or Name but some other value is not blank: build_dataset reports it."""
    [record] = records([["Date", "Name", "Platform", "Reach"], ["", "", "", "500"]])
    assert record == blank_post(row=2, Reach="500")


def test_ragged_rows_are_padded_and_long_rows_cut():
    """Google trims trailing blanks, so rows come back shorter than the header, or longer."""
    rows = [
        ["Date", "Name", "Platform", "Team", "Reach"],
        ["2026-11-16", "Maya"],
        ["2026-11-17", "Leo", "X", "Sales", "120", "stray", "cells"],
        ["2026-11-18"],
    ]
    assert records(rows) == [
        blank_post(row=2, Date="2026-11-16", Name="Maya"),
        blank_post(row=3, Date="2026-11-17", Name="Leo", Platform="X", Team="Sales", Reach="120"),
        blank_post(row=4, Date="2026-11-18"),
    ]


def test_cells_that_arrive_as_numbers_or_none_become_text():
    """Unformatted API values (numbers, None) are read as the text a person would see."""
    rows = [
        ["Date", "Name", "Platform", "Reach", "Reactions", "Comments"],
        [46342, "Maya", "X", 3400.0, 1.5, None],
        [" 2026-11-17 ", " Leo ", "X", " 12 "],
    ]
    assert records(rows) == [
        blank_post(row=2, Date="46342", Name="Maya", Platform="X", Reach="3400", Reactions="1.5"),
        blank_post(row=3, Date="2026-11-17", Name="Leo", Platform="X", Reach="12"),  # surrounding spaces trimmed
    ]


def test_a_header_with_no_rows_under_it_is_an_empty_table():
    """A tab holding only its header is fine: no rows, no issues, the full set of columns."""
    table = read_table([["Title"], ["Date", "Name", "Platform"]], POSTS)
    assert table.header_row == 2
    assert table.issues == []
    assert table.frame.columns.tolist() == POSTS_COLUMNS
    assert table.frame.empty


def test_every_column_is_text_and_row_is_an_integer():
    """read_table hands on strings only, plus the int64 row number."""
    frame = read_table([["Date", "Name", "Platform"], ["2026-11-16", "Maya", "X"]], POSTS).frame
    assert frame["row"].dtype == "int64"
    assert all(frame[c].dtype == "str" for c in POSTS_COLUMNS[1:])


# fmt: off
@pytest.mark.parametrize(
    ("spec", "rows", "expected"),
    [
        (STAFF, [["Employee", "Team", "Leaderboard"], ["Maya", "Sales", "anonymous"]], {"Name": "Maya", "Team": "Sales", "Leaderboard": "anonymous"}),
        (KPIS, [["month", "metric", "Actual"], ["2026-10", "Leads", "42"]], {"Month": "2026-10", "KPI": "Leads", "Actual": "42"}),
        (NOTES, [["Week", "Note"], ["2026-W47", "Well done"]], {"Week": "2026-W47", "Text": "Well done"}),
        (SETTINGS, [["Setting", "Value"], ["Date order", "month-first"]], {"Key": "Date order", "Value": "month-first"}),
    ],
)
# fmt: on
def test_the_other_tabs_follow_the_same_rules(spec, rows, expected):
    """Staff, KPIs, Notes and Settings are read with their own columns and aliases."""
    [record] = records(rows, spec)
    assert record == {"row": 2} | {c.name: "" for c in spec.columns} | expected


@pytest.mark.parametrize(
    ("titles", "spec", "found"),
    [
        (["Posts", "Staff"], POSTS, "Posts"),
        (["Staff", " posts "], POSTS, " posts "),
        (["POSTS!"], POSTS, "POSTS!"),
        (["📣 Posts"], POSTS, "📣 Posts"),  # emoji in a tab title are decoration
        (["Post"], POSTS, None),  # singular is another word, not a spelling
        (["Posts 2026"], POSTS, None),  # …and so is a year: an archive tab must not be read as the live one
        (["Old posts"], POSTS, None),
        (["KPI's"], KPIS, "KPI's"),
        (["kpi"], KPIS, "kpi"),  # the KPIs tab's own alias
        (["Settings ⚙️"], SETTINGS, "Settings ⚙️"),
        (["Notes", "notes"], NOTES, "Notes"),  # two matches: the first tab wins
        ([], STAFF, None),
    ],
)
def test_find_tab_matches_titles_loosely(titles, spec, found):
    """Tab titles match ignoring case, spaces, punctuation and emoji, but not other words."""
    assert find_tab({title: [] for title in titles}, spec) == found


@pytest.mark.parametrize(
    ("cell", "read_as"),
    [
        ("  Maya  ", "Maya"),
        ("\u3000Maya\xa0", "Maya"),  # ideographic and no-break spaces are whitespace to Python's strip
        ("\x1cMaya\x1f", "Maya"),  # so are the ASCII separators
        ("\u200bMaya", "\u200bMaya"),  # a zero-width space is not whitespace: kept, as str.strip keeps it
        ("Maya\n", "Maya"),
    ],
)
def test_cells_are_stripped_exactly_as_python_strips_them(cell, read_as):
    """Text cells are trimmed of what str.strip() trims, and nothing else, however the column is cut."""
    assert records([["Date", "Name", "Platform"], ["2026-11-16", cell, "X"]])[0]["Name"] == read_as == cell.strip()
