"""Sheets typed by real people, read through the real Google path (gspread → the emulator → `python cli.py check`):
far dates, numbers in the Sheet's own notation, ambiguous numbers, repeated and blank headers, a Google Form's
responses tab with loosely titled e-mail and name columns and a grid question — every case reported where it is,
nothing crashing, no figure silently wrong, and nobody who answered the Form named anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.sources import SHEET_KEY

ROOT = Path(__file__).resolve().parent.parent
TODAY = date.today()
RESPONDENT_EMAIL = "zoe.respondent@acme-mail.example"
RESPONDENT_NAME = "Zoë Respondent"
# The same Posts rows in each locale's notation: (Reach as typed, what it must read as, or None when reported).
NUMBERS = {
    "de_DE": [("1.234", 1234.0), ("2.500", 2500.0), ("12,5k", 12500.0), ("1,234.5", None), ("7", 7.0)],
    "fr_FR": [("1 234", 1234.0), ("2\u202f500", 2500.0), ("12,5k", 12500.0), ("1,234.5", None), ("7", 7.0)],
    "en_US": [("1,234", 1234.0), ("2,500", 2500.0), ("12.5k", 12500.0), ("12,5", None), ("7", 7.0)],
}


def messy_sheet(locale: str) -> dict[str, list[list[str]]]:
    """A company's Sheet after a few months of people typing, in `locale`'s notation."""
    header = ["Date", "Name", "Platform", "Link", "Reach", "Reactions", "Reach", "", "Summary"]
    posts = [
        [f"{TODAY:%Y-%m}-0{i + 1}", "Maya Patel", "LinkedIn", f"https://x.com/p/{i}", typed, "3", "999", "", "ok"]
        for i, (typed, _) in enumerate(NUMBERS[locale])
    ]
    posts += [
        ["3026-11-16", "Leo Martin", "X", "https://x.com/p/far", "10", "", "", "", "a year's typo"],
        ["9999-12-31", "Leo Martin", "X", "https://x.com/p/end", "10", "", "", "", "pandas can't hold it"],
        ["1776-07-04", "Leo Martin", "X", "https://x.com/p/past", "10", "", "", "", "far in the past"],
        [f"{TODAY:%Y-%m}-01", "Leo Martin", "Blog", "https://x.com/p/blank", "10", "", "", "kept out", "data, no head"],
    ]
    form = [
        ["Timestamp", "Your e-mail", "What's your full name?", "How passionate are you about social media?",
         "How confident are you on [LinkedIn]", "How confident are you on [Instagram]", "Anything else?"],
        *[[f"{TODAY:%Y-%m}-0{d} 10:00:00", RESPONDENT_EMAIL.replace("zoe", f"zoe{d}"), RESPONDENT_NAME, str(d % 5 + 1),
           "Very", "A little", "More video please"] for d in range(1, 7)],
    ]  # fmt: skip
    return {
        "Posts": [header, *posts],
        "Staff": [["Name", "Team", "Joined"], ["Maya Patel", "Sales", "1998-05-01"], ["Leo Martin", "Engineering", ""]],
        "Form Responses 1": form,
    }


@pytest.fixture(params=sorted(NUMBERS))
def checked(request, sheets_emulator, tmp_path) -> tuple[str, dict]:
    """(locale, `python cli.py check --format json`) for the messy Sheet in that locale, through the emulator."""
    locale = request.param
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs=messy_sheet(locale), locale=locale)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        f'[connections.gsheets]\nspreadsheet = "{SHEET_KEY}"\nclient_email = "rally@acme.iam.gserviceaccount.com"\n'
    )
    env = {k: v for k, v in os.environ.items() if k != "RALLY_DATA_DIR"}
    env.update({"PYTHONPATH": str(ROOT), "SHEETS_EMULATOR_HOST": sheets_emulator.host})
    result = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "check", "--format", "json"],
        cwd=tmp_path,
        env={**env, "RALLY_DATA_DIR": str(tmp_path / "data")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert RESPONDENT_NAME not in result.stdout and "zoe" not in result.stdout.casefold()
    return locale, json.loads(result.stdout)


def issue(report: dict, tab: str, row: int, column: str) -> str:
    found = [i["problem"] for i in report["issues"] if (i["tab"], i["row"], i["column"]) == (tab, row, column)]
    assert found, f"nothing reported at {tab} row {row} {column}"
    return found[0]


def test_far_dates_on_both_sides_are_reported_never_raised(checked):
    """3026, 9999 and 1776 are each reported at their row with the window Rally reads; the posts don't count."""
    _, report = checked
    assert "year 3026 is outside 2000" in issue(report, "Posts", 7, "Date")
    assert "year 9999 is outside 2000" in issue(report, "Posts", 8, "Date")
    assert "year 1776 is outside 2000" in issue(report, "Posts", 9, "Date")
    assert report["tabs"]["Posts"]["valid"] == 6  # Maya's five rows and the row with data under a blank header


