"""The month picker the monthly pages share: its choice lives in the URL (?month=2026-10), so a link shows the same month."""

from __future__ import annotations

import streamlit as st

from rally.core.months import parse_month
from rally.core.text import md_escape
from rally.monthly.report import month_label


def month_picker(months: list[str], default: str, key: str, today_month: str) -> str:
    """A select box over `months` (newest first), started from ?month= when it names one of them.

    A month in the URL that has no figures is said so, and the default is shown instead.
    """
    if key not in st.session_state or st.session_state[key] not in months:
        asked = st.query_params.get("month", "")
        wanted = parse_month(asked) if asked else ""
        if asked and wanted not in months:
            st.warning(f"No KPI figures for {md_escape(asked)}: showing {month_label(default)} instead.", icon="📅")
        st.session_state[key] = wanted if wanted in months else default
    month = st.selectbox(
        "Month",
        months,
        key=key,
        format_func=lambda m: month_label(m) + (" (so far)" if m == today_month else ""),
        help="The month is part of the page's address: copy the link to share exactly this view.",
    )
    # Always in the URL, even for the default month, so the link keeps meaning this month next month too.
    st.query_params["month"] = month
    return month
