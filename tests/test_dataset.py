"""build_dataset on a small, deliberately messy Sheet: what counts, what is reported, and where."""

from __future__ import annotations

import functools
import math
from datetime import date

import pandas as pd
import pytest

from rally.core.issues import DataIssue
from rally.core.parsing import week_start
from rally.core.settings import settings_table
from rally.sheet.dataset import KPI_COLUMNS, NOTES_COLUMNS, POSTS_COLUMNS, STAFF_COLUMNS, Dataset, build_dataset
from rally.sheet.health import fix_advice, tab_counts
from rally.weekly.glance import (
    last_complete_week,
    posts_per_day,
    previous_week,
    week_at_a_glance,
    week_totals,
    weeks_to_show,
)

# Row numbers in the comments are the ones Google Sheets shows next to each row.
MESSY: dict[str, list[list[str]]] = {
    "posts": [
        ["Rally — social posts (do not sort)"],  # 1
        [
            "Posted on",
            "Who",
            "Channel",
            "Team",
            "URL",
            "What",
            "Impressions",
            "Likes",
            "Comments",
            "Reposts",
            "Link clicks",
            "Mood",
        ],  # 2
        [
            "2026-11-16",
            "Maya Patel",
            "LinkedIn",
            "",
            "https://www.linkedin.com/posts/maya-1",
            "Case study: Acme",
            "3,400",
            "85",
            "12",
            "4",
            "30",
            "😀",
        ],  # 3
        ["17/11/2026", "maya  patel ", "linked in", "", "https://www.linkedin.com/posts/maya-2", "", "1.2k", "40"],  # 4
        [
            "Nov 18, 2026",
            "leo martin",
            "Twitter",
            "Ops",
            "https://x.com/leo/status/1",
            "",
            "500",
            "-3",
            "2",
            "1",
            "n/a",
        ],  # 5
        [],  # 6
        ["2026-11-19", "", "FB", "", "", "", "100"],  # 7
        ["someday", "Ana Ruiz", "IG"],  # 8
        ["", "Ana Ruiz", "IG", "", "", "Forgot the date"],  # 9
        [
            "2026-11-20",
            "Maya Patel",
            "LinkedIn",
            "",
            "https://WWW.LinkedIn.com/posts/maya-1/",
            "",
            "9,999",
            "999",
        ],  # 10
        ["46345", "ANA RUIZ", "Insta", "", "javascript:alert(1)", "<b>hi</b>", "2.5K", "10", "1", "0", "0"],  # 11
        ["2026-11-22", "ANA RUIZ", "", "", "", "", "300", "5"],  # 12
        ["2026-11-23", "Jo 🚀", "TikTok", "Design"],  # 13
        ["2026-11-16", "Siobhán O'Brien", "Mastodon", "Support", "", "", "200", "20"],  # 14
        ["2026-11-20", "Leo Martin", "X/Twitter", "Ops", "https://x.com/leo/status/2", "", "700", "7"],  # 15
        ["2026-11-21", "Leo  Martin", "x", "Ops", "https://x.com/leo/status/3"],  # 16
    ],
    "Staff": [
        ["Name", "Team", "Role", "Leaderboard", "Trained", "Joined"],  # 1
        ["Maya Patel", "Sales", "Account manager", "show", "Platform mechanics, Analytics", "2025-03-01"],  # 2
        ["Ana Ruiz", "Marketing", "", "Anonymous ", "", "01/02/2026"],  # 3
        ["", "Ops"],  # 4
        ["maya patel", "Marketing"],  # 5
        ["Jo 🚀", "", "", "sometimes", "", "last year"],  # 6
    ],
    "KPI's": [
        ["Month", "KPI", "Actual", "Target"],  # 1
        ["2026-10", "Leads", "42", "40"],  # 2
        ["Oct 2026", "Visits", "1.2k", ""],  # 3
        ["01/11/2026", "Leads", "38", "40"],  # 4
        ["Octember", "Leads", "1", "1"],  # 5
        ["2026-13", "Leads", "2", "2"],  # 6
        ["46357", "Leads", "50", "n/a"],  # 7
        ["2026-12", "", "5"],  # 8
    ],
    "Notes": [
        ["Week", "Kind", "Person", "Text"],  # 1
        ["2026-W47", "Highlight", "Maya Patel", "First case study"],  # 2
        ["16/11/2026", "hero", " Leo  Martin", "Three posts in a week"],  # 3
        ["Nov 25, 2026", "Kudos", "", "Great turnout"],  # 4
        ["2027-01-01", "Improve", "", "Post before the holidays"],  # 5
        ["next week", "Highlight", "", "Plan the webinar"],  # 6
        ["2026-w48", "Shoutout", "", "Jo's first TikTok"],  # 7
    ],
    "Settings": [
        ["Key", "Value"],  # 1
        ["Refresh seconds", "30"],  # 2
        ["Points per post", "0"],  # 3
        ["Colour", "blue"],  # 4
        ["Reach per point", "0"],  # 5
        ["Weekly post cap", "nan"],  # 6
    ],
    "Scratch": [["Anything"], ["Rally does not read this tab"]],
}

