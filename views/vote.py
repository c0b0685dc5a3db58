"""Vote: the most-creative post of the week, from a phone. One vote per browser session a week; a new vote replaces the old one."""

from __future__ import annotations

import streamlit as st

from data_sources import commands
from rally.core.text import md_escape, md_link, safe_link, truncate
from rally.weekly.votes import (
    NAME_MAX,
    SHORTLIST,
    find_candidates,
    my_vote,
    new_voter_token,
    vote_candidates,
)
from ui import layout
from ui import meeting as shared
from ui.forms import send

# Session-state key of this browser session's random voter token (its own: see ui/forms.py).
VOTER_KEY = "rally_voter_token"
SENT_KEY = "rally_vote_sent"  # week -> the post key this session last voted for
JUST_SENT_KEY = "rally_vote_just_sent"

data = layout.load(live=True)  # a phone sees its own vote, and the room's, as of a few seconds ago
dataset = data.dataset
week = shared.week_from_query(shared.week_options(data))
candidates = data.derive(vote_candidates, dataset.posts, dataset.staff, week)

st.title("Vote: most creative post")
st.caption(f"Week {week} · {layout.data_as_of(data)}")
if candidates.empty:
    st.info(
        f"No posts logged for {week} yet, so there is nothing to vote on. Check back once this week's posts are in the Sheet.",
        icon="🗳️",
    )
    st.stop()

token = st.session_state.setdefault(VOTER_KEY, new_voter_token())
# This session's last vote first: a vote just sent may be between the outbox and the next read of the Votes tab.
current = st.session_state.get(SENT_KEY, {}).get(week) or my_vote(dataset.votes, week, token)

st.markdown("Which post this week was the most **creative**? Not the biggest — the one with the best idea.")
query = ""
if len(candidates) > SHORTLIST:
    # A big company's week has thousands of posts: a phone lists a few at a time, found by who or what.
    query = st.text_input(
        "Find a post", placeholder="A name, a platform or a word from the post", key="vote-find", max_chars=100
    )
shown, matching = find_candidates(candidates, query, keep=current)
if len(candidates) > SHORTLIST:
    listed = min(matching, SHORTLIST)
    st.caption(
        f"{matching:,} of {len(candidates):,} posts match; {listed:,} listed below"
        + (" — type to narrow it down." if matching > listed else ".")
    )

labels = {
    row["key"]: f"**{md_escape(row['name'])}** · {md_escape(row['platform'])}"
    + (f" — {md_escape(truncate(row['summary'], 90))}" if row["summary"] else "")
    for _, row in shown.iterrows()
}
captions = [md_link("Open the post ↗", row["link"]) if safe_link(row["link"]) else "" for _, row in shown.iterrows()]
if current in labels:
    st.success(f"Your vote is in: {labels[current]}. Vote again to change it; only your latest vote counts.", icon="✅")
with st.form("vote", border=False):
    keys = list(labels)
    choice = st.radio(
        "The week's posts",
        keys,
        index=keys.index(current) if current in keys else None,
        format_func=labels.get,
        captions=captions,
    )
    name = st.text_input(
        "Your name (optional)",
        max_chars=NAME_MAX,
        help="Leave it blank to vote without a name. Names are never shown with results.",
    )
    sent = st.form_submit_button("Send my vote", type="primary", icon="🗳️", width="stretch")

if sent:
    if send(commands.cast_vote, week, choice, token, name):
        st.session_state.setdefault(SENT_KEY, {})[week] = choice
        st.session_state[JUST_SENT_KEY] = True
        st.rerun()
elif st.session_state.pop(JUST_SENT_KEY, False):
    # Beside the button too: on a phone the top of the page is far away after a long list.
    st.success("Thanks — your vote is in.", icon="🗳️")
