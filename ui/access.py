"""Facilitator controls on a page: who is signed in, and the sign-in box for those who are not.

Pages call `facilitator_gate()` around every control that changes something
(reveal results, start a round, hide an answer) and around private views (the
encouragement list, the training tracker, data-issue details). Everyone else sees
the page without them. The writes behind those controls are wrapped in
`facilitator_action`, so a control drawn for a facilitator does nothing once the
session has lost the role (signed out in the sidebar, say) before it is clicked.
"""

from __future__ import annotations

import logging
import math
from typing import ParamSpec, TypeVar

import streamlit as st

from rally.core.text import md_escape
from rally.room.access import AccessPolicy, PasscodeThrottle, access_policy
from ui.server import server

SESSION_KEY = "rally_facilitator"
# Streamlit gives no address for a browser on the server's own machine (or under AppTest).
LOCAL_CLIENT = "this computer"
P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger("rally.room.access")


def _throttle() -> PasscodeThrottle:
    return server().throttle


def policy() -> AccessPolicy:
    config = server().config
    return access_policy(config.rally, config.auth, demo=not config.uses_google_sheet)


def _user() -> dict:
    return st.user.to_dict()


def is_facilitator() -> bool:
    """True when this browser session has facilitator rights."""
    current = policy()
    if current.mode == "oidc":
        return current.user_allowed(_user())
    if current.mode == "none":
        return False  # nothing configured: there is no way in, whatever the session holds
    return bool(st.session_state.get(SESSION_KEY))


def facilitator_gate(what: str = "these controls") -> bool:
    """True for a facilitator; otherwise draws the way to sign in (never the secret) and returns False."""
    if is_facilitator():
        return True
    current = policy()
    if current.mode == "none":
        st.info(f"Facilitator only. {current.explanation}", icon="🔒")
        return False
    if current.mode == "oidc":
        user = _user()
        if user.get("is_logged_in") is True:
            who = md_escape(str(user.get("email") or "This account"))
            st.warning(
                f"{who} is not on the facilitator list for {what}. A facilitator adds e-mails to facilitator_emails under [rally] in the secrets.",
                icon="🔒",
            )
        else:
            st.caption(f"🔒 Facilitator only: {what}. {current.explanation}")
            st.button("Sign in as facilitator", icon="🔑", on_click=st.login, key=f"login-{what}")
        return False
    with st.form(key=f"passcode-{what}", clear_on_submit=True, border=True):
        st.caption(f"🔒 Facilitator only: {what}. {current.explanation if current.mode == 'demo' else ''}")
        given = st.text_input("Facilitator passcode", type="password", key=f"passcode-input-{what}", max_chars=200)
        submitted = st.form_submit_button("Unlock")
    if submitted:
        _check_passcode(given or "", current)
    return False


def client_key() -> str:
    """Who is typing, for the passcode slow-down: the client's network address.

    Every tab and session from one address shares it, so opening a new tab doesn't reset a wait; another
    address (the facilitator's laptop) is never slowed by it. Behind a reverse proxy, the proxy must pass
    the client's address on (X-Forwarded-For; trusted from 127.0.0.1, or the addresses in FORWARDED_ALLOW_IPS).
    """
    address = st.context.ip_address
    return address if isinstance(address, str) and address else LOCAL_CLIENT  # (AppTest hands out a stand-in object)


def _check_passcode(given: str, current: AccessPolicy) -> None:
    """Unlock this session, or say why not: never repeating what was typed."""
    throttle = _throttle()
    client = client_key()
    waiting = throttle.wait_seconds(client)
    if waiting > 0:
        st.error(f"Too many wrong tries: wait {math.ceil(waiting)} s, then try again.", icon="⏳")
        return
    if not given.strip():
        st.error("Type the facilitator passcode first.", icon="✋")
        return
    accepted, wait = throttle.attempt(client, given, current.passcode or "")
    if accepted:
        st.session_state[SESSION_KEY] = True
        st.rerun()
    if wait:
        log.warning("facilitator passcode: another wrong try from one client; its next one waits %.0f s", wait)
    st.error(
        "That passcode isn't right."
        + (f" Too many wrong tries: wait {math.ceil(wait)} s before the next one." if wait else ""),
        icon="🔒",
    )


def sign_out() -> None:
    st.session_state.pop(SESSION_KEY, None)
    if policy().mode == "oidc":
        st.logout()
