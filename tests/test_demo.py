"""The embedded demo Sheet: shape, determinism, and the stories it has to tell."""

from __future__ import annotations

import ast
import functools
import inspect
import re
from collections import Counter
from datetime import date, timedelta

import pytest

from rally.demo import company as demo
from rally.demo.company import DEMO_TEAMS, TRAINING_MODULES, demo_tabs

TODAY = date(2026, 11, 30)  # a Monday: the current week holds a single day
SOME_DAYS = [
    pytest.param(TODAY, id="monday"),
    pytest.param(date(2026, 12, 3), id="thursday"),
    pytest.param(date(2026, 12, 6), id="sunday"),
    pytest.param(date(2027, 1, 1), id="new-year-in-iso-week-53"),
    pytest.param(date(2028, 2, 29), id="leap-day"),
]
HEADERS = {
    "Posts": [
        "Date",
        "Name",
        "Team",
        "Platform",
        "Link",
        "Summary",
        "Reach",
        "Reactions",
        "Comments",
        "Shares",
        "Clicks",
    ],
    "Staff": ["Name", "Team", "Role", "Leaderboard", "Trained", "Joined"],
    "KPIs": ["Month", "KPI", "Actual", "Target"],
    "Notes": ["Week", "Kind", "Person", "Text"],
    "Settings": ["Key", "Value"],
}
SLIPS = {"maya  patel ", "1.2k", "n/a", "linked in", "FB"}


@functools.cache
def tabs_for(today: date, seed: int = demo.DEFAULT_SEED) -> dict[str, list[list[str]]]:
    return demo_tabs(today, seed)


def records(today: date, tab: str) -> list[dict[str, str]]:
    """The tab's rows as dicts, padded the way Rally pads the API's ragged rows."""
    header, *rows = tabs_for(today)[tab]
    return [dict(zip(header, row + [""] * (len(header) - len(row)))) for row in rows]


def person(name: str) -> str:
    return " ".join(name.split()).casefold()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def posters(today: date, weeks_ago: int) -> set[str]:
    start = monday_of(today) - timedelta(weeks=weeks_ago)
    return {
        person(p["Name"])
        for p in records(today, "Posts")
        if p["Date"] and start <= date.fromisoformat(p["Date"]) < start + timedelta(weeks=1)
    }


def weeks_posted(today: date) -> dict[str, set[int]]:
    """For each person, how many weeks before the current one each of their posts was."""
    monday = monday_of(today)
    weeks: dict[str, set[int]] = {}
    for post in records(today, "Posts"):
        if post["Date"]:
            weeks.setdefault(person(post["Name"]), set()).add(
                (monday - monday_of(date.fromisoformat(post["Date"]))).days // 7
            )
    return weeks


def test_the_same_day_and_seed_give_the_same_sheet():
    """Two calls with the same arguments return equal tabs, and another seed changes the posts."""
    assert demo_tabs(TODAY) == demo_tabs(TODAY)
    assert demo_tabs(TODAY, seed=7)["Posts"] != demo_tabs(TODAY)["Posts"]


def test_later_days_of_a_week_keep_the_earlier_days_posts():
    """Thursday's demo holds Monday's posts unchanged, so the demo does not reshuffle during a week."""

    def key(rows):
        return [(r[0], r[1], r[4]) for r in rows[1:] if r[0] and r[0] <= TODAY.isoformat()]

    assert key(tabs_for(date(2026, 12, 3))["Posts"]) == key(tabs_for(TODAY)["Posts"])


@pytest.mark.parametrize("tab", HEADERS)
def test_each_tab_has_the_exact_header(tab):
    """The first row of every tab is its header, spelt exactly."""
    assert tabs_for(TODAY)[tab][0] == HEADERS[tab]


@pytest.mark.parametrize("today", SOME_DAYS)
def test_every_cell_is_a_string_in_rows_no_wider_than_the_header(today):
    """Cells are strings, as the API returns them; rows may be shorter (trailing blanks trimmed), never wider."""
    tabs = tabs_for(today)
    assert set(tabs) == set(HEADERS)
    for rows in tabs.values():
        assert all(isinstance(cell, str) for row in rows for cell in row)
        assert all(len(row) <= len(rows[0]) and (not row or row[-1] != "") for row in rows)


def test_staff_is_at_least_40_people_in_5_teams_of_different_sizes():
    """Staff spans the five demo teams, each a different size, with unique names."""
    staff = records(TODAY, "Staff")
    sizes = Counter(s["Team"] for s in staff)
    assert len(staff) >= 40
    assert set(sizes) == set(DEMO_TEAMS)
    assert len(set(sizes.values())) == 5
    assert len({person(s["Name"]) for s in staff}) == len(staff)
    assert any("'" in s["Name"] for s in staff)


def test_training_is_mixed_and_uses_only_the_known_modules():
    """Some staff are fully trained, some partly, some not at all."""
    trained = [[m for m in s["Trained"].split(", ") if m] for s in records(TODAY, "Staff")]
    assert all(set(modules) <= set(TRAINING_MODULES) for modules in trained)
    counts = Counter(len(modules) for modules in trained)
    assert counts[len(TRAINING_MODULES)] >= 3 and counts[0] >= 3
    assert sum(n for k, n in counts.items() if 0 < k < len(TRAINING_MODULES)) >= 10


