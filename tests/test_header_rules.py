"""Header rows as people leave them: a column named twice, data under no header, and Google's column letters."""

from __future__ import annotations

import pytest

from rally.core.contract import KPIS, POSTS, column_letter, find_tab, read_table
from rally.core.issues import DataIssue


@pytest.mark.parametrize(
    ("index", "letters"),
    [
        (0, "A"),
        (7, "H"),
        (25, "Z"),
        (26, "AA"),  # after Z come two letters, as in the Sheet
        (27, "AB"),
        (51, "AZ"),
        (52, "BA"),
        (701, "ZZ"),
        (702, "AAA"),
        (18277, "ZZZ"),  # Google Sheets' last column
    ],
)
def test_column_letters_are_the_ones_google_sheets_shows(index, letters):
    """A 0-based position becomes the column's letters."""
    assert column_letter(index) == letters


# fmt: off
@pytest.mark.parametrize(
    ("header", "problems"),
    [
        (["Date", "Name", "Platform", "Team", "Reach", "Link", "Summary", "Reach"],
         ["Reach appears twice (columns E and H): column E is read"]),
        (["Date", "Name", "Platform", "Team", "Reach", "Link", "Summary", "Impressions"],
         ["Reach appears twice (columns E and H, headed Reach and Impressions): column E is read"]),  # an alias
        (["Date", "Name", "Platform", "Impressions", "Views", "Reach"],
         ["Reach appears 3 times (columns D, E and F, headed Impressions, Views and Reach): column D is read"]),
        (["Date", "Name", "Platform", " reach ", "REACH"],
         ["Reach appears twice (columns D and E, headed reach and REACH): column D is read"]),  # spelt loosely
        (["Date", "Posted on", "Name", "Platform"],
         ["Date appears twice (columns A and B, headed Date and Posted on): column A is read"]),  # a required one
        (["Date", "Name", "Platform", "Reach", "Likes", "Reach", "Reactions"],
         ["Reach appears twice (columns D and F): column D is read",
          "Reactions appears twice (columns E and G, headed Likes and Reactions): column E is read"]),
        (["Date", "Name", "Platform", "Reach", "Notes", "Notes"], []),  # a column outside the contract may repeat
        (["Date", "Name", "Platform", "Reach"], []),
    ],
)
# fmt: on
def test_a_contract_column_named_twice_is_reported_at_the_header_and_the_first_is_read(header, problems):
    """Each repeated contract column is one issue at the header row, naming every column by its letter."""
    table = read_table([header, ["2026-11-16", "Maya", "LinkedIn", "1", "2", "3", "4", "5"][: len(header)]], POSTS)
    assert [i.problem for i in table.issues] == problems
    assert all(i.tab == "Posts" and i.row == 1 for i in table.issues)


def test_the_first_of_two_reach_columns_is_the_one_read():
    """The figures come from the first column; the issue names the contract column and the ignored header."""
    table = read_table([["Date", "Name", "Platform", "Reach", "Impressions"], ["2026-11-16", "Maya", "X", "10", "99"]], POSTS)
    assert table.frame["Reach"].tolist() == ["10"]
    assert table.issues == [
        DataIssue(
            "Posts", 1, "Reach", "Impressions",
            "Reach appears twice (columns D and E, headed Reach and Impressions): column D is read",
        )
    ]  # fmt: skip


# fmt: off
@pytest.mark.parametrize(
    ("rows", "letters"),
    [
        ([["Date", "Name", "Platform", "", "Reach"], ["2026-11-16", "Maya", "X", "oops", "10"]], ["D"]),
        ([["Date", "Name", "Platform", "  ", "Reach"], ["2026-11-16", "Maya", "X", "oops", "10"]], ["D"]),  # spaces are blank
        ([["Date", "Name", "Platform", "", "Reach"], ["2026-11-16", "Maya", "X", "", "10"]], []),  # a spacer column
        ([["Date", "Name", "Platform", "", "Reach"], ["2026-11-16", "Maya", "X", " ", "10"]], []),  # spaces are no data
        ([["Date", "Name", "Platform"], ["2026-11-16", "Maya", "X", "", "", "", "", "", "", "", "late"]], ["K"]),  # past the header's end
        ([["Date", "Name", "Platform"], ["2026-11-16", "Maya", "X"], *[["2026-11-16", "Leo", "X"]] * 500,
          ["2026-11-16", "Ines", "X", "", "x"]], ["E"]),  # data in the last row only
        ([["Date", "Name", "Platform", ""], ["2026-11-16", "Maya", "X", "a", "b"]], ["D", "E"]),
        ([["Date", "Name", "Platform", None], ["2026-11-16", "Maya", "X", 7]], ["D"]),  # a direct caller's cells
        ([["Title"], ["Date", "Name", "Platform"], ["2026-11-16", "Maya", "X"]], []),  # a title row above is no data
        ([["Date", "Name", "Platform", ""]], []),  # no rows at all
        ([["Date", "Name", "Platform"], *[["2026-11-16", "Leo", "X"]] * 28, ["2026-11-16", "Leo", "X", *[""] * 26, "z"]],
         ["AD"]),
    ],
)
# fmt: on
def test_data_under_no_header_is_reported_and_not_read(rows, letters):
    """A column holding data under a blank header cell is one issue at the header row, by its letter."""
    table = read_table(rows, POSTS)
    assert [i.column for i in table.issues] == letters
    for issue, letter in zip(table.issues, letters):
        assert issue.problem == f"column {letter} has data but no header — not read: give it a title"
        assert issue.value == ""  # whatever sits there, a respondent's e-mail included, is never repeated
        assert issue.row == table.header_row
    assert list(table.frame.columns) == ["row", *POSTS.header]


def test_header_issues_do_not_hide_the_missing_header_issue():
    """A tab without its required columns still says so (and only that: there is no header to check)."""
    table = read_table([["Month", "Metric", "Metric"], ["2026-10", "Leads"]], KPIS)
    assert [i.problem for i in table.issues] == ["KPI appears twice (columns B and C): column B is read"]
    table = read_table([["Reach", "Reach"], ["1", "2"]], POSTS)
    assert table.header_row is None and [i.problem for i in table.issues] == [
        "no header row with Date, Name, Platform in the first 5 rows"
    ]


# fmt: off
@pytest.mark.parametrize(
    ("titles", "found"),
    [
        (["Posts", "Form Responses 1"], "Posts"),  # the spec's own name first
        (["Form Responses 1", "Form Responses 2"], "Form Responses 1"),  # else the first title `also` accepts
        (["Sheet1"], None),
    ],
)
# fmt: on
def test_find_tab_falls_back_to_titles_the_caller_also_accepts(titles, found):
    """`also` is tried only when no tab has the spec's name, in Sheet order."""
    assert find_tab(dict.fromkeys(titles, []), POSTS, also=lambda t: t.startswith("Form Responses")) == found
    assert find_tab(dict.fromkeys(titles, []), POSTS) == ("Posts" if "Posts" in titles else None)
