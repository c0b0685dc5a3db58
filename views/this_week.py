"""This week: the meeting's week at a glance against the week before (the unfinished week one click away)."""

import streamlit as st

from rally.core.text import format_figure, format_signed, md_link, md_text, safe_link
from rally.weekly.glance import posts_per_day, posts_per_day_spec, week_at_a_glance
from ui import layout
from ui import meeting as shared

data = layout.load(projector=True)
posts = data.dataset.posts

st.title("This week")
week = shared.week_picker(shared.week_options(data), key="this-week-week")
glance = data.derive(week_at_a_glance, posts, week)

st.caption(f"{layout.data_as_of(data)} · compared with {glance.previous.week}")
posts_col, people_col, reach_col, engagement_col = st.columns(4)
posts_col.metric("Posts", format_figure(glance.this.posts), format_signed(glance.delta("posts")))
people_col.metric("People posting", format_figure(glance.this.people), format_signed(glance.delta("people")))
reach_col.metric("Reach", format_figure(glance.this.reach), format_signed(glance.delta("reach")))
engagement_col.metric(
    "Engagements",
    format_figure(glance.this.engagements),
    format_signed(glance.delta("engagements")),
    help="Reactions + comments + shares + clicks",
)

if glance.this.posts:
    spec = posts_per_day_spec(data.derive(posts_per_day, posts, week))
    st.vega_lite_chart(spec=spec, width="stretch", alt=f"Posts per day of {week} by platform")
else:
    st.info(f"No posts logged for {week} yet. Posts appear here within a minute of being added to the Sheet.")

# Everything worth celebrating, whole: the meeting's Highlights slide reads out what fits a projector and links here.
highlights = shared.highlights_for(data, week)
if highlights:
    st.subheader("Highlights")
    st.markdown(
        "\n".join(
            f"- {md_text(h.text)}" + (f" {md_link('open ↗', h.link)}" if safe_link(h.link) else "") for h in highlights
        )
    )
