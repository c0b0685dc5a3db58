"""The KPI chart builders, read through their Vega-Lite spec (`to_dict()`)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from rally.monthly.charts import (
    activity_outcomes_chart,
    kpi_trend_chart,
    kpi_trends_spec,
    team_contribution_chart,
    team_contribution_charts,
)
from rally.monthly.kpis import (
    activity_and_outcomes,
    kpi_trends,
    monthly_kpis,
    posting_began,
    scorecards,
    team_contribution,
    trend,
)
from rally.sheet.dataset import build_dataset

TODAY = date(2026, 11, 10)
TABS = {
    "Posts": [
        ["Date", "Name", "Team", "Platform", "Reach"],
        ["2026-09-03", "Maya Patel", "Sales", "LinkedIn", "300"],
        ["2026-10-05", "Leo Martin", "Engineering", "X", "200"],
    ],
    "KPIs": [["Month", "KPI", "Actual", "Target"]]
    + [
        [f"2026-{m:02d}", k, str(10 * m), str(10 * m + 5)]
        for m in range(1, 12)
        for k in ("Leads", "Company page followers", "Web traffic from social", "Sales")
    ],
}


def frame() -> pd.DataFrame:
    dataset = build_dataset(TABS)
    return monthly_kpis(dataset.kpis, dataset.posts, TODAY)


def test_the_trend_chart_draws_actual_target_and_the_selected_month():
    """Layers: a rule on the selected month, the target as a dashed step, the actual as a line with points, a marker."""
    spec = kpi_trend_chart(trend(frame(), "Leads", "2026-10"), "Leads", "2026-10").to_dict()
    rule, target, actual, marker = spec["layer"]
    assert spec["title"]["text"] == "Leads" and (spec["width"], spec["height"]) == (320, 190)
    assert rule["mark"]["type"] == "rule" and {"filter": {"equal": "2026-10", "field": "month"}} in rule["transform"]
    assert (
        target["mark"]["interpolate"] == "step"
        and target["mark"]["strokeDash"]
        and target["encoding"]["y"]["field"] == "target"
    )
    assert actual["mark"]["type"] == "line" and actual["mark"]["point"] and actual["encoding"]["y"]["field"] == "actual"
    assert actual["encoding"]["color"]["scale"]["domain"] == ["Actual", "Target"]
    assert (
        marker["mark"]["type"] == "point" and {"filter": {"equal": "2026-10", "field": "month"}} in marker["transform"]
    )
    values = spec["datasets"][spec["data"]["name"]]
    assert (
        len(values) == 12
        and values[-1]["month"] == "2026-10"
        and values[-1]["actual"] == 100
        and values[-1]["target"] == 105
    )


def test_the_trend_chart_can_leave_out_its_legend():
    """Small charts on a page say in words which line is which."""
    spec = kpi_trend_chart(trend(frame(), "Leads", "2026-10"), "Leads", "2026-10", legend=False).to_dict()
    assert spec["layer"][2]["encoding"]["color"]["legend"] is None


def test_activity_and_outcomes_share_one_time_axis_with_a_panel_each():
    """Posts and reach above traffic, followers and leads: rows of one facet, x shared, y independent."""
    series = activity_and_outcomes(frame(), "2026-10")
    spec = activity_outcomes_chart(series, "2026-10").to_dict()
    assert spec["facet"]["row"]["field"] == "series"
    assert spec["facet"]["row"]["sort"] == [
        "Number of posts",
        "Reach of posts",
        "Web traffic from social",
        "Company page followers",
        "Leads",
    ]
    assert spec["resolve"]["scale"] == {"y": "independent"} and "x" not in spec["resolve"]["scale"]
    line = spec["spec"]["layer"][1]
    assert line["encoding"]["x"]["field"] == "date" and line["encoding"]["color"]["scale"]["domain"] == [
        "Activity",
        "Outcome",
    ]
    kinds = {v["series"]: v["kind"] for v in spec["datasets"][spec["data"]["name"]]}
    assert kinds == {
        "Number of posts": "Activity",
        "Reach of posts": "Activity",
        "Web traffic from social": "Outcome",
        "Company page followers": "Outcome",
        "Leads": "Outcome",
    }


def test_without_the_three_outcomes_every_other_kpi_is_an_outcome():
    """A KPIs tab with its own names still gets the comparison."""
    tabs = {
        "Posts": TABS["Posts"],
        "KPIs": [["Month", "KPI", "Actual"], ["2026-10", "Demo requests", "12"], ["2026-10", "Sales", "3"]],
    }
    dataset = build_dataset(tabs)
    series = activity_and_outcomes(monthly_kpis(dataset.kpis, dataset.posts, TODAY), "2026-10")
    assert list(dict.fromkeys(series["series"])) == ["Number of posts", "Reach of posts", "Sales", "Demo requests"]


def test_team_contribution_stacks_each_teams_posts_per_month():
    """Monthly bars of summed posts (or reach), coloured by team, from the first post (September) on."""
    dataset = build_dataset(TABS)
    contribution = team_contribution(dataset.posts, dataset.staff, "2026-10")
    for measure in ("posts", "reach"):
        spec = team_contribution_chart(contribution, measure).to_dict()
        assert spec["mark"]["type"] == "bar"
        assert (spec["encoding"]["y"]["aggregate"], spec["encoding"]["y"]["field"]) == ("sum", measure)
        assert spec["encoding"]["color"]["field"] == "team"
    assert sorted({v["month"] for v in spec["datasets"][spec["data"]["name"]]}) == ["2026-09", "2026-10"]


def test_posts_and_reach_per_team_are_one_chart_with_one_legend():
    """The two stacked bars side by side in one spec, the teams' colours shared."""
    dataset = build_dataset(TABS)
    spec = team_contribution_charts(team_contribution(dataset.posts, dataset.staff, "2026-10")).to_dict()
    posts, reach = spec["hconcat"]
    assert (posts["encoding"]["y"]["field"], reach["encoding"]["y"]["field"]) == ("posts", "reach")
    assert spec["resolve"]["scale"]["color"] == "shared"


