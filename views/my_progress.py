"""My progress (staff): points, ranks, badges, streak, posts per week and training — what the leaderboard shows plus your own details."""

import pandas as pd
import streamlit as st

from rally.core.parsing import name_key
from rally.core.text import format_figure, md_escape
from rally.staff.posting import recent_posts, staff_spelling
from rally.staff.progress import (
    badge_summary,
    current_week,
    ordinal,
    person_badges,
    posts_per_week,
    shows_scores,
    standings,
)
from rally.staff.training import module_list, person_training
from rally.weekly.awards import next_badges, streak_status
from rally.weekly.charts import posts_per_week_chart
from rally.weekly.scoring import PERIODS, points_breakdown
from ui import layout, people
from ui.post_list import draw_post_list

data = layout.load()
dataset = data.dataset
posts, staff, settings = dataset.posts, dataset.staff, dataset.settings
week = current_week(layout.today())

st.title("My progress")
picked = people.name_picker(
    "Your name",
    sorted(staff["name"], key=str.casefold),
    key="progress-name",
    remember=True,
    help="Not on the list? Type your name as you log it.",
)
if not picked:
    st.info("Pick your name to see your points, badges, streak and training.", icon="👋")
    st.stop()

name = staff_spelling(picked, staff)
person = name_key(name)
records = dataset.training
known = person in set(posts["person"]) | set(staff["person"]) | set(records["person"])
if not known:
    st.info(
        f"No posts or Staff row for {md_escape(name)} yet. Log your first post and it shows here straight away.",
        icon="🌱",
    )
    st.page_link("views/log_post.py", label="Log a post", icon="📣")
    st.stop()


def draw_training() -> None:
    st.subheader("Your training")
    required = module_list(settings.training_modules)
    mine = person_training(records, person, required)
    if not mine["done"].any():
        st.info(
            "No training recorded yet. Ask your facilitator about the next session — trained people share about three times more.",
            icon="🧑‍🏫",
        )
    for module in mine.itertuples():
        when = "" if pd.isna(module.date) else f" · {module.date:%d %b %Y}"
        st.markdown(f"{'✅' if module.done else '⬜'} {md_escape(module.module)}{when}")


if not shows_scores(staff, person):
    st.info(
        f"{md_escape(name)} is on the leaderboard as **Anonymous**, so this page shows no points, ranks, badges or weekly posts: "
        "anyone can pick a name here. Change Leaderboard to “show” on the Staff tab to see them.",
        icon="🕶️",
    )
    draw_training()
    st.stop()

st.caption(f"This week is {week} · {layout.data_as_of(data)}")

cards = st.columns(len(PERIODS))
for card, standing in zip(cards, standings(posts, staff, settings, person, week, layout.today())):
    with card.container(border=True):
        st.metric(PERIODS[standing.period], f"{standing.points:,.0f} points")
        st.caption(standing.label)
        if standing.rank is None:
            st.caption("No posts yet in this period — one post puts you on the board.")
        else:
            lines = [
                f"{ordinal(standing.rank)} of {standing.ranked} overall",
                f"{ordinal(standing.team_rank)} of {standing.team_ranked} in {md_escape(standing.team)}",
            ]
            lines.append(
                f"{format_figure(standing.to_next)} point{'' if standing.to_next == 1 else 's'} behind the next place"
                if standing.to_next is not None
                else "Top of the board!"
            )
            st.caption(" · ".join(lines))

run, posted = streak_status(posts, person, week)
hints = next_badges(posts, person, week)
streak_card, badge_card = st.columns(2)
with streak_card.container(border=True):
    st.metric("Posting streak", f"{run} week{'s' if run != 1 else ''}" + (" 🔥" if run >= 2 else ""))
    if run and not posted:
        st.caption("Post this week to keep it going.")
    elif not run:
        st.caption("Post this week to start a streak.")
    else:
        st.caption("Posted this week — nice.")
with badge_card.container(border=True):
    if hints:
        st.metric("Next badge", f"{hints[0].badge.icon} {hints[0].badge.label}")
        st.caption(md_escape(hints[0].text[:1].upper() + hints[0].text[1:]) + ".")
    else:
        st.metric("Next badge", "—")
        st.caption("Every badge in reach is yours this week.")

badges = data.derive(person_badges, posts, staff, person, week)  # replays every week a person posted: once
st.subheader("Badges earned")
if badges.empty:
    st.caption("None yet — your first post earns 🎉 First post.")
else:
    st.markdown(
        " · ".join(
            f"{b.icon} {md_escape(b.label)}" + (f" ×{b.times}" if b.times > 1 else "") + f" ({b.latest})"
            for b in badge_summary(badges).itertuples()
        )
    )
if len(hints) > 1:
    st.caption("Also within reach: " + "; ".join(f"{h.badge.icon} {md_escape(h.text)}" for h in hints[1:]))

st.altair_chart(posts_per_week_chart(posts_per_week(posts, person, week)), width="stretch")

with st.expander("How your points add up"):
    period = (
        st.segmented_control("Period", list(PERIODS), format_func=PERIODS.get, default="week", key="progress-period")
        or "week"
    )
    st.dataframe(
        points_breakdown(posts, settings, person, period, week),
        hide_index=True,
        width="stretch",
        column_config={
            "How many": st.column_config.NumberColumn(format="%,.0f"),
            "Points each": st.column_config.NumberColumn(format="%g"),
            "Points": st.column_config.NumberColumn(format="%,.0f"),
        },
    )

mine = recent_posts(posts, name)
if not mine.empty:
    st.subheader("Your latest posts")
    draw_post_list(mine)

draw_training()