EXPECTED_ISSUES = [
    pytest.param(
        DataIssue("Posts", 5, "Reactions", "-3", "negative number — left blank; the post still counts"),
        id="posts-negative",
    ),
    pytest.param(
        DataIssue("Posts", 5, "Clicks", "n/a", "not a number — left blank; the post still counts"),
        id="posts-not-a-number",
    ),
    # Row 6 is blank: ignored, yet row 7 is still called row 7.
    pytest.param(DataIssue("Posts", 7, "Name", "", "no name — left out of every figure"), id="posts-no-name"),
    pytest.param(
        DataIssue(
            "Posts", 8, "Date", "someday", "not a date Rally can read (try 2026-11-16) — left out of every figure"
        ),
        id="posts-bad-date",
    ),
    pytest.param(DataIssue("Posts", 9, "Date", "", "no date — left out of every figure"), id="posts-no-date"),
    # Upper-case host and a trailing slash are still row 3's link; the issue names the row that counts.
    pytest.param(
        DataIssue("Posts", 10, "Link", "https://WWW.LinkedIn.com/posts/maya-1/", "same link as row 3 — counted once"),
        id="posts-repeat",
    ),
    # A javascript: link is kept as text and reported; the post itself still counts.
    pytest.param(
        DataIssue("Posts", 11, "Link", "javascript:alert(1)", "not an http(s) link — shown as text"), id="posts-not-web"
    ),
    pytest.param(
        DataIssue("Posts", 12, "Platform", "", "no platform — counted as Unspecified"), id="posts-no-platform"
    ),
    # A Staff row with a team but no name is no one: it must not count towards the team's size.
    pytest.param(DataIssue("Staff", 4, "Name", "", "no name — left out of every figure"), id="staff-no-name"),
    pytest.param(DataIssue("Staff", 5, "Name", "maya patel", "listed twice — the first row is used"), id="staff-twice"),
    pytest.param(
        DataIssue("Staff", 6, "Leaderboard", "sometimes", "expected show or anonymous — shown by name"),
        id="staff-leaderboard",
    ),
    pytest.param(DataIssue("Staff", 6, "Joined", "last year", "not a date"), id="staff-joined"),
    pytest.param(
        DataIssue("KPIs", 5, "Month", "Octember", "not a month Rally can read (try 2026-10) — row left out"),
        id="kpi-bad-month",
    ),
    pytest.param(
        DataIssue("KPIs", 6, "Month", "2026-13", "not a month Rally can read (try 2026-10) — row left out"),
        id="kpi-month-13",
    ),
    pytest.param(DataIssue("KPIs", 7, "Target", "n/a", "not a number — left blank"), id="kpi-bad-target"),
    pytest.param(DataIssue("KPIs", 8, "KPI", "", "no KPI name — row left out"), id="kpi-no-name"),
    pytest.param(
        DataIssue("Notes", 6, "Week", "next week", "not a week (try 2026-W47 or a date) — note not shown"),
        id="notes-bad-week",
    ),
    pytest.param(
        DataIssue(
            "Notes", 7, "Kind", "Shoutout", "expected one of Highlight, Improve, Hero, Kudos — treated as Highlight"
        ),
        id="notes-bad-kind",
    ),
    pytest.param(DataIssue("Settings", 4, "Key", "Colour", "unknown setting — ignored"), id="settings-unknown"),
    pytest.param(
        DataIssue("Settings", 5, "Value", "0", "below the minimum of 1 — default kept"), id="settings-below-minimum"
    ),
    # float("nan") succeeds: without a check this cell crashed the whole read.
    pytest.param(DataIssue("Settings", 6, "Value", "nan", "not a number — default kept"), id="settings-nan"),
]


