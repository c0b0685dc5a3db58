"""The survey's answers, rounds and results: pure functions over the tabs Rally writes (and a Google Form's).

Tabs (each row written once, RAW, through the outbox; readers see each ID once):

- **Survey**: one row per answer. `Response` groups the answers sent together;
  `Session` is an anonymous code for the browser session, different in every round
  (a hash of a random token and the round), so a person's rounds can't be linked;
  `Edit` counts resubmissions: a later edit of the same session and round replaces
  the earlier answers. `Day` is a date only, never a time.
- **Survey Rounds**: facilitator actions in order (`Seq`): start a round, show or
  hide its results. The current round is the last one started; results stay
  hidden until shown. With no round started, answers go to the month (`2026-11`).
- **Moderation** (rally.survey.moderation): answers and ideas the facilitator hid.

If the Survey tab is a Google Form's responses tab (first column `Timestamp`, one
column per question titled with its text), its rows are read too: questions are
matched by text, unknown ones are shown as text answers, columns that identify
people (e-mail, name) are never read, and each row joins the round in force on its day.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from rally.core.contract import SURVEY, SURVEY_ROUNDS, column_letter, find_tab, normalise_key
from rally.core.forms import group_grid_columns, is_form_responses_title, is_form_tab
from rally.core.identity import identifying_columns
from rally.core.issues import DataIssue
from rally.core.parsing import parse_date
from rally.core.records import read_records
from rally.survey.anonymity import effective_threshold, shown_groups
from rally.survey.questions import SCALE_VALUES, Question, QuestionSet, answer_id, parse_multi

START, SHOW, HIDE = "start", "show results", "hide results"
ROUND_NAME_MAX = 60  # characters: a round's name is a heading on the projector
_ACTIONS = {
    "start": START,
    "startround": START,
    "new": START,
    "showresults": SHOW,
    "show": SHOW,
    "reveal": SHOW,
    "hideresults": HIDE,
    "hide": HIDE,
    "conceal": HIDE,
}
ROUND_COLUMN = "round"
ANSWER_COLUMNS = {
    "answer_id": "str",
    "response": "str",
    "session": "str",
    "edit": "int64",
    "round": "str",
    "day": "str",  # ISO date or ""
    "question": "str",
    "part": "str",  # a grid question's row ("LinkedIn" of "How confident are you on [LinkedIn]"), else ""
    "answer": "str",
    "pending": "bool",
}
WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’][^\W\d_]+)?")
# Words that say nothing about an idea; kept short on purpose (English, the programme's language).
STOP_WORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being below between both but by can
    could did do does doing don't down during each few for from further get got had has have having he her here hers him his how
    i if in into is it its itself just let like lot lots make me more most much must my no nor not now of off on once only or
    other our ours out over own really same she should so some such than that the their theirs them then there these they this
    those through to too under until up us very was we were what when where which while who whom why will with would you your
    yours maybe things thing think people posts post social media company""".split()
)


def session_code(token: str, round_name: str) -> str:
    """The anonymous code stored with a response: the same for one browser session within a round, unlinkable across rounds."""
    return hashlib.sha256(f"{round_name}\n{token}".encode()).hexdigest()[:16]


def implicit_round(day: date) -> str:
    """The round answers join when no facilitator has started one: the month."""
    return f"{day:%Y-%m}"


def suggested_round_name(today: date, existing: Iterable[str]) -> str:
    """'2026-11 opening' for the first round, then '2026-11 check-in', with (2), (3)… if taken."""
    taken = {normalise_key(name) for name in existing}
    base = f"{today:%Y-%m} {'check-in' if taken else 'opening'}"
    name, n = base, 2
    while normalise_key(name) in taken:
        name, n = f"{base} ({n})", n + 1
    return name


