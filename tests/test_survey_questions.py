"""Survey questions from the Survey Questions tab (or the defaults), and the answers a form may send, as rule tables."""

from __future__ import annotations

import pytest

from rally.survey.questions import (
    DEFAULT_QUESTIONS,
    PREFER_NOT_TO_SAY,
    TEXT_LIMIT,
    Question,
    check_answers,
    parse_multi,
    parse_questions,
    parse_required,
    parse_type,
    split_options,
)

HEADER = ["ID", "Question", "Type", "Options", "Required"]
TEAMS = ["Sales", "Engineering"]


def tab(*rows: list[str]) -> dict[str, list[list[str]]]:
    return {"Survey Questions": [HEADER, *rows]}


@pytest.mark.parametrize(
    ("cell", "has_options", "kind", "understood"),
    [
        ("scale", False, "scale", True),
        ("Scale (1-5)", False, "scale", True),  # punctuation and spaces don't matter: "scale15"
        ("Rating", False, "scale", True),
        ("single", True, "single", True),
        ("Multiple choice", True, "single", True),  # Google Forms' name for pick-one, not pick-many
        ("multi", True, "multi", True),
        ("Checkboxes", True, "multi", True),
        ("Yes/No", False, "yesno", True),
        ("yes-no", False, "yesno", True),
        ("TEXT", False, "text", True),
        ("Paragraph", False, "text", True),
        ("team", False, "team", True),
        ("", True, "single", True),  # blank with options: pick one of them
        ("", False, "text", True),  # blank without options: free text
        ("slider", False, None, False),
    ],
)
def test_question_types_are_read_loosely(cell, has_options, kind, understood):
    """Types are matched ignoring case and punctuation, with the names other tools use."""
    assert parse_type(cell, has_options) == (kind, understood)


# fmt: off
@pytest.mark.parametrize(
    ("cell", "options"),
    [
        ("Yes, Sometimes, No", ("Yes", "Sometimes", "No")),
        ("LinkedIn,X/Twitter ,  Facebook", ("LinkedIn", "X/Twitter", "Facebook")),
        ("Yes, often; Sometimes; No", ("Yes, often", "Sometimes", "No")),  # a ; in the cell means commas belong to the choices
        ("Red | Green", ("Red", "Green")),
        ("One\nTwo", ("One", "Two")),
        ("A, a, B", ("A", "B")),  # the same choice twice (ignoring case) is asked once
        ("A,,B,", ("A", "B")),
        ("", ()),
    ],
)
# fmt: on
def test_options_split_on_commas_unless_the_cell_uses_semicolons_bars_or_lines(cell, options):
    """Options are split so a choice may hold a comma when the cell separates with ; | or new lines."""
    assert split_options(cell) == options


# fmt: off
@pytest.mark.parametrize(
    ("cell", "required"),
    [("yes", True), ("Y", True), ("TRUE", True), ("x", True), ("✓", True), ("required", True), ("", False), ("no", False), ("optional", False), ("0", False), ("maybe", None)],
)
# fmt: on
def test_required_cells(cell, required):
    """Yes-like cells make a question required; blank is optional; anything else is reported."""
    assert parse_required(cell) == required


def test_without_the_tab_the_seven_default_questions_are_asked_with_the_staff_teams():
    """The programme's opening questions, the Team question's choices from the Staff tab."""
    questions = parse_questions({}, TEAMS)
    assert [q.id for q in questions.questions] == ["passion", "confidence", "worth", "platforms", "support", "better", "team"]
    assert not questions.from_tab and "default" in questions.note
    assert questions.team_question.options == ("Sales", "Engineering") and not questions.team_question.required
    assert [q.required for q in questions.questions] == [True, True, True, True, True, False, False]


def test_without_teams_the_team_question_is_left_out_and_the_note_says_so():
    """No Staff teams: no Team question (a breakdown would have nothing to show)."""
    questions = parse_questions({}, [])
    assert questions.team_question is None and "no teams" in questions.note


@pytest.mark.parametrize(
    "tabs",
    [
        pytest.param(tab(), id="header-only"),
        pytest.param({"Survey Questions": []}, id="blank-tab"),
        pytest.param(tab(["x", "", "scale", "", ""]), id="rows-without-question-text"),
    ],
)
def test_an_empty_tab_falls_back_to_the_defaults(tabs):
    """A tab added by init-sheet but not filled in yet asks the defaults, and says why."""
    questions = parse_questions(tabs, TEAMS)
    assert len(questions.questions) == len(DEFAULT_QUESTIONS) and not questions.from_tab
    assert "default" in questions.note


