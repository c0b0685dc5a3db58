"""Survey questions: read from the `Survey Questions` tab (or the programme's seven defaults), and answers checked.

The tab has one row per question: ID, Question, Type (scale | single | multi |
yesno | text), Options, Required. Types and yes/no cells are read loosely; every
problem becomes a DataIssue with the row Google Sheets shows, and the question is
still asked in the nearest sensible way (an unknown type is asked as text).

A question whose ID is `team` (or whose Type is `team`) is the team question:
its options default to the Staff tab's teams; it is only ever used for
breakdowns that pass the anonymity rule.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rally.core.contract import SURVEY_QUESTIONS, find_tab, normalise_key, read_table
from rally.core.issues import DataIssue

QUESTION_TYPES = ("scale", "single", "multi", "yesno", "text")
SCALE_VALUES = (1, 2, 3, 4, 5)
YES_NO = ("Yes", "No")
TEXT_LIMIT = 500  # characters a text answer may hold; the form stops typing there and the server cuts there too
TEAM_ID = "team"
PREFER_NOT_TO_SAY = "Prefer not to say"
MULTI_SEPARATOR = "; "
DEFAULT_SCALE_LABELS = ("Not at all", "Very")


# How people write a type, after normalise_key (lower case, letters and digits only).
TYPE_ALIASES: dict[str, str] = {
    **{t: t for t in QUESTION_TYPES},
    "rating": "scale",
    "likert": "scale",
    "linearscale": "scale",
    "15": "scale",
    "scale15": "scale",
    "choice": "single",
    "singlechoice": "single",
    "one": "single",
    "radio": "single",
    "dropdown": "single",
    "multiplechoice": "single",  # Google Forms' name for pick-one
    "multi": "multi",
    "multiple": "multi",
    "multichoice": "multi",
    "checkbox": "multi",
    "checkboxes": "multi",
    "many": "multi",
    "yesorno": "yesno",
    "yn": "yesno",
    "boolean": "yesno",
    "open": "text",
    "freetext": "text",
    "paragraph": "text",
    "shortanswer": "text",
    "comment": "text",
    "team": "team",
}
YES_CELLS = {"yes", "y", "true", "1", "required", "x", "✓", "✔"}
NO_CELLS = {"", "no", "n", "false", "0", "optional"}


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    type: str  # one of QUESTION_TYPES
    options: tuple[str, ...] = ()  # choices; for scale, the labels of 1 and 5
    required: bool = False
    row: int = 0  # the Survey Questions row, 0 for a default question
    from_form_only: bool = False  # a Google Form column no question matches: shown as text answers
    rows: tuple[str, ...] = ()  # a grid question's rows (a Google Form's "Question [Row]" columns), one answer each

    @property
    def is_team(self) -> bool:
        return self.id == TEAM_ID

    @property
    def choices(self) -> tuple[str, ...]:
        """What may be answered: the options, Yes/No, or 1–5 as text."""
        if self.type == "scale":
            return tuple(str(v) for v in SCALE_VALUES)
        if self.type == "yesno":
            return YES_NO
        return self.options

    @property
    def scale_labels(self) -> tuple[str, str]:
        return (
            (self.options[0], self.options[-1])
            if self.type == "scale" and len(self.options) >= 2
            else DEFAULT_SCALE_LABELS
        )


@dataclass(frozen=True)
class QuestionSet:
    questions: tuple[Question, ...]
    issues: tuple[DataIssue, ...] = ()
    from_tab: bool = False  # False: the defaults are in use
    note: str = ""  # what a facilitator should know about where the questions came from

    def by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @property
    def team_question(self) -> Question | None:
        return next((q for q in self.questions if q.is_team), None)


def _defaults() -> tuple[Question, ...]:
    return (
        Question("passion", "How passionate are you about social media?", "scale", DEFAULT_SCALE_LABELS, True),
        Question(
            "confidence", "How confident do you feel posting about your work?", "scale", DEFAULT_SCALE_LABELS, True
        ),
        Question(
            "worth", "Is the content the company shares worth sharing?", "single", ("Yes", "Sometimes", "No"), True
        ),
        Question(
            "platforms",
            "Which platforms do you use?",
            "multi",
            ("LinkedIn", "X/Twitter", "Facebook", "Instagram", "Blog", "None"),
            True,
        ),
        Question(
            "support",
            "What support would help before you post?",
            "multi",
            (
                "How the platforms work",
                "What to say about the company",
                "Finding the time",
                "Reading the analytics",
                "None",
            ),
            True,
        ),
        Question("better", "What would make our social media better?", "text"),
        Question(TEAM_ID, "Team", "single"),
    )


DEFAULT_QUESTIONS: tuple[Question, ...] = _defaults()


def split_options(cell: str) -> tuple[str, ...]:
    """'A, B, C' or 'A; B' or one per line; a cell holding ; | or a new line is split there only, so 'Yes, sometimes' can be a choice."""
    text = cell.strip()
    if not text:
        return ()
    parts = re.split(r"[;|\n]", text) if re.search(r"[;|\n]", text) else text.split(",")
    seen: set[str] = set()
    options = []
    for part in parts:
        option = " ".join(part.split())
        if option and option.casefold() not in seen:
            seen.add(option.casefold())
            options.append(option)
    return tuple(options)


def parse_type(cell: str, has_options: bool) -> tuple[str | None, bool]:
    """(type, understood). Blank is single with options, text without; an unknown type is (None, False)."""
    key = normalise_key(cell)
    if not key:
        return ("single" if has_options else "text"), True
    kind = TYPE_ALIASES.get(key)
    return kind, kind is not None


def parse_required(cell: str) -> bool | None:
    """True / False, or None when the cell is neither (treated as optional, and reported)."""
    value = cell.strip().casefold()
    if value in YES_CELLS:
        return True
    if value in NO_CELLS:
        return False
    return None


def question_id(cell: str, text: str) -> str:
    """The ID as typed (trimmed, lower case, spaces as dashes), else one made from the question's words."""
    typed = "-".join(cell.strip().casefold().split())
    if typed:
        return typed
    words = re.findall(r"[^\W_]+", text.casefold())
    return "-".join(words[:6]) or "question"


