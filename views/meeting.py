"""Weekly meeting: presenter mode. The agenda as slides for the projector, one per step, the slide in the URL (?slide=3)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from rally.core.text import md_escape, md_link, md_text, safe_link
from rally.weekly.awards import CATEGORIES
from rally.weekly.charts import platforms_chart, vote_tally_chart
from rally.weekly.glance import week_choice_label
from rally.weekly.meeting import WeeklyMeeting
from rally.weekly.scoring import points_summary
from rally.weekly.votes import tally as vote_tally
from ui import access, join, layout, survey_panel
from ui import meeting as shared
from ui.digest_send import send_digest_panel

st.set_page_config(initial_sidebar_state="collapsed")
SLIDES = (
    "Week at a glance",
    "Highlights",
    "Hero of the week",
    "Competition & leaderboards",
    "KPIs",
    "What we'll do better",
    "Over to you",
)
KPI_PAGE = Path(__file__).with_name("kpis.py")
SLIDE_BOARD_RANKS = 5  # what fits on a 1280×800 projector; the Leaderboard page has everyone

data = layout.load(projector=True)
dataset = data.dataset
shared.projector_style()

# -- where we are: week and slide live in the URL, so a refresh keeps the place ---------------------
options = shared.week_options(data)
week = shared.week_from_query(options)
try:
    slide = min(max(int(st.query_params.get("slide", "1")), 1), len(SLIDES))
except ValueError:
    slide = 1
st.query_params["week"] = str(week)
st.query_params["slide"] = str(slide)


def go_to(number: int) -> None:
    st.query_params["slide"] = str(min(max(number, 1), len(SLIDES)))


def pick_week() -> None:
    st.query_params["week"] = str(st.session_state["meeting-week"])


# The title first: the week's figures take a moment to compute the first time a week is opened.
st.title(f"{week}: the week at a glance" if slide == 1 else SLIDES[slide - 1])
meeting = shared.meeting_for(data, week)
with st.sidebar:
    shared.digest_download(meeting, key="meeting-digest")


# -- the slides ---------------------------------------------------------------------------------------
def glance_slide(m: WeeklyMeeting) -> None:
    st.caption(f"{m.start:%A %-d %B} to {m.end:%A %-d %B %Y} · changes are against {m.glance.previous.week}")
    columns = st.columns(4)
    for column, (label, field, help_text) in zip(
        columns,
        (
            ("Posts", "posts", None),
            ("People posting", "people", None),
            ("Reach", "reach", None),
            ("Engagements", "engagements", "Reactions + comments + shares + clicks"),
        ),
    ):
        column.metric(
            label,
            f"{getattr(m.glance.this, field):,.0f}",
            f"{m.glance.delta(field):+,.0f}",
            help=help_text,
            border=True,
        )
    if m.platforms:
        st.altair_chart(platforms_chart(m.platforms), width="stretch")
    else:
        st.info(
            f"No posts logged for {m.week} yet. Posts appear here within a minute of being added to the Sheet.",
            icon="🗓️",
        )


POST_KINDS = ("top-reach", "top-engagement")


def highlight_line(h) -> str:
    """One bullet: the text as typed (escaped), then a short link to the post when it may be shown."""
    return f"- {md_text(h.text)}" + (f" {md_link('open ↗', h.link)}" if safe_link(h.link) else "")


def highlights_slide(m: WeeklyMeeting) -> None:
    if not m.highlights:
        st.info(
            f"Nothing to celebrate from the Sheet for {m.week} yet: add a Notes row with Kind = Highlight, or log this week's posts.",
            icon="✨",
        )
        return
    posts = [h for h in m.highlights if h.kind in POST_KINDS]
    others = [h for h in m.highlights if h.kind not in POST_KINDS]
    left, right = st.columns(2, gap="large") if posts and others else (st.container(), st.container())
    with left:
        if posts:
            st.subheader("Top posts")
            st.markdown("\n".join(highlight_line(h) for h in posts))
    with right:
        if others:
            st.subheader("Milestones & kudos")
            st.markdown("\n".join(highlight_line(h) for h in others))


def hero_slide(m: WeeklyMeeting) -> None:
    hero = m.hero
    if hero is None:
        st.info(
            f"No hero for {m.week}: nobody has logged a post yet. A Notes row with Kind = Hero picks one by hand.",
            icon="🌟",
        )
        return
    with st.container(key="hero-card"):
        st.header(f"🌟 {md_text(hero.name or 'Our hero', 80)}")
        st.markdown(f"### {md_text(hero.reason)}")
        if hero.rule == "note":
            st.caption("Chosen by the facilitator (Notes tab).")
        if safe_link(hero.link):
            st.link_button("Open the post", safe_link(hero.link), icon="🔗")
    badges = m.badges_for(hero.person)
    if badges:
        st.markdown("**Badges this week:** " + " · ".join(md_escape(b) for b in badges))


def award_card(category: str, rule: str, m: WeeklyMeeting) -> None:
    winners = [a for a in m.awards if a.category == category]
    with st.container(border=True):
        st.caption(md_escape(category.upper()))
        if category == "Most creative" and not shared.is_revealed(m.week):
            st.markdown("🗳️ **Your vote** — revealed on the last slide")
            return
        if not any(a.won for a in winners):
            st.markdown(md_escape(winners[0].why if winners else rule))
            return
        for award in winners:
            st.markdown(f"**{md_escape(award.name)}** " + md_escape(m.badge_icons(award.person)))
            st.caption(md_escape(award.why))


def people_table(board: pd.DataFrame, m: WeeklyMeeting) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Rank": board["rank"],
            "Name": board["name"],
            "Team": board["team"],
            "Points": board["points"],
            "Posts": board["posts"],
            "Reach": board["reach"],
            "Badges": m.badge_icon_column(board["person"]),
        }
    )


def competition_slide(m: WeeklyMeeting) -> None:
    for column, (category, rule) in zip(st.columns(len(CATEGORIES)), CATEGORIES):
        with column:
            award_card(category, rule, m)
    people, teams = st.columns([3, 2])
    with people:
        st.subheader("People this week: top 5")
        top = m.leaderboard[m.leaderboard["rank"] <= SLIDE_BOARD_RANKS]
        if top.empty:
            st.info(f"No posts logged for {m.week} yet.")
        else:
            st.dataframe(
                people_table(top, m),
                hide_index=True,
                width="stretch",
                column_config={
                    "Points": st.column_config.NumberColumn(format="%,.0f"),
                    "Reach": st.column_config.NumberColumn(format="%,.0f"),
                },
            )
            st.caption(
                f"Points: {points_summary(dataset.settings)}. Everyone's points and breakdown: the Leaderboard page."
            )
    with teams:
        st.subheader("Teams: who took part")
        board = m.teams[m.teams["rank"] <= SLIDE_BOARD_RANKS]
        st.dataframe(
            pd.DataFrame(
                {
                    "Team": board["team"],
                    "Took part": board["participation"] * 100,
                    "Points per person": board["points_per_person"],
                    "People": board["posters"].astype("str") + " of " + board["size"].astype("str"),
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "Took part": st.column_config.ProgressColumn(format="%.0f%%", min_value=0, max_value=100),
                "Points per person": st.column_config.NumberColumn(format="%,.0f"),
            },
        )
        st.caption("Teams are ranked on the share of people who posted, then points per person — never on raw totals.")


def kpi_slide(m: WeeklyMeeting) -> None:
    if KPI_PAGE.exists():
        st.page_link("views/kpis.py", label="Open the KPI page: every KPI against its target", icon="📈")
    cards = m.kpis
    if cards.empty:
        st.info("No KPIs yet: add rows to the KPIs tab (Month, KPI, Actual, Target), one per month and KPI.", icon="📈")
        return
    month = cards["month"].iloc[0]
    st.caption(
        f"{pd.Timestamp(month + '-01'):%B %Y}, the last full month before the end of {m.week}: actual against target."
    )
    for row_start in range(0, len(cards), 4):
        for column, (_, card) in zip(st.columns(4), cards.iloc[row_start : row_start + 4].iterrows()):
            target = f"target {card['target']:,.0f}" if pd.notna(card["target"]) else "no target"
            delta = f"{card['actual'] - card['target']:+,.0f} vs {target}" if pd.notna(card["target"]) else target
            column.metric(
                md_escape(card["kpi"]),
                f"{card['actual']:,.0f}" if pd.notna(card["actual"]) else "—",
                delta,
                border=True,
                delta_color="normal" if pd.notna(card["target"]) else "off",
            )


def improve_slide(m: WeeklyMeeting) -> None:
    if not m.improve:
        st.info(
            f"Nothing on the list for {m.week}. Add a Notes row with Kind = Improve to put a next step here.", icon="🛠️"
        )
        return
    st.markdown("\n".join(f"{i}. {md_text(text)}" for i, text in enumerate(m.improve, start=1)))
    st.caption("Not blame: the next steps we agree to take this week.")


@st.fragment(run_every=dataset.settings.live_refresh_seconds)
def live_vote_results(week: str) -> None:
    """The live part of the last slide: reads only the Votes tab (a short-interval shared read), never the whole Sheet."""
    current = vote_tally(shared.live_votes(), meeting.candidates, week)
    total = int(current["votes"].sum())
    st.subheader(f"🗳️ {total} vote{'s' if total != 1 else ''} so far")
    if not shared.is_revealed(week):
        st.markdown("Results are hidden until the facilitator reveals them.")
    elif current.empty:
        st.markdown("No votes yet.")
    else:
        leaders = current[current["votes"] == current["votes"].max()]["name"].tolist()
        if len(leaders) == 1:
            st.markdown(f"### Most creative so far: {md_escape(leaders[0])}")
        else:
            st.markdown(f"### A tie so far: {md_escape(' and '.join([', '.join(leaders[:-1]), leaders[-1]]))}")
        st.altair_chart(vote_tally_chart(current.head(8)), width="stretch")


def survey_and_ideas(week: str) -> None:
    """The room's survey (join code, live answer count) and the latest ideas, refreshing on their own."""
    st.divider()
    st.markdown("**How would you improve our social media?** Answer the survey or drop an idea from your phone:")
    survey_panel.over_to_you(dataset, layout.today())


