"""Weekly meeting: presenter mode. The agenda as slides for the projector, one per step, the slide in the URL (?slide=3)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from rally.core.text import format_figure, format_signed, md_escape, md_link, md_text, safe_link, truncate
from rally.weekly.awards import CATEGORIES
from rally.weekly.charts import platforms_chart, vote_tally_chart
from rally.weekly.glance import week_choice_label
from rally.weekly.meeting import WeeklyMeeting
from rally.weekly.record import as_recorded
from rally.weekly.votes import tally as vote_tally
from ui import access, join, layout, survey_panel
from ui import meeting as shared
from ui import meeting_record as record_ui
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
QR_WIDTH = (
    220  # pixels: scannable from the back of a room on a 1280×800 projector, two codes and the tally side by side
)
AWARD_NAMES = 2  # winners named on an award's card (a tie of more says "and N more"; the Leaderboard lists them)
VOTE_BARS = 3  # posts on the revealed vote's chart: the podium, each with its full name and title

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
record = record_ui.record_for(data, week)
record_ui.flash()
record_ui.closed_note(record, meeting)
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
            format_figure(getattr(m.glance.this, field)),
            format_signed(m.glance.delta(field)),
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
SLIDE_MILESTONES = 6  # lines beside the top posts that fit a 1280×800 projector; the This week page lists them all


def highlight_line(h) -> str:
    """One bullet: the text as typed (escaped), then a short link to the post when it may be shown."""
    return f"- {md_text(h.text)}" + (f" {md_link('open ↗', h.link)}" if safe_link(h.link) else "")


def highlights_slide(m: WeeklyMeeting) -> None:
    # KPI wins are the KPI slide's own news: read out there, not twice.
    shown = [h for h in m.highlights if h.kind != "kpi"]
    if not shown:
        st.info(
            f"Nothing to celebrate for {m.week} yet: log this week's posts, or add a highlight below (facilitator).",
            icon="✨",
        )
        return
    posts = [h for h in shown if h.kind in POST_KINDS]
    others = [h for h in shown if h.kind not in POST_KINDS]
    left, right = st.columns(2, gap="large") if posts and others else (st.container(), st.container())
    with left:
        if posts:
            st.subheader("Top posts")
            st.markdown("\n".join(highlight_line(h) for h in posts))
    with right:
        if others:
            st.subheader("Milestones & kudos")
            st.markdown("\n".join(highlight_line(h) for h in others[:SLIDE_MILESTONES]))
            if len(others) > SLIDE_MILESTONES:
                more = len(others) - SLIDE_MILESTONES
                st.page_link(
                    "views/this_week.py",
                    label=f"{more} more on the This week page",
                    icon="➕",
                    query_params={"week": str(m.week)},
                )


def hero_slide(m: WeeklyMeeting) -> None:
    hero = m.hero
    if hero is None:
        st.info(
            f"No hero for {m.week}: nobody has logged a post yet. A facilitator can pick one below.",
            icon="🌟",
        )
        return
    with st.container(key="hero-card"):
        st.header(f"🌟 {md_text(hero.name or 'Our hero', 80)}")
        st.markdown(f"### {md_text(hero.reason)}")
        if hero.rule == "note":
            st.caption("Chosen by the facilitator.")
        if safe_link(hero.link):
            st.link_button("Open the post", safe_link(hero.link), icon="🔗")
    badges = m.badges_for(hero.person)
    if badges:
        st.markdown("**Badges this week:** " + " · ".join(md_escape(b) for b in badges))


def award_card(category: str, rule: str, m: WeeklyMeeting, revealed: bool) -> None:
    winners = [a for a in m.awards if a.category == category]
    with st.container(border=True, key=f"award-{category.lower().replace(' ', '-')}"):
        st.caption(md_escape(category.upper()))
        if category == "Most creative" and not revealed:
            st.markdown("🗳️ **Your vote**, revealed on the last slide")
            return
        if not any(a.won for a in winners):
            st.caption(md_escape(winners[0].why if winners else rule))
            return
        shown = [a for a in winners if a.won]
        for award in shown[:AWARD_NAMES]:
            st.markdown(f"**{md_escape(award.name)}** " + md_escape(m.badge_icons(award.person)))
        if len(shown) > AWARD_NAMES:
            st.markdown(f"and {len(shown) - AWARD_NAMES} more")
        st.caption(md_escape(truncate(shown[0].why, 70)))


def markdown_table(header: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    """A table in Markdown, every cell escaped: big projector type instead of a grid's small print."""
    align = ["---:" if i in right else ":---" for i in range(len(header))]
    lines = [header, align, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def competition_slide(m: WeeklyMeeting) -> None:
    revealed = shared.is_revealed(m.week)
    for column, (category, rule) in zip(st.columns(len(CATEGORIES)), CATEGORIES):
        with column:
            award_card(category, rule, m, revealed)
    people, teams = st.columns([4, 3], gap="large")
    with people, st.container(key="slide-people"):
        st.subheader(f"People: top {SLIDE_BOARD_RANKS}")
        top = m.leaderboard[m.leaderboard["rank"] <= SLIDE_BOARD_RANKS]
        if top.empty:
            st.info(f"No posts logged for {m.week} yet.")
        else:
            rows = [
                [str(rank), md_escape(name), format_figure(points), format_figure(posts), format_figure(reach), icons]
                for rank, name, points, posts, reach, icons in zip(
                    top["rank"],
                    top["name"],
                    top["points"],
                    top["posts"],
                    top["reach"],
                    m.badge_icon_column(top["person"]),
                )
            ]
            st.markdown(markdown_table(["#", "Name", "Points", "Posts", "Reach", ""], rows, right={0, 2, 3, 4}))
    with teams, st.container(key="slide-teams"):
        st.subheader("Teams: who took part")
        board = m.teams[m.teams["rank"] <= SLIDE_BOARD_RANKS]
        rows = [
            [md_escape(team), f"{share:.0%}", f"{posters:,} of {size:,}"]
            for team, share, posters, size in zip(
                board["team"], board["participation"], board["posters"], board["size"]
            )
        ]
        if rows:
            st.markdown(markdown_table(["Team", "Took part", "People"], rows, right={1, 2}))
    st.page_link(
        "views/leaderboard.py",
        label="Everyone's points and breakdown, and every team: the Leaderboard page",
        icon="🏆",
        query_params={"week": str(m.week)},
    )


def kpi_slide(m: WeeklyMeeting) -> None:
    cards = m.kpis
    if cards.empty:
        st.info("No KPIs yet: add rows to the KPIs tab (Month, KPI, Actual, Target), one per month and KPI.", icon="📈")
        return
    month = cards["month"].iloc[0]
    caption, link = st.columns([3, 2], vertical_alignment="center")
    caption.caption(
        f"{pd.Timestamp(month + '-01'):%B %Y}, the last full month before the meeting: actual against target."
    )
    if KPI_PAGE.exists():
        link.page_link("views/kpis.py", label="Every KPI and its trend: the KPI page", icon="📈")
    per_row = 3 if len(cards) <= 6 else 4  # six programme KPIs: two rows of three, wide enough for whole numbers
    for row_start in range(0, len(cards), per_row):
        for column, (_, card) in zip(st.columns(per_row), cards.iloc[row_start : row_start + per_row].iterrows()):
            has_target = pd.notna(card["target"])
            column.metric(
                md_escape(card["kpi"]),
                format_figure(card["actual"]) if pd.notna(card["actual"]) else "—",
                f"{format_signed(card['actual'] - card['target'])} vs target {format_figure(card['target'])}"
                if has_target and pd.notna(card["actual"])
                else ("no target" if not has_target else None),
                border=True,
                # Exactly on target is neither good news nor bad: no green arrow for "0".
                delta_color="normal" if has_target and card["actual"] != card["target"] else "off",
            )


def improve_slide(m: WeeklyMeeting) -> None:
    last, this = st.columns(2, gap="large")
    with last:
        followed = record_ui.follow_up_panel(data, m.week, layout.today())
    with this if followed else last:
        if followed:
            st.subheader(f"This week ({m.week})")
        if not m.improve:
            st.info(
                f"Nothing on the list for {m.week} yet: a facilitator adds a next step below.",
                icon="🛠️",
            )
            return
        st.markdown("\n".join(f"{i}. {md_text(text)}" for i, text in enumerate(m.improve, start=1)))
        st.caption("Not blame: the next steps we agree to take this week.")


@st.fragment(run_every=dataset.settings.live_refresh_seconds)
def live_vote_results(week: str) -> None:
    """The live part of the last slide: reads only the room's tabs (a short-interval shared read), never the whole Sheet.

    Hidden, it counts votes; revealed (on every screen: the reveal is a row in the Sheet), it announces the
    winner and shows the top posts as big bars with full names and titles.
    """
    current = vote_tally(shared.live_votes(), meeting.candidates, week)
    total = int(current["votes"].sum())
    counted = f"🗳️ {total:,} vote{'s' if total != 1 else ''} so far"
    if not shared.is_revealed(week):
        st.subheader(counted)
        st.markdown("Results are hidden until the facilitator reveals them.")
        return
    if current.empty:
        st.subheader(counted)
        st.markdown("No votes yet.")
        return
    leaders = current[current["votes"] == current["votes"].max()]
    with st.container(key="vote-winner"):
        if len(leaders) == 1:
            winner = leaders.iloc[0]
            st.markdown(f"## 🏆 Most creative so far: {md_escape(winner['name'])}")
        else:
            names = list(dict.fromkeys(leaders["name"]))  # one person's two tied posts name them once
            said = (
                " and ".join([", ".join(names[:-1]), names[-1]])
                if 1 < len(names) <= 3
                else names[0]
                if len(names) == 1
                else f"{len(leaders)} posts"
            )
            st.markdown(f"## 🏆 A tie so far: {md_escape(said)}")
    st.altair_chart(vote_tally_chart(current.head(VOTE_BARS)), width="stretch")
    others = len(current) - VOTE_BARS
    st.caption(
        counted.removeprefix("🗳️ ").replace("so far", "cast")
        + (f" · {others} more post{'s' if others != 1 else ''} with votes" if others > 0 else "")
    )


def reveal_controls(week: str) -> None:
    with st.expander("🔒 Facilitator: reveal the vote · the phones' address"):
        if access.facilitator_gate("reveal the vote"):
            join.facilitator_note()
            shown = shared.is_revealed(week)
            if st.button(
                "Hide the results" if shown else "Reveal the results",
                icon="🙈" if shown else "🎉",
                key="reveal-vote",
                type="primary",
            ):
                if shared.set_revealed(week, not shown):
                    st.rerun()


def over_to_you_slide(m: WeeklyMeeting) -> None:
    revealed = shared.is_revealed(m.week)
    if m.candidates.empty:
        vote_col, survey_col = st.columns([3, 1.1], gap="large")
        with vote_col:
            st.info(f"No posts logged for {m.week}, so there is nothing to vote on this week.", icon="🗳️")
            survey_panel.latest_ideas_panel(dataset, 3)
    elif revealed:
        # Voting is over: the results take the room's attention (and the vote's code its place).
        vote_col, survey_col = st.columns([2.6, 1.4], gap="large")
        with vote_col:
            live_vote_results(m.week)
    else:
        vote_col, results_col, survey_col = st.columns([1.1, 1.9, 1.1], gap="large")
        with vote_col:
            st.markdown("**Vote: the most creative post**")
            join.join_panel("vote", "", width=QR_WIDTH, note=False, big=False, week=m.week)
        with results_col:
            live_vote_results(m.week)
            st.divider()
            survey_panel.latest_ideas_panel(dataset, 3)
    with survey_col:
        st.markdown("**Survey & ideas**")
        survey_panel.over_to_you(dataset, layout.today(), ideas=0, width=QR_WIDTH)
    facilitator = st.columns(2)
    if not m.candidates.empty:
        with facilitator[0]:
            reveal_controls(m.week)
    with facilitator[1]:
        send_digest_panel(m)


DRAW = (glance_slide, highlights_slide, hero_slide, competition_slide, kpi_slide, improve_slide, over_to_you_slide)
DRAW[slide - 1](as_recorded(meeting, record, dataset.notes))

# -- Back / Next, and where we are ------------------------------------------------------------------
st.divider()
back, picker, note, where, forward = st.columns([1, 1, 1.5, 2.0, 1], vertical_alignment="center")
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
# The facilitator's part of this slide (notes, closing the meeting): a popover, so the slide keeps its height.
NOTE_ON_SLIDE = {2: "Highlight", 3: "Hero", 6: "Improve"}
with note:
    if slide in NOTE_ON_SLIDE:
        record_ui.note_popover(data, meeting, NOTE_ON_SLIDE[slide])
    elif slide == len(SLIDES):
        record_ui.close_popover(meeting, record, layout.today())
where.caption(
    f"Slide {slide} of {len(SLIDES)} · next: {SLIDES[slide] if slide < len(SLIDES) else 'the end'} · {layout.data_as_of(data)}"
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
