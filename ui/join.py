"""The join panel the projector shows: a big QR code and the short link under it, at an address phones can open.

Which address (rally.room.join.join_address): `public_url` under [rally] in the secrets; else the address this
browser used when it isn't a loopback one; else this machine's network address, the "Network URL" that
`streamlit run` prints. A signed-in facilitator sees a note under the code saying which it is.
"""

from __future__ import annotations

import streamlit as st
from streamlit import net_util

from rally.core.text import md_escape
from rally.room.join import JoinAddress, join_address, join_url, listens_beyond_this_machine, qr_png, short_label
from ui import access
from ui.server import server


def address() -> JoinAddress:
    """Where phones are sent, and where that address came from."""
    configured = str(server().config.rally.get("public_url") or "")
    port = st.get_option("server.port")
    listening = str(st.get_option("server.address") or "")
    # Streamlit's own lookup (the address it prints as "Network URL"; 127.0.0.1 when there is none). A server told to
    # listen on this machine only (--server.address 127.0.0.1) can't be reached at it: then it is no address for phones.
    network = net_util.get_internal_ip() if listens_beyond_this_machine(listening) else None
    return join_address(configured, st.context.url or "", network, int(port) if port else None)


def public_base_url() -> str:
    """The base address phones (and a copied directors' link) use: see `address`."""
    return address().base


def facilitator_note(where: JoinAddress | None = None) -> None:
    """For a signed-in facilitator only: which address the codes hold and how to set `public_url`."""
    where = where or address()
    if access.is_facilitator():
        st.caption(("ℹ️ " if where.reachable else "⚠️ ") + md_escape(where.note()))


def join_panel(
    path: str,
    caption: str,
    width: int | str = 320,
    url: str | None = None,
    big: bool = True,
    note: bool = True,
    **query: str,
) -> str:
    """Draw the QR code and link for `path` (or for `url`, a Google Form's own link, say); returns the link.

    With `note`, a signed-in facilitator sees under it which address the code holds (a slide short of room
    shows `facilitator_note` elsewhere instead).
    """
    where = address()
    url = url or join_url(where.base, path, **query)
    st.image(qr_png(url), width=width, caption=caption or None)
    with st.container(key=f"join-link-{path.strip('/') or 'home'}"):
        st.markdown(f"{'### ' if big else ''}**{md_escape(short_label(url))}**")
    if note and url.startswith(where.base):
        facilitator_note(where)
    return url
