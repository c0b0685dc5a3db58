"""Log a post: a phone-sized form that adds the post to the Posts tab (through the outbox, RAW), counted at once."""

from dataclasses import replace
from datetime import date

import streamlit as st

from data_sources import commands
from rally.core.names import fold
from rally.core.parsing import clean_name
from rally.core.text import md_escape
from rally.core.week import Week
from rally.staff.posting import (
    LINK_MAX,
    METRIC_COLUMNS,
    PLATFORM_CHOICES,
    SUMMARY_MAX,
    NewPost,
    name_question,
    recent_posts,
    staff_spelling,
    who_is,
)
from rally.weekly.glance import meeting_date
from ui import layout, people
from ui.forms import send
from ui.post_list import draw_post_list

FLASH = "rally_log_post_flash"
ASK = "rally_log_post_ask"  # the typed name the form is asking about ("Did you mean …?")
NEW_NAMES = "rally_log_post_new_names"  # names this session said are new people (folded)
RESEND = "rally_log_post_resend"  # the question answered: send the form as it stands
GENERATION = "rally_log_post_form"  # a new number gives a fresh, empty form after a post is logged
PLATFORM = "rally_log_post_platform"

data = layout.load()
dataset = data.dataset
today = layout.today()

st.title("Log a post")
st.caption(
    "Posted about work? Log it here in 20 seconds — it counts straight away, and the meeting about its week reads it out."
)

if flash := st.session_state.pop(FLASH, None):
    st.success(flash, icon="✅")

generation = st.session_state.setdefault(GENERATION, 0)
staff_names = sorted(dataset.staff["name"], key=str.casefold)
last_platform = st.session_state.get(PLATFORM)
platforms = list(PLATFORM_CHOICES) + (
    [last_platform] if last_platform and last_platform not in PLATFORM_CHOICES else []
)

name_key = f"log-name-{generation}"
with st.form(f"log-post-{generation}"):
    name = people.name_picker("Your name", staff_names, key=name_key, help="Not on the list? Type your name.")
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


def meeting_note(day: date) -> str:
    """Which meeting reads the post out: the one about the week it was posted in."""
    week = Week.of(day)
    meeting = meeting_date(week, dataset.settings.meeting_weekday)
    if meeting < today:
        return f"It counts in {week}'s figures (that meeting is over)."
    return f"It counts in {week}, read out at the meeting on {meeting:%A %-d %B}."


def choose(name: str | None, typed: str) -> None:
    """The answer to "Did you mean …?": a Staff name goes into the form, or the typed name is accepted as new."""
    if name:
        st.session_state[name_key] = name
    else:
        st.session_state.setdefault(NEW_NAMES, set()).add(fold(typed))
    st.session_state[RESEND] = True
    st.session_state.pop(ASK, None)


resend = st.session_state.pop(RESEND, False)
if submitted or resend:
    st.session_state.pop(ASK, None)
    post = NewPost(name or "", platform or "", link, summary, day, metrics)
    who = who_is(post.name, dataset.staff, dataset.posts)
    if who.known:
        post = replace(post, name=who.name)
    elif fold(post.name) in st.session_state.get(NEW_NAMES, set()):
        post = replace(post, new_person=True)  # they said so: a new person, spelt as they typed it
    if post.name.strip() and not who.known and not post.new_person:
        st.session_state[ASK] = post.name  # never a new person without asking: "Did you mean Maya Patel?"
    elif send(commands.log_post, data, post, today):
        people.remember_name(post.name)
        st.session_state[PLATFORM] = post.platform
        st.session_state[FLASH] = f"Logged — thank you, {md_escape(post.name)}! {meeting_note(post.day)}"
        st.session_state[GENERATION] = generation + 1
        st.rerun()


@st.dialog("Is that you?", on_dismiss=lambda: st.session_state.pop(ASK, None))
def ask_who(typed: str) -> None:
    """A name not on the Staff list: a Staff name close to it, or a new person only when they say so."""
    who = who_is(typed, dataset.staff, dataset.posts)
    st.markdown(md_escape(name_question(who)))
    for index, suggestion in enumerate(who.suggestions):
        if st.button(
            f"Yes, I'm {suggestion}",
            key=f"log-post-is-{index}",
            type="primary" if index == 0 else "secondary",
            width="stretch",
        ):
            choose(suggestion, typed)
            st.rerun()
    if st.button(
        f"No, I'm new: add “{clean_name(typed)}”",
        key="log-post-new-person",
        width="stretch",
        help="A new person counts among the staff on every page: pick your name if it's on the list.",
    ):
        choose(None, typed)
        st.rerun()


if typed := st.session_state.get(ASK):
    ask_who(typed)

me = people.remembered_name() or name
if me:
    mine = recent_posts(dataset.posts, staff_spelling(me, dataset.staff))
    st.page_link("views/my_progress.py", label="See my points, badges and streak", icon="📈")
    st.subheader("Your latest posts")
    if mine.empty:
        st.info(f"No posts logged for {md_escape(me)} yet. Your first one gets a mention in the meeting!", icon="🌱")
    draw_post_list(mine)
