"""The KPI chart builders, read through their Vega-Lite spec (`to_dict()`)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from rally.monthly.charts import activity_outcomes_chart, kpi_trend_chart, team_contribution_chart
from rally.monthly.kpis import activity_and_outcomes, monthly_kpis, team_contribution, trend
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
    """Monthly bars of summed posts (or reach), coloured by team."""
    dataset = build_dataset(TABS)
    contribution = team_contribution(dataset.posts, dataset.staff, "2026-10")
    for measure in ("posts", "reach"):
        spec = team_contribution_chart(contribution, measure).to_dict()
        assert spec["mark"]["type"] == "bar"
        assert (spec["encoding"]["y"]["aggregate"], spec["encoding"]["y"]["field"]) == ("sum", measure)
        assert spec["encoding"]["color"]["field"] == "team"
    assert len(spec["datasets"][spec["data"]["name"]]) == 12 * 2