# -- rounds ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rounds:
    current: str
    started: tuple[tuple[str, date | None], ...] = ()  # rounds started, in order, with their day
    revealed: frozenset[str] = frozenset()
    next_seq: int = 1
    issues: tuple[DataIssue, ...] = ()

    @property
    def explicit(self) -> bool:
        """True when a facilitator started the current round (not the month's default)."""
        return any(name == self.current for name, _ in self.started)

    def is_revealed(self, name: str) -> bool:
        return name in self.revealed

    def round_on(self, day: date) -> str:
        """The round in force on `day`: the last started on or before it, else the month."""
        found = None
        for name, started in self.started:
            if started is not None and started <= day:
                found = name
        return found or implicit_round(day)


def read_rounds(tabs: Mapping[str, list[list]], pending: Iterable[Mapping[str, str]], today: date) -> Rounds:
    """The current round and which rounds' results are shown, from the Survey Rounds tab plus queued actions."""
    records = read_records(tabs, SURVEY_ROUNDS, pending)
    issues: list[DataIssue] = []
    events = []
    for order, (row, seq, day, name, action) in enumerate(
        zip(records["row"], records["Seq"], records["Day"], records["Round"], records["Action"])
    ):
        name = " ".join(name.split())
        kind = _ACTIONS.get(normalise_key(action))
        if not name or kind is None:
            if int(row):
                issues.append(
                    DataIssue(
                        SURVEY_ROUNDS.name,
                        int(row),
                        "Action" if name else "Round",
                        action if name else name,
                        "expected a round and start, show results or hide results — ignored",
                    )
                )
            continue
        events.append((_int(seq), order, parse_date(day) if day else None, name, kind))
    events.sort(key=lambda e: (e[0], e[1]))
    started: list[tuple[str, date | None]] = []
    shown: dict[str, bool] = {}
    for _, _, day, name, kind in events:
        if kind == START:
            started = [(n, d) for n, d in started if n != name] + [(name, day)]
        else:
            shown[name] = kind == SHOW
    current = started[-1][0] if started else implicit_round(today)
    next_seq = max((e[0] for e in events), default=0) + 1
    return Rounds(current, tuple(started), frozenset(n for n, s in shown.items() if s), next_seq, tuple(issues))


def round_action_row(action: str, round_name: str, seq: int, day: date) -> dict[str, str]:
    return {"Seq": str(seq), "Day": day.isoformat(), "Round": round_name, "Action": action}


def _int(text: str, default: int = 0) -> int:
    try:
        return int(float(text))
    except (TypeError, ValueError):
        return default


# -- answers ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    frame: pd.DataFrame  # ANSWER_COLUMNS: the latest response of each session in each round, one row per answer
    questions: tuple[Question, ...]  # the questions asked, then answers' questions no longer asked (shown as text)
    form: bool = False  # the Survey tab is a Google Form's responses tab
    replaced: int = 0  # responses replaced by a later edit
    issues: tuple[DataIssue, ...] = ()

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)


def empty_answers() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in ANSWER_COLUMNS.items()})


def response_rows(
    answers: Mapping[str, str],
    questions: QuestionSet,
    *,
    response_id: str,
    session: str,
    round_name: str,
    day: date,
    edit: int,
) -> list[dict[str, str]]:
    """The Survey rows for one submission: one per answered question, each with an ID derived from the response."""
    by_id = questions.by_id()
    return [
        {
            "ID": answer_id(response_id, qid),
            "Response": response_id,
            "Session": session,
            "Edit": str(edit),
            "Round": round_name,
            "Day": day.isoformat(),
            "Question ID": qid,
            "Question": by_id[qid].text if qid in by_id else qid,
            "Answer": cell,
        }
        for qid, cell in answers.items()
    ]


