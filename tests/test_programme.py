"""Programme health as aggregates: participation, posts per active person, training coverage, and the survey-sentiment hook."""

from __future__ import annotations

from datetime import date

import pytest

from rally.monthly.programme import format_share, programme_health, survey_sentiment
from rally.sheet.dataset import build_dataset

STAFF = [
    ["Name", "Team", "Trained"],
    ["Maya Patel", "Sales", "Platform mechanics, Analytics"],
    ["Leo Martin", "Engineering", "Platform mechanics"],
    ["Ana Ferreira", "Customer Success", ""],
    ["Ravi Menon", "Sales", ""],
]
POSTS = [
    ["Date", "Name", "Platform", "Reach"],
    ["2026-10-02", "Maya Patel", "LinkedIn", "500"],
    ["2026-10-09", "Maya Patel", "LinkedIn", "700"],
    ["2026-10-12", "Leo Martin", "X", ""],
    ["2026-10-20", "Sam Contractor", "LinkedIn", "100"],  # posts but has no Staff row
    ["2026-09-30", "Ana Ferreira", "LinkedIn", "900"],  # September: not October's
]


def test_programme_health_counts_people_posts_and_training_for_the_month():
    """Participation is people who posted ÷ staff; someone posting without a Staff row counts on both sides."""
    dataset = build_dataset({"Posts": POSTS, "Staff": STAFF})
    health = programme_health(dataset.posts, dataset.staff, "2026-10", data_issues=2)
    assert (health.people_posting, health.staff, health.posts, health.reach) == (3, 5, 4, 1300)
    assert health.participation == pytest.approx(3 / 5)
    assert health.posts_per_active_person == pytest.approx(4 / 3)
    assert (health.trained, health.staff_listed, health.training_coverage) == (2, 4, 0.5)
    assert health.module_coverage == {"Platform mechanics": 0.5, "Analytics": 0.25}
    assert health.data_issues == 2 and health.survey is None


def test_a_month_with_no_posts_has_no_posts_per_person():
    """Nobody posted: participation 0, posts per active person has no value rather than a division by zero."""
    dataset = build_dataset({"Posts": POSTS, "Staff": STAFF})
    health = programme_health(dataset.posts, dataset.staff, "2025-01")
    assert (health.participation, health.posts_per_active_person) == (0.0, None)


def test_no_staff_tab_means_posters_are_the_staff():
    """Without a Staff tab, participation is over the people who posted; training coverage is unknown."""
    dataset = build_dataset({"Posts": POSTS})
    health = programme_health(dataset.posts, dataset.staff, "2026-10")
    assert (health.participation, health.training_coverage) == (1.0, None)


@pytest.mark.parametrize(("share", "text"), [(0.7561, "76%"), (0.0, "0%"), (1.0, "100%"), (None, "—")])
def test_shares_are_written_as_whole_percentages(share, text):
    """Shares from 0 to 1 are shown as whole percentages."""
    assert format_share(share) == text


# --- survey sentiment: None until the survey exists ------------------------------------------------


def test_survey_sentiment_is_none_without_a_survey_tab():
    """No Survey tab, or one with only a header: directors see no sentiment line."""
    assert survey_sentiment(build_dataset({}).survey, "2026-10", threshold=5) is None
    header_only = {"Survey": [["ID", "Response", "Round", "Day", "Question ID", "Question", "Answer"]]}
    assert survey_sentiment(build_dataset(header_only).survey, "2026-10") is None


def test_survey_sentiment_reads_the_demo_round_the_survey_feature_wrote():
    """The demo's opening round (22 answers) gives a mean 1–5 score for the month it was answered in, and nothing before it."""
    from rally.demo.survey import survey_demo_tabs

    today = date(2026, 11, 30)
    survey = build_dataset(survey_demo_tabs(today), today=today).survey
    result = survey_sentiment(survey, "2026-11", threshold=5)
    assert result is not None and result.answers >= 5 and 1 <= result.average <= 5
    assert survey_sentiment(survey, "2026-01", threshold=5) is None
