"""Vote: the most-creative post of the week, from a phone. One vote per browser session a week; a new vote replaces the old one.

Every post is two taps away: one on the page of the list (A to Z by who posted, ten to a page), one on the post.
A big company's week (more than `SEARCH_FROM` posts) gets a search box above the pages.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_sources import commands
from rally.core.text import md_escape, md_link, md_text, safe_link
from rally.weekly.votes import (
    NAME_MAX,
    SEARCH_FROM,
    find_candidates,
    my_vote,
    new_voter_token,
    vote_candidates,
    vote_pages,
    week_vote_pages,
)
from ui import layout
from ui import meeting as shared
from ui.forms import send

# Session-state key of this browser session's random voter token (its own: see ui/forms.py).
VOTER_KEY = "rally_voter_token"
SENT_KEY = "rally_vote_sent"  # week -> the post key this session last voted for
JUST_SENT_KEY = "rally_vote_just_sent"
SUMMARY_SHOWN = 140  # characters of a post's summary under it: two lines on a phone
MOST_PAGES = 12  # pages offered at once; past that, the search narrows the list first

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
by_key = candidates.set_index("key")


def label(key: str) -> str:
    """Who posted it, where and when, in bold type on the radio; the title and the link go in its caption."""
    post = by_key.loc[key]
    when = f" · {post['date']:%a %-d %b}" if pd.notna(post["date"]) else ""
    return f"**{md_escape(post['name'])}** · {md_escape(post['platform'])}{when}"


def caption(key: str) -> str:
    post = by_key.loc[key]
    parts = [md_text(post["summary"], SUMMARY_SHOWN)] if post["summary"] else []
    if safe_link(post["link"]):
        parts.append(md_link("Open the post ↗", post["link"]))
    return " · ".join(parts)


if current in by_key.index:
    st.success(f"Your vote is in: {label(current)}. Vote again to change it; only your latest vote counts.", icon="✅")
st.markdown("Which post this week was the most **creative**? Not the biggest — the one with the best idea.")

listed, query = candidates, ""
if len(candidates) > SEARCH_FROM:
    # A big company's week has thousands of posts: a search narrows the list, then its pages are a tap away.
    query = st.text_input(
        "Find a post", placeholder="A name, a platform or a word from the post", key="vote-find", max_chars=100
    )
    listed, matching = find_candidates(candidates, query, limit=len(candidates))
    st.caption(f"{matching:,} of {len(candidates):,} posts match.")
# Before a search every phone shows the same pages: sorted once per data version for the whole server.
pages = vote_pages(listed) if query.strip() else data.derive(week_vote_pages, dataset.posts, dataset.staff, week)
if len(pages) > MOST_PAGES:
    st.caption(f"Showing the first {MOST_PAGES} pages of {len(pages)}: type a name or a word above to narrow it down.")
    pages = pages[:MOST_PAGES]
if not pages:
    st.info("No post matches: try a first name or one word from the post.", icon="🔎")
    st.stop()

labels = [name for name, _ in pages]
# The list opens on the page holding this session's vote, so the vote is on screen with its radio button set.
home = next((name for name, keys in pages if current in keys), labels[0])
page = (
    st.pills(
        f"{len(listed):,} posts, A to Z by who posted",
        labels,
        default=home,
        key=f"vote-page-{week}",
        help="Tap a group of names, then the post",
    )
    if len(pages) > 1
    else labels[0]
) or home
keys = dict(pages)[page]

with st.form("vote", border=False):
    choice = st.radio(
        f"Posts by {page}" if len(pages) > 1 else "The week's posts",
        keys,
        index=keys.index(current) if current in keys else None,
        format_func=label,
        captions=[caption(key) for key in keys],
        key=f"vote-choice-{week}-{page}",
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
