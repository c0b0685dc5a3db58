"""Exports for a spreadsheet person: CSV and Excel read back with their own readers, formulas defused, anonymity kept."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from rally.core.export import safe_csv, safe_xlsx
from rally.sheet.dataset import build_dataset
from rally.weekly.exports import (
    PEOPLE_COLUMNS,
    POST_COLUMNS,
    leaderboard_table,
    people_table,
    team_table,
    week_posts_table,
)
from rally.weekly.scoring import leaderboard, team_board
from tests.apptest import app
from tests.test_digest import WEEK, small_sheet
from tests.test_scoring import HEADER, post


def read_xlsx(content: bytes) -> dict[str, list[list[openpyxl.cell.Cell]]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {sheet.title: [list(row) for row in sheet.iter_rows()] for sheet in book.worksheets}


# fmt: off
@pytest.mark.parametrize(
    ("value", "stored", "kind"),
    [
        ('=HYPERLINK("http://evil","click")', '\'=HYPERLINK("http://evil","click")', "s"),  # text, never a formula
        ("=1+1", "'=1+1", "s"),
        ("+44 20 7946 0000", "'+44 20 7946 0000", "s"),
        ("@SUM(A1)", "'@SUM(A1)", "s"),
        ("-2", "'-2", "s"),  # typed text that looks like a number stays the text it was
        ("Maya Patel", "Maya Patel", "s"),
        (1234.5, 1234.5, "n"),
        (-3, -3, "n"),  # a real number keeps its sign
        (float("nan"), None, "n"),  # missing is blank, not "nan"
    ],
)
# fmt: on
def test_excel_cells_are_text_or_numbers_never_formulas(value, stored, kind):
    """openpyxl would write '=…' as a formula: every text cell is stored as text, with the CSV's leading quote."""
    [[header, *rows]] = read_xlsx(safe_xlsx({"Posts": pd.DataFrame({"Summary": [value], "Row": [2]})})).values()
    cell = rows[0][0]
    assert (cell.value, cell.data_type) == (stored, kind)
    assert header[0].value == "Summary" and header[0].font.b


def test_a_header_that_looks_like_a_formula_is_defused_too():
    """Column names go through the same rule as cells."""
    [[header, _]] = read_xlsx(safe_xlsx({"x": pd.DataFrame({"=cmd": ["a"]})})).values()
    assert (header[0].value, header[0].data_type) == ("'=cmd", "s")


@pytest.fixture(scope="module")
def small():
    """The small sheet (an opted-out person, a hostile summary, a duplicate link) parsed."""
    return build_dataset(small_sheet())


def test_the_leaderboard_export_is_the_board_as_shown(small):
    """Same rows, ranks and points as the page; the opted-out person is Anonymous with no team."""
    people = leaderboard(small.posts, small.staff, small.settings, "week", WEEK)
    teams = team_board(small.posts, small.staff, small.settings, "week", WEEK)
    book = read_xlsx(safe_xlsx({"People": leaderboard_table(people), "Teams": team_table(teams)}))
    assert list(book) == ["People", "Teams"]
    values = [[c.value for c in row] for row in book["People"]]
    assert values[0] == ["Rank", "Name", "Team", "Points", "Posts", "Posts that earned points", "Reach", "Engagements"]
    assert [row[:4] for row in values[1:]] == [[1, "Anonymous", "—", 45], [2, "Leo Martin", "Ops", 30], [2, "Maya Patel", "Sales", 30]]
    csv = pd.read_csv(io.BytesIO(safe_csv(leaderboard_table(people))), encoding="utf-8-sig")
    assert csv["Points"].tolist() == [45, 30, 30]


def test_the_weeks_posts_hide_what_would_name_an_opted_out_person(small):
    """Ana's post: Anonymous, no team, no link, no summary; the repeated link is one post; the hostile summary is text."""
    posts = week_posts_table(small.posts, small.staff, small.settings, WEEK)
    assert list(posts.columns) == POST_COLUMNS and len(posts) == 3
    ana = posts[posts["Reach"] == 3000].iloc[0]
    assert (ana["Name"], ana["Team"], ana["Link"], ana["Summary"]) == ("Anonymous", "—", "", "")
    assert "ana-ruiz" not in safe_csv(posts).decode("utf-8-sig")
    assert posts["Points"].sum() == leaderboard(small.posts, small.staff, small.settings, "week", WEEK)["points"].sum()


def test_the_people_table_names_everyone_with_their_totals():
    """Staff rows plus someone posting without one; posts this week and all time; training as a list."""
    sheet = {
        "Posts": [
            HEADER,
            post("2026-11-16", "Maya Patel", reach="100", link="https://x.com/1"),
            post("2026-11-24", "Maya Patel", reach="100", link="https://x.com/2"),
            post("2026-11-25", "Sam Newby", reach="100", link="https://x.com/3"),
        ],
        "Staff": [["Name", "Team", "Leaderboard", "Trained"], ["Maya Patel", "Sales", "anonymous", "Analytics, Company message"], ["Omar Haddad", "Ops", "show", ""]],
    }
    data = build_dataset(sheet)
    people = people_table(data.posts, data.staff, data.settings, WEEK)
    assert list(people.columns) == PEOPLE_COLUMNS
    rows = people.set_index("Name")
    assert rows.loc["Maya Patel", ["Leaderboard", "Trained", "Posts this week", "Posts all time", "Last post"]].tolist() == [
        "anonymous", "Analytics, Company message", 1, 2, "2026-11-24"
    ]
    assert rows.loc["Omar Haddad", "Posts all time"] == 0 and rows.loc["Omar Haddad", "Last post"] == ""
    assert rows.loc["Sam Newby", "Posts this week"] == 1  # posted without a Staff row: still listed
    [sheet_rows] = read_xlsx(safe_xlsx({"People": people})).values()
    assert [c.value for c in sheet_rows[0]] == PEOPLE_COLUMNS


def _download_labels(at) -> list[str]:
    return [element.proto.label for element in at.get("download_button")]


def test_the_leaderboard_page_offers_the_downloads(demo_app_env):
    """Everyone gets the leaderboard and the week's posts as CSV and Excel; the people table needs the facilitator."""
    at = app("views/leaderboard.py")
    assert not at.exception
    labels = _download_labels(at)
    assert {"Leaderboard (CSV)", "Leaderboard (Excel)"} <= set(labels)
    assert any(label.startswith("Posts of ") and label.endswith("(Excel)") for label in labels)
    assert "People (Excel)" not in labels
    at.session_state["rally_facilitator"] = True  # as the demo passcode leaves it (tests/test_roles.py)
    at = at.run()
    assert {"People (CSV)", "People (Excel)"} <= set(_download_labels(at))