def with_team_options(question: Question, teams: Sequence[str]) -> Question | None:
    """The team question with the Staff tab's teams as its choices (when it has none); None when there are no teams."""
    if question.options:
        return question
    if not teams:
        return None
    return Question(question.id, question.text, "single", tuple(teams), question.required, question.row)


def parse_questions(tabs: Mapping[str, list[list]], teams: Sequence[str] = ()) -> QuestionSet:
    """The questions to ask: the Survey Questions tab's rows, or the defaults when the tab is missing or empty."""
    title = find_tab(tabs, SURVEY_QUESTIONS)
    issues: list[DataIssue] = []
    if title is not None:
        table = read_table(tabs[title], SURVEY_QUESTIONS)
        issues.extend(table.issues)
        if table.header_row is not None and not table.frame.empty:
            questions = _from_rows(table.frame, teams, issues)
            if questions:
                return QuestionSet(
                    tuple(questions), tuple(issues), True, f"{len(questions)} questions from the '{title}' tab."
                )
            note = f"The '{title}' tab has no usable question, so the programme's default questions are asked."
        elif table.header_row is None:
            note = f"The '{title}' tab has no header row with a Question column, so the programme's default questions are asked."
        else:
            note = f"The '{title}' tab is empty, so the programme's default questions are asked."
    else:
        note = "No Survey Questions tab: the programme's default questions are asked. Add the tab (ID, Question, Type, Options, Required) to change them."
    questions = []
    for question in DEFAULT_QUESTIONS:
        if question.is_team:
            question = with_team_options(question, teams)
            if question is None:
                note += " The Team question is left out: the Staff tab lists no teams."
                continue
        questions.append(question)
    return QuestionSet(tuple(questions), tuple(issues), False, note)