def read_answers(
    tabs: Mapping[str, list[list]],
    pending: Iterable[Mapping[str, str]],
    questions: QuestionSet,
    rounds: Rounds,
    day_first: bool = True,
    staff_names: Iterable[str] = (),
) -> Answers:
    """Every round's answers, the latest response per session and round, from the Survey tab (Rally's or a Form's) plus queued rows.

    A Google Form's responses tab is found by the name Google gives it (`Form Responses 1`, `Formularantworten 1`…)
    as well as by its Timestamp column; a column that identifies people — by its title or its values (e-mail
    addresses, names on the Staff tab) — is never read (`staff_names`: the Staff tab's names).
    """
    title = find_tab(tabs, SURVEY, also=is_form_responses_title)
    issues: list[DataIssue] = []
    asked = list(questions.questions)
    frames = []
    form = title is not None and is_form_tab(tabs[title])
    if form:
        frame, extra = _form_answers(tabs[title], asked, rounds, day_first, issues, staff_names)
        frames.append(frame)
        asked += extra
        own = read_records({}, SURVEY, pending)
    else:
        own = read_records(tabs, SURVEY, pending)
    frames.append(_own_answers(own, rounds, day_first))
    frames = [f for f in frames if not f.empty]
    frame = pd.concat(frames, ignore_index=True) if frames else empty_answers()
    frame, replaced = latest_responses(frame)
    known = {q.id for q in asked}
    for qid in frame.loc[~frame["question"].isin(known), "question"].unique():
        # A question answered in the Sheet but no longer asked: its answers are shown as text.
        asked.append(Question(qid, _own_question_text(own, qid) or qid, "text", from_form_only=True))
    return Answers(frame.astype(ANSWER_COLUMNS), tuple(asked), form, replaced, tuple(issues))


def _own_question_text(own: pd.DataFrame, qid: str) -> str:
    texts = own.loc[own["Question ID"] == qid, "Question"]
    texts = texts[texts != ""]
    return texts.iloc[-1] if len(texts) else ""


def _own_answers(records: pd.DataFrame, rounds: Rounds, day_first: bool) -> pd.DataFrame:
    if records.empty:
        return empty_answers()
    days = records["Day"].map(lambda text: parse_date(text, day_first) if text else None)
    response = records["Response"].where(records["Response"] != "", records["ID"])
    session = records["Session"].where(records["Session"] != "", response)
    round_name = records["Round"].map(lambda text: " ".join(text.split()))
    undated_round = rounds.current
    round_name = [r if r else (rounds.round_on(d) if d else undated_round) for r, d in zip(round_name, days)]
    return pd.DataFrame(
        {
            "answer_id": records["ID"].where(records["ID"] != "", response + "/" + records["Question ID"]),
            "response": response,
            "session": session,
            "edit": records["Edit"].map(lambda text: max(1, _int(text, 1))),
            "round": round_name,
            "day": [d.isoformat() if d else "" for d in days],
            "question": records["Question ID"].str.strip().str.casefold(),
            "part": "",
            "answer": records["Answer"].str.strip(),
            "pending": records["pending"],
        }
    )


