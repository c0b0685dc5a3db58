"""The people board a page shows: a search, one page of rows, the totals; a big company's board sends one page, not every row."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from rally.weekly.board import ROWS_PER_PAGE, board_page, breakdown_text, matching, page_label
from tests.apptest import app, clear_caches, texts
from tests.sources import SHEET_KEY

BOARD = pd.DataFrame(
    {
        "rank": [1, 2, 2, 4, 5],
        "person": ["lucia garcia", "maya patel", "x", "tom becker", "ana ferreira"],
        "name": ["Lucía García", "Maya Patel", "Anonymous", "Tom Becker", "Ana Ferreira"],
        "team": ["Sales", "Customer Success", "—", "Engineering", "Customer Success"],
        "points": [300.0, 200.0, 200.0, 150.0, 10.0],
        "posts": [5, 4, 3, 2, 1],
    }
)


# fmt: off
@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", ["Lucía García", "Maya Patel", "Anonymous", "Tom Becker", "Ana Ferreira"]),
        ("maya", ["Maya Patel"]),
        ("LUCIA", ["Lucía García"]),  # case and accents don't matter
        ("garcía", ["Lucía García"]),
        ("customer", ["Maya Patel", "Ana Ferreira"]),  # a team finds its people
        ("ana customer", ["Ana Ferreira"]),  # every word must match
        ("  tom  ", ["Tom Becker"]),  # the start of a word: Tom, not cus-tom-er
        ("garc", ["Lucía García"]),
        ("anonymous", ["Anonymous"]),
        ("x", []),  # an anonymous person's own key or name finds nothing
        ("zzz", []),
    ],
)
# fmt: on
def test_the_search_finds_people_by_what_the_board_shows(query, names):
    """A name or a team, any case, with or without accents; never an opted-out person's real name."""
    assert matching(BOARD, query)["name"].tolist() == names


def test_a_page_holds_its_rows_and_the_whole_boards_totals():
    """Totals are the whole board's whatever the page or search; a page past the last is the last."""
    big = pd.concat([BOARD] * 9, ignore_index=True)  # 45 rows: three pages of 20
    first = board_page(big)
    assert (len(first.rows), first.pages, first.page, first.first, first.last) == (ROWS_PER_PAGE, 3, 1, 1, 20)
    assert (first.people, first.points, first.posts) == (45, 9 * 860.0, 9 * 15)
    last = board_page(big, page=99)
    assert (last.page, len(last.rows), last.first, last.last) == (3, 5, 41, 45)
    searched = board_page(big, "customer", page=2)
    assert (searched.matches, searched.page, len(searched.rows), searched.people) == (18, 1, 18, 45)
    assert page_label(2, 45) == "21–40 of 45" and page_label(3, 45) == "41–45 of 45"


def test_the_breakdown_reads_as_figures_with_nothing_where_there_is_no_figure():
    """No "None" or "nan" in the breakdown: the reach row has no points each, the total no count."""
    breakdown = pd.DataFrame(
        {
            "What": ["Posts", "Reach (1 point per 100)", "Total"],
            "How many": [3.0, 10531.0, float("nan")],
            "Points each": [10.0, float("nan"), float("nan")],
            "Points": [30.0, 105.0, 1489.0],
        }
    )
    assert breakdown_text(breakdown).values.tolist() == [
        ["Posts", "3", "10", "30"],
        ["Reach (1 point per 100)", "10,531", "", "105"],
        ["Total", "", "", "1,489"],
    ]


def company_tabs(people: int, today: date) -> dict[str, list[list[str]]]:
    """`people` staff in four teams, each with one post this week."""
    monday = today - timedelta(days=today.weekday())
    staff = [["Name", "Team"]] + [[f"Person {n:04d}", f"Team {n % 4}"] for n in range(people)]
    posts = [["Date", "Name", "Platform", "Link", "Reach", "Reactions"]] + [
        [monday.isoformat(), f"Person {n:04d}", "LinkedIn", f"https://example.com/p/{n}", str(100 + n), str(n % 50)]
        for n in range(people)
    ]
    return {"Staff": staff, "Posts": posts}


@pytest.fixture
def company_sheet(sheets_emulator, tmp_path, monkeypatch):
    """The app on a Sheet in the emulator; yields a function that fills it with a company of a given size."""
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", sheets_emulator.host)
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path))

    def sheet_of(people: int) -> dict:
        sheets_emulator.add_spreadsheet(SHEET_KEY, tabs=company_tabs(people, date.today()))
        clear_caches()
        return {
            "connections": {"gsheets": {"spreadsheet": SHEET_KEY, "client_email": "rally@acme.iam.gserviceaccount.com"}},
            "rally": {"sheet_read_attempts": 1},
        }

    yield sheet_of
    clear_caches()


def page_bytes(at) -> int:
    """What the page's elements weigh as sent to the browser (their protobuf messages)."""
    return sum(node.proto.ByteSize() for node in at._tree if hasattr(node, "proto") and hasattr(node.proto, "ByteSize"))


def test_a_big_companys_leaderboard_sends_one_page_of_people(company_sheet):
    """Thirty people or six hundred: the browser gets 20 rows, 20 names to pick from and the totals, so the page weighs the same."""
    weights = {}
    for people in (30, 600):
        at = app("views/leaderboard.py", secrets=company_sheet(people))
        assert not at.exception and not at.error
        board, breakdown = at.dataframe[0].value, at.dataframe[1].value
        assert len(board) == ROWS_PER_PAGE and len(at.selectbox(key="leaderboard-breakdown").options) == ROWS_PER_PAGE
        assert f"{people:,} people posted" in texts(at) and len(breakdown) > 1
        pages = at.selectbox(key="leaderboard-page")
        assert pages.options[-1].endswith(f"of {people:,}")
        weights[people] = page_bytes(at)
    # Twenty times the people add only the page picker's labels (a few bytes a page of 20), never their rows.
    assert weights[600] - weights[30] < 2_000, weights


def test_the_last_page_and_a_search_reach_everyone(company_sheet):
    """Every person is reachable: by paging to the end, or by typing part of their name."""
    at = app("views/leaderboard.py", secrets=company_sheet(45))
    at.selectbox(key="leaderboard-page").select_index(2).run()
    assert len(at.dataframe[0].value) == 5
    at.text_input(key="leaderboard-search").input("Person 0044").run()
    [name] = at.dataframe[0].value["Name"].tolist()
    assert name == "Person 0044" and "1 match" in texts(at)
