"""The meeting's charts as data: what each bar and label says, read from `chart.to_dict()`."""

from __future__ import annotations

import pandas as pd

from rally.weekly.charts import platforms_chart, vote_tally_chart


def dataset_values(chart) -> list[dict]:
    spec = chart.to_dict()
    return next(iter(spec["datasets"].values()))


def test_platforms_chart_lists_every_platform_most_first():
    """One bar per platform, sorted by posts, with the count written beside the bar."""
    chart = platforms_chart({"X": 4, "LinkedIn": 41, "Blog": 3})
    spec = chart.to_dict()
    assert [r["platform"] for r in dataset_values(chart)] == ["X", "LinkedIn", "Blog"]
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["LinkedIn", "X", "Blog"]
    assert spec["layer"][1]["mark"]["type"] == "text" and spec["layer"][1]["encoding"]["text"]["field"] == "posts"


def test_the_revealed_vote_names_each_post_in_full_with_its_title_and_never_a_link():
    """Bars in the tally's order, each with the whole name and the title (the platform when there is none), no link."""
    title = "A very long summary about the hackathon recap that goes on"
    tally = pd.DataFrame(
        {
            "name": ["Isabella García-Fernández", "Anonymous"],
            "platform": ["X", "Blog"],
            "summary": [title, ""],
            "link": ["https://x.com/l", ""],
            "votes": [3, 1],
        }
    )
    chart = vote_tally_chart(tally)
    rows = dataset_values(chart)
    assert [r["name"] for r in rows] == ["1. Isabella García-Fernández", "2. Anonymous"]
    assert [r["title"] for r in rows] == [title, "A Blog post"]
    assert [r["votes"] for r in rows] == [3, 1]
    assert set(rows[0]) == {"place", "name", "title", "votes"}  # the link never reaches the chart
    text_marks = [layer["mark"] for layer in chart.to_dict()["layer"] if layer["mark"]["type"] == "text"]
    assert all(mark.get("limit", 0) >= 1000 for mark in text_marks if mark.get("dx") is None)  # names are never cut


def test_a_day_without_posts_keeps_its_place_but_adds_no_legend_entry():
    """Every day of the week on the axis; only platforms that posted in the legend (never an entry with no label).

    The spec is written without Altair (This week is a fresh server's first page): Altair checks it against the
    Vega-Lite schema here.
    """
    import datetime as dt

    import altair as alt

    from rally.weekly.glance import posts_per_day_spec

    days = pd.to_datetime([dt.date(2026, 11, 30) + dt.timedelta(days=i) for i in range(7)])
    per_day = pd.DataFrame(
        {"date": days, "platform": ["LinkedIn", "", "", "X", "", "", ""], "posts": [2, 0, 0, 1, 0, 0, 0]}
    )
    spec = posts_per_day_spec(per_day)
    alt.Chart.from_dict(spec, validate=True)
    rows = spec["data"]["values"]
    assert rows == [
        {"day": "Mon 30 Nov", "platform": "LinkedIn", "posts": 2},
        {"day": "Thu 03 Dec", "platform": "X", "posts": 1},
    ]
    assert spec["encoding"]["x"]["scale"]["domain"] == [f"{d:%a %d %b}" for d in days]