def _form_answers(
    rows: list[list],
    asked: list[Question],
    rounds: Rounds,
    day_first: bool,
    issues: list[DataIssue],
    staff_names: Iterable[str] = (),
) -> tuple[pd.DataFrame, list[Question]]:
    tab = SURVEY.name
    header = [str(cell) for cell in rows[0]]
    body = [[str(cell) for cell in row] for row in rows[1:]]
    by_text = {normalise_key(q.text): q for q in asked}
    by_id = {normalise_key(q.id): q for q in asked}
    values = {i: [row[i] for row in body if i < len(row)] for i in range(1, len(header))}
    identifying = identifying_columns(header, values, staff_names)
    for index in sorted(identifying):
        # Titled loosely ("Your e-mail", "Nom et prénom") or only recognisable by its values: never read, never shown.
        name = " ".join(header[index].split()) or column_letter(index)
        issues.append(DataIssue(tab, 1, name, "", f"{identifying[index]} (turn off collecting e-mails in the Form)"))
    grids = {
        question: parts
        for question, parts in group_grid_columns(header).items()
        if not any(i in identifying for _, i in parts)
    }
    in_grid = {i for parts in grids.values() for _, i in parts}
    columns: dict[int, tuple[Question, str]] = {}
    extra: list[Question] = []
    round_column = None
    for index, title in enumerate(header[1:], start=1):
        key = normalise_key(title)
        if not key or index in identifying or index in in_grid:
            continue
        if key == ROUND_COLUMN:
            round_column = index
            continue
        question = by_text.get(key) or by_id.get(key)
        if question is None:
            question = Question(f"form:{key}"[:60], " ".join(title.split()), "text", from_form_only=True)
            extra.append(question)
        columns[index] = (question, "")
    for text, parts in grids.items():
        answers = dict.fromkeys(row[i].strip() for _, i in parts for row in body if i < len(row) and row[i].strip())
        options = tuple(sorted(answers, key=_grid_order))
        question = Question(
            f"form:{normalise_key(text)}"[:60],
            " ".join(text.split()),
            "grid",
            options,
            rows=tuple(part for part, _ in parts),
            from_form_only=True,
        )
        extra.append(question)
        columns.update({i: (question, part) for part, i in parts})
    records = []
    for offset, cells in enumerate(body):
        row = offset + 2
        if not any(c.strip() for c in cells):
            continue
        day = parse_date(cells[0], day_first) if cells else None
        if day is None:
            issues.append(
                DataIssue(
                    tab, row, header[0], cells[0] if cells else "", "no readable Timestamp — this response is left out"
                )
            )
            continue
        round_cell = cells[round_column].strip() if round_column is not None and round_column < len(cells) else ""
        round_name = " ".join(round_cell.split()) or rounds.round_on(day)
        response = f"form-row-{row}"
        for index, (question, part) in columns.items():
            cell = cells[index].strip() if index < len(cells) else ""
            if not cell:
                continue
            if question.type == "scale":
                match = re.match(r"^\s*(\d+)", cell)
                if not match or int(match[1]) not in SCALE_VALUES:
                    issues.append(DataIssue(tab, row, header[index], cell, "expected 1 to 5 — this answer is left out"))
                    continue
                cell = match[1]
            answer_key = f"{response}/{question.id}" + (f"/{part}" if part else "")
            records.append(
                (answer_key, response, response, 1, round_name, day.isoformat(), question.id, part, cell, False)
            )
    frame = pd.DataFrame(records, columns=list(ANSWER_COLUMNS)) if records else empty_answers()
    return frame, extra


def _grid_order(answer: str) -> tuple:
    """A grid's answers in a sensible order: numbers as numbers (1 … 5), then words as they first came."""
    number = re.match(r"^\s*(\d+)", answer)
    return (0, int(number[1]), answer) if number else (1, 0, "")