def _from_rows(frame, teams: Sequence[str], issues: list[DataIssue]) -> list[Question]:
    tab = SURVEY_QUESTIONS.name
    questions: list[Question] = []
    seen_ids: set[str] = set()
    for row, qid_cell, text, type_cell, options_cell, required_cell in zip(
        frame["row"], frame["ID"], frame["Question"], frame["Type"], frame["Options"], frame["Required"]
    ):
        row = int(row)
        text = " ".join(text.split())
        if not text:
            issues.append(DataIssue(tab, row, "Question", "", "no question text — row not asked"))
            continue
        options = split_options(options_cell)
        kind, understood = parse_type(type_cell, bool(options))
        if not understood:
            issues.append(
                DataIssue(
                    tab, row, "Type", type_cell, f"unknown type (use {', '.join(QUESTION_TYPES)}) — asked as text"
                )
            )
            kind = "text"
        qid = question_id(qid_cell, text)
        if kind == "team":
            kind, qid = "single", TEAM_ID
        if qid in seen_ids:
            issues.append(
                DataIssue(
                    tab,
                    row,
                    "ID",
                    qid_cell or qid,
                    f"ID used twice — this row's answers are kept apart as '{qid}-{row}'",
                )
            )
            qid = f"{qid}-{row}"
        seen_ids.add(qid)
        required = parse_required(required_cell)
        if required is None:
            issues.append(DataIssue(tab, row, "Required", required_cell, "expected yes or no — treated as no"))
            required = False
        if kind in ("single", "multi") and not options and qid != TEAM_ID:
            issues.append(DataIssue(tab, row, "Options", "", f"a {kind} question needs options — asked as text"))
            kind = "text"
        if kind == "scale" and options and len(options) != 2:
            issues.append(
                DataIssue(
                    tab,
                    row,
                    "Options",
                    options_cell,
                    "a scale takes two labels (for 1 and for 5) — default labels used",
                )
            )
            options = DEFAULT_SCALE_LABELS
        if kind in ("yesno", "text"):
            options = ()
        question = Question(
            qid, text, kind, options or (DEFAULT_SCALE_LABELS if kind == "scale" else ()), required, row
        )
        if question.is_team:
            teamed = with_team_options(question, teams)
            if teamed is None:
                issues.append(
                    DataIssue(
                        tab,
                        row,
                        "Options",
                        "",
                        "the team question has no options and the Staff tab lists no teams — not asked",
                    )
                )
                continue
            question = teamed
        questions.append(question)
    return questions


# -- answers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedAnswers:
    answers: dict[str, str]  # question ID -> the cell to store
    problems: list[str] = field(default_factory=list)  # what the person must fix, ready to show

    @property
    def ok(self) -> bool:
        return not self.problems


def check_answers(questions: Iterable[Question], given: Mapping[str, object]) -> CheckedAnswers:
    """Answers as cells to store, or the problems to show. Unanswered optional questions are left out."""
    answers: dict[str, str] = {}
    missing: list[str] = []
    problems: list[str] = []
    for question in questions:
        value = given.get(question.id)
        cell = _cell(question, value)
        if cell is None:
            problems.append(f"“{question.text}”: that isn't one of the choices.")
            continue
        if cell == "":
            if question.required:
                missing.append(question.text)
            continue
        answers[question.id] = cell
    if missing:
        quoted = "; ".join(f"“{text}”" for text in missing)
        problems.insert(
            0, f"Please answer {'this question' if len(missing) == 1 else f'these {len(missing)} questions'}: {quoted}"
        )
    if not answers and not problems:
        problems.append("Answer at least one question before sending.")
    return CheckedAnswers(answers if not problems else {}, problems)


def _cell(question: Question, value: object) -> str | None:
    """The stored form of one answer: '' for no answer, None for a value that isn't allowed."""
    if value is None or value == "" or value == [] or value == ():
        return ""
    if question.type == "text":
        text = str(value).strip()
        return text[:TEXT_LIMIT].rstrip()
    if question.type == "multi":
        picked = {str(v) for v in (value if isinstance(value, list | tuple | set) else [value])}
        if not picked <= set(question.choices):
            return None
        return MULTI_SEPARATOR.join(o for o in question.choices if o in picked)
    text = str(value).strip()
    if question.is_team and text == PREFER_NOT_TO_SAY:
        return ""
    return text if text in question.choices else None


def parse_multi(cell: str, options: Sequence[str]) -> tuple[list[str], list[str]]:
    """A stored multi answer back to (known options, other text).

    Rally stores 'A; B'; a Google Form joins ticked boxes with ', '. Known options are
    found first (longest first, so 'X/Twitter' and options holding commas survive);
    what is left is 'other' text.
    """
    rest = f", {cell.strip()},"
    found: list[str] = []
    for option in sorted(options, key=len, reverse=True):
        pattern = re.compile(r"[,;]\s*" + re.escape(option) + r"\s*(?=[,;])", re.IGNORECASE)
        if pattern.search(rest):
            found.append(option)
            rest = pattern.sub(",", rest, count=1)
    others = [" ".join(part.split()) for part in re.split(r"[,;]", rest) if part.strip()]
    return [o for o in options if o in found], others


# -- rows to write -----------------------------------------------------------------------------------

ANSWER_NAMESPACE = uuid.UUID("6f1d2c1e-5b8a-4c5e-9a53-52a11e0a5e11")


def answer_id(response_id: str, question: str) -> str:
    """One answer's row ID, derived from its response: a double-tapped submit stores each answer once."""
    return str(uuid.uuid5(ANSWER_NAMESPACE, f"{response_id}/{question}"))
