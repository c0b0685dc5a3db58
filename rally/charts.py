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