HEADERS_ONLY = {
    "Posts": [["Date", "Name", "Platform"]],
    "Staff": [["Name"]],
    "KPIs": [["Month", "KPI"]],
    "Notes": [["Text"]],
    "Settings": [["Key", "Value"]],
}
ALL_BAD = {
    "Posts": [["Date", "Name", "Platform"], ["someday", "Maya", "X"], ["2026-11-16", "", "X"]],
    "Staff": [["Name", "Team"], ["", "Sales"]],
    "KPIs": [["Month", "KPI"], ["soon", "Leads"]],
    "Notes": [["Week", "Text"], ["", "no week"]],
}


SHEETS = {"no-tabs": {}, "headers-only": HEADERS_ONLY, "every-row-left-out": ALL_BAD, "messy": MESSY}


@functools.cache
def dataset_of(sheet: str) -> Dataset:
    """One of SHEETS, built once however many tests read it (a build costs ~80 ms)."""
    return build_dataset(SHEETS[sheet])


@pytest.fixture(scope="module")
def messy() -> Dataset:
    """The messy Sheet, read once for the whole module."""
    return dataset_of("messy")


def posts_sheet(*rows: list[str], settings: list[list[str]] | None = None) -> dict[str, list[list[str]]]:
    """A Sheet with a Posts tab holding `rows` under the minimal header, and optionally Settings."""
    tabs = {"Posts": [["Date", "Name", "Platform", "Reach", "Likes"], *rows]}
    if settings is not None:
        tabs["Settings"] = [["Key", "Value"], *settings]
    return tabs


@pytest.mark.parametrize("issue", EXPECTED_ISSUES)
def test_each_problem_is_reported_with_its_sheet_row_and_column(messy, issue):
    """Every bad cell becomes a DataIssue naming the tab, the row Sheets shows, the column and the value."""
    assert issue in messy.issues


def test_nothing_else_is_reported(messy):
    """The good rows raise no issues, and no issue is reported twice."""
    assert sorted(messy.issues, key=repr) == sorted((p.values[0] for p in EXPECTED_ISSUES), key=repr)


def test_only_usable_first_rows_count_as_posts(messy):
    """Rows without a date or name, and the repeated link, are left out; every other post counts."""
    assert messy.posts["row"].tolist() == [3, 4, 5, 11, 12, 13, 14, 15, 16]
    assert messy.posts.groupby("person").size().to_dict() == {
        "ana ruiz": 2,
        "jo 🚀": 1,
        "leo martin": 3,
        "maya patel": 2,
        "siobhán o'brien": 1,
    }


def test_totals_add_up_with_unreadable_numbers_left_blank(messy):
    """Reach and engagements sum over counted posts only; bad or blank figures add nothing."""
    posts = messy.posts
    assert posts["reach"].sum() == 3400 + 1200 + 500 + 2500 + 300 + 200 + 700
    assert posts["reach"].isna().sum() == 2  # Jo's TikTok and Leo's row 16 have no reach yet
    assert posts["engagements"].sum() == 131 + 40 + 3 + 11 + 5 + 20 + 7
    leo = posts.set_index("row").loc[5]
    assert math.isnan(leo["reactions"]) and math.isnan(leo["clicks"])
    assert (leo["comments"], leo["shares"], leo["engagements"]) == (2, 1, 3)  # engagements skip the unreadable cells


