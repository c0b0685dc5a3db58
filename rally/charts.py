"""Chart builders: each returns an `alt.Chart`, so tests can read `chart.to_dict()`."""

from __future__ import annotations

import altair as alt
import pandas as pd


def posts_per_day_chart(per_day: pd.DataFrame) -> alt.Chart:
    """Stacked bars of posts per day, coloured by platform, every day of the week on the axis."""
    return (
        alt.Chart(per_day, title="Posts per day")
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(date):O", title=None, axis=alt.Axis(format="%a %d %b", labelAngle=0)),
            y=alt.Y("sum(posts):Q", title="Posts", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("platform:N", title="Platform", legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("yearmonthdate(date):T", title="Day"), alt.Tooltip("platform:N"), alt.Tooltip("sum(posts):Q", title="Posts")],
        )
    )


def posts_per_week_chart(per_week: pd.DataFrame) -> alt.Chart:
    """One person's posts per week (`rally.progress.posts_per_week`): a bar a week, the current week highlighted."""
    return (
        alt.Chart(per_week, title="Your posts per week")
        .mark_bar()
        .encode(
            x=alt.X("week:O", title=None, sort=list(per_week["week"]), axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("posts:Q", title="Posts", axis=alt.Axis(tickMinStep=1)),
            color=alt.condition(alt.datum.current, alt.value("#e4572e"), alt.value("#4c78a8")),
            tooltip=[alt.Tooltip("week:N", title="Week"), alt.Tooltip("start:T", title="From", format="%d %b %Y"), alt.Tooltip("posts:Q", title="Posts")],
        )
    )
