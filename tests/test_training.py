"""The training tracker's rules: modules, the person × module matrix, % per team, who has not started, the survey hook."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from rally.sheet.dataset import build_dataset
from rally.staff.training import (
    coverage_matrix,
    module_list,
    not_started,
    person_training,
    survey_support_needs,
    team_coverage,
    tracked_modules,
)
from tests.apptest import app, texts

REQUIRED = ["Platform mechanics", "Company message", "Time management", "Analytics"]
TABS = {
    "Posts": [["Date", "Name", "Platform"]],
    "Staff": [
        ["Name", "Team", "Trained"],
        ["Maya Patel", "Sales", "Platform mechanics, Company message, Time management, Analytics"],
        ["Tom Becker", "Sales", "company  message"],  # spelt loosely: still Company message
        ["Ravi Menon", "Sales", ""],
        ["Leo Martin", "Engineering", "Analytics, LinkedIn"],  # LinkedIn: a module outside the setting, gets a column
        ["Oliver Grant", "Engineering", ""],
    ],
    "Training": [
        ["Name", "Module", "Date"],
        ["Ravi Menon", "Platform mechanics", "2026-11-12"],  # the Training tab adds to the Staff column
        ["Leo Martin", "Analytics", "2026-10-01"],  # already on the Staff row: counted once, the date kept
        [
            "Jo Newcomer",
            "Company message",
            "soon",
        ],  # not on Staff: gets a row; a bad date is reported, the training counts
        ["", "Analytics", ""],  # no name: left out and reported
    ],
}


@pytest.fixture(scope="module")
def tracked():
    data = build_dataset(TABS)
    records, issues = data.training, [i for i in data.issues if i.tab == "Training"]
    return data, records, issues


# fmt: off
@pytest.mark.parametrize(
    ("setting", "modules"),
    [
        ("Platform mechanics, Company message", ["Platform mechanics", "Company message"]),
        (" Analytics ,, analytics, Time management ", ["Analytics", "Time management"]),  # blanks and repeats dropped, first spelling kept
        ("", []),
    ],
)
# fmt: on
def test_the_training_modules_setting_is_a_comma_list(setting, modules):
    assert module_list(setting) == modules


def test_modules_outside_the_setting_get_a_column_after_it(tracked):
    """The setting's modules first, in its order; others found in the data after."""
    _, records, _ = tracked
    assert tracked_modules(records, REQUIRED) == [*REQUIRED, "LinkedIn"]


def test_bad_training_rows_are_reported_not_dropped_silently(tracked):
    _, _, issues = tracked
    assert [(i.row, i.column, i.problem) for i in issues] == [(4, "Date", "not a date — the training still counts"), (5, "Name", "blank — row left out")]


# fmt: off
@pytest.mark.parametrize(
    ("name", "team", "done", "started", "modules"),
    [
        ("Maya Patel", "Sales", 4, True, REQUIRED),
        ("Tom Becker", "Sales", 1, True, ["Company message"]),
        ("Ravi Menon", "Sales", 1, True, ["Platform mechanics"]),
        ("Leo Martin", "Engineering", 1, True, ["Analytics", "LinkedIn"]),  # LinkedIn is not a required module: done stays 1
        ("Oliver Grant", "Engineering", 0, False, []),
        ("Jo Newcomer", "No team", 1, True, ["Company message"]),
    ],
)
# fmt: on
def test_the_matrix_has_everyone_with_their_modules(tracked, name, team, done, started, modules):
    """Person × module: a tick per module, required modules done, started at all."""
    data, records, _ = tracked
    matrix = coverage_matrix(data.staff, records, REQUIRED).set_index("name")
    row = matrix.loc[name]
    assert (row["team"], int(row["done"]), bool(row["started"])) == (team, done, started)
    assert [m for m in [*REQUIRED, "LinkedIn"] if row[m]] == modules