def test_every_kpis_trend_is_one_faceted_chart_in_the_scorecards_order():
    """A panel per KPI, three to a row, each with its own scale: the picture of the per-KPI chart, drawn once."""
    dataset = build_dataset(TABS)
    spec = kpi_trends_spec(dataset.kpis, dataset.posts, "2026-10", TODAY)
    cards = [c.kpi for c in scorecards(monthly_kpis(dataset.kpis, dataset.posts, TODAY), "2026-10", TODAY)]
    assert spec["facet"]["field"] == "kpi" and spec["facet"]["sort"] == cards and spec["columns"] == 3
    assert spec["resolve"]["scale"] == {"y": "independent"}
    rule, target, actual, marker = spec["spec"]["layer"]
    assert rule["mark"]["type"] == "rule" and target["mark"]["interpolate"] == "step" and actual["mark"]["point"]
    assert (
        marker["mark"]["type"] == "point" and {"filter": {"equal": "2026-10", "field": "month"}} in marker["transform"]
    )
    values = spec["datasets"][spec["data"]["name"]]
    assert len(values) == 12 * len(cards)


# fmt: off
@pytest.mark.parametrize(
    ("kpi", "month", "drawn"),
    [
        ("Number of posts", "2026-08", None),  # before the first post: nothing to draw, not a zero
        ("Reach of posts", "2026-08", None),
        ("Number of posts", "2026-09", 1.0),  # the series starts with the first post
        ("Number of posts", "2026-10", 1.0),
        ("Leads", "2026-08", 80.0),  # typed KPIs are drawn as typed, posts or not
    ],
)
# fmt: on
def test_posts_and_reach_start_with_the_first_post_in_every_chart(kpi, month, drawn):
    """Missing is not zero: months before anyone posted have no point on the trend, the sparkline or the activity chart."""
    frame_ = frame()
    assert posting_began(frame_) == "2026-09"
    points = dict(zip(kpi_trends(frame_, [kpi], "2026-10")["month"], kpi_trends(frame_, [kpi], "2026-10")["actual"]))
    value = points[month]
    assert (None if math.isnan(value) else value) == drawn
    activity = activity_and_outcomes(frame_, "2026-10")
    [shown] = activity[(activity["series"] == kpi) & (activity["month"] == month)]["value"].tolist() or [math.nan]
    assert kpi not in ("Number of posts", "Reach of posts") or (None if math.isnan(shown) else shown) == drawn
    [card] = [c for c in scorecards(frame_, "2026-10", TODAY) if c.kpi == kpi]
    assert card.spark[list(points).index(month)] == drawn


def test_without_any_post_the_posts_trend_is_empty_not_flat():
    """A Sheet with KPIs but no posts yet: nothing drawn for posts and reach, rather than a line along zero."""
    tabs = {"Posts": [TABS["Posts"][0]], "KPIs": TABS["KPIs"]}
    dataset = build_dataset(tabs)
    frame_ = monthly_kpis(dataset.kpis, dataset.posts, TODAY)
    assert posting_began(frame_) is None
    assert kpi_trends(frame_, ["Number of posts"], "2026-10")["actual"].isna().all()
    assert team_contribution(dataset.posts, dataset.staff, "2026-10").empty
