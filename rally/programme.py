"""Programme health for a month, as aggregates only: participation, posts per active person, training, sentiment.

This is what directors see next to the KPIs. Nothing here names a person: every
figure is a count or a share over the whole company.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from rally.contract import normalise_key
from rally.kpis import post_months
from rally.months import parse_month
from rally.parsing import parse_date

SURVEY_TAB = "Survey"
SCALE = (1, 5)


@dataclass(frozen=True)
class SurveySentiment:
    """The average 1–5 answer of the month's survey (or the latest survey before it)."""

    month: str  # the month the answers were given in
    answers: int  # responses counted
    average: float | None  # None when fewer responses than the anonymity threshold
    threshold: int


@dataclass(frozen=True)
class ProgrammeHealth:
    month: str
    staff: int  # people on the Staff tab, plus anyone who posted this month without a Staff row
    people_posting: int
    posts: int
    reach: float
    trained: int  # staff with at least one training module
    staff_listed: int  # people on the Staff tab (training coverage's denominator)
    module_coverage: dict[str, float]  # module -> share of staff trained in it (0–1)
    survey: SurveySentiment | None
    data_issues: int

    @property
    def participation(self) -> float | None:
        """People who posted ÷ staff (0–1)."""
        return self.people_posting / self.staff if self.staff else None

    @property
    def posts_per_active_person(self) -> float | None:
        return self.posts / self.people_posting if self.people_posting else None

    @property
    def training_coverage(self) -> float | None:
        """Staff trained in at least one module ÷ staff on the Staff tab (0–1)."""
        return self.trained / self.staff_listed if self.staff_listed else None


def programme_health(posts: pd.DataFrame, staff: pd.DataFrame, month: str, data_issues: int = 0, survey: SurveySentiment | None = None) -> ProgrammeHealth:
    """The month's programme figures over the whole company."""
    in_month = posts[post_months(posts) == month]
    posters = set(in_month["person"])
    listed = set(staff["person"])
    trained = staff[staff["trained"].map(len) > 0]
    modules: dict[str, int] = {}
    for taken in staff["trained"]:
        for module in taken:
            modules[module] = modules.get(module, 0) + 1
    return ProgrammeHealth(
        month=month,
        # Someone who posts without a Staff row is still staff: counted, so participation never passes 100 %.
        staff=len(listed | posters),
        people_posting=len(posters),
        posts=len(in_month),
        reach=float(in_month["reach"].sum()),
        trained=len(trained),
        staff_listed=len(listed),
        module_coverage={m: n / len(listed) for m, n in sorted(modules.items(), key=lambda item: (-item[1], item[0]))} if listed else {},
        survey=survey,
        data_issues=data_issues,
    )


def format_share(value: float | None) -> str:
    """0.6098 -> '61%'; None -> '—'."""
    return "—" if value is None else f"{value * 100:.0f}%"


# --- survey sentiment: the hook for the survey feature --------------------------------------------


def survey_sentiment(tabs: dict[str, list[list[str]]], month: str, threshold: int = 5) -> SurveySentiment | None:
    """The survey's average 1–5 answer for `month` (or the latest month before it that has answers).

    None when the Sheet has no Survey tab, or nothing on it reads as a 1–5 answer:
    directors then see no sentiment line at all. Reads both shapes a Survey tab can
    have: one row per response with a column per question (Rally's form or a Google
    Form's responses tab), or one row per answer with Question and Answer columns.
    Responses are counted once per ID (Response ID / ID) when the tab has one; a resubmission replaces the earlier row.
    Fewer responses than `threshold` give an average of None (never shown).
    """
    title = next((t for t in tabs if normalise_key(t) == normalise_key(SURVEY_TAB)), None)
    if title is None or len(tabs[title]) < 2:
        return None
    header, *rows = tabs[title]
    keys = [normalise_key(h) for h in header]
    width = len(header)
    frame = pd.DataFrame([(list(r) + [""] * width)[:width] for r in rows], columns=range(width)).astype("str")
    months = _answer_months(frame, keys)
    if months is None:
        return None
    ids = next((frame[keys.index(k)] for k in ("responseid", "id") if k in keys), None)
    long_format = "answer" in keys  # one row per answer: a response spans several rows
    scale = _scale_answers(frame, keys)
    if scale is None:
        return None
    answers = pd.DataFrame({"month": months, "response": ids if ids is not None else pd.Series(range(len(frame)), dtype="str"), "score": scale})
    answers = answers[(answers["month"] != "") & (answers["month"] <= month) & answers["score"].notna()]
    if answers.empty:
        return None
    latest = answers["month"].max()
    chosen = answers[answers["month"] == latest]
    if not long_format:
        chosen = chosen.drop_duplicates("response", keep="last")  # a resubmission replaces the earlier answer
    responses = chosen["response"].nunique()
    average = float(chosen.groupby("response")["score"].mean().mean()) if responses >= threshold else None
    return SurveySentiment(latest, int(responses), average, threshold)


def _answer_months(frame: pd.DataFrame, keys: list[str]) -> pd.Series | None:
    """Each answer's month: from a date column (no finer than the day is ever stored), else a round like '2026-11 opening'."""
    for key in ("date", "day", "submitted", "timestamp", "answeredon"):
        if key in keys:
            return frame[keys.index(key)].map(_month_of_day)
    if "round" in keys:
        return frame[keys.index("round")].map(lambda text: parse_month(text.split(" ")[0]) if text.strip() else "")
    return None


def _month_of_day(text: str) -> str:
    day = parse_date(text)
    return f"{day:%Y-%m}" if day else ""


def _scale_answers(frame: pd.DataFrame, keys: list[str]) -> pd.Series | None:
    """The mean 1–5 answer on each row; None when no column (or Answer cell) holds scale answers only."""
    if "answer" in keys:
        values = pd.to_numeric(frame[keys.index("answer")], errors="coerce")
        scale = values.where(values.between(*SCALE) & (values == values.round()))
        return scale if scale.notna().any() else None
    skip = {"id", "responseid", "round", "date", "day", "submitted", "timestamp", "answeredon", "team", "token", "session"}
    columns = []
    for index, key in enumerate(keys):
        if key in skip:
            continue
        cells = frame[index].str.strip()
        filled = cells[cells != ""]
        values = pd.to_numeric(filled, errors="coerce")
        if len(filled) and values.notna().all() and values.between(*SCALE).all() and (values == values.round()).all():
            columns.append(pd.to_numeric(cells, errors="coerce"))
    if not columns:
        return None
    mean = pd.concat(columns, axis=1).mean(axis=1)
    return mean.where(mean.map(lambda v: not math.isnan(v)))
