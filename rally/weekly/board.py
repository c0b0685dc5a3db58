"""The people board as a reader sees it: the period's totals, a search, and one page of rows at a time.

A big company's board has thousands of people; a page (and a projector) shows the top rows, a person finds
themselves by name or team, and the totals are worked out here rather than by a browser holding every row.
Searching matches what the board shows: an anonymous person is found neither by their name nor by their team.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from rally.core.text import format_figure

ROWS_PER_PAGE = 20


@dataclass(frozen=True)
class BoardPage:
    rows: pd.DataFrame  # the rows of this page, in board order
    matches: int  # rows matching the search (all rows without one)
    page: int  # 1-based, within 1..pages
    pages: int
    people: int  # everyone on the board
    points: float  # everyone's points together
    posts: int  # everyone's posts together
    size: int = ROWS_PER_PAGE

    @property
    def first(self) -> int:
        """The position (1-based, among the matches) of this page's first row; 0 when there is none."""
        return (self.page - 1) * self.size + 1 if self.matches else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.matches else 0


def _folded(text: pd.Series | str):
    """Lower case without accents, so "lucia" finds Lucía and "WISNIEWSKA" finds Wiśniewska."""

    def fold(value: str) -> str:
        decomposed = unicodedata.normalize("NFKD", value.casefold())
        return "".join(c for c in decomposed if not unicodedata.combining(c))

    if isinstance(text, str):
        return fold(text)
    return text.astype("str").map(fold)


def matching(board: pd.DataFrame, query: str) -> pd.DataFrame:
    """The board's rows where every word of `query` starts a word of the shown name or team (any case or accents).

    "ana" finds Ana Ferreira, "garc" finds García, "customer" a team's people; "tom" finds Tom, not Customer Success.
    """
    words = _folded(query).split()
    if not words or board.empty:
        return board
    shown = _folded(board["name"] + " " + board["team"])
    keep = pd.Series(True, index=board.index)
    for word in words:
        keep &= shown.str.contains(r"(?:^|\W)" + re.escape(word), regex=True)
    return board[keep]


def board_page(board: pd.DataFrame, query: str = "", page: int = 1, size: int = ROWS_PER_PAGE) -> BoardPage:
    """Page `page` (clamped to the pages there are) of the rows matching `query`, with the whole board's totals.

    `board` is `rally.weekly.scoring.leaderboard` (ranked, in board order).
    """
    found = matching(board, query)
    pages = max(1, math.ceil(len(found) / size))
    page = min(max(1, page), pages)
    return BoardPage(
        rows=found.iloc[(page - 1) * size : page * size],
        matches=len(found),
        page=page,
        pages=pages,
        people=len(board),
        points=float(board["points"].sum()) if not board.empty else 0.0,
        posts=int(board["posts"].sum()) if not board.empty else 0,
        size=size,
    )


def page_label(page: int, matches: int, size: int = ROWS_PER_PAGE) -> str:
    """'21–40 of 2,481' for the page picker."""
    first = (page - 1) * size + 1
    return f"{first:,}–{min(page * size, matches):,} of {matches:,}"


def breakdown_text(breakdown: pd.DataFrame) -> pd.DataFrame:
    """`rally.weekly.scoring.points_breakdown` as the page shows it: figures written out, nothing where there is none.

    (A table cell with no figure would read "None"; the reach row has no points each and the total no count.)
    """
    return breakdown.assign(
        **{
            column: breakdown[column].map(format_figure).replace("—", "")
            for column in ("How many", "Points each", "Points")
        }
    )
