"""One week's meeting, computed once: the presenter's slides, the Leaderboard page and the digest all read it.

Keeping every figure in one object is what makes the digest reproduce the
numbers on the projector: both are drawn from the same `WeeklyMeeting`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

import pandas as pd

from rally.core.issues import DataIssue
from rally.core.week import Week, as_week
from rally.monthly.kpis import monthly_kpis
from rally.sheet.dataset import Dataset
from rally.sheet.health import all_issues
from rally.weekly.awards import Award, PostHistory, badges_by_person, badges_earned, creative_winners, weekly_awards
from rally.weekly.glance import WeekGlance, week_at_a_glance
from rally.weekly.hero import Hero, hero_of_the_week
from rally.weekly.highlights import Highlight, improvements, kpi_month, weekly_highlights
from rally.weekly.scoring import leaderboard, team_board
from rally.weekly.votes import tally as vote_tally
from rally.weekly.votes import vote_candidates


@dataclass(frozen=True)
class WeeklyMeeting:
    week: str
    start: date
    end: date
    glance: WeekGlance
    platforms: dict[str, int]  # platform -> posts this week, most first
    leaderboard: pd.DataFrame  # this week's people board (rally.weekly.scoring.leaderboard)
    teams: pd.DataFrame  # this week's team board
    awards: list[Award]
    badges: pd.DataFrame  # rally.weekly.awards.badges_earned
    hero: Hero | None
    highlights: list[Highlight]
    improve: list[str]
    candidates: pd.DataFrame  # the posts people may vote for
    tally: pd.DataFrame  # the most-creative vote so far
    issues: list[DataIssue] = field(default_factory=list)
    kpis: pd.DataFrame = field(default_factory=lambda: kpi_scorecards(pd.DataFrame(columns=KPI_CARD_COLUMNS), ""))

    def badges_for(self, person: str) -> list[str]:
        """["🎉 First post", …] for one person's card."""
        return badges_by_person(self.badges).get(person, [])

    def badge_icons(self, person: str) -> str:
        """ "🎉 🚀": the icons alone, for a card."""
        return " ".join(self.badges.loc[self.badges["person"] == person, "icon"])

    def badge_icon_column(self, people: pd.Series) -> list[str]:
        """badge_icons for each of `people` at once, for a table column (thousands of rows on a big company's board)."""
        icons = self.badges.groupby("person", sort=False)["icon"].agg(" ".join)
        return people.map(icons).fillna("").astype("str").tolist()


def platform_counts(posts: pd.DataFrame, week: str) -> dict[str, int]:
    counts = posts.loc[posts["week"] == week, "platform"].value_counts()
    return {str(k): int(v) for k, v in counts.items()}


KPI_CARD_COLUMNS = ["month", "kpi", "actual", "target"]


def kpi_scorecards(kpis: pd.DataFrame, week: str, today: date | None = None) -> pd.DataFrame:
    """The KPIs of the month the meeting reviews (the last full month by the week's end; else the latest month before it with KPIs).

    `kpis` is `rally.monthly.kpis.monthly_kpis(...)`: the KPIs tab with Number of posts and Reach of posts counted
    from the Posts tab, the same figures as the KPI pages. Columns: month, kpi, actual, target, met (actual ≥
    target; False without a target). Empty without KPI rows.
    """
    wanted = kpi_month(week, today) if week else ""
    months = (
        kpis.loc[(kpis["month"] <= wanted) & kpis["actual"].notna(), "month"] if wanted else kpis["month"].iloc[0:0]
    )
    if months.empty:
        return pd.DataFrame(
            {
                "month": pd.Series([], dtype="str"),
                "kpi": pd.Series([], dtype="str"),
                "actual": pd.Series([], dtype="float64"),
                "target": pd.Series([], dtype="float64"),
                "met": pd.Series([], dtype="bool"),
            }
        )
    rows = kpis[kpis["month"] == months.max()]
    return (
        pd.DataFrame(
            {
                "month": rows["month"],
                "kpi": rows["kpi"],
                "actual": rows["actual"],
                "target": rows["target"],
                "met": (rows["actual"] >= rows["target"]).fillna(False),
            }
        )
        .reset_index(drop=True)
        .astype({"met": "bool"})
    )


def weekly_meeting(
    dataset: Dataset, week: str, votes: pd.DataFrame | None = None, today: date | None = None
) -> WeeklyMeeting:
    """Everything the meeting shows for `week`; the vote is the dataset's Votes tab unless `votes` is given.

    `today` (the company's date) decides which month's KPIs the meeting reviews (`rally.weekly.highlights.kpi_month`).
    """
    week = as_week(week)
    posts, staff, settings = dataset.posts, dataset.staff, dataset.settings
    history = PostHistory(posts, settings)
    found = _celebrations(dataset, week, dataset.votes if votes is None else votes, today, history)
    start = as_week(week).start
    return WeeklyMeeting(
        week=week,
        start=start,
        end=start + timedelta(days=6),
        glance=week_at_a_glance(posts, week),
        platforms=platform_counts(posts, week),
        leaderboard=leaderboard(posts, staff, settings, "week", week),
        teams=team_board(posts, staff, settings, "week", week),
        awards=found.awards,
        badges=found.badges,
        hero=hero_of_the_week(posts, staff, dataset.notes, settings, week, history),
        highlights=found.highlights,
        improve=improvements(posts, dataset.notes, week),
        candidates=found.candidates,
        tally=found.tally,
        issues=all_issues(dataset),
        kpis=kpi_scorecards(found.monthly, week, today),
    )


def week_highlights(dataset: Dataset, week: str, today: date | None = None) -> list[Highlight]:
    """The meeting's Highlights for `week`, found as `weekly_meeting` finds them, without the rest of the meeting
    (the hero, the boards, the data's checks): This week lists them whole, and is the first page a server draws."""
    week = as_week(week)
    return _celebrations(dataset, week, dataset.votes, today, PostHistory(dataset.posts, dataset.settings)).highlights


class _Celebrations(NamedTuple):
    monthly: pd.DataFrame
    candidates: pd.DataFrame
    tally: pd.DataFrame
    awards: list[Award]
    badges: pd.DataFrame
    highlights: list[Highlight]


def _celebrations(
    dataset: Dataset, week: Week, votes: pd.DataFrame, today: date | None, history: PostHistory
) -> _Celebrations:
    """What the Highlights are made of: the month's KPIs, the vote, the awards and badges, and the Highlights."""
    posts, staff, settings = dataset.posts, dataset.staff, dataset.settings
    # The KPIs as the KPI pages show them (posts and reach counted), as of the meeting about this week.
    monthly = monthly_kpis(dataset.kpis, posts, min(today, week.end + timedelta(days=7)) if today else week.end)
    candidates = vote_candidates(posts, staff, week)
    tally = vote_tally(votes, candidates, week)
    awards = weekly_awards(posts, staff, settings, week, tally, history)
    badges = badges_earned(posts, staff, week, creative_winners(awards), history)
    highlights = weekly_highlights(
        posts, staff, dataset.notes, monthly, settings, week, history, badges, dataset.kudos, today
    )
    return _Celebrations(monthly, candidates, tally, awards, badges, highlights)
