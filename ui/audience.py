"""Who the app is showing itself to, decided before any page runs.

- Everyone, by default: a session opened from a directors' link (/directors… or ?view=directors)
  gets the directors' page alone, with no menu into the meeting.
- With `viewers` under [rally] (a company hosting Rally on the open internet): nobody sees any
  page before signing in with the company login (OIDC, `st.login`) as one of the viewers. A
  directors' link then carries a signed token that expires (`?token=…`): it opens the directors'
  page alone, without a login, and any other address typed in that tab is refused.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import streamlit as st

from rally.core.text import md_escape
from rally.room.access import (
    DIRECTORS_LINK_DAYS,
    Viewers,
    access_policy,
    check_directors_token,
    directors_token,
    viewers_from,
)
from rally.room.join import join_url
from ui.access import facilitator_gate
from ui.join import public_base_url
from ui.opened import DIRECTORS_PATH, TOKEN_KEY, directors_link

EVERYONE, DIRECTORS_ONLY, DIRECTORS_BY_TOKEN = "everyone", "directors", "directors-token"


@dataclass(frozen=True)
class Door:
    """What the secrets say about who may come in: `viewers`, the company login, the secret links are signed with."""

    viewers: Viewers | None
    login_configured: bool
    link_secret: str
    facilitators: frozenset[str]
    link_days: int


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}


def door() -> Door:
    """Read from the secrets as they are, even half filled in: with `viewers` set, a broken file must not open the door."""
    secrets = _secrets()
    rally, auth = dict(secrets.get("rally") or {}), dict(secrets.get("auth") or {})
    policy = access_policy(rally, auth, demo=False)
    return Door(
        viewers=viewers_from(rally.get("viewers")),
        login_configured=policy.mode == "oidc",
        link_secret=str(auth.get("cookie_secret") or ""),
        facilitators=policy.facilitator_emails,
        link_days=int(rally.get("directors_link_days") or DIRECTORS_LINK_DAYS),
    )


def admit() -> str | None:
    """Who this session is: EVERYONE, DIRECTORS_ONLY or DIRECTORS_BY_TOKEN; None (with the way in drawn) when nobody yet."""
    opened_as_director = directors_link()
    current = door()
    if current.viewers is None:
        return DIRECTORS_ONLY if opened_as_director else EVERYONE
    if not current.login_configured:
        st.title("Rally")
        st.error(
            "Rally is set to show itself to signed-in people only (`viewers` under [rally] in the secrets), but no "
            "company login is configured: fill in the [auth] table (see .streamlit/secrets.toml.example).",
            icon="🔧",
        )
        return None
    token = st.session_state.get(TOKEN_KEY)
    if token:
        # Checked on every run: a link that expires during a session stops working there too.
        status = check_directors_token(current.link_secret, token, time.time())
        if status == "valid":
            return DIRECTORS_BY_TOKEN
        st.title("Rally")
        st.warning(
            "This directors' link has expired: ask the facilitator for a new one."
            if status == "expired"
            else "This directors' link isn't valid (it was changed, or made for another Rally): ask the facilitator for a new one.",
            icon="🔗",
        )
        return None
    user = st.user.to_dict()
    if current.viewers.allows(user, current.facilitators):
        return EVERYONE
    _sign_in(current.viewers, user)
    return None


def _sign_in(viewers: Viewers, user: dict) -> None:
    st.title("Rally")
    if user.get("is_logged_in") is True:
        who = md_escape(str(user.get("email") or "This account"))
        st.warning(
            f"{who} can't open Rally here: it is for {md_escape(viewers.description)}. Sign out, then sign in with that account.",
            icon="🔒",
        )
        st.button("Sign out", icon="🔒", on_click=st.logout, key="viewer-sign-out")
        return
    st.info(f"Rally is for {md_escape(viewers.description)}: sign in with your company account.", icon="🔑")
    st.button("Sign in", icon="🔑", type="primary", on_click=st.login, key="viewer-sign-in")


def refuse_other_pages() -> None:
    """In a tab opened with a directors' token, any address but the directors' page is refused."""
    st.title("Rally")
    st.error("This link opens the directors' page only.", icon="🔒")
    st.stop()


def share_with_directors(month: str) -> None:
    """The directors' link for `month`: plain, or with `viewers` set a token link (made by a facilitator only)."""
    current = door()
    if current.viewers is None:
        st.code(join_url(public_base_url(), DIRECTORS_PATH, month=month), language=None)
        return
    if not facilitator_gate("the directors' link"):
        return
    if not current.link_secret:
        st.warning("Set cookie_secret under [auth] in the secrets: directors' links are signed with it.", icon="🔧")
        return
    # Whole days, so the link on screen stays the same all day instead of changing with every rerun.
    expires = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
        days=current.link_days + 1
    )
    token = directors_token(current.link_secret, expires.timestamp())
    st.code(join_url(public_base_url(), DIRECTORS_PATH, month=month, token=token), language=None)
    st.caption(
        f"Opens the directors' page alone, without the company login, until {expires:%d %b %Y}. Anyone holding it can: "
        "share it with the directors only. Changing cookie_secret under [auth] ends every link made so far."
    )
