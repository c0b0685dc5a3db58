"""The directors' view: a read-only month of KPIs against targets and programme health, aggregates only.

Opened from a bookmark (/directors?month=2026-10) it is the only page in the app:
no meeting controls, no names, no survey answers, and data issues only as a count.
"""

import streamlit as st

from rally.monthly.report import NOT_CAUSE, health_lines
from ui import layout
from ui.audience import directors_link
from ui.kpi_cards import (
    ACTIVITY_WIDTH,
    TREND_PANEL_WIDTH,
    WIDE_ACTIVITY_WIDTH,
    WIDE_TREND_PANEL_WIDTH,
    activity_chart,
    month_and_report,
    report_downloads,
    scorecard_grid,
    trend_chart,
)

data = layout.load()
dataset = data.dataset
today = layout.today()
# A directors' link has no menu beside the page: its charts take the room the menu would.
panel_width, activity_width = (
    (WIDE_TREND_PANEL_WIDTH, WIDE_ACTIVITY_WIDTH) if directors_link() else (TREND_PANEL_WIDTH, ACTIVITY_WIDTH)
)

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

if report.cards:
    st.subheader("Twelve months against target")
    st.caption("Actual as a solid line, target as a dashed step; the selected month is marked in orange.")
    trend_chart(data, month, panel_width)
st.subheader("Activity next to outcomes")
if activity_chart(data, month, activity_width):
    st.caption(NOT_CAUSE)
else:
    st.caption("Shown once there are posts and at least one outcome KPI.")

st.subheader("Monthly report")
st.caption("The same figures as this page, to e-mail or archive: HTML (stands alone), PDF, or JSON.")
report_downloads(dataset, month, today, as_of, key="directors-report")