def test_a_joined_date_before_2000_is_read(checked):
    """People join companies long before Rally: a 1998 Joined date is not a slip."""
    _, report = checked
    assert not [i for i in report["issues"] if i["tab"] == "Staff"]


def test_numbers_are_read_in_the_sheet_s_notation_and_ambiguous_ones_reported_with_both_readings(checked):
    """1.234 is 1234 in German; 12,5 in an English Sheet could be 125 or 12.5 and is reported, never guessed."""
    locale, report = checked
    for offset, (typed, read) in enumerate(NUMBERS[locale]):
        reach = [i for i in report["issues"] if (i["tab"], i["row"], i["column"]) == ("Posts", offset + 2, "Reach")]
        if read is None:  # two readings named, or the one reading another notation gives: never guessed
            assert reach and reach[0]["problem"].startswith(("could be ", "not how this Sheet writes numbers")), typed
        else:
            assert not reach, f"{typed!r} in {locale} was reported: {reach}"


def test_a_repeated_header_and_data_under_a_blank_header_are_reported(checked):
    """Two Reach columns: the first is read and the second named; a blank header over data is named by its letter."""
    _, report = checked
    assert issue(report, "Posts", 1, "Reach").startswith("Reach appears twice (columns E and G): column E is read")
    blank = [i for i in report["issues"] if i["tab"] == "Posts" and "has data but no header" in i["problem"]]
    assert [i["column"] for i in blank] == ["H"] and blank[0]["value"] == ""


def test_a_form_s_responses_tab_is_read_without_ever_reading_who_answered(checked):
    """Form Responses 1 is the survey: loosely titled e-mail and name columns are reported, never read."""
    _, report = checked
    assert report["tabs"]["Survey"]["title"] == "Form Responses 1"
    assert report["tabs"]["Survey"]["valid"] == 6
    assert "identifies people" in issue(report, "Survey", 1, "Your e-mail")
    assert "identifies people" in issue(report, "Survey", 1, "What's your full name?")


def test_the_messy_sheet_reads_to_right_figures_and_a_grid_question(sheets_emulator, tmp_path):
    """Through the real source: every post's reach as the locale writes it, the grid as one question with two rows."""
    from rally.sheet.dataset import build_dataset
    from tests.sources import google_source

    source = google_source(sheets_emulator, tmp_path, messy_sheet("de_DE"), locale="de_DE")
    snapshot = source.fetch()
    data = build_dataset(snapshot.tabs, snapshot.locale, today=TODAY, time_zone=snapshot.time_zone)
    maya = data.posts[data.posts["name"] == "Maya Patel"].sort_values("row")
    assert maya["reach"].tolist()[:3] == [1234.0, 2500.0, 12500.0] and maya["reach"].isna().tolist()[3]
    [grid] = [q for q in data.survey.answers.questions if q.type == "grid"]
    assert grid.text == "How confident are you on" and grid.rows == ("LinkedIn", "Instagram")
    answers = data.survey.answers.frame
    assert set(answers.loc[answers["question"] == grid.id, "part"]) == {"LinkedIn", "Instagram"}
    assert not answers["answer"].str.contains("zoe|Zoë", case=False).any()
