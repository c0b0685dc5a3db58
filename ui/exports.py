"""Download buttons for a spreadsheet person: a table as CSV, and as an Excel workbook (several sheets when it has them)."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from rally.core.export import XLSX_MIME, safe_csv, safe_xlsx
from rally.weekly.exports import leaderboard_table, people_table, team_table, week_posts_table
from ui.access import is_facilitator


def table_downloads(label: str, sheets: dict[str, pd.DataFrame], file_stem: str, key: str) -> None:
    """A CSV button (the first sheet) and an Excel button (every sheet), side by side; formulas defused in both.

    The files are made when a button is pressed, not on every rerun: a big company's workbook takes a second or more
    to write, and every session's copy would sit in the server's memory until its next rerun.
    """
    first = next(iter(sheets.values()))
    csv_column, xlsx_column = st.columns(2)
    csv_column.download_button(
        f"{label} (CSV)",
        functools.partial(safe_csv, first),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        icon="📄",
        key=f"{key}-csv",
        width="stretch",
        on_click="ignore",
    )
    xlsx_column.download_button(
        f"{label} (Excel)",
        functools.partial(safe_xlsx, sheets),
        file_name=f"{file_stem}.xlsx",
        mime=XLSX_MIME,
        icon="📊",
        key=f"{key}-xlsx",
        width="stretch",
        on_click="ignore",
    )


def leaderboard_downloads(data, people: pd.DataFrame, teams: pd.DataFrame, period: str, week: str) -> None:
    """The leaderboard, the week's posts and (for facilitators) the people table, each as CSV and Excel."""
    dataset = data.dataset
    with st.expander("Download for a spreadsheet (CSV or Excel)", icon="⬇️"):
        st.caption(
            "Cells that a spreadsheet could run as a formula start with ' . People on the anonymous leaderboard stay Anonymous."
        )
        table_downloads(
            "Leaderboard",
            {"People": leaderboard_table(people), "Teams": team_table(teams)},
            f"rally-leaderboard-{period}-{week}",
            "export-leaderboard",
        )
        posts = data.derive(week_posts_table, dataset.posts, dataset.staff, dataset.settings, week)
        table_downloads(f"Posts of {week}", {"Posts": posts}, f"rally-posts-{week}", "export-posts")
        if is_facilitator():  # it names everyone, people who chose to be anonymous included
            everyone = data.derive(people_table, dataset.posts, dataset.staff, dataset.settings, week)
            table_downloads("People", {"People": everyone}, f"rally-people-{week}", "export-people")
        else:
            st.caption("🔒 The people table (every name, training and totals) is for facilitators.")
