"""KPIs: the month against targets, pacing, twelve-month trends, activity next to outcomes, and what each team contributed.

Below the scorecards the sections are tabs that run only when opened: the browser draws the chart it shows, not
four sections' worth, and the projector's first screen (the scorecards) is drawn in a moment.
"""

import streamlit as st

from rally.core.text import figures_shown
from rally.monthly.charts import team_contribution_spec
from rally.monthly.kpis import month_csv, month_table, month_team_table, team_contribution
from rally.monthly.report import NOT_CAUSE
from ui import layout
from ui.audience import share_with_directors
from ui.kpi_cards import activity_chart, month_and_report, report_downloads, scorecard_grid, trend_chart

data = layout.load(projector=True)
dataset = data.dataset
today = layout.today()

st.title("KPIs")
month, report, as_of = month_and_report(
    data,
    "kpi-month",
    "No KPIs yet. Add rows to the KPIs tab (Month, KPI, Actual, Target — one row per month and KPI); "
    "Number of posts and Reach of posts appear by themselves once posts are logged.",
)

scorecard_grid(report.cards)
if not report.cards:
    st.info(f"No KPI figures for {report.label}. Pick another month, or add its rows to the KPIs tab.")

trends, activity, teams, table = st.tabs(
    ["12-month trends", "Activity next to outcomes", "Team contribution", "Table & share"],
    key="kpi-section",
    on_change="rerun",
)
if trends.open and report.cards:
    with trends:
        st.caption("Actual as a solid line, target as a dashed step; the selected month is marked in orange.")
        trend_chart(data, month)

if activity.open:
    with activity:
        if activity_chart(data, month):
            st.info(NOT_CAUSE, icon="🧭")
        else:
            st.info("Nothing to compare yet: this needs posts and at least one outcome KPI on the KPIs tab.")

if teams.open:
    with teams:
        contribution = data.derive(team_contribution, dataset.posts, dataset.staff, month)
        if contribution["posts"].sum() == 0:
            st.info(f"No posts logged in the twelve months to {report.label}.")
        else:
            st.vega_lite_chart(
                spec=data.derive(team_contribution_spec, dataset.posts, dataset.staff, month), width="content"
            )
            st.subheader(f"Teams in {report.label}")
            st.dataframe(
                month_team_table(contribution, month),
                hide_index=True,
                width="stretch",
                column_config={
                    "Share of posts": st.column_config.ProgressColumn(
                        "Share of posts", format="%.0f%%", min_value=0, max_value=100
                    ),
                    "Reach": st.column_config.NumberColumn("Reach", format="localized"),
                },
            )

if table.open:
    with table:
        st.download_button(
            f"Download {report.label} as CSV",
            data=month_csv(report.cards),
            file_name=f"rally-kpis-{month}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
        )
        figures = ["Actual", "Target", "Previous month"]
        st.dataframe(
            figures_shown(month_table(report.cards), figures, percent=["% of target"], signed=["Change", "Change %"]),
            hide_index=True,
            width="stretch",
            column_config={
                column: st.column_config.TextColumn(alignment="right")
                for column in [*figures, "% of target", "Change", "Change %"]
            },
        )
        st.subheader("Share with directors")
        st.caption(
            "A read-only link with the scorecards and programme health for this month (aggregates only), and the same report as a file."
        )
        share_with_directors(month)  # with `viewers` set: a signed link that expires, made by a facilitator
        report_downloads(dataset, month, today, as_of, key="kpi-report")