def reveal_controls(week: str) -> None:
    with st.expander("🔒 Facilitator: reveal or hide the vote"):
        if access.facilitator_gate("reveal the vote"):
            shown = shared.is_revealed(week)
            if st.button(
                "Hide the results" if shown else "Reveal the results",
                icon="🙈" if shown else "🎉",
                key="reveal-vote",
                type="primary",
            ):
                shared.set_revealed(week, not shown)
                st.rerun()


def over_to_you_slide(m: WeeklyMeeting) -> None:
    if m.candidates.empty:
        st.info(f"No posts logged for {m.week}, so there is nothing to vote on this week.", icon="🗳️")
    else:
        qr, results = st.columns([2, 3])
        with qr:
            st.markdown("**Vote for the most creative post of the week** — scan with your phone:")
            join.join_panel("vote", "Vote from your phone", width=260, week=m.week)
        with results:
            live_vote_results(m.week)
        reveal_controls(m.week)
    survey_and_ideas(m.week)
    send_digest_panel(m)


DRAW = (glance_slide, highlights_slide, hero_slide, competition_slide, kpi_slide, improve_slide, over_to_you_slide)
DRAW[slide - 1](meeting)

# -- Back / Next, and where we are ------------------------------------------------------------------
st.divider()
back, picker, where, forward = st.columns([1, 1, 3, 1], vertical_alignment="center")
back.button("Back", icon="⬅️", on_click=go_to, args=(slide - 1,), disabled=slide == 1, width="stretch", key="slide-back")
picker.selectbox(
    "Week",
    options,
    index=options.index(week),
    key="meeting-week",
    on_change=pick_week,
    format_func=lambda w: week_choice_label(w, layout.today()),
    label_visibility="collapsed",
    help="The meeting's week (default: the last complete week, Monday to Sunday)",
)
where.caption(
    f"Slide {slide} of {len(SLIDES)} · {SLIDES[slide - 1]} · next: {SLIDES[slide] if slide < len(SLIDES) else 'the end'} · {layout.data_as_of(data)}"
)
forward.button(
    "Next",
    icon="➡️",
    on_click=go_to,
    args=(slide + 1,),
    disabled=slide == len(SLIDES),
    width="stretch",
    type="primary",
    key="slide-next",
)
