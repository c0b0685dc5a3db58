"""Chart builders for the monthly KPIs: each returns an Altair chart, so tests can read `chart.to_dict()`.

The same builders draw the KPI page, the directors' view and the monthly report
(exported there to SVG/PNG), so every place shows the same picture.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

from rally.monthly.kpis import activity_and_outcomes, kpi_trends, monthly_kpis, scorecards, team_contribution

ACTUAL_COLOUR = "#0B5FFF"
TARGET_COLOUR = "#6B7280"
SELECTED_COLOUR = "#E8590C"
ACTIVITY_COLOUR = "#0B5FFF"
OUTCOME_COLOUR = "#0F9D58"
MONTH_AXIS = alt.Axis(format="%b %y", labelAngle=0, tickCount="month", grid=False)
# 1200 -> 1.2k, but 0 stays 0 and 40 stays 40 (d3's "~s" alone writes 0 as "0k" next to thousands).
COMPACT_LABELS = "abs(datum.value) >= 1000 ? format(datum.value, '.3~s') : format(datum.value, ',')"


def kpi_trend_chart(
    trend: pd.DataFrame, kpi: str, selected_month: str, width: int | str = 320, height: int = 190, legend: bool = True
) -> alt.LayerChart:
    """Twelve months of one KPI: the actual as a line, the target as a dashed step, the selected month marked.

    `trend` comes from `rally.monthly.kpis.trend` (month, date, actual, target; missing figures stay NaN).
    Without `legend`, the page says in words which line is which (a legend per small chart eats its height).
    """
    base = alt.Chart()  # the data sits once on the layer, not on each of its four charts
    x = alt.X("yearmonth(date):T", title=None, axis=MONTH_AXIS)
    legend = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=["Actual", "Target"], range=[ACTUAL_COLOUR, TARGET_COLOUR]),
        legend=alt.Legend(orient="top", direction="horizontal") if legend else None,
    )
    tooltip = [
        alt.Tooltip("yearmonth(date):T", title="Month", format="%B %Y"),
        alt.Tooltip("actual:Q", title="Actual", format=",.0f"),
        alt.Tooltip("target:Q", title="Target", format=",.0f"),
    ]
    selected, target, actual, marker = _trend_layers(
        base, x, legend, tooltip, selected_month, alt.Axis(labelExpr=COMPACT_LABELS), point=36, marker=140
    )
    return alt.layer(
        selected, target, actual, marker, data=trend, title=alt.Title(kpi, anchor="start", fontSize=14)
    ).properties(width=width, height=height)


def _trend_layers(
    base: alt.Chart,
    x: alt.X,
    colour: alt.Color,
    tooltip: list,
    selected_month: str,
    axis: alt.Axis,
    point: int,
    marker: int,
) -> tuple[alt.Chart, alt.Chart, alt.Chart, alt.Chart]:
    """A trend's four layers: the selected month's rule, the target as a dashed step, the actual line, its marker."""
    target = (
        base.transform_filter("isValid(datum.target)")
        .transform_calculate(series="'Target'")
        # "step" centres each month's level on its point, so the last month's target shows too.
        .mark_line(interpolate="step", strokeDash=[5, 4], strokeWidth=2)
        .encode(x=x, y=alt.Y("target:Q", title=None), color=colour, tooltip=tooltip)
    )
    actual = (
        base.transform_filter("isValid(datum.actual)")
        .transform_calculate(series="'Actual'")
        .mark_line(point=alt.OverlayMarkDef(size=point), strokeWidth=2.5)
        .encode(x=x, y=alt.Y("actual:Q", title=None, axis=axis), color=colour, tooltip=tooltip)
    )
    chosen = base.transform_filter(alt.FieldEqualPredicate(field="month", equal=selected_month))
    selected = chosen.mark_rule(color=SELECTED_COLOUR, strokeWidth=2, opacity=0.5).encode(x=x)
    dot = (
        chosen.transform_filter("isValid(datum.actual)")
        .mark_point(color=SELECTED_COLOUR, size=marker, filled=True)
        .encode(x=x, y="actual:Q", tooltip=tooltip)
    )
    return selected, target, actual, dot


def kpi_trends_chart(
    trends: pd.DataFrame, selected_month: str, columns: int = 3, panel_width: int = 220, panel_height: int = 130
) -> alt.FacetChart:
    """Twelve months of every KPI in one chart: a panel per KPI (`columns` to a row), each with its own scale.

    The same picture as `kpi_trend_chart` (actual line, dashed target step, the selected month marked), drawn
    as one faceted spec: the browser lays out and draws one chart instead of one per KPI.
    `trends` comes from `rally.monthly.kpis.kpi_trends` (kpi, month, date, actual, target; missing stays NaN).
    """
    order = list(dict.fromkeys(trends["kpi"]))
    x = alt.X("yearmonth(date):T", title=None, axis=alt.Axis(format="%b", labelAngle=0, tickCount="month", grid=False))
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=["Actual", "Target"], range=[ACTUAL_COLOUR, TARGET_COLOUR]),
        legend=alt.Legend(orient="top", direction="horizontal"),
    )
    tooltip = [
        alt.Tooltip("kpi:N", title="KPI"),
        alt.Tooltip("yearmonth(date):T", title="Month", format="%B %Y"),
        alt.Tooltip("actual:Q", title="Actual", format=",.0f"),
        alt.Tooltip("target:Q", title="Target", format=",.0f"),
    ]
    selected, target, actual, marker = _trend_layers(
        alt.Chart(),
        x,
        colour,
        tooltip,
        selected_month,
        alt.Axis(labelExpr=COMPACT_LABELS, tickCount=4),
        point=30,
        marker=110,
    )
    header = alt.Header(
        title=None, labelAlign="left", labelAnchor="start", labelFontSize=13, labelFontWeight="bold", labelOrient="top"
    )
    panel = alt.layer(selected, target, actual, marker).properties(width=panel_width, height=panel_height)
    return panel.facet(
        data=trends,
        facet=alt.Facet("kpi:N", sort=order, header=header),
        columns=columns,
        spacing={"row": 14, "column": 18},
    ).resolve_scale(y="independent")


def activity_outcomes_chart(
    series: pd.DataFrame, selected_month: str, width: int | str = 640, panel_height: int = 70
) -> alt.FacetChart:
    """Posting activity (posts, reach) above the outcomes (traffic, followers, leads): one panel each, one shared month axis.

    `series` comes from `rally.monthly.kpis.activity_and_outcomes` (month, date, series, kind, value).
    Each panel has its own y scale: the question is whether the lines move together, not their size.
    """
    order = list(dict.fromkeys(series["series"]))
    x = alt.X("yearmonth(date):T", title=None, axis=MONTH_AXIS)
    colour = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=["Activity", "Outcome"], range=[ACTIVITY_COLOUR, OUTCOME_COLOUR]),
        legend=alt.Legend(orient="top", direction="horizontal"),
    )
    line = (
        alt.Chart()
        .transform_filter("isValid(datum.value)")
        .mark_line(point=alt.OverlayMarkDef(size=25), strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y("value:Q", title=None, axis=alt.Axis(labelExpr=COMPACT_LABELS, tickCount=3)),
            color=colour,
            tooltip=[
                alt.Tooltip("series:N", title="KPI"),
                alt.Tooltip("yearmonth(date):T", title="Month", format="%B %Y"),
                alt.Tooltip("value:Q", title="Value", format=",.0f"),
            ],
        )
    )
    selected = (
        alt.Chart()
        .transform_filter(alt.FieldEqualPredicate(field="month", equal=selected_month))
        .mark_rule(color=SELECTED_COLOUR, strokeWidth=2, opacity=0.6)
        .encode(x=x)
    )
    panel = alt.layer(selected, line).properties(width=width, height=panel_height)
    header = alt.Header(
        title=None,
        labelAngle=0,
        labelAlign="left",
        labelAnchor="start",
        labelFontSize=12,
        labelFontWeight="bold",
        labelOrient="top",
    )
    return panel.facet(data=series, row=alt.Row("series:N", sort=order, header=header), spacing=6).resolve_scale(
        y="independent"
    )


def team_contribution_chart(
    contribution: pd.DataFrame, measure: str = "posts", width: int | str = 420, height: int = 240
) -> alt.Chart:
    """Stacked monthly bars of posts (or reach) by team, from `rally.monthly.kpis.team_contribution`."""
    title = {"posts": "Posts per team", "reach": "Reach per team"}[measure]
    return (
        alt.Chart(contribution, title=alt.Title(title, anchor="start", fontSize=14))
        .mark_bar()
        .encode(
            x=alt.X("yearmonth(date):O", title=None, axis=alt.Axis(format="%b %y", labelAngle=0)),
            y=alt.Y(f"sum({measure}):Q", title=None, axis=alt.Axis(labelExpr=COMPACT_LABELS)),
            color=alt.Color("team:N", title="Team", legend=alt.Legend(orient="bottom", columns=3)),
            order=alt.Order("team:N"),
            tooltip=[
                alt.Tooltip("yearmonth(date):T", title="Month", format="%B %Y"),
                alt.Tooltip("team:N", title="Team"),
                alt.Tooltip("posts:Q", title="Posts", format=","),
                alt.Tooltip("reach:Q", title="Reach", format=",.0f"),
                alt.Tooltip("people:Q", title="People posting"),
            ],
        )
        .properties(width=width, height=height)
    )


def team_contribution_charts(contribution: pd.DataFrame, width: int = 330, height: int = 220) -> alt.HConcatChart:
    """Posts and reach per team per month side by side, one colour per team: one chart for the browser to draw."""
    return alt.hconcat(
        team_contribution_chart(contribution, "posts", width=width, height=height),
        team_contribution_chart(contribution, "reach", width=width, height=height),
        spacing=24,
    ).resolve_scale(color="shared")


# --- the pages' charts as Vega-Lite specs --------------------------------------------------------------------
# Pages draw these on every rerun of every session: each is computed (and checked by Altair) once per data version
# through LiveData.derive, and the page hands the finished spec to st.vega_lite_chart.


def kpi_trends_spec(
    kpis: pd.DataFrame, posts: pd.DataFrame, month: str, today: date, columns: int = 3, panel_width: int = 220
) -> dict:
    """The twelve-month trends of the month's KPIs (the scorecards' KPIs, in their order), one panel each."""
    frame = monthly_kpis(kpis, posts, today)
    names = [card.kpi for card in scorecards(frame, month, today)]
    return kpi_trends_chart(kpi_trends(frame, names, month), month, columns, panel_width).to_dict()


def activity_outcomes_spec(kpis: pd.DataFrame, posts: pd.DataFrame, month: str, today: date, width: int) -> dict | None:
    """Activity next to outcomes for the twelve months to `month`; None when there is nothing to compare."""
    series = activity_and_outcomes(monthly_kpis(kpis, posts, today), month)
    return None if series.empty else activity_outcomes_chart(series, month, width=width).to_dict()


def team_contribution_spec(posts: pd.DataFrame, staff: pd.DataFrame, month: str) -> dict:
    """Posts and reach per team for the twelve months to `month` (from the first post)."""
    return team_contribution_charts(team_contribution(posts, staff, month)).to_dict()