@pytest.mark.parametrize(
    ("row", "day", "week", "platform"),
    [
        (3, date(2026, 11, 16), "2026-W47", "LinkedIn"),
        (4, date(2026, 11, 17), "2026-W47", "LinkedIn"),  # day-first by default; "linked in" is LinkedIn
        (5, date(2026, 11, 18), "2026-W47", "X"),
        (11, date(2026, 11, 19), "2026-W47", "Instagram"),  # a Sheets serial number
        (12, date(2026, 11, 22), "2026-W47", "Unspecified"),  # Sunday still closes W47
        (13, date(2026, 11, 23), "2026-W48", "TikTok"),
        (14, date(2026, 11, 16), "2026-W47", "Mastodon"),  # unknown platforms kept as typed
        (15, date(2026, 11, 20), "2026-W47", "X"),
        (16, date(2026, 11, 21), "2026-W47", "X"),
    ],
)
def test_each_post_gets_its_date_week_and_platform(messy, row, day, week, platform):
    """Dates in every format land on the right day and ISO week; platforms get their usual name."""
    post = messy.posts.set_index("row").loc[row]
    assert (post["date"].date(), post["week"], post["platform"]) == (day, week, platform)


@pytest.mark.parametrize(
    ("person", "shown"),
    [
        ("maya patel", "Maya Patel"),
        ("ana ruiz", "Ana Ruiz"),  # the Staff tab's spelling beats "ANA RUIZ", used on every post
        ("leo martin", "Leo Martin"),  # not on Staff: the most frequent spelling (2 of 3), not the first
        ("jo 🚀", "Jo 🚀"),
        ("siobhán o'brien", "Siobhán O'Brien"),
    ],
)
def test_names_are_shown_with_the_staff_spelling_else_the_most_frequent(messy, person, shown):
    """One spelling per person everywhere: on every post and in the lookup pages use."""
    assert set(messy.posts.loc[messy.posts["person"] == person, "name"]) == {shown}
    assert messy.display_names()[person] == shown


@pytest.mark.parametrize(
    ("person", "team"),
    [
        ("maya patel", "Sales"),  # the post has no team: the Staff tab's (first row's) team
        ("ana ruiz", "Marketing"),
        ("leo martin", "Ops"),  # not on Staff: the post's own team
        ("jo 🚀", "Design"),  # on Staff with no team: the post's team, not "No team"
        ("siobhán o'brien", "Support"),
    ],
)
def test_each_post_gets_a_team(messy, person, team):
    """A post's team comes from the Staff tab, falling back to the post's own Team column."""
    assert set(messy.posts.loc[messy.posts["person"] == person, "team"]) == {team}


def test_a_post_with_no_team_anywhere_is_in_no_team():
    """Neither the post nor the Staff tab names a team: the post is filed under "No team"."""
    [team] = build_dataset(posts_sheet(["2026-11-16", "Maya", "X"])).posts["team"]
    assert team == "No team"


@pytest.mark.parametrize(
    ("person", "name", "team", "anonymous", "trained", "joined"),
    [
        ("maya patel", "Maya Patel", "Sales", False, ("Platform mechanics", "Analytics"), date(2025, 3, 1)),
        ("ana ruiz", "Ana Ruiz", "Marketing", True, (), date(2026, 2, 1)),  # "Anonymous " with odd case and a space
        (
            "jo 🚀",
            "Jo 🚀",
            "No team",
            False,
            (),
            None,
        ),  # an unreadable mode shows the name; an unreadable date is blank
    ],
)
def test_staff_members_get_team_anonymity_training_and_join_date(messy, person, name, team, anonymous, trained, joined):
    """Each Staff member's row, read with the Leaderboard mode as a flag and training as a tuple."""
    member = messy.staff.set_index("person").loc[person]
    assert (member["name"], member["team"], member["anonymous"], member["trained"]) == (name, team, anonymous, trained)
    assert (None if pd.isna(member["joined"]) else member["joined"].date()) == joined


def test_staff_lists_each_named_person_once_from_their_first_row(messy):
    """The repeated and the nameless Staff rows are left out (and reported)."""
    assert messy.staff[["row", "person"]].to_dict("records") == [
        {"row": 2, "person": "maya patel"},
        {"row": 3, "person": "ana ruiz"},
        {"row": 6, "person": "jo 🚀"},
    ]


