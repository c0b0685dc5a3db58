"""Chart builders: each returns an `alt.Chart`, so tests can read `chart.to_dict()`."""

from __future__ import annotations

import altair as alt
import pandas as pd

from rally.core.text import truncate


def posts_per_day_chart(per_day: pd.DataFrame) -> alt.Chart:
    """Stacked bars of posts per day, coloured by platform, every day of the week on the axis."""
    return (
        alt.Chart(per_day, title="Posts per day")
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(date):O", title=None, axis=alt.Axis(format="%a %d %b", labelAngle=0)),
            y=alt.Y("sum(posts):Q", title="Posts", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color("platform:N", title="Platform", legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("yearmonthdate(date):T", title="Day"),
                alt.Tooltip("platform:N"),
                alt.Tooltip("sum(posts):Q", title="Posts"),
            ],
        )
    )


def platforms_chart(platforms: dict[str, int], title: str = "Posts by platform") -> alt.Chart:
    """Horizontal bars of posts per platform, most first, with the count at the end of each bar."""
    frame = pd.DataFrame({"platform": list(platforms), "posts": list(platforms.values())})
    order = frame.sort_values("posts", ascending=False, kind="stable")["platform"].tolist()
    base = alt.Chart(frame, title=title).encode(
        y=alt.Y(
            "platform:N",
            sort=order,
            title=None,
            axis=alt.Axis(labelFontSize=18, labelLimit=300, labelColor="#000000", domain=False, ticks=False),
        ),
        x=alt.X("posts:Q", title=None, axis=None),
    )
    bars = base.mark_bar(color="#0B5FFF")
    labels = base.mark_text(align="left", dx=6, fontSize=18, color="#111111").encode(text="posts:Q")
    return (bars + labels).properties(height=alt.Step(40))


def vote_tally_chart(tally: pd.DataFrame) -> alt.Chart:
    """Votes per post, most first: bars labelled with who posted it and the platform (names as shown, never links)."""
    frame = pd.DataFrame(
        {
            "post": [
                f"{n} · {truncate(s, 24)}" if s else f"{n} · {p}"
                for n, p, s in zip(tally["name"], tally["platform"], tally["summary"])
            ],
            "votes": tally["votes"].astype("int64"),
        }
    )
    frame["post"] = [f"{i + 1}. {label}" for i, label in enumerate(frame["post"])]
    base = alt.Chart(frame).encode(
        y=alt.Y(
            "post:N",
            sort=None,
            title=None,
            axis=alt.Axis(labelFontSize=18, labelLimit=360, labelColor="#000000", domain=False, ticks=False),
        ),
        x=alt.X("votes:Q", title=None, axis=None),
    )
    bars = base.mark_bar(color="#0B5FFF")
    labels = base.mark_text(align="left", dx=6, fontSize=20, fontWeight="bold", color="#111111").encode(text="votes:Q")
    return (bars + labels).properties(height=alt.Step(44))


def posts_per_week_chart(per_week: pd.DataFrame) -> alt.Chart:
    """One person's posts per week (`rally.staff.progress.posts_per_week`): a bar a week, the current week highlighted."""
    return (
        alt.Chart(per_week, title="Your posts per week")
        .mark_bar()
        .encode(
            x=alt.X("week:O", title=None, sort=list(per_week["week"]), axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("posts:Q", title="Posts", axis=alt.Axis(tickMinStep=1)),
            color=alt.condition(alt.datum.current, alt.value("#e4572e"), alt.value("#4c78a8")),
            tooltip=[
                alt.Tooltip("week:N", title="Week"),
                alt.Tooltip("start:T", title="From", format="%d %b %Y"),
                alt.Tooltip("posts:Q", title="Posts"),
            ],
        )
    )
