"""Programme health for a month, as aggregates only: participation, posts per active person, training, sentiment.

This is what directors see next to the KPIs. Nothing here names a person: every
figure is a count or a share over the whole company.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from rally.core.activity import post_months
from rally.core.months import month_days, month_of
from rally.core.parsing import parse_date
from rally.sheet.dataset import SurveyData
from rally.survey.answers import survey_sentiment as sentiment_of

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


def programme_health(
    posts: pd.DataFrame, staff: pd.DataFrame, month: str, data_issues: int = 0, survey: SurveySentiment | None = None
) -> ProgrammeHealth:
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
        module_coverage={m: n / len(listed) for m, n in sorted(modules.items(), key=lambda item: (-item[1], item[0]))}
        if listed
        else {},
        survey=survey,
        data_issues=data_issues,
    )


def format_share(value: float | None) -> str:
    """0.6098 -> '61%'; None -> '—'."""
    return "—" if value is None else f"{value * 100:.0f}%"


# --- survey sentiment: read by the survey feature's own rules ---------------------------------------


def survey_sentiment(survey: SurveyData | None, month: str, threshold: int = 5) -> SurveySentiment | None:
    """The mean 1–5 answer of the latest survey round big enough to report, counting only answers given by the month's end.

    The survey's own reading (rounds, one response per person and round, Google Forms, the anonymity
    threshold). A later round never changes a month's figure: what directors saw for November stays.
    None when there is no survey or no round had `threshold` responses by then (directors then see no
    sentiment line at all); `month` on the result says when the round was answered (an earlier month
    when the month itself had no round).
    """
    if survey is None:
        return None
    last_day = month_days(month)[1].isoformat()
    answers = survey.answers.frame
    by_then = answers[(answers["day"] != "") & (answers["day"] <= last_day)]
    result = sentiment_of(by_then, survey.answers.questions, threshold, survey.rounds)
    if result is None or result.get("score") is None:
        return None
    day = parse_date(result["day"]) if result.get("day") else None
    answered_in = month_of(day) if day else month
    return SurveySentiment(answered_in, int(result["responses"]), float(result["score"]), threshold)