def test_kpis_keep_readable_months_and_report_the_rest(messy):
    """Months in any documented format become YYYY-MM; rows with a bad month or no KPI are left out."""
    kpis = messy.kpis.to_dict("records")
    assert [(k["row"], k["month"], k["kpi"], k["actual"]) for k in kpis] == [
        (2, "2026-10", "Leads", 42.0),
        (3, "2026-10", "Visits", 1200.0),
        (4, "2026-11", "Leads", 38.0),  # 01/11/2026 is 1 November under the default day-first order
        (7, "2026-12", "Leads", 50.0),  # a Sheets serial for 2026-12-01
    ]
    targets = [k["target"] for k in kpis]
    assert (targets[0], targets[2]) == (40.0, 40.0)
    assert math.isnan(targets[1])  # blank: missing, not wrong
    assert math.isnan(targets[3])  # "n/a" reported and left blank; the row still counts


def test_a_kpi_repeated_for_the_same_month_keeps_the_last_row():
    """Two rows for one month and KPI: the lower row is the correction, the upper one is reported."""
    tabs = posts_sheet() | {
        "KPIs": [["Month", "KPI", "Actual"], ["2026-10", "Leads", "40"], ["Oct 2026", "Leads", "42"]]
    }
    dataset = build_dataset(tabs)
    assert dataset.kpis[["row", "actual"]].to_dict("records") == [{"row": 3, "actual": 42.0}]
    assert dataset.issues == [
        DataIssue("KPIs", 2, "KPI", "Leads", "2026-10 Leads appears again further down — the last row is used")
    ]


def test_notes_map_weeks_and_dates_to_iso_weeks(messy):
    """A note's Week may be a label or any date; a date becomes the ISO week it falls in."""
    assert messy.notes.to_dict("records") == [
        {"row": 2, "week": "2026-W47", "kind": "Highlight", "person": "Maya Patel", "text": "First case study"},
        {"row": 3, "week": "2026-W47", "kind": "Hero", "person": "Leo Martin", "text": "Three posts in a week"},
        {"row": 4, "week": "2026-W48", "kind": "Kudos", "person": "", "text": "Great turnout"},
        # New Year's Day 2027 is in the last ISO week of 2026.
        {"row": 5, "week": "2026-W53", "kind": "Improve", "person": "", "text": "Post before the holidays"},
        {"row": 7, "week": "2026-W48", "kind": "Highlight", "person": "", "text": "Jo's first TikTok"},
    ]


@pytest.mark.parametrize(
    ("settings", "locale", "day"),
    [
        (None, None, date(2026, 4, 3)),  # day-first unless told otherwise
        (None, "en_GB", date(2026, 4, 3)),
        (None, "en_US", date(2026, 3, 4)),  # the Sheet's locale is month-first
        ([["Date order", "month-first"]], None, date(2026, 3, 4)),
        ([["date order", "Month first"]], None, date(2026, 3, 4)),  # keys and values spelt loosely
        ([["Date order", "day-first"]], "en_US", date(2026, 4, 3)),  # an explicit setting beats the locale
        ([["Date order", "yes please"]], "en_US", date(2026, 3, 4)),  # an unreadable setting falls back to the locale
    ],
)
def test_the_date_order_setting_or_the_locale_decide_03_04(settings, locale, day):
    """03/04/2026 is 3 April day-first and 4 March month-first, for posts, KPIs and Staff alike."""
    tabs = posts_sheet(["03/04/2026", "Maya", "X"], settings=settings)
    tabs["KPIs"] = [["Month", "KPI"], ["03/04/2026", "Leads"]]
    tabs["Staff"] = [["Name", "Joined"], ["Maya", "03/04/2026"]]
    dataset = build_dataset(tabs, locale=locale)
    assert dataset.posts["date"].dt.date.tolist() == [day]
    assert dataset.kpis["month"].tolist() == [f"{day:%Y-%m}"]
    assert dataset.staff["joined"].dt.date.tolist() == [day]


def test_a_bad_date_order_value_is_reported():
    """The Date order setting accepts day-first or month-first; anything else is reported."""
    dataset = build_dataset(posts_sheet(settings=[["Date order", "yes please"]]))
    assert dataset.settings.date_order == ""
    assert dataset.issues == [
        DataIssue("Settings", 2, "Value", "yes please", "expected one of day-first, month-first — default kept")
    ]