def test_the_tab_s_rows_become_questions_with_every_slip_reported():
    """Each row is asked; an unknown type is asked as text; a repeated ID is kept apart; all reported with their rows."""
    questions = parse_questions(
        tab(
            ["mood", "How do you feel?", "scale", "Awful, Great", "yes"],
            ["", "Which channel?", "single", "LinkedIn; X", "no"],
            ["mood", "Again?", "yesno", "", "perhaps"],
            ["tool", "Which tool?", "slider", "", ""],
            ["empty", "Pick one", "single", "", ""],
            ["", "Your team", "team", "", ""],
            ["", "", "text", "", ""],
        ),
        TEAMS,
    )
    assert [(q.id, q.type, q.required) for q in questions.questions] == [
        ("mood", "scale", True),
        ("which-channel", "single", False),
        ("mood-4", "yesno", False),
        ("tool", "text", False),
        ("empty", "text", False),
        ("team", "single", False),
    ]
    assert questions.questions[0].scale_labels == ("Awful", "Great")
    assert questions.team_question.options == ("Sales", "Engineering")
    reported = {(i.row, i.column) for i in questions.issues}
    assert reported == {(4, "ID"), (4, "Required"), (5, "Type"), (6, "Options"), (8, "Question")}
    assert questions.from_tab


ASKED = (
    Question("mood", "How do you feel?", "scale", required=True),
    Question("worth", "Worth sharing?", "single", ("Yes", "Sometimes", "No"), True),
    Question("platforms", "Platforms?", "multi", ("LinkedIn", "X/Twitter", "None")),
    Question("ok", "OK?", "yesno"),
    Question("better", "Ideas?", "text"),
    Question("team", "Team", "single", ("Sales", "Ops")),
)


# fmt: off
@pytest.mark.parametrize(
    ("given", "answers", "problem"),
    [
        ({"mood": 4, "worth": "Yes"}, {"mood": "4", "worth": "Yes"}, None),
        ({"mood": 4, "worth": "Yes", "platforms": ["X/Twitter", "LinkedIn"]}, {"mood": "4", "worth": "Yes", "platforms": "LinkedIn; X/Twitter"}, None),  # stored in the options' order
        ({"mood": 4, "worth": "Yes", "ok": "No", "team": "Ops"}, {"mood": "4", "worth": "Yes", "ok": "No", "team": "Ops"}, None),
        ({"mood": 4, "worth": "Yes", "team": PREFER_NOT_TO_SAY}, {"mood": "4", "worth": "Yes"}, None),  # not saying is not an answer
        ({"mood": 4, "worth": "Yes", "better": "  =SUM(A1:A9)  "}, {"mood": "4", "worth": "Yes", "better": "=SUM(A1:A9)"}, None),  # kept as typed; written RAW
        ({"mood": 4, "worth": "Yes", "better": "x" * (TEXT_LIMIT + 50)}, {"mood": "4", "worth": "Yes", "better": "x" * TEXT_LIMIT}, None),
        ({"worth": "Yes"}, {}, "Please answer this question: “How do you feel?”"),
        ({}, {}, "Please answer these 2 questions: “How do you feel?”; “Worth sharing?”"),
        ({"mood": 4, "worth": "Maybe"}, {}, "“Worth sharing?”: that isn't one of the choices."),  # a tampered request
        ({"mood": 9, "worth": "Yes"}, {}, "“How do you feel?”: that isn't one of the choices."),
        ({"mood": 4, "worth": "Yes", "platforms": ["Myspace"]}, {}, "“Platforms?”: that isn't one of the choices."),
        ({"mood": 4, "worth": "Yes", "better": "   "}, {"mood": "4", "worth": "Yes"}, None),  # blank optional text: no answer
    ],
)
# fmt: on
def test_answers_are_checked_before_anything_is_stored(given, answers, problem):
    """Required questions need an answer, values must be choices, text is trimmed and capped."""
    checked = check_answers(ASKED, given)
    assert checked.answers == answers
    assert (checked.problems[0] if checked.problems else None) == problem


def test_a_form_with_only_optional_questions_still_needs_one_answer():
    """Sending nothing at all is refused with a clear message."""
    checked = check_answers([Question("better", "Ideas?", "text")], {"better": ""})
    assert checked.problems == ["Answer at least one question before sending."]


@pytest.mark.parametrize(
    ("cell", "known", "others"),
    [
        ("LinkedIn; X/Twitter", ["LinkedIn", "X/Twitter"], []),
        ("LinkedIn, X/Twitter", ["LinkedIn", "X/Twitter"], []),  # a Google Form joins ticked boxes with ", "
        ("Yes, often, No", ["Yes, often", "No"], []),  # the longest option is found first, so its comma survives
        ("linkedin", ["LinkedIn"], []),
        ("LinkedIn, Mastodon", ["LinkedIn"], ["Mastodon"]),  # a Form's "Other" box
        ("", [], []),
    ],
)
def test_multi_answers_are_read_back_from_rally_or_a_google_form(cell, known, others):
    """Known options are found whichever separator wrote them; the rest is 'other' text."""
    options = ["LinkedIn", "X/Twitter", "Yes, often", "No"]
    assert parse_multi(cell, options) == (known, others)
