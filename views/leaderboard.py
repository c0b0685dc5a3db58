"""Leaderboard: people and teams for this week, this month or all time, with the points rules and each person's breakdown."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rally.core.text import format_figure, md_escape
from rally.weekly.awards import CATEGORIES
from rally.weekly.board import board_page, breakdown_text, page_label
from rally.weekly.scoring import (
    PERIODS,
    leaderboard,
    period_label,
    points_breakdown,
    points_summary,
    scoring_rules,
    team_board,
)
from ui import exports, layout
from ui import meeting as shared

data = layout.load(projector=True)
dataset = data.dataset

st.title("Leaderboard")
options = shared.week_options(data)
week_column, period_column = st.columns([1, 2])
week = shared.week_picker(options, key="leaderboard-week", container=week_column)
period = period_column.segmented_control(
    "Period", list(PERIODS), format_func=PERIODS.get, default="week", required=True, key="leaderboard-period"
)
st.caption(f"{period_label(period, week)} · {layout.data_as_of(data)}")

# Once per data version for the whole server, not per session's rerun (a big company's posts take a second).
people = data.derive(leaderboard, dataset.posts, dataset.staff, dataset.settings, period, week)
meeting = shared.meeting_for(data, week)

st.subheader("People")
if people.empty:
    st.info(
        f"No posts logged in {period_label(period, week)} yet. Posts appear here within a minute of being added to the Sheet.",
        icon="🗓️",
    )
else:
    # The browser gets one page of the board, never every row of a big company's: totals are worked out here.
    search_column, page_column = st.columns([2, 1], vertical_alignment="bottom")
    query = search_column.text_input(
        "Find a person or team", key="leaderboard-search", placeholder="A name or a team", max_chars=80
    )
    found = board_page(people, query, st.session_state.get("leaderboard-page", 1))
    if found.pages > 1:
        st.session_state["leaderboard-page"] = found.page  # a narrower search has fewer pages: stay within them
        page_column.selectbox(
            "Showing",
            range(1, found.pages + 1),
            format_func=lambda n: page_label(n, found.matches),
            key="leaderboard-page",
        )
        found = board_page(people, query, st.session_state["leaderboard-page"])
    st.caption(
        f"{found.people:,} {'person' if found.people == 1 else 'people'} posted in {period_label(period, week)}: "
        f"{format_figure(found.posts)} post{'s' if found.posts != 1 else ''}, {format_figure(found.points)} points in all."
        + (f" {found.matches:,} match “{md_escape(query.strip())}”." if query.strip() else "")
    )
    shown = found.rows
    if shown.empty:
        st.info(f"No one on this board matches “{md_escape(query.strip())}”. Try part of a name or a team.", icon="🔎")
    else:
        # Rank, name and points first: on a phone they are what fits before the table scrolls sideways.
        table = pd.DataFrame(
            {
                "Rank": shown["rank"],
                "Name": shown["name"],
                "Points": shown["points"],
                "Team": shown["team"],
                "Posts": shown["posts"],
                "Counted": shown["counted"],
                "Reach": shown["reach"],
                "Engagements": shown["engagements"],
            }
        )
        if period == "week":
            table.insert(3, "Badges", meeting.badge_icon_column(shown["person"]))
        number = st.column_config.NumberColumn(format="%,.0f")
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                "Rank": st.column_config.NumberColumn(format="%d", width=52),
                "Points": number,
                "Posts": number,
                "Reach": number,
                "Engagements": number,
                "Counted": st.column_config.NumberColumn(
                    format="%,.0f",
                    help=f"Posts that earned points (up to {dataset.settings.weekly_post_cap} a person a week)",
                ),
            },
        )
    st.caption(
        "Equal points share a rank (1, 1, 3). People who chose Leaderboard = anonymous on the Staff tab show as Anonymous; their points still count for their team."
    )

    if not shown.empty:
        teams_shown = [
            f" ({team})" if team and not anonymous else "" for team, anonymous in zip(shown["team"], shown["anonymous"])
        ]
        labels = {
            i: f"{rank}. {name}{team}"
            for i, rank, name, team in zip(shown.index, shown["rank"], shown["name"], teams_shown)
        }
        chosen = st.selectbox("How did they score?", list(labels), format_func=labels.get, key="leaderboard-breakdown")
        breakdown = data.derive(
            points_breakdown, dataset.posts, dataset.settings, people.loc[chosen, "person"], period, week
        )
        st.dataframe(
            breakdown_text(breakdown),
            hide_index=True,
            width="stretch",
            column_config={
                column: st.column_config.TextColumn(alignment="right")
                for column in ("How many", "Points each", "Points")
            },
        )

st.subheader("Teams")
teams = data.derive(team_board, dataset.posts, dataset.staff, dataset.settings, period, week)
if teams.empty:
    st.info("No teams yet: add a Team column to the Staff tab (or to Posts) to compare teams.", icon="👥")
else:
    st.dataframe(
        pd.DataFrame(
            {
                "Rank": teams["rank"],
                "Team": teams["team"],
                "Took part": teams["participation"] * 100,
                "People who posted": teams["posters"],
                "Team size": teams["size"],
                "Points per person": teams["points_per_person"],
                "Points": teams["points"],
                "Posts": teams["posts"],
                "Reach": teams["reach"],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "Took part": st.column_config.ProgressColumn(
                format="%.0f%%", min_value=0, max_value=100, help="People who posted ÷ team size (from the Staff tab)"
            ),
            "People who posted": st.column_config.NumberColumn(format="%,.0f"),
            "Team size": st.column_config.NumberColumn(format="%,.0f"),
            "Points per person": st.column_config.NumberColumn(format="%,.0f"),
            "Points": st.column_config.NumberColumn(format="%,.0f"),
            "Posts": st.column_config.NumberColumn(format="%,.0f"),
            "Reach": st.column_config.NumberColumn(format="%,.0f"),
        },
    )
    st.caption(
        "Teams of different sizes are ranked on participation, then points per person; raw totals are shown but never decide."
    )

exports.leaderboard_downloads(data, people, teams, period, week)

with st.expander(f"This week's competition ({week})", expanded=period == "week"):
    for category, rule in CATEGORIES:
        winners = [a for a in meeting.awards if a.category == category]
        if category == "Most creative":
            st.markdown(f"**{category}** — decided by the room's vote in the weekly meeting.")
        elif any(a.won for a in winners):
            st.markdown(f"**{category}** — " + "; ".join(f"{md_escape(a.name)}: {md_escape(a.why)}" for a in winners))
        else:
            st.markdown(f"**{category}** — {md_escape(winners[0].why if winners else rule)}")

with st.expander("How points work"):
    st.markdown(
        f"Points are a plain weighted sum: {md_escape(points_summary(dataset.settings))}. Change any weight with a row in the Settings tab."
    )
    st.dataframe(
        scoring_rules(dataset.settings),
        hide_index=True,
        width="stretch",
        column_config={"Points": st.column_config.NumberColumn(format="%g")},
    )
    st.caption(
        "The same link logged twice counts once. A reach far above a person's usual is flagged on Data health for a second look."
    )

with st.sidebar:
    shared.digest_download(meeting, key="leaderboard-digest")
