"""Scorecards and charts the monthly pages share (the KPI page and the directors' view draw the same cards).

Charts are few and whole: the scorecards' sparklines are st.metric's own, and the twelve-month trends of every KPI
are one faceted chart, its spec computed once per data version (a browser draws one chart far sooner than six).
"""

from __future__ import annotations

import functools
import math
from datetime import date

import streamlit as st

from data_sources.server import LiveData
from rally.core.months import month_of
from rally.core.text import format_figure, md_escape
from rally.monthly.charts import activity_outcomes_spec, kpi_trends_spec
from rally.monthly.kpis import Scorecard, available_months, default_month, format_change
from rally.monthly.report import (
    FORMATS,
    MEDIA_TYPES,
    MonthlyReport,
    card_lines,
    file_name,
    month_label_short,
    monthly_report,
    render,
    status_line,
)
from rally.sheet.dataset import Dataset
from ui import layout
from ui.months import month_picker

COLUMNS = 3
# Faceted charts can't stretch to their container: widths that fit a 1280-pixel projector beside the sidebar
# (the KPI page), and without it (the directors' page, which has no menu).
ACTIVITY_WIDTH = 720
TREND_PANEL_WIDTH = 205
WIDE_ACTIVITY_WIDTH = 960
WIDE_TREND_PANEL_WIDTH = 290
# Our own constant CSS (no Sheet text goes into it): on a screen narrower than a chart (a director's phone) the chart
# scrolls sideways in its own box instead of being cut off or pushing the whole page sideways.
WIDE_CHART_CSS = "<style>.st-key-kpi-trends, .st-key-kpi-activity { overflow-x: auto; }</style>"


def month_and_report(data: LiveData, key: str, no_months: str) -> tuple[str, MonthlyReport, str]:
    """The month picker (in the URL) and the month's report, with its status line beside the picker; stops the page with `no_months` when there are none.

    Returns (month, report, as_of): both KPI pages start this way. Computed once per data version for the whole server.
    """
    dataset, today = data.dataset, layout.today()
    as_of = f"{data.state.snapshot.fetched_at.astimezone():%Y-%m-%d %H:%M}"
    months = data.derive(available_months, dataset.kpis, dataset.posts, today)
    if not months:
        st.info(no_months, icon="📈")
        st.stop()
    picker, note = st.columns([1, 2], vertical_alignment="bottom")
    with picker:
        month = month_picker(months, default_month(months, today), key, month_of(today))
    report = data.derive(monthly_report, dataset, month, today, as_of)
    note.caption(f"{status_line(report)} · {layout.data_as_of(data)}")
    return month, report, as_of


def scorecard_grid(cards: list[Scorecard]) -> None:
    """One bordered card per KPI: figure, change against last month with a 12-month sparkline, target, pace."""
    for start in range(0, len(cards), COLUMNS):
        for column, card in zip(st.columns(COLUMNS), cards[start : start + COLUMNS]):
            with column.container(border=True):
                _card(card)


def _card(card: Scorecard) -> None:
    spark = [math.nan if v is None else v for v in card.spark]
    while spark and math.isnan(spark[0]):
        spark.pop(0)  # months before the KPI existed: no line rather than a gap
    st.metric(
        md_escape(card.kpi),
        format_figure(card.actual),
        delta=format_change(card.change_abs, card.change_pct),
        delta_color="off" if not card.change_abs else "normal",
        delta_description=f"vs {month_label_short(card.month, -1)}",
        chart_data=spark if len(spark) > 1 else None,
        chart_type="line",
        help="Counted from the Posts tab" if card.computed else "From the KPIs tab",
    )
    if card.pct_of_target is not None:
        st.progress(min(card.pct_of_target / 100, 1.0))
    lines = [line for line in card_lines(card) if not line.startswith(("+", "-", "0", "No figure"))]
    st.caption(md_escape(lines[0]))
    if card.pace is not None:
        colour = {"ahead": "green", "on pace": "blue", "behind": "orange"}[card.pace.status]
        st.markdown(f":{colour}-badge[{card.pace.status.capitalize()}] :small[{md_escape(card.pace.sentence())}]")


def trend_chart(data: LiveData, month: str, panel_width: int = TREND_PANEL_WIDTH) -> None:
    """The twelve months to `month` of every KPI on the scorecards: one chart, a panel per KPI, three to a row."""
    dataset = data.dataset
    spec = data.derive(kpi_trends_spec, dataset.kpis, dataset.posts, month, layout.today(), COLUMNS, panel_width)
    st.html(WIDE_CHART_CSS)
    st.container(key="kpi-trends").vega_lite_chart(
        spec=spec, width="content", alt="Twelve months of each KPI: actual as a line, target as a dashed step"
    )


def activity_chart(data: LiveData, month: str, width: int = ACTIVITY_WIDTH) -> bool:
    """Posting activity next to the outcomes, one panel each on one time axis; False when there is nothing to compare."""
    dataset = data.dataset
    spec = data.derive(activity_outcomes_spec, dataset.kpis, dataset.posts, month, layout.today(), width)
    if spec is None:
        return False
    st.html(WIDE_CHART_CSS)
    st.container(key="kpi-activity").vega_lite_chart(
        spec=spec, width="content", alt="Posts and reach above the outcome KPIs, month by month"
    )
    return True


def report_downloads(dataset: Dataset, month: str, today: date, data_as_of: str, key: str) -> None:
    """Download buttons for the monthly report (made only when clicked: the charts take a second to draw)."""
    columns = st.columns(len(FORMATS))
    for column, kind in zip(columns, FORMATS):
        column.download_button(
            f"Report ({kind.upper()})",
            data=functools.partial(_report_bytes, dataset, month, today, data_as_of, kind),
            file_name=file_name(month, kind),
            mime=MEDIA_TYPES[kind],
            icon=":material/download:",
            key=f"{key}-{kind}",
            on_click="ignore",
            width="stretch",
        )


def _report_bytes(dataset: Dataset, month: str, today: date, data_as_of: str, kind: str) -> bytes:
    return render(monthly_report(dataset, month, today, data_as_of), kind)
