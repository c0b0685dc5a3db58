"""A person's posts as a short list (Log a post, My progress): text only, http(s) links only, pending ones marked."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rally.core.text import md_escape, md_link, truncate


def draw_post_list(posts: pd.DataFrame) -> None:
    """One line per post: day · platform · summary (linked when the link is http(s)) · ⏳ while on its way to the Sheet."""
    for post in posts.itertuples():
        title = truncate(post.summary or post.link or "(no summary)", 90)
        status = " · ⏳ on its way to the Sheet (already counted here)" if post.pending else ""
        st.markdown(f"**{post.date:%a %d %b}** · {md_escape(post.platform)} · {md_link(title, post.link)}{status}")
    if posts["pending"].any():
        st.caption(
            "Rally keeps a logged post safe and writes it to the Sheet by itself — even if Google Sheets is slow or down for a while."
        )
