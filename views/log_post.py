"""Log a post: a phone-sized form that adds the post to the Posts tab (through the outbox, RAW), counted at once."""

import streamlit as st

from data_sources import commands
from rally.core.text import md_escape
from rally.staff.posting import (
    LINK_MAX,
    METRIC_COLUMNS,
    PLATFORM_CHOICES,
    SUMMARY_MAX,
    NewPost,
    recent_posts,
    staff_spelling,
)
from ui import layout, people
from ui.forms import send
from ui.post_list import draw_post_list

FLASH = "rally_log_post_flash"
GENERATION = "rally_log_post_form"  # a new number gives a fresh, empty form after a post is logged
PLATFORM = "rally_log_post_platform"

data = layout.load()
dataset = data.dataset
today = layout.today()

st.title("Log a post")
st.caption("Posted about work? Log it here in 20 seconds — it counts in this week's meeting straight away.")

if flash := st.session_state.pop(FLASH, None):
    st.success(flash, icon="✅")

generation = st.session_state.setdefault(GENERATION, 0)
staff_names = sorted(dataset.staff["name"], key=str.casefold)
last_platform = st.session_state.get(PLATFORM)
platforms = list(PLATFORM_CHOICES) + (
    [last_platform] if last_platform and last_platform not in PLATFORM_CHOICES else []
)

with st.form(f"log-post-{generation}"):
    name = people.name_picker(
        "Your name", staff_names, key=f"log-name-{generation}", help="Not on the list? Type your name."
    )
    platform = st.selectbox(
        "Platform",
        platforms,
        index=platforms.index(last_platform) if last_platform in platforms else 0,
        key=f"log-platform-{generation}",
        accept_new_options=True,
        help="Not on the list? Type it.",
    )
    link = st.text_input(
        "Link to the post",
        max_chars=LINK_MAX,
        placeholder="https://www.linkedin.com/posts/…",
        key=f"log-link-{generation}",
        help="From the post's Share menu: Copy link.",
    )
    summary = st.text_input(
        "What's it about? (one line, optional)",
        max_chars=SUMMARY_MAX,
        placeholder="Case study: how Acme cut waste by 20%",
        key=f"log-summary-{generation}",
    )
    day = st.date_input("Posted on", value=today, max_value=today, format="YYYY-MM-DD", key=f"log-day-{generation}")
    with st.expander("Numbers so far (optional — add or update them in the Sheet later)"):
        left, right = st.columns(2)
        metrics = {
            column: (left if index % 2 == 0 else right).number_input(
                column, min_value=0, step=1, value=None, placeholder="—", key=f"log-{column}-{generation}"
            )
            for index, column in enumerate(METRIC_COLUMNS)
        }
    submitted = st.form_submit_button("Log my post", type="primary", icon="📣", width="stretch")

if submitted:
    post = NewPost(staff_spelling(name or "", dataset.staff), platform or "", link, summary, day, metrics)
    if send(commands.log_post, data, post, today):
        people.remember_name(post.name)
        st.session_state[PLATFORM] = post.platform
        st.session_state[FLASH] = (
            f"Logged — thank you, {md_escape(post.name)}! It already counts in this week's figures."
        )
        st.session_state[GENERATION] = generation + 1
        st.rerun()

me = people.remembered_name() or name
if me:
    mine = recent_posts(dataset.posts, staff_spelling(me, dataset.staff))
    st.page_link("views/my_progress.py", label="See my points, badges and streak", icon="📈")
    st.subheader("Your latest posts")
    if mine.empty:
        st.info(f"No posts logged for {md_escape(me)} yet. Your first one gets a mention in the meeting!", icon="🌱")
    draw_post_list(mine)