def test_two_or_three_staff_are_anonymous_and_the_rest_shown():
    """The leaderboard opt-out is used by a few people only."""
    choices = Counter(s["Leaderboard"] for s in records(TODAY, "Staff"))
    assert set(choices) == {"show", "anonymous"}
    assert 2 <= choices["anonymous"] <= 3


@pytest.mark.parametrize("today", SOME_DAYS)
def test_posts_span_26_iso_weeks_up_to_today_and_no_further(today):
    """Posts start in the ISO week 25 weeks back and end on or before today, inside today's week."""
    days = [date.fromisoformat(p["Date"]) for p in records(today, "Posts") if p["Date"]]
    assert monday_of(min(days)) == monday_of(today) - timedelta(weeks=25)
    assert monday_of(max(days)) == monday_of(today)
    assert max(days) <= today
    assert len({monday_of(d) for d in days}) == 26


@pytest.mark.parametrize("today", SOME_DAYS)
def test_there_are_900_to_1600_posts(today):
    """Half a year of posts for a 41-person company."""
    assert 900 <= len(records(today, "Posts")) <= 1600


@pytest.mark.parametrize("today", SOME_DAYS)
def test_the_last_complete_week_has_many_posters(today):
    """The week the meeting looks back on is well populated."""
    assert len(posters(today, 1)) >= 15


@pytest.mark.parametrize("today", SOME_DAYS)
def test_someone_posts_for_the_first_time_in_the_last_complete_week(today):
    """First-post celebrations have someone to celebrate."""
    first_weeks = {name: max(weeks) for name, weeks in weeks_posted(today).items()}
    assert 1 <= sum(weeks == 1 for weeks in first_weeks.values()) <= 2


def test_some_staff_never_posted_including_trained_people():
    """Silent staff exist, and at least two of them had training."""
    posted = set(weeks_posted(TODAY))
    silent = [s for s in records(TODAY, "Staff") if person(s["Name"]) not in posted]
    assert len(silent) >= 3
    assert sum(bool(s["Trained"]) for s in silent) >= 2


def test_some_people_went_quiet_four_weeks_or_more_ago():
    """One or two earlier posters have posted nothing in the last four complete weeks or this one."""
    quiet = [name for name, weeks in weeks_posted(TODAY).items() if min(weeks) >= 5]
    assert 1 <= len(quiet) <= 2


def test_a_regular_has_a_streak_of_ten_weeks_or_more_up_to_the_current_week():
    """Streaks run through every week, including the current partial one."""
    streaks = [next(n for n in range(27) if n not in weeks) for weeks in weeks_posted(TODAY).values()]
    assert max(streaks) >= 10


