"""Survey result charts (each returns an `alt.Chart`): diverging bars for scales, bars for choices and words."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

# Red for 1, grey for the middle, Rally blue for 5: reads on a projector and for red-green colour blindness.
SCALE_COLOURS = ["#c4372b", "#eb9c8f", "#c8c8c8", "#8db4f5", "#0b5fff"]
GROUP_COLOURS = ["#0b5fff", "#9aa5b1", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#e15759"]
BAR_STEP = 26


def diverging_layout(distribution: pd.DataFrame) -> pd.DataFrame:
    """Each group's 1–5 shares laid out around zero: 1 and 2 to the left, 3 split across the middle, 4 and 5 to the right.

    Adds `start` and `end` (shares, negative to the left) to a frame of group, value, label, count, share.
    """
    parts = []
    for _, frame in distribution.groupby("group", sort=False):
        frame = frame.sort_values("value")
        shares = dict(zip(frame["value"], frame["share"]))
        left = shares.get(1, 0.0) + shares.get(2, 0.0) + shares.get(3, 0.0) / 2
        start = -left + frame["share"].cumsum() - frame["share"]
        parts.append(frame.assign(start=start.to_numpy(), end=(start + frame["share"]).to_numpy()))
    if not parts:
        return distribution.assign(start=pd.Series([], dtype="float64"), end=pd.Series([], dtype="float64"))
    return pd.concat(parts, ignore_index=True)


def scale_chart(distribution: pd.DataFrame, low: str = "Not at all", high: str = "Very") -> alt.Chart:
    """One diverging bar per group (this round, the previous round, teams): 1 and 2 left of the line, 4 and 5 right of it."""
    laid = diverging_layout(distribution)
    groups = list(dict.fromkeys(laid["group"]))
    labels = list(dict.fromkeys(laid.sort_values("value")["label"]))
    reach = (
        max(0.5, math.ceil(max(laid["start"].abs().max(), laid["end"].abs().max(), 0.0) * 10) / 10)
        if len(laid)
        else 1.0
    )
    bars = (
        alt.Chart(laid)
        .mark_bar(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X(
                "start:Q",
                title=f"◀ 1 = {low}   ·   5 = {high} ▶",
                scale=alt.Scale(domain=[-reach, reach]),
                axis=alt.Axis(format="%", labelExpr="format(abs(datum.value), '.0%')", tickCount=5, grid=False),
            ),
            x2="end:Q",
            y=alt.Y("group:N", title=None, sort=groups, axis=alt.Axis(labelLimit=220, labelFontSize=14)),
            color=alt.Color(
                "label:N",
                title=None,
                sort=labels,
                scale=alt.Scale(domain=labels, range=SCALE_COLOURS),
                legend=alt.Legend(orient="bottom", labelFontSize=13),
            ),
            order=alt.Order("value:Q"),
            tooltip=[
                alt.Tooltip("group:N", title="Group"),
                alt.Tooltip("label:N", title="Answer"),
                alt.Tooltip("count:Q", title="Answers"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
            ],
        )
    )
    middle = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#111111", strokeWidth=1.5).encode(x="x:Q")
    # A step, not a fixed height: under Streamlit's theme a fixed height leaves a one-bar chart no room for its bar.
    return alt.layer(bars, middle).properties(height=alt.Step(44))


def choice_chart(distribution: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of each choice's share (count at the bar's end); one colour per group when there are several."""
    groups = list(dict.fromkeys(distribution["group"]))
    options = list(dict.fromkeys(distribution["option"]))
    several = len(groups) > 1
    base = alt.Chart(distribution).encode(
        y=alt.Y("option:N", title=None, sort=options, axis=alt.Axis(labelLimit=260, labelFontSize=14)),
        x=alt.X("share:Q", title=None, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%", tickCount=5)),
        tooltip=[
            alt.Tooltip("group:N", title="Group"),
            alt.Tooltip("option:N", title="Answer"),
            alt.Tooltip("count:Q", title="Answers"),
            alt.Tooltip("share:Q", title="Share", format=".0%"),
        ],
    )
    if several:
        base = base.encode(
            yOffset=alt.YOffset("group:N", sort=groups),
            # One group a line: the legend starts under the plot, right of the long labels, and must not run off the column.
            color=alt.Color(
                "group:N",
                title=None,
                sort=groups,
                scale=alt.Scale(domain=groups, range=GROUP_COLOURS[: len(groups)]),
                legend=alt.Legend(orient="bottom", direction="vertical", labelFontSize=13, labelLimit=200),
            ),
        )
    bars = base.mark_bar(color=GROUP_COLOURS[0]) if not several else base.mark_bar()
    labels = base.mark_text(align="left", dx=4, fontSize=13, color="#111111").encode(text=alt.Text("count:Q"))
    step = BAR_STEP if not several else max(12, BAR_STEP * 2 // len(groups))
    return alt.layer(bars, labels).properties(height=alt.Step(step))


def words_chart(words: pd.DataFrame) -> alt.Chart:
    """The most used words in text answers, as bars of how many answers use each."""
    order = list(words["word"])
    base = alt.Chart(words).encode(
        y=alt.Y("word:N", title=None, sort=order, axis=alt.Axis(labelFontSize=14)),
        x=alt.X("count:Q", title="Answers using the word", axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("word:N", title="Word"), alt.Tooltip("count:Q", title="Answers")],
    )
    return alt.layer(
        base.mark_bar(color="#0b5fff"), base.mark_text(align="left", dx=4, fontSize=13).encode(text="count:Q")
    ).properties(height=alt.Step(BAR_STEP))