def test_teams_show_the_share_fully_trained_and_started(tracked):
    """% per team over the team's people; a Total row last."""
    data, records, _ = tracked
    table = team_coverage(coverage_matrix(data.staff, records, REQUIRED), REQUIRED)
    assert table.to_dict("records") == [
        {"team": "Engineering", "people": 2, "trained": 0, "trained_pct": 0.0, "started": 1, "started_pct": 50.0},
        {"team": "No team", "people": 1, "trained": 0, "trained_pct": 0.0, "started": 1, "started_pct": 100.0},
        {"team": "Sales", "people": 3, "trained": 1, "trained_pct": 33.0, "started": 3, "started_pct": 100.0},
        {"team": "Total", "people": 6, "trained": 1, "trained_pct": 17.0, "started": 5, "started_pct": 83.0},
    ]


def test_who_has_not_started_is_listed_by_team(tracked):
    data, records, _ = tracked
    assert not_started(coverage_matrix(data.staff, records, REQUIRED)) == {"Engineering": ["Oliver Grant"]}


def test_one_persons_training_keeps_the_latest_date(tracked):
    """My progress: each module done or not, with the date when the Training tab gives one."""
    _, records, _ = tracked
    mine = person_training(records, "leo martin", REQUIRED)
    assert mine["module"].tolist() == [*REQUIRED, "LinkedIn"]
    assert mine["done"].tolist() == [False, False, False, True, True]
    assert mine.loc[3, "date"] == pd.Timestamp("2026-10-01")


SURVEY_HEADER = ["Timestamp", "How confident do you feel?", "What support would help before you post?"]
WHEN = "2026-11-16 10:00:00"


# fmt: off
@pytest.mark.parametrize(
    ("tabs", "needs"),
    [
        ({}, None),  # no Survey tab: the hook shows nothing
        ({"Survey": [SURVEY_HEADER]}, None),
        ({"Survey": [["Timestamp", "Question"], *[[WHEN, "y"]] * 6]}, None),  # no support question: nothing
        ({"Survey": [SURVEY_HEADER, *[[WHEN, "3", "Finding the time"]] * 4]}, None),  # 4 answers: under the anonymity threshold of 5
        (
            {"Form Responses 1": [SURVEY_HEADER, *[[WHEN, "3", "Finding the time, Reading the analytics"]] * 3, [WHEN, "4", "Finding the time"], [WHEN, "5", "None"]]},
            [("Finding the time", 4), ("Reading the analytics", 3)],  # "None" is not a need
        ),
        (
            # Rally's own Survey tab (one row per answer) counts the same way: the survey's own reading.
            {"Survey": [["ID", "Response", "Session", "Edit", "Round", "Day", "Question ID", "Question", "Answer"],
                        *[[f"a{i}", f"r{i}", f"s{i}", "1", "2026-11 opening", "2026-11-16", "support", "", "Finding the time"] for i in range(5)]]},
            [("Finding the time", 5)],
        ),
    ],
)
# fmt: on
def test_the_survey_hook_shows_counts_only_and_nothing_without_a_survey(tabs, needs):
    """Aggregated support needs beside the tracker: counts, no names, nothing under the anonymity threshold."""
    survey = build_dataset(tabs, today=date(2026, 11, 20)).survey
    result = survey_support_needs(survey, 5)
    assert (None if result is None else list(result.itertuples(index=False, name=None))) == needs


def test_the_tracker_is_for_the_facilitator_only(demo_app_env):
    """Without signing in the page shows the sign-in box and no names."""
    at = app("views/training.py")
    assert "Facilitator only" in texts(at) and "Ravi Menon" not in texts(at)
    assert not at.dataframe


def test_the_tracker_shows_the_demo_teams_and_who_has_not_started(demo_app_env):
    """Signed in: metrics, the per-team table, the matrix, the not-started list and the demo round's support needs."""
    at = app("views/training.py")
    at.session_state["rally_facilitator"] = True
    at.run()
    shown = texts(at)
    assert not at.exception and not at.error
    assert "Trained in every module" in shown and "Not started yet" in shown and "Ravi Menon" in shown
    assert len(at.dataframe) == 3 and "What the survey says would help" in shown
