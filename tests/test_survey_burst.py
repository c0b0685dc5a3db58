"""The meeting moment, end to end for survey answers: 200 phones at once, a throttled and failing Sheet, a restart — nothing lost, nothing doubled."""

from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest

import data_sources.outbox as outbox_module
from data_sources.outbox import Outbox
from data_sources.retry import RetryPolicy
from rally.core.contract import SURVEY
from rally.demo.company import demo_tabs
from rally.survey.answers import read_answers, read_rounds, response_count, response_rows, session_code
from rally.survey.questions import parse_questions
from tests.apptest import app, clear_caches
from tests.emulator.sheets_emulator import FakeClock
from tests.sources import SHEET_KEY, google_source

TODAY = date.today()
QUESTIONS = parse_questions({}, ["Sales", "Engineering", "Customer Success", "Marketing", "Operations"])
ROUND = read_rounds({}, [], TODAY).current  # no round started: the month's
FAST = RetryPolicy(attempts=1_000_000, base_seconds=0.5, cap_seconds=4.0)
# What people type that a spreadsheet would run as a formula unless written RAW.
FORMULA_LIKE = ["=1+1", "+44 20 7946 0000", "-not a minus", "@channel please"]


def answers_for(n: int) -> dict[str, str]:
    return {
        "passion": str(n % 5 + 1),
        "confidence": str((n * 3) % 5 + 1),
        "worth": ("Yes", "Sometimes", "No")[n % 3],
        "platforms": "LinkedIn; Instagram" if n % 2 else "LinkedIn",
        "support": "Finding the time",
        "better": FORMULA_LIKE[n % len(FORMULA_LIKE)],
        "team": QUESTIONS.team_question.options[n % 5],
    }


def submit_concurrently(outbox: Outbox, numbers: range) -> list[str]:
    """Each number is one phone pressing Send, all at once; returns the Response IDs handed out."""
    ids: list[str] = []
    lock = threading.Lock()

    def phone(n: int) -> None:
        response_id = str(uuid.uuid4())
        rows = response_rows(
            answers_for(n),
            QUESTIONS,
            response_id=response_id,
            session=session_code(f"token-{n}", ROUND),
            round_name=ROUND,
            day=TODAY,
            edit=1,
        )
        outbox.submit_many(SURVEY.name, SURVEY.header, rows)
        with lock:
            ids.append(response_id)

    threads = [threading.Thread(target=phone, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ids


def flush_rounds(outbox: Outbox, clock: FakeClock, sheet_clock: FakeClock, rounds: int) -> None:
    """Let the writer work for `rounds` flushes, moving the fake clocks to the next retry instead of sleeping."""
    for _ in range(rounds):
        outbox.flush()
        due = outbox.next_due()
        if due is None:  # nothing unsent
            return
        step = max(0.5, due - clock())
        clock.advance(step)
        sheet_clock.advance(step)


@pytest.fixture
def throttled_sheet(sheets_emulator, tmp_path, monkeypatch):
    """The demo company's Sheet on the emulator: 12 writes a minute, 1 append in 5 failing with 503, 3 applied-then-failed, 2 refused with 429."""
    clock = FakeClock(0.0)
    sheets_emulator.clock = clock
    sheets_emulator.write_quota_per_minute = 12
    sheets_emulator.fault_rate(0.2, status=503, seed=11, kind="append")
    sheets_emulator.apply_then_fail(3, status=503)
    sheets_emulator.fail_next(2, status=429, kind="append")
    # Appends of 100 rows (14 responses and a bit: cut mid-response), so faults get many chances to bite.
    monkeypatch.setattr(outbox_module, "MAX_ROWS_PER_APPEND", 100)
    return google_source(sheets_emulator, tmp_path, demo_tabs(TODAY)), clock


def test_two_hundred_phones_a_failing_sheet_and_a_restart_end_as_exactly_two_hundred_responses(
    throttled_sheet, sheets_emulator, tmp_path, monkeypatch
):
    """100 answers, a crash with some unsent, 100 more after the restart: the Sheet and the results page hold exactly 200 responses."""
    sheet, sheet_clock = throttled_sheet
    clock = FakeClock(0.0)
    first = Outbox(tmp_path / "outbox.sqlite", sheet, policy=FAST, clock=clock)
    ids = submit_concurrently(first, range(100))
    # The writer works until some answers are in the Sheet and many are not (429s, 503s and landed-then-503s on the way)...
    for _ in range(200):
        flush_rounds(first, clock, sheet_clock, rounds=1)
        left_behind = len(first.pending())
        landed = len(sheets_emulator.values(SHEET_KEY, SURVEY.name)) - 1
        if landed >= 100:
            break
    assert left_behind >= 300 and landed >= 100, "the crash comes with answers unsent, and some in the Sheet"
    del first  # the server dies

    second = Outbox(tmp_path / "outbox.sqlite", sheet, policy=FAST, clock=clock)
    ids += submit_concurrently(second, range(100, 200))
    flush_rounds(second, clock, sheet_clock, rounds=3000)
    assert second.pending() == []

    written = sheets_emulator.values(SHEET_KEY, SURVEY.name)
    header = written[0]
    responses = [row[header.index("Response")] for row in written[1:]]
    assert set(responses) == set(ids) and len(set(ids)) == 200
    answer_ids = [row[header.index("ID")] for row in written[1:]]
    assert len(answer_ids) == len(set(answer_ids)) == 200 * 7, "each answer once in the Sheet, landed-then-503 included"
    assert any(r.status == 429 for r in sheets_emulator.log) and any(r.status == 503 for r in sheets_emulator.log)
    typed = {row[header.index("Answer")] for row in written[1:] if row[header.index("Question ID")] == "better"}
    assert typed == set(FORMULA_LIKE), "text that looks like a formula stays text (written RAW)"

    snapshot = sheet.fetch()
    answers = read_answers(snapshot.tabs, [], QUESTIONS, read_rounds(snapshot.tabs, [], TODAY))
    assert response_count(answers.frame, ROUND) == 200
    assert answers.frame.groupby("response").size().eq(7).all()

    # The results page on this Sheet, as the projector shows it.
    sheets_emulator.clear_faults()
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", sheets_emulator.host)
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path / "app"))
    clear_caches()
    try:
        secrets = {
            "connections": {
                "gsheets": {
                    "spreadsheet": f"https://docs.google.com/spreadsheets/d/{SHEET_KEY}/edit",
                    "client_email": "rally@acme.iam.gserviceaccount.com",
                }
            },
            "rally": {"sheet_read_attempts": 1},
        }
        at = app("views/survey_results.py", secrets=secrets)
        assert not at.exception
        assert [m.value for m in at.metric if m.label == "Answers"] == ["200"]
    finally:
        clear_caches()
