"""This week: the meeting's week at a glance against the week before (the unfinished week one click away)."""

import streamlit as st

from rally.weekly.charts import posts_per_day_chart
from rally.weekly.glance import posts_per_day, week_at_a_glance
from ui import layout
from ui import meeting as shared

data = layout.load(projector=True)
posts = data.dataset.posts

st.title("This week")
week = shared.week_picker(shared.week_options(data), key="this-week-week")
glance = data.derive(week_at_a_glance, posts, week)

st.caption(f"{layout.data_as_of(data)} · compared with {glance.previous.week}")
posts_col, people_col, reach_col, engagement_col = st.columns(4)
posts_col.metric("Posts", f"{glance.this.posts:,}", f"{glance.delta('posts'):+,.0f}")
people_col.metric("People posting", f"{glance.this.people:,}", f"{glance.delta('people'):+,.0f}")
reach_col.metric("Reach", f"{glance.this.reach:,.0f}", f"{glance.delta('reach'):+,.0f}")
engagement_col.metric(
    "Engagements",
    f"{glance.this.engagements:,.0f}",
    f"{glance.delta('engagements'):+,.0f}",
    help="Reactions + comments + shares + clicks",
)

if glance.this.posts:
    st.altair_chart(posts_per_day_chart(data.derive(posts_per_day, posts, week)), width="stretch")
else:
    st.info(f"No posts logged for {week} yet. Posts appear here within a minute of being added to the Sheet.")