def test_settings_override_defaults_and_bad_values_keep_them(messy):
    """Good Settings rows change their setting; bad ones leave the default in place."""
    assert messy.settings.refresh_seconds == 30
    assert isinstance(messy.settings.refresh_seconds, int)
    assert messy.settings.points_post == 0
    assert messy.settings.reach_per_point == 100  # 0 is below the minimum
    assert messy.settings.weekly_post_cap == 10  # "nan" is not a number


def test_the_settings_table_shows_current_values_and_defaults(messy):
    """The Settings page's table: a zero is shown as 0, and only the date order can be '(Sheet locale)'."""
    table = settings_table(messy.settings).set_index("Key")
    assert table.loc["Refresh seconds", ["Value", "Default"]].tolist() == ["30", "60"]
    assert float(table.loc["Points per post", "Value"]) == 0  # a zero weight, not "(Sheet locale)"
    assert table.loc["Date order", ["Value", "Default"]].tolist() == ["(Sheet locale)", "(Sheet locale)"]
    assert (table.loc[table.index != "Date order", "Value"] != "(Sheet locale)").all()
    assert table.columns.tolist() == ["Value", "Default", "What it does"]


def test_tab_counts_show_each_tabs_title_rows_counted_and_issues(messy):
    """The health page's table: the tab's title as found, non-blank rows, rows counted, issues."""
    assert tab_counts(messy).to_dict("records") == [
        {"Tab": "Settings", "In the Sheet as": "Settings", "Rows": 5, "Counted": 5, "Counted as": "rows", "Issues": 3},
        {"Tab": "Staff", "In the Sheet as": "Staff", "Rows": 5, "Counted": 3, "Counted as": "rows", "Issues": 4},
        {"Tab": "Posts", "In the Sheet as": "posts", "Rows": 13, "Counted": 9, "Counted as": "rows", "Issues": 8},
        {"Tab": "KPIs", "In the Sheet as": "KPI's", "Rows": 7, "Counted": 4, "Counted as": "rows", "Issues": 4},
        {"Tab": "Notes", "In the Sheet as": "Notes", "Rows": 6, "Counted": 5, "Counted as": "rows", "Issues": 2},
    ]


def test_fix_advice_groups_every_issue_once_per_tab(messy):
    """Each kind of problem on each tab is one line, its rows add up to every issue, and each says what to do."""
    advice = fix_advice(messy.issues)
    assert advice["Rows"].sum() == len(messy.issues)
    assert not advice[["Tab", "Problem"]].duplicated().any()
    by_kind = {
        (tab, problem.split(" —")[0].split(" (")[0]): (rows, todo)
        for tab, problem, rows, todo in advice.itertuples(index=False)
    }
    assert by_kind[("Posts", "same link as row 3")] == (
        1,
        "The post was logged twice: delete the repeated row (the first one is counted).",
    )
    assert by_kind[("KPIs", "not a month Rally can read")][0] == 2
    # A bad date on Posts and on Staff are separate lines: the fix is on different tabs.
    assert by_kind[("Posts", "not a date Rally can read")][1].startswith("Write dates as 2026-11-16")
    assert by_kind[("Staff", "not a date")][0] == 1
    assert {tab for tab, kind in by_kind if kind == "not a number"} == {"Posts", "KPIs", "Settings"}


def test_a_sheet_without_a_posts_tab_says_how_to_add_one():
    """An empty spreadsheet is one issue with a next step, not a crash."""
    dataset = build_dataset({})
    assert dataset.issues == [
        DataIssue("Posts", 0, "", "", "the Posts tab is missing — add it (python cli.py init-sheet)")
    ]
    assert fix_advice(dataset.issues)["What to do"].tolist() == ["Add a Posts tab, or run: python cli.py init-sheet"]
    assert tab_counts(dataset)["In the Sheet as"].tolist() == ["(missing)"] * 5


