"""The Sheet contract: which tabs Rally reads, their columns, and how loosely they may be spelt.

Tab names and headers match ignoring case, surrounding spaces and punctuation;
column order is free; unknown columns are ignored; the header row is the first
row (within the first five) that holds every required column of the tab.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rally.core.issues import DataIssue

HEADER_SEARCH_ROWS = 5


def normalise_key(text: object) -> str:
    """Lower-case and strip everything but letters and digits: ' Post-link ' -> 'postlink'."""
    return re.sub(r"[\W_]+", "", str(text)).casefold()


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    description: str = ""
    example: str = ""

    def keys(self) -> set[str]:
        return {normalise_key(self.name), *(normalise_key(a) for a in self.aliases)}


@dataclass(frozen=True)
class TabSpec:
    name: str
    columns: tuple[Column, ...]
    required_tab: bool = False
    description: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[Column]:
        return [c for c in self.columns if c.required]


POSTS = TabSpec(
    "Posts",
    (
        Column("Date", True, ("Posted", "Posted on", "Day"), "When it was posted", "2026-11-16"),
        Column("Name", True, ("Staff", "Person", "Employee", "Who"), "Who posted it", "Maya Patel"),
        Column("Platform", True, ("Channel", "Network"), "LinkedIn, X, Facebook, …", "LinkedIn"),
        Column("Team", False, (), "Used for people not on the Staff tab (the Staff tab's team wins)", "Sales"),
        Column("Link", False, ("URL", "Post link"), "http(s) link to the post", "https://www.linkedin.com/posts/…"),
        Column("Summary", False, ("Description", "What", "Topic"), "One line about the post", "Case study: Acme"),
        Column("Reach", False, ("Impressions", "Views"), "1,234 · 1.2k · 3m", "3400"),
        Column("Reactions", False, ("Likes",), "", "85"),
        Column("Comments", False, (), "", "12"),
        Column("Shares", False, ("Reposts", "Retweets"), "", "4"),
        Column("Clicks", False, ("Link clicks",), "", "30"),
        # Filled in by Rally for posts logged from the app (a retried write may land twice: the ID says it is one post).
        Column("ID", False, (), "Filled in by Rally for posts logged in the app; leave blank", ""),
    ),
    required_tab=True,
    description="One row per post, from any channel.",
)

STAFF = TabSpec(
    "Staff",
    (
        Column("Name", True, ("Staff", "Person", "Employee"), "Spelling shown everywhere", "Maya Patel"),
        Column("Team", False, (), "", "Sales"),
        Column("Role", False, (), "", "Account manager"),
        Column("Leaderboard", False, (), "show | anonymous", "show"),
        Column("Trained", False, (), "Comma list of modules", "Platform mechanics, Analytics"),
        Column("Joined", False, (), "Date", "2025-03-01"),
    ),
    description="Who is in the programme; team sizes for participation.",
)

KPIS = TabSpec(
    "KPIs",
    (
        Column("Month", True, (), "2026-10 · Oct 2026 · 01/10/2026", "2026-10"),
        Column("KPI", True, ("Metric",), "Any KPI name", "Leads"),
        Column("Actual", False, (), "", "42"),
        Column("Target", False, (), "", "40"),
    ),
    description="Monthly KPIs in long format: one row per month and KPI.",
    aliases=("KPI",),
)

NOTES = TabSpec(
    "Notes",
    (
        Column("Week", False, (), "ISO week, e.g. 2026-W47", "2026-W47"),
        Column("Kind", False, (), "Highlight | Improve | Hero | Kudos", "Highlight"),
        Column("Person", False, (), "", "Leo Martin"),
        Column("Text", True, ("Note",), "", "First post ever — well done!"),
        # Filled in by Rally for notes added from the presenter (added to the header the first time one is).
        Column("ID", False, (), "Filled in by Rally for notes added in the presenter; leave blank", ""),
    ),
    description="The facilitator's own notes for a week.",
)

SETTINGS = TabSpec(
    "Settings",
    (
        Column("Key", True, ("Setting",), "", "refresh seconds"),
        Column("Value", True, (), "", "60"),
    ),
    description="Overrides for defaults (scoring weights, refresh interval, thresholds, date order).",
)

# -- tabs people keep that Rally reads when they are there -------------------------------------------------------
TRAINING = TabSpec(
    "Training",
    (
        Column("Name", True, ("Staff", "Person", "Employee"), "Who was trained", "Hannah Schmidt"),
        Column(
            "Module",
            True,
            ("Course", "Topic", "Session"),
            "A module from the Training modules setting, or any other",
            "Analytics",
        ),
        Column("Date", False, ("Completed", "Trained on"), "When (optional)", "2026-11-12"),
    ),
    description="Optional: one row per person and module, with the date (the Staff tab's Trained column works too).",
)

SURVEY_QUESTIONS = TabSpec(
    "Survey Questions",
    (
        Column("ID", False, ("Key",), "Short, stable name; answers are matched across rounds by it", "confidence"),
        Column(
            "Question",
            True,
            ("Text", "Title"),
            "As the room reads it",
            "How confident do you feel posting about your work?",
        ),
        Column("Type", False, ("Kind",), "scale (1–5) | single | multi | yesno | text", "scale"),
        Column(
            "Options",
            False,
            ("Choices", "Answers"),
            "Choices separated by commas (or ; when a choice holds a comma); for scale: the two end labels",
            "Not at all, Very",
        ),
        Column("Required", False, ("Mandatory",), "yes | no (blank = no)", "yes"),
    ),
    description="The survey's questions (when missing or empty, Rally asks the programme's seven opening questions).",
    aliases=("Questions",),
)

# -- tabs Rally writes (each row with an ID, RAW, through the outbox); a Google Form's responses tab is read as Survey --
VOTES = TabSpec(
    "Votes",
    (
        Column("ID", True, (), "Written by Rally: one per vote", "3f2a…"),
        Column("Timestamp", True, (), "When the vote was cast (UTC)", "2026-11-23T09:41:07Z"),
        Column("Week", True, (), "The week voted on", "2026-W47"),
        Column("Post link", True, ("Post", "Link"), "The post voted for", "https://www.linkedin.com/posts/…"),
        Column("Voter token", True, ("Token", "Voter"), "A random token per browser session (not a name)", "b1c9…"),
        Column("Name", False, (), "Optional: the voter's name", ""),
    ),
    description="Most-creative votes from phones in the meeting (Rally writes this tab).",
)

KUDOS = TabSpec(
    "Kudos",
    (
        Column("ID", True, (), "Filled in by Rally", ""),
        Column("Date", False, (), "The day it was sent", "2026-11-18"),
        Column("To", True, (), "Who it is for", "Maya Patel"),
        Column("From", False, (), "Optional: blank stays anonymous", "Leo Martin"),
        Column("Message", True, ("Kudos", "Text"), "One line of thanks", "Your case study got us two calls!"),
    ),
    description="Thanks from one colleague to another; this week's are read out in the meeting.",
)

SURVEY = TabSpec(
    "Survey",
    (
        Column("ID", True, (), "One answer's ID (Rally writes it)"),
        Column("Response", True, (), "The answers sent together share it"),
        Column("Session", False, (), "Anonymous browser-session code, new in every round"),
        Column("Edit", False, (), "1 for the first answers, 2 when they were sent again…"),
        Column("Round", False, (), "e.g. 2026-11 opening"),
        Column("Day", False, (), "Date only, never a time"),
        Column("Question ID", True, ("Question key",), "The question's ID"),
        Column("Question", False, (), "The question as asked"),
        Column("Answer", False, (), "1–5, a choice, choices joined by '; ', or text"),
    ),
    description="Survey answers, one row per answer (Rally writes it; a Google Form's responses tab is read too).",
    # A Google Form's responses tab, by the names Google gives it, is read as the Survey tab.
    aliases=("Survey Answers", "Survey Responses", "Form Responses 1", "Form Responses"),
)

SURVEY_ROUNDS = TabSpec(
    "Survey Rounds",
    (
        Column("ID", True),
        Column("Seq", False, (), "Order of the facilitator's actions"),
        Column("Day", False),
        Column("Round", True),
        Column("Action", True, (), "start | show results | hide results"),
    ),
    description="Survey rounds started and results shown or hidden (Rally writes it).",
)

MODERATION = TabSpec(
    "Moderation",
    (
        Column("ID", True),
        Column("Seq", False, (), "Order of the facilitator's clicks"),
        Column("Day", False),
        Column("Tab", False, (), "Survey | Ideas"),
        Column("Target", True, (), "The hidden row's ID"),
        Column("Action", True, (), "hide | show"),
    ),
    description="Survey answers and ideas the facilitator hid from screens (Rally writes it).",
)

IDEAS = TabSpec(
    "Ideas",
    (
        Column("ID", True),
        Column("Day", False, (), "Date only, never a time"),
        Column("Idea", True, ("Text",), "As written"),
    ),
    description="The ideas box: how would you improve our social media? (Rally writes it.)",
)

POST_NUMBERS = TabSpec(
    "Post numbers",
    (
        Column("ID", True, (), "Filled in by Rally", ""),
        Column("Imported", False, (), "The day of the import", "2026-11-20"),
        Column("Source", False, (), "The file the numbers came from", "LinkedIn content export"),
        Column("Link", True, (), "The post's link", "https://www.linkedin.com/feed/update/urn:li:activity:7123…"),
        Column("Reach", False, (), "Impressions", "3400"),
        Column("Reactions", False, (), "Likes and other reactions", "85"),
        Column("Comments", False, (), "", "12"),
        Column("Shares", False, (), "Reposts", "4"),
        Column("Clicks", False, (), "", "30"),
    ),
    description="Reach and engagement numbers imported from a platform's export; they replace the typed ones of the post with that link.",
)

MEETINGS = TabSpec(
    "Meetings",
    (
        Column("ID", True, (), "Filled in by Rally: the week and the item"),
        Column("Week", True, (), "The week the meeting looked back on", "2026-W47"),
        Column("Closed", False, (), "The day the facilitator closed the meeting", "2026-11-23"),
        Column("Kind", True, (), "total | hero | winner | highlight | improve | vote", "hero"),
        Column("Item", False, (), "What the row is about (a total's name, a category, the hero's name…)", ""),
        Column("Value", False, (), "What the meeting showed", ""),
    ),
    description="What each closed meeting showed, one row per item (Rally writes it when the facilitator closes the meeting).",
)

FOLLOW_UPS = TabSpec(
    "Follow-ups",
    (
        Column("ID", True),
        Column("Week", True, (), "The week the item was raised in", "2026-W47"),
        Column("Item", True, (), "The item's key (Rally's)", ""),
        Column("Text", False, (), "The item as it was said", ""),
        Column("Status", True, (), "done | not yet | drop", "done"),
        Column("Day", False),
        Column("Seq", False, (), "Order of the marks: the latest counts"),
    ),
    description="Last week's do-better items followed up: done, not yet or dropped (Rally writes it).",
)

CORE_TABS: tuple[TabSpec, ...] = (POSTS, STAFF, KPIS, NOTES, SETTINGS)
OPTIONAL_TABS: tuple[TabSpec, ...] = (TRAINING, SURVEY_QUESTIONS)
WRITTEN_TABS: tuple[TabSpec, ...] = (
    VOTES, KUDOS, SURVEY, SURVEY_ROUNDS, MODERATION, IDEAS, POST_NUMBERS, MEETINGS, FOLLOW_UPS
)  # fmt: skip
# Every tab Rally reads or writes: init-sheet creates the missing ones, `check` reports on each, the README lists each.
ALL_TABS: tuple[TabSpec, ...] = (*CORE_TABS, *OPTIONAL_TABS, *WRITTEN_TABS)
# The tabs the room fills during a meeting: re-read every few seconds while live results are on a screen.
LIVE_TABS: tuple[TabSpec, ...] = (VOTES, SURVEY, SURVEY_ROUNDS, MODERATION, IDEAS)
# Every title those tabs may have (a Form's responses tab is the Survey tab), for reading just them.
LIVE_TAB_TITLES: tuple[str, ...] = tuple(name for spec in LIVE_TABS for name in (spec.name, *spec.aliases))
# A tab's contract name by any name it may go by (normalised), for rows queued under the name they were written to.
TAB_NAMES: dict[str, str] = {normalise_key(name): spec.name for spec in ALL_TABS for name in (spec.name, *spec.aliases)}


@lru_cache(maxsize=4096)
def contract_column(spec: TabSpec, header_cell: str) -> str | None:
    """The contract column a header cell names ('Posted on' -> 'Date' on Posts), or None.

    Cached: every queued row names its columns again (a burst of survey answers is thousands of cells, a few headers).
    """
    key = normalise_key(header_cell)
    return next((c.name for c in spec.columns if key and key in c.keys()), None)


def find_tab(tabs: dict[str, list[list[str]]], spec: TabSpec, also: Callable[[str], bool] | None = None) -> str | None:
    """The actual title of the tab that matches `spec`, or None.

    `also` accepts other titles, tried only when no tab has the spec's own name or an alias
    (`rally.core.forms.is_form_responses_title`: a Google Form's "Form Responses 1"), first in Sheet order.
    """
    wanted = {normalise_key(spec.name), *(normalise_key(a) for a in spec.aliases)}
    for title in tabs:
        if normalise_key(title) in wanted:
            return title
    if also is not None:
        return next((title for title in tabs if also(title)), None)
    return None


def column_letter(index: int) -> str:
    """A column's name as Google Sheets shows it, from its 0-based position: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _letters(indices: list[int]) -> str:
    letters = [column_letter(i) for i in indices]
    return letters[0] if len(letters) == 1 else ", ".join(letters[:-1]) + " and " + letters[-1]


def duplicate_header_issues(cells: list, spec: TabSpec, header_row: int) -> list[DataIssue]:
    """A contract column named twice in the header (Reach twice, or Reach and its alias Impressions): the first is read.

    One issue per contract column, at the header row, naming every column by its letter.
    """
    mapping = map_header(cells, spec)
    read = set(mapping.values())
    named: dict[str, list[int]] = {name: [index] for name, index in mapping.items()}
    for index, cell in enumerate(cells):
        key = normalise_key(cell)
        column = next((c for c in spec.columns if key and key in c.keys()), None) if index not in read else None
        if column is not None:
            named[column.name].append(index)
    issues = []
    for name, indices in named.items():
        if len(indices) < 2:
            continue
        times = "twice" if len(indices) == 2 else f"{len(indices)} times"
        indices.sort()
        titles = [_cell_text(cells[i]) for i in indices]
        headed = "" if len(set(titles)) == 1 else f", headed {_titles(titles)}"
        problem = (
            f"{name} appears {times} (columns {_letters(indices)}{headed}): column {column_letter(indices[0])} is read"
        )
        issues.append(DataIssue(spec.name, header_row, name, ", ".join(titles[1:]), problem))
    return issues


def _titles(titles: list[str]) -> str:
    return ", ".join(titles[:-1]) + " and " + titles[-1]


def unheaded_data_issues(cells: list, body: list[list], spec: TabSpec, header_row: int) -> list[DataIssue]:
    """Columns with data under a blank header cell (or past the header's last cell): reported, never read.

    The value is left blank: the data under no header may be anything, a respondent's e-mail included.
    """
    width = len(cells)
    blank = [i for i, cell in enumerate(cells) if not _cell_text(cell)]
    # Google trims each row's trailing blank cells, so only a row longer than the header has cells past it.
    longer = [row for row in body if len(row) > width]
    found = [i for i in blank if any(_cell_text(row[i]) for row in body if len(row) > i)]
    found += sorted({i for row in longer for i in range(width, len(row)) if _cell_text(row[i])})
    return [
        DataIssue(
            spec.name,
            header_row,
            column_letter(i),
            "",
            f"column {column_letter(i)} has data but no header — not read: give it a title",
        )
        for i in found
    ]


@dataclass
class Table:
    """A tab cut down to the contract's columns: strings only, plus the Sheet's row numbers."""

    frame: pd.DataFrame
    header_row: int | None  # 1-based row number as Google Sheets shows it
    missing: list[str] = field(default_factory=list)
    issues: list[DataIssue] = field(default_factory=list)


def map_header(cells: list, spec: TabSpec) -> dict[str, int]:
    """Contract column name -> index of the first header cell that names it (by name or alias)."""
    mapping: dict[str, int] = {}
    for index, cell in enumerate(cells):
        key = normalise_key(cell)
        if not key:
            continue
        for column in spec.columns:
            if column.name not in mapping and key in column.keys():
                mapping[column.name] = index
                break
    return mapping


def read_table(rows: list[list], spec: TabSpec) -> Table:
    """Locate the header, keep the contract's columns, number the rows as the Sheet does.

    Blank rows are dropped but keep their numbers for the rows after them.
    """
    empty = pd.DataFrame(
        {"row": pd.Series([], dtype="int64"), **{c.name: pd.Series([], dtype="str") for c in spec.columns}}
    )
    best: dict[str, int] = {}
    header_index = None
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping = map_header(cells, spec)
        if all(c.name in mapping for c in spec.required_columns):
            header_index, best = index, mapping
            break
        if len(mapping) > len(best):
            best = mapping
    if header_index is None:
        missing = [c.name for c in spec.required_columns if c.name not in best]
        problem = f"no header row with {', '.join(missing)} in the first {HEADER_SEARCH_ROWS} rows"
        return Table(empty, None, missing, [DataIssue(spec.name, 1, ", ".join(missing), "", problem)])

    body = rows[header_index + 1 :]
    columns = [c.name for c in spec.columns]
    header_row = header_index + 1
    issues = duplicate_header_issues(rows[header_index], spec, header_row)
    issues += unheaded_data_issues(rows[header_index], body, spec, header_row)
    if not body:
        return Table(empty, header_row, issues=issues)
    width = max(best.values()) + 1
    blank = [""] * width
    # Rows come back ragged (Google trims trailing blanks): every row to exactly `width` cells, then columns whole.
    grid = [r if len(r) == width else r + blank[len(r) :] if len(r) < width else r[:width] for r in body]
    texts = _text_columns(grid, width, {name: best[name] for name in columns if name in best})
    picked = pd.DataFrame({name: texts.get(name, "") for name in columns}, index=pd.RangeIndex(len(grid)))
    picked.insert(0, "row", pd.RangeIndex(header_index + 2, header_index + 2 + len(body)))
    keep = (picked[columns] != "").any(axis=1)
    frame = picked[keep].reset_index(drop=True).astype({name: "str" for name in columns})
    return Table(frame, header_row, issues=issues)


# What Python's str.strip() removes: every character for which str.isspace() is true.
PYTHON_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)


def _text_columns(grid: list[list], width: int, positions: dict[str, int]) -> dict[str, pd.Series]:
    """The cells at `positions` of every row, as stripped text.

    Sources hand on text, so each column goes to Arrow in one C call and is stripped there
    (exactly what Python's str.strip would strip). A column whose cells are not all text
    (numbers, None from a direct caller) takes the cell-by-cell path.
    """
    return {name: _text_column(list(map(itemgetter(i), grid))) for name, i in positions.items()}


def _text_column(cells: list) -> pd.Series:
    # One column at a time: a big tab's whole grid never sits in Arrow at once beside the rows it came from.
    try:
        column = pa.array(cells, type=pa.large_string())
        if column.null_count:
            raise TypeError("a None cell")
    except (pa.ArrowException, TypeError, UnicodeError):
        return pd.Series([_cell_text(v) for v in cells], dtype="str")
    return pd.Series(pc.utf8_trim(column, characters=PYTHON_WHITESPACE), dtype="str")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