def latest_responses(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Each session's latest response in each round (highest Edit, then the later one); how many were replaced."""
    if frame.empty:
        return frame.reset_index(drop=True), 0
    frame = frame.reset_index(drop=True)
    frame = frame.assign(_order=range(len(frame)))
    responses = frame.groupby("response", sort=False).agg(
        round=("round", "first"), session=("session", "first"), edit=("edit", "max"), order=("_order", "max")
    )
    latest = responses.sort_values(["edit", "order"], kind="stable").groupby(["round", "session"], sort=False).tail(1)
    kept = frame[frame["response"].isin(latest.index)]
    # A hand-edited Sheet may hold one question twice in a response: the later row wins.
    kept = kept.drop_duplicates(["response", "question", "part"], keep="last")
    return kept.drop(columns="_order").reset_index(drop=True), len(responses) - len(latest)


# -- rounds over answers --------------------------------------------------------------------------------


def round_order(rounds: Rounds, answers: pd.DataFrame) -> list[str]:
    """Every round known, oldest first: started rounds by their start, others by their first answer's day."""
    first_day = _first_days(answers)
    keys: dict[str, tuple[str, int]] = {}
    for position, (name, started) in enumerate(rounds.started):
        keys[name] = (started.isoformat() if started else first_day.get(name, "9999"), position)
    for name in answers["round"].unique():
        keys.setdefault(name, (first_day.get(name, "9999"), 1_000_000))
    keys.setdefault(rounds.current, ("9999-99", 2_000_000))
    return sorted(keys, key=lambda name: keys[name])


def previous_round(rounds: Rounds, answers: pd.DataFrame, current: str | None = None) -> str | None:
    """The latest round before `current` (default: the current round) that has answers."""
    current = current or rounds.current
    order = round_order(rounds, answers)
    answered = set(answers["round"])
    before = order[: order.index(current)] if current in order else order
    earlier = [name for name in before if name in answered]
    return earlier[-1] if earlier else None


def response_count(answers: pd.DataFrame, round_name: str) -> int:
    return int(answers.loc[answers["round"] == round_name, "response"].nunique())


def in_round(answers: pd.DataFrame, round_name: str) -> pd.DataFrame:
    return answers[answers["round"] == round_name]


def answers_of(answers: pd.DataFrame, session: str, round_name: str) -> dict[str, str]:
    """A session's latest answers in a round (question ID -> cell), to fill the form in again."""
    mine = answers[(answers["session"] == session) & (answers["round"] == round_name)]
    return dict(zip(mine["question"], mine["answer"]))


def next_edit(answers_frame: pd.DataFrame, session: str, round_name: str) -> int:
    """The Edit number for a session's next submission in a round."""
    mine = answers_frame.loc[(answers_frame["session"] == session) & (answers_frame["round"] == round_name), "edit"]
    return int(mine.max()) + 1 if len(mine) else 1


# -- results --------------------------------------------------------------------------------------------


def scale_distribution(frame: pd.DataFrame, question: Question) -> pd.DataFrame:
    """value (1–5), label, count, share of those who answered; every value present, zeros included."""
    values = pd.to_numeric(frame.loc[frame["question"] == question.id, "answer"], errors="coerce")
    values = values[values.isin(SCALE_VALUES)].astype("int64")
    counts = values.value_counts().reindex(list(SCALE_VALUES), fill_value=0)
    total = int(counts.sum())
    return pd.DataFrame(
        {
            "value": pd.Series(list(SCALE_VALUES), dtype="int64"),
            "label": [str(v) for v in SCALE_VALUES],
            "count": counts.to_numpy(dtype="int64"),
            "share": (counts / total).to_numpy(dtype="float64") if total else [0.0] * len(SCALE_VALUES),
        }
    )


def scale_mean(frame: pd.DataFrame, question: Question) -> float | None:
    values = pd.to_numeric(frame.loc[frame["question"] == question.id, "answer"], errors="coerce")
    values = values[values.isin(SCALE_VALUES)]
    return float(values.mean()) if len(values) else None


def choice_distribution(frame: pd.DataFrame, question: Question) -> pd.DataFrame:
    """option, count, share of those who answered (a multi question's shares can add up to more than 100 %).

    Every option is listed, zeros included; answers outside the options (a Form's
    "Other", an option since removed) are counted under "Other".
    """
    cells = frame.loc[frame["question"] == question.id, "answer"]
    counts: Counter[str] = Counter()
    for cell in cells:
        if question.type == "multi":
            known, others = parse_multi(cell, question.choices)
            counts.update(known)
            if others:
                counts["Other"] += 1
        else:
            match = next((o for o in question.choices if o.casefold() == cell.casefold()), None)
            counts[match or "Other"] += 1
    options = list(question.choices) + (["Other"] if counts.get("Other") and "Other" not in question.choices else [])
    total = len(cells)
    return pd.DataFrame(
        {
            "option": pd.Series(options, dtype="str"),
            "count": pd.Series([counts.get(o, 0) for o in options], dtype="int64"),
            "share": pd.Series([counts.get(o, 0) / total if total else 0.0 for o in options], dtype="float64"),
        }
    )


def text_answers(frame: pd.DataFrame, question: Question, hidden: Iterable[str] = ()) -> pd.DataFrame:
    """answer_id, text, hidden — in an order that doesn't follow arrival, so nobody is given away by when they sent it."""
    hidden = set(hidden)
    rows = frame.loc[(frame["question"] == question.id) & (frame["answer"] != ""), ["answer_id", "answer"]]
    result = pd.DataFrame({"answer_id": rows["answer_id"].astype("str"), "text": rows["answer"].astype("str")})
    result["hidden"] = result["answer_id"].isin(hidden).astype("bool")
    result["_key"] = result["answer_id"].map(lambda i: hashlib.sha256(i.encode()).hexdigest())
    return result.sort_values("_key").drop(columns="_key").reset_index(drop=True)


def frequent_words(texts: Iterable[str], top: int = 8, minimum: int = 2) -> pd.DataFrame:
    """word, count: how many answers use each word (once per answer), the most used first; words used fewer than `minimum` times are left out."""
    counts: Counter[str] = Counter()
    for text in texts:
        words = {w.casefold().replace("’", "'") for w in WORD.findall(str(text))}
        counts.update(w for w in words if len(w) >= 3 and w not in STOP_WORDS)
    best = [(w, c) for w, c in sorted(counts.items(), key=lambda item: (-item[1], item[0])) if c >= minimum][:top]
    return pd.DataFrame(
        {"word": pd.Series([w for w, _ in best], dtype="str"), "count": pd.Series([c for _, c in best], dtype="int64")}
    )


@dataclass(frozen=True)
class Breakdown:
    groups: tuple[str, ...]  # shown, largest first
    frame: pd.DataFrame  # the round's answers with a "group" column, only rows of shown groups
    withheld_groups: int  # groups with answers that are not shown
    withheld_answers: int  # responses not in a shown group (team not given included)


def team_breakdown(frame: pd.DataFrame, team_question: Question | None, threshold: int) -> Breakdown:
    """The round's answers split by the team each response gave, keeping only groups the anonymity rule allows."""
    empty = Breakdown((), frame.iloc[0:0].assign(group=pd.Series([], dtype="str")), 0, int(frame["response"].nunique()))
    if team_question is None or frame.empty:
        return empty
    teams = frame.loc[frame["question"] == team_question.id].drop_duplicates("response").set_index("response")["answer"]
    responses = pd.Series(frame["response"].unique())
    group_of = responses.map(teams).fillna("")
    sizes = group_of[group_of != ""].value_counts().to_dict()
    ungrouped = int((group_of == "").sum())
    shown = shown_groups(sizes, threshold, ungrouped)
    withheld = sum(size for name, size in sizes.items() if name not in shown) + ungrouped
    grouped = frame.assign(group=frame["response"].map(teams).fillna("").astype("str"))
    grouped = grouped[grouped["group"].isin(shown)]
    return Breakdown(tuple(shown), grouped, len([n for n in sizes if n not in shown]), int(withheld))


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    answered: int
    distribution: (
        pd.DataFrame
    )  # group, + value/label or option, count, share (groups: the round, the previous round, teams)
    mean: float | None = None
    previous_mean: float | None = None
    previous_answered: int = 0
    texts: pd.DataFrame = field(default_factory=pd.DataFrame)
    words: pd.DataFrame = field(default_factory=pd.DataFrame)
    group_means: dict[str, float] = field(default_factory=dict)


def answered_responses(frame: pd.DataFrame, question: Question) -> int:
    """How many responses answered `question` (a grid's rows count once per response)."""
    return int(frame.loc[frame["question"] == question.id, "response"].nunique())


def question_result(
    question: Question,
    current: pd.DataFrame,
    previous: pd.DataFrame | None,
    labels: tuple[str, str | None],
    breakdown: Breakdown | None = None,
    hidden: Iterable[str] = (),
) -> QuestionResult:
    """Everything the results page draws for one question: the round, the previous round, and the allowed team groups."""
    round_label, previous_label = labels
    answered = int((current["question"] == question.id).sum())
    previous_answered = int((previous["question"] == question.id).sum()) if previous is not None else 0
    if question.type == "text":
        texts = text_answers(current, question, hidden)
        return QuestionResult(
            question, answered, pd.DataFrame(), texts=texts, words=frequent_words(texts.loc[~texts["hidden"], "text"])
        )
    if question.type == "grid":
        # One question with rows: each row's answers as one group of bars (rows compared, not rounds).
        rows = [
            choice_distribution(current[current["part"] == row], question).assign(group=row) for row in question.rows
        ]
        return QuestionResult(question, answered_responses(current, question), pd.concat(rows, ignore_index=True))
    distribute = scale_distribution if question.type == "scale" else choice_distribution
    parts = [distribute(current, question).assign(group=round_label)]
    if previous is not None and previous_label and previous_answered:
        parts.append(distribute(previous, question).assign(group=previous_label))
    group_means: dict[str, float] = {}
    if breakdown is not None and not question.is_team:
        for group in breakdown.groups:
            members = breakdown.frame[breakdown.frame["group"] == group]
            parts.append(distribute(members, question).assign(group=group))
            if question.type == "scale":
                mean = scale_mean(members, question)
                if mean is not None:
                    group_means[group] = mean
    distribution = pd.concat(parts, ignore_index=True)
    if question.type == "scale":
        previous_mean = scale_mean(previous, question) if previous is not None else None
        return QuestionResult(
            question,
            answered,
            distribution,
            scale_mean(current, question),
            previous_mean,
            previous_answered,
            group_means=group_means,
        )
    return QuestionResult(question, answered, distribution, previous_answered=previous_answered)


# -- for directors (issue 4): the room's mood as an aggregate ----------------------------------------------


def survey_sentiment(
    answers: pd.DataFrame, questions: Sequence[Question] | QuestionSet, threshold: int = 5, rounds: Rounds | None = None
) -> dict | None:
    """The latest round with at least `threshold` responses, as aggregates only; None when no round has that many.

    {"round", "responses", "day" (first answer, date only), "score" (mean of the scale
    questions' means, 1–5), "scales": {question text: {"mean", "positive" (share answering 4 or 5)}},
    "worth_sharing" (share answering Yes, when the `worth` question was asked),
    "previous": {"round", "responses", "score"} or None, "change" (score minus the previous score, or None)}.
    """
    if isinstance(questions, QuestionSet):
        questions = questions.questions
    threshold = effective_threshold(threshold)
    order = round_order(rounds, answers) if rounds is not None else _rounds_by_first_day(answers)
    eligible = [name for name in order if response_count(answers, name) >= threshold]
    if not eligible:
        return None

    def summary(name: str) -> dict:
        frame = in_round(answers, name)
        scales = {}
        for question in questions:
            if question.type != "scale":
                continue
            mean = scale_mean(frame, question)
            if mean is None:
                continue
            dist = scale_distribution(frame, question)
            scales[question.text] = {
                "mean": round(mean, 2),
                "positive": round(float(dist.loc[dist["value"] >= 4, "share"].sum()), 3),
            }
        worth = next((q for q in questions if q.id == "worth"), None)
        worth_share = None
        if worth is not None:
            dist = choice_distribution(frame, worth)
            if dist["count"].sum():
                worth_share = round(float(dist.loc[dist["option"].str.casefold() == "yes", "share"].sum()), 3)
        score = round(sum(s["mean"] for s in scales.values()) / len(scales), 2) if scales else None
        days = frame.loc[frame["day"] != "", "day"]
        return {
            "round": name,
            "responses": response_count(answers, name),
            "day": days.min() if len(days) else None,
            "score": score,
            "scales": scales,
            "worth_sharing": worth_share,
        }

    latest = summary(eligible[-1])
    previous = summary(eligible[-2]) if len(eligible) > 1 else None
    change = (
        round(latest["score"] - previous["score"], 2)
        if previous and latest["score"] is not None and previous["score"] is not None
        else None
    )
    return {
        **latest,
        "previous": {k: previous[k] for k in ("round", "responses", "score")} if previous else None,
        "change": change,
    }


def _first_days(answers: pd.DataFrame) -> dict[str, str]:
    """round -> its earliest answer's day ('9999' when none is dated), in the order rounds first appear."""
    first: dict[str, str] = {}
    for name, day in zip(answers["round"], answers["day"]):
        day = day or "9999"
        if name not in first or day < first[name]:
            first[name] = day
    return first


def _rounds_by_first_day(answers: pd.DataFrame) -> list[str]:
    first = _first_days(answers)
    # sorted() is stable: same first day, the round whose answers came first in the Sheet is the older one.
    return sorted(first, key=first.__getitem__)
