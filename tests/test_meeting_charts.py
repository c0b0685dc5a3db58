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


def test_vote_tally_chart_labels_posts_in_tally_order_without_links():
    """Bars in the tally's order, labelled '1. Name · summary' (cut short), never with a link."""
    tally = pd.DataFrame(
        {
            "name": ["Leo", "Anonymous"],
            "platform": ["X", "Blog"],
            "summary": ["A very long summary about the hackathon recap", ""],
            "link": ["https://x.com/l", ""],
            "votes": [3, 1],
        }
    )
    rows = dataset_values(vote_tally_chart(tally))
    assert [r["post"] for r in rows] == ["1. Leo · A very long summary abo…", "2. Anonymous · Blog"]
    assert [r["votes"] for r in rows] == [3, 1]
    assert set(rows[0]) == {"post", "votes"}  # the link never reaches the chart
