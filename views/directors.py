"""The directors' view: a read-only month of KPIs against targets and programme health, aggregates only.

Opened from a bookmark (/directors?month=2026-10) it is the only page in the app:
no meeting controls, no names, no survey answers, and data issues only as a count.
"""

import streamlit as st

from rally.monthly.charts import activity_outcomes_chart
from rally.monthly.kpis import activity_and_outcomes
from rally.monthly.report import NOT_CAUSE, health_lines
from ui import layout
from ui.kpi_cards import ACTIVITY_WIDTH, month_and_report, report_downloads, scorecard_grid, trend_grid

data = layout.load()
dataset = data.dataset
today = layout.today()

st.title("KPIs and programme health")
month, report, as_of = month_and_report(
    data, "directors-month", "No KPI figures have been recorded yet. This page fills in once the team adds them."
)

st.subheader("KPIs against targets")
if report.cards:
    scorecard_grid(report.cards)
else:
    st.info(f"No KPI figures for {report.label}.")

st.subheader("Programme health")
for column, (label, figure, detail) in zip(st.columns(4), health_lines(report.health)):
    with column.container(border=True):
        st.metric(label, figure)
        st.caption(detail)
issues = report.health.data_issues
st.caption(
    f"{issues:,} data issue{'s' if issues != 1 else ''} in the Sheet (the team fixes them on Data health)."
    if issues
    else "No data issues in the Sheet."
)

st.subheader("Twelve months against target")
st.caption("Actual as a solid line, target as a dashed step; the selected month is marked in orange.")
trend_grid(report.kpis, report.cards, month)
series = activity_and_outcomes(report.kpis, month)
if not series.empty:
    st.subheader("Activity next to outcomes")
    st.altair_chart(activity_outcomes_chart(series, month, width=ACTIVITY_WIDTH), width="content")
    st.caption(NOT_CAUSE)

st.subheader("Monthly report")
st.caption("The same figures as this page, to e-mail or archive: HTML (stands alone), PDF, or JSON.")
report_downloads(dataset, month, today, as_of, key="directors-report")