def test_someone_posts_more_in_the_last_complete_week_than_the_week_before():
    """A rising star has a week-on-week rise to be found."""
    monday = monday_of(TODAY)
    counts = Counter(
        (person(p["Name"]), (monday - monday_of(date.fromisoformat(p["Date"]))).days // 7)
        for p in records(TODAY, "Posts")
        if p["Date"]
    )
    assert any(counts[(name, 1)] > counts[(name, 2)] > 0 for name, _ in counts)


def test_posted_names_are_staff_and_nobody_posts_before_joining():
    """Every poster is on the Staff tab (the odd spelling matches once normalised) and posts after their Joined date."""
    joined = {person(s["Name"]): date.fromisoformat(s["Joined"]) for s in records(TODAY, "Staff")}
    for post in records(TODAY, "Posts"):
        assert person(post["Name"]) in joined
        assert not post["Date"] or date.fromisoformat(post["Date"]) >= joined[person(post["Name"])]


def test_a_few_breakout_posts_reach_3000_to_15000():
    """Breakouts stand out from a long tail that stays under 3,000."""
    reach = [int(p["Reach"]) for p in records(TODAY, "Posts") if p["Reach"].isdigit()]
    breakouts = [r for r in reach if r >= 3000]
    assert 3 <= len(breakouts) <= 10
    assert max(breakouts) <= 15000


def test_a_few_recent_posts_have_their_numbers_still_blank():
    """The latest posts wait for their metrics; older ones are filled in."""
    posts = records(TODAY, "Posts")
    blank = [p for p in posts if not any(p[m] for m in HEADERS["Posts"][6:])]
    assert 1 <= len(blank) <= 6
    assert all(p["Date"] >= (TODAY - timedelta(days=3)).isoformat() for p in blank)


def test_links_are_https_and_unique_apart_from_the_one_logged_twice():
    """Exactly one link appears twice: same person, a day apart."""
    posts = records(TODAY, "Posts")
    assert all(re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]+/\S+", p["Link"]) for p in posts)
    repeats = [link for link, n in Counter(p["Link"] for p in posts).items() if n > 1]
    assert len(repeats) == 1
    first, second = [p for p in posts if p["Link"] == repeats[0]]
    assert first["Name"] == second["Name"]
    assert date.fromisoformat(second["Date"]) - date.fromisoformat(first["Date"]) == timedelta(days=1)


@pytest.mark.parametrize("today", SOME_DAYS)
def test_each_deliberate_slip_appears_once_before_the_latest_two_weeks(today):
    """The imperfections Rally must report are all present, few, and in older weeks."""
    posts = records(today, "Posts")
    cutoff = (monday_of(today) - timedelta(weeks=1)).isoformat()
    slipped = [p for p in posts if SLIPS & {p["Name"], p["Reach"], p["Platform"]}]
    assert sorted(v for p in slipped for v in (p["Name"], p["Reach"], p["Platform"]) if v in SLIPS) == sorted(SLIPS)
    assert all(p["Date"] < cutoff for p in slipped)
    assert sum(not p["Date"] for p in posts) == 1
    links = Counter(p["Link"] for p in posts)
    assert all(p["Date"] < cutoff for p in posts if links[p["Link"]] > 1)
    assert len(slipped) + 2 <= 8  # plus the missing date and the duplicate
    assert len(demo.DELIBERATE_ISSUES) <= 8


def test_platforms_are_mostly_linkedin_with_occasional_video():
    """LinkedIn dominates; TikTok and YouTube stay occasional."""
    platforms = Counter(p["Platform"] for p in records(TODAY, "Posts"))
    assert set(platforms) == {"LinkedIn", "X", "Facebook", "Instagram", "Blog", "TikTok", "YouTube", "linked in", "FB"}
    assert platforms.most_common(1)[0][0] == "LinkedIn"
    assert 0 < platforms["TikTok"] + platforms["YouTube"] < platforms["X"]


@pytest.mark.parametrize("today", SOME_DAYS)
def test_kpis_cover_12_months_ending_in_todays_month_with_targets(today):
    """Each of the four typed KPIs has an integer actual and target for each of the 12 months."""
    kpis = [k for k in records(today, "KPIs") if k["KPI"] in demo.DEMO_KPIS]
    months = sorted({k["Month"] for k in kpis})
    assert len(months) == 12 and months[-1] == f"{today:%Y-%m}"
    assert all(re.fullmatch(r"\d{4}-\d{2}", m) for m in months)
    assert Counter(k["KPI"] for k in kpis) == dict.fromkeys(demo.DEMO_KPIS, 12)
    assert all(k["Actual"].isdigit() and k["Target"].isdigit() for k in kpis)


@pytest.mark.parametrize("today", SOME_DAYS)
def test_kpis_set_only_targets_for_posts_and_reach_in_the_programme_months(today):
    """Number of posts and reach are computed from Posts: the KPIs tab carries their targets for the six programme months, never an actual."""
    counted = [k for k in records(today, "KPIs") if k["KPI"] in demo.DEMO_COUNTED_KPIS]
    assert Counter(k["KPI"] for k in counted) == dict.fromkeys(demo.DEMO_COUNTED_KPIS, demo.PROGRAMME_MONTHS)
    assert all(k["Actual"] == "" and k["Target"].isdigit() for k in counted)
    assert max(k["Month"] for k in counted) == f"{today:%Y-%m}"


def test_the_current_months_actual_is_partial_on_the_first():
    """On January 1st, a month-long flow such as web traffic has barely started."""
    current = {k["KPI"]: k for k in records(date(2027, 1, 1), "KPIs") if k["Month"] == "2027-01"}
    assert int(current["Web traffic from social"]["Actual"]) < int(current["Web traffic from social"]["Target"]) / 10


def test_followers_grow_month_on_month():
    """Company page followers are cumulative."""
    followers = [int(k["Actual"]) for k in records(TODAY, "KPIs") if k["KPI"] == "Company page followers"]
    assert followers == sorted(followers)


@pytest.mark.parametrize("today", SOME_DAYS)
def test_notes_cover_the_last_three_complete_weeks_and_an_older_hero(today):
    """Notes use ISO week labels, known kinds, and name people from the Staff tab."""
    notes = records(today, "Notes")
    weeks = [f"{y}-W{w:02d}" for y, w, _ in ((monday_of(today) - timedelta(weeks=n)).isocalendar() for n in (1, 2, 3))]
    assert {n["Week"] for n in notes if n["Kind"] != "Hero"} == set(weeks)
    assert {n["Kind"] for n in notes} == {"Highlight", "Improve", "Kudos", "Hero"}
    assert [n["Week"] < weeks[-1] for n in notes if n["Kind"] == "Hero"] == [True]
    staff = {s["Name"] for s in records(today, "Staff")}
    assert all(n["Person"] in staff for n in notes if n["Person"])
    assert all(n["Text"] for n in notes)


def test_settings_state_a_few_defaults():
    """Settings holds a handful of key/value rows, the refresh interval among them."""
    settings = dict(tabs_for(TODAY)["Settings"][1:])
    assert settings["refresh seconds"] == "60" and settings["date order"] == "day-first"


def test_the_demo_module_never_imports_streamlit():
    """rally/ computes; only pages import Streamlit."""
    tree = ast.parse(inspect.getsource(demo))
    imported = {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name and name.split(".")[0] == "streamlit" for name in imported)
