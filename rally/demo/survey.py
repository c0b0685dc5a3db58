"""The demo company's survey history: last month's opening round (answered, results shown) and a few ideas.

So the demo's results page has something to compare a new round with, its team
breakdown shows the anonymity rule at work (two teams shown, three too small), and
the "Over to you" slide has ideas. A function of the week only, like rally.demo.company.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from rally.core.contract import IDEAS, MODERATION, SURVEY, SURVEY_ROUNDS
from rally.demo.company import DEMO_TEAMS
from rally.survey.answers import SHOW, START, response_rows, round_action_row, session_code
from rally.survey.moderation import moderation_row
from rally.survey.questions import DEFAULT_QUESTIONS, QuestionSet

DEMO_NAMESPACE = uuid.UUID("0c6f9a53-3f1e-4d55-8a0e-5d2f0b4f7a21")
# Team sizes of the answers: Sales and Engineering pass the anonymity rule; the rest do not, alone.
TEAM_ANSWERS = {"Sales": 7, "Engineering": 6, "Customer Success": 4, "Marketing": 3, "Operations": 1, "": 1}
IDEAS_TEXT = (
    "More short videos from the people who build the product",
    "A shared folder of photos we are allowed to use",
    "Celebrate first posts in the weekly meeting",
    "Post about the charity run",
    "A monthly list of customer stories we may talk about",
)
BETTER_TEXT = (
    "More video, fewer stock photos",
    "Short training on LinkedIn basics",
    "Share customer stories, not only product news",
    "Ready-made posts we can adapt in our own words",
    "Celebrate people who post, even small things",
    "Training on what we are allowed to say",
    "Post about the team behind the product",
    "Behind-the-scenes video from engineering",
    "A weekly list of things worth sharing",
    "Less corporate language",
    "Time in the week to actually do it",
    "Show the analytics so we see what works",
    "asdfgh",  # hidden by the facilitator in the demo
)


def survey_demo_tabs(today: dt.date) -> dict[str, list[list[str]]]:
    """Survey, Survey Rounds, Moderation and Ideas tabs as the Sheets API returns them."""
    monday = today - dt.timedelta(days=today.weekday())
    meeting = monday - dt.timedelta(weeks=4)
    round_name = f"{meeting:%Y-%m} opening"
    rng = random.Random(f"rally-survey-demo-{meeting.isoformat()}")
    teams = [team for team, count in TEAM_ANSWERS.items() for _ in range(count)]
    rng.shuffle(teams)
    questions = QuestionSet(
        tuple(q if not q.is_team else type(q)(q.id, q.text, q.type, DEMO_TEAMS) for q in DEFAULT_QUESTIONS)
    )
    survey_rows: list[dict[str, str]] = []
    hidden_answer = ""
    texts = list(BETTER_TEXT)
    rng.shuffle(texts)
    for n, team in enumerate(teams):
        token = f"demo-session-{n}"
        session = session_code(token, round_name)
        answers = _answers(rng, team, texts[n] if n < len(texts) else "")
        if n == 3:  # one person changed their mind: their first answers are replaced by the second
            first = {**answers, "confidence": "1"}
            survey_rows += response_rows(
                first,
                questions,
                response_id=_id(f"{meeting}-{n}-a"),
                session=session,
                round_name=round_name,
                day=meeting,
                edit=1,
            )
        rows = response_rows(
            answers,
            questions,
            response_id=_id(f"{meeting}-{n}"),
            session=session,
            round_name=round_name,
            day=meeting,
            edit=1 if n != 3 else 2,
        )
        survey_rows += rows
        if answers.get("better") == "asdfgh":
            hidden_answer = next(r["ID"] for r in rows if r["Question ID"] == "better")
    rounds = [round_action_row(START, round_name, 1, meeting), round_action_row(SHOW, round_name, 2, meeting)]
    moderation = [moderation_row(SURVEY.name, hidden_answer, "hide", 1, meeting)] if hidden_answer else []
    ideas = [
        {"Day": (monday - dt.timedelta(days=3 * (len(IDEAS_TEXT) - i))).isoformat(), "Idea": text}
        for i, text in enumerate(IDEAS_TEXT)
    ]
    return {
        SURVEY.name: _tab(SURVEY.header, survey_rows, "survey"),
        SURVEY_ROUNDS.name: _tab(SURVEY_ROUNDS.header, rounds, "round"),
        MODERATION.name: _tab(MODERATION.header, moderation, "moderation"),
        IDEAS.name: _tab(IDEAS.header, ideas, f"idea-{meeting}"),
    }


def _answers(rng: random.Random, team: str, better: str) -> dict[str, str]:
    passion = rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 5, 6, 4])[0]
    confidence = rng.choices([1, 2, 3, 4, 5], weights=[4, 6, 5, 3, 1])[0]
    platforms = [
        p
        for p, chance in (("LinkedIn", 0.9), ("X/Twitter", 0.3), ("Facebook", 0.4), ("Instagram", 0.45), ("Blog", 0.1))
        if rng.random() < chance
    ] or ["None"]
    support = [
        s
        for s, chance in (
            ("How the platforms work", 0.45),
            ("What to say about the company", 0.4),
            ("Finding the time", 0.35),
            ("Reading the analytics", 0.2),
        )
        if rng.random() < chance
    ] or ["None"]
    answers = {
        "passion": str(passion),
        "confidence": str(confidence),
        "worth": rng.choices(["Yes", "Sometimes", "No"], weights=[4, 4, 2])[0],
        "platforms": "; ".join(platforms),
        "support": "; ".join(support),
    }
    if better:
        answers["better"] = better
    if team:
        answers["team"] = team
    return answers


def _id(text: str) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, text))


def _tab(header: list[str], rows: list[dict[str, str]], prefix: str) -> list[list[str]]:
    """Rows in header order; rows without an ID get a stable one."""
    out = [list(header)]
    for n, row in enumerate(rows):
        cells = {"ID": row.get("ID") or _id(f"{prefix}-{n}"), **row}
        out.append([cells.get(column, "") for column in header])
    return out
