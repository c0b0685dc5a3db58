"""Chart builders: each returns an `alt.Chart`, so tests can read `chart.to_dict()`."""

from __future__ import annotations

import altair as alt
import pandas as pd

from rally.core.text import truncate


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


VOTE_ROW = 124  # pixels per post on the revealed vote: its name, its title (up to two lines) and a thick bar
TITLE_LINE = 58  # characters of a title on one line of the revealed vote (a 1280-pixel projector's results column)


def vote_tally_chart(tally: pd.DataFrame) -> alt.Chart:
    """Votes per post, most first: for each, who posted it (whole name), its title (or platform) and a thick bar.

    Names and titles are Sheet text drawn as chart text (never markup or links); titles are cut only past 90 characters.
    """
    frame = pd.DataFrame(
        {
            "place": range(1, len(tally) + 1),
            "name": [f"{i + 1}. {n}" for i, n in enumerate(tally["name"])],
            "title": [truncate(s, 90) if s else f"A {p} post" for s, p in zip(tally["summary"], tally["platform"])],
            "votes": tally["votes"].astype("int64").tolist(),
        }
    )
    most = int(frame["votes"].max()) if len(frame) else 1
    base = alt.Chart(frame).encode(
        y=alt.Y("place:O", axis=None, title=None, scale=alt.Scale(paddingInner=0, paddingOuter=0)),
    )
    x = alt.X("votes:Q", axis=None, title=None, scale=alt.Scale(domain=[0, most * 1.12]))
    bars = base.mark_bar(color="#0B5FFF", height=28, yOffset=36, cornerRadiusEnd=4).encode(x=x)
    counts = base.mark_text(align="left", dx=10, dy=36, fontSize=26, fontWeight="bold", color="#111111").encode(
        x=x, text="votes:Q"
    )
    names = base.mark_text(
        align="left", baseline="middle", dy=-44, fontSize=24, fontWeight="bold", color="#000000", limit=2000
    ).encode(x=alt.datum(0), text="name:N")
    titles = base.mark_text(
        align="left", baseline="top", dy=-28, fontSize=19, lineHeight=22, lineBreak="\n", color="#111111", limit=2000
    ).encode(x=alt.datum(0), text="title:N")
    return (
        alt.layer(bars, counts, names, titles)
        .properties(height=alt.Step(VOTE_ROW), width="container")
        .configure_view(stroke=None)
    )


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
