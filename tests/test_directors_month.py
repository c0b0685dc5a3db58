"""A month the directors have seen is fixed: last month's sentiment reads the same on the page, in the HTML, PDF and
JSON report, before and after this month's survey round; this month shows its own round, or says whose it shows."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pypdf
import pytest

from data_sources import server
from data_sources.config import load_config
from rally.core.contract import SURVEY, SURVEY_ROUNDS
from rally.core.months import month_of, shift_month
from rally.demo.company import demo_tabs
from rally.monthly.report import monthly_report, render
from rally.survey.answers import SHOW, START, response_rows, round_action_row
from rally.survey.questions import DEFAULT_QUESTIONS, QuestionSet
from tests.apptest import app, clear_caches
from tests.sources import SHEET_KEY

DIRECTORS = "views/directors.py"
TODAY = date.today()
THIS_MONTH = month_of(TODAY)
LAST_MONTH = shift_month(THIS_MONTH, -1)
QUESTIONS = QuestionSet(DEFAULT_QUESTIONS)


def round_rows(name: str, day: date, score: int, people: int = 6) -> list[dict[str, str]]:
    """`people` responses to the two scale questions, every answer `score`."""
    rows = []
    for n in range(people):
        rows += response_rows(
            {"passion": str(score), "confidence": str(score)},
            QUESTIONS,
            response_id=f"{name}-{n}",
            session=f"{name}-session-{n}",
            round_name=name,
            day=day,
            edit=1,
        )
    return rows


def tab(header: list[str], rows: list[dict[str, str]], prefix: str) -> list[list[str]]:
    return [header, *[[row.get(column, f"{prefix}-{i}") for column in header] for i, row in enumerate(rows)]]


LAST_ROUND = f"{LAST_MONTH} opening"
LAST_DAY = date.fromisoformat(f"{LAST_MONTH}-15")
SURVEY_LAST = round_rows(LAST_ROUND, LAST_DAY, 3)
ROUNDS_LAST = [round_action_row(START, LAST_ROUND, 1, LAST_DAY), round_action_row(SHOW, LAST_ROUND, 2, LAST_DAY)]


@pytest.fixture
def survey_sheet(sheets_emulator, tmp_path, monkeypatch):
    """The demo company on a Sheet in the emulator with last month's round answered (six people, all 3 of 5)."""
    tabs = {
        **demo_tabs(TODAY),
        SURVEY.name: tab(SURVEY.header, SURVEY_LAST, "survey"),
        SURVEY_ROUNDS.name: tab(SURVEY_ROUNDS.header, ROUNDS_LAST, "round"),
    }
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs=tabs)
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", sheets_emulator.host)
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path))
    clear_caches()
    yield (
        sheets_emulator,
        {
            "connections": {
                "gsheets": {"spreadsheet": SHEET_KEY, "client_email": "rally@acme.iam.gserviceaccount.com"}
            },
            "rally": {"sheet_read_attempts": 1},
        },
    )
    clear_caches()


def shown(secrets: dict, month: str, documents: bool = True) -> dict[str, str]:
    """What a director reads for `month`: the page's sentiment (figure and line under it) and the reports' (the HTML
    and PDF only with `documents`: drawing their charts takes a while)."""
    page = app(DIRECTORS, secrets=secrets, query={"month": month})
    assert not page.exception
    [figure] = [m.value for m in page.metric if m.label == "Survey sentiment"] or [""]
    lines = [c.value for c in page.caption]
    said = next((line for line in lines if " answers in " in line), "")
    dataset = server.for_config(load_config(secrets)).current().dataset
    report = monthly_report(dataset, month, TODAY)
    data = json.loads(render(report, "json"))
    found = {"page": f"{figure} — {said}", "json": json.dumps(data["survey_sentiment"])}
    if documents:
        html = render(report, "html").decode()
        pdf = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render(report, "pdf"))).pages)
        found["html"] = "in html" if f"{figure}" in html and said.replace("'", "&#x27;") in html else html
        found["pdf"] = "in pdf" if f"Survey sentiment: {figure} — {said}" in pdf.replace("\n", " ") else pdf
    return found


def test_last_month_s_sentiment_is_the_same_before_and_after_this_month_s_round(survey_sheet):
    """Page, HTML, PDF and JSON agree on last month's 3.0 / 5; a round this month (all 5s) changes none of them."""
    emulator, secrets = survey_sheet
    before = shown(secrets, LAST_MONTH)
    assert before["page"].startswith("3.0 / 5 — 6 answers in ")
    assert before["html"] == "in html" and before["pdf"] == "in pdf"
    assert json.loads(before["json"]) == {"month": LAST_MONTH, "responses": 6, "average": 3.0}
    # This month so far: no round of its own yet, so last month's, and the page says so.
    assert "(no round in " in shown(secrets, THIS_MONTH, documents=False)["page"]

    this_round = f"{THIS_MONTH} check-in"
    day = max(TODAY - timedelta(days=1), date.fromisoformat(f"{THIS_MONTH}-01"))
    emulator.set_values(
        SHEET_KEY, SURVEY.name, tab(SURVEY.header, [*SURVEY_LAST, *round_rows(this_round, day, 5)], "survey")
    )
    rounds = [*ROUNDS_LAST, round_action_row(START, this_round, 3, day)]
    emulator.set_values(SHEET_KEY, SURVEY_ROUNDS.name, tab(SURVEY_ROUNDS.header, rounds, "round"))
    clear_caches()  # the next read holds the new round

    assert shown(secrets, LAST_MONTH) == before
    now = shown(secrets, THIS_MONTH, documents=False)
    assert now["page"].startswith("5.0 / 5 — 6 answers in ") and "(no round in" not in now["page"]
    assert json.loads(now["json"]) == {"month": THIS_MONTH, "responses": 6, "average": 5.0}