@pytest.mark.parametrize("sheet", SHEETS)
@pytest.mark.parametrize(
    ("frame", "columns"),
    [("posts", POSTS_COLUMNS), ("staff", STAFF_COLUMNS), ("kpis", KPI_COLUMNS), ("notes", NOTES_COLUMNS)],
)
def test_every_frame_has_the_same_columns_and_dtypes_whatever_the_sheet(sheet, frame, columns):
    """Pages can rely on the column dicts in rally.sheet.dataset, even when nothing is left to show."""
    result = getattr(dataset_of(sheet), frame)
    assert result.columns.tolist() == list(columns)
    assert {c: result[c].dtype for c in result} == {c: pd.Series([], dtype=d).dtype for c, d in columns.items()}


def test_week_totals_count_posts_people_reach_and_engagements(messy):
    """A week's totals cover its counted posts only; a blank reach adds nothing."""
    w47 = week_totals(messy.posts, "2026-W47")
    assert (w47.posts, w47.people, w47.reach, w47.engagements) == (8, 4, 8800.0, 217.0)
    w48 = week_totals(messy.posts, "2026-W48")
    assert (w48.posts, w48.people, w48.reach, w48.engagements) == (1, 1, 0.0, 0.0)


@pytest.mark.parametrize(
    ("week", "before"),
    [
        ("2026-W47", "2026-W46"),
        ("2027-W01", "2026-W53"),  # 2026 has 53 ISO weeks
        ("2026-W01", "2025-W52"),  # 2025 has only 52
        ("2026-W1", "2025-W52"),  # a hand-typed label still works
    ],
)
def test_previous_week_crosses_year_boundaries(week, before):
    """The week before is always seven days earlier, whatever the year does."""
    assert previous_week(week) == before


def test_week_at_a_glance_compares_with_the_week_before_across_new_year():
    """The first week of 2027 is compared with 2026-W53, which holds New Year's Eve and Day."""
    posts = build_dataset(
        posts_sheet(
            ["2026-12-31", "Maya", "X", "100"],
            ["2027-01-01", "Leo", "X", "50"],
            ["2027-01-05", "Maya", "X", "400", "9"],
        )
    ).posts
    glance = week_at_a_glance(posts, "2027-W01")
    assert glance.previous.week == "2026-W53"
    assert (glance.this.posts, glance.previous.posts, glance.previous.people) == (1, 2, 2)
    assert (glance.delta("posts"), glance.delta("reach"), glance.delta("engagements")) == (-1, 250.0, 9.0)


@pytest.mark.parametrize(
    ("today", "week"),
    [
        (date(2026, 11, 23), "2026-W47"),
        (date(2026, 11, 29), "2026-W47"),  # Sunday: the week isn't over yet
        (date(2027, 1, 6), "2026-W53"),
        (date(2027, 1, 1), "2026-W52"),  # New Year's Day is still in 2026-W53
    ],
)
def test_the_meeting_defaults_to_the_last_complete_week(today, week):
    """The week before the one today is in."""
    assert last_complete_week(today) == week


def test_weeks_to_show_run_from_the_first_post_to_today_newest_first(messy):
    """Empty weeks are included, so a quiet week is visible rather than skipped."""
    assert weeks_to_show(messy.posts, date(2026, 12, 9)) == ["2026-W50", "2026-W49", "2026-W48", "2026-W47"]


@pytest.mark.parametrize(
    ("week", "posts_by_day"),
    [
        ("2026-W47", [2, 1, 1, 1, 1, 1, 1]),  # Monday holds two platforms: one row each
        ("2026-W48", [1, 0, 0, 0, 0, 0, 0]),  # six quiet days still appear, as zeros
        ("2026-W50", [0, 0, 0, 0, 0, 0, 0]),  # no posts at all
    ],
)
def test_posts_per_day_has_all_seven_days(messy, week, posts_by_day):
    """Every day of the week is present, Monday to Sunday, with the same dtypes whatever the week holds."""
    per_day = posts_per_day(messy.posts, week)
    monday = pd.Timestamp(week_start(week))
    assert per_day.groupby("date")["posts"].sum().tolist() == posts_by_day
    assert per_day["date"].drop_duplicates().tolist() == list(pd.date_range(monday, periods=7))
    assert per_day.dtypes.to_dict() == {
        "date": "datetime64[ns]",
        "platform": pd.Series([], dtype="str").dtype,
        "posts": "int64",
    }
