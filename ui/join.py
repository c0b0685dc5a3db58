"""The join panel the projector shows: a big QR code and the short link under it."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from rally.core.text import md_escape
from rally.room.join import join_url, qr_png, short_label
from ui.server import server


def public_base_url() -> str:
    """The address phones use: `public_url` under [rally] in the secrets, else the address this browser used."""
    configured = str(server().config.rally.get("public_url") or "").strip()
    if configured:
        return configured
    current = urlsplit(st.context.url or "http://localhost:8501")
    return f"{current.scheme}://{current.netloc}"


def join_panel(path: str, caption: str, width: int = 320, **query: str) -> str:
    """Draw the QR code and link for `path`; returns the link."""
    url = join_url(public_base_url(), path, **query)
    st.image(qr_png(url), width=width, caption=caption)
    st.markdown(f"### {md_escape(short_label(url))}")
    return url
