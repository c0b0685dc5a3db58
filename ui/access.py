"""Facilitator controls on a page: who is signed in, and the sign-in box for those who are not.

Pages call `facilitator_gate()` around every control that changes something
(reveal results, start a round, hide an answer) and around private views (the
encouragement list, data-issue details). Everyone else sees the page without them.
"""

from __future__ import annotations

import streamlit as st

from data_sources import live
from rally.access import AccessPolicy, PasscodeThrottle, access_policy

SESSION_KEY = "rally_facilitator"
THROTTLE_KEY = "facilitator-passcode"


@st.cache_resource(show_spinner=False)
def _throttle() -> PasscodeThrottle:
    return PasscodeThrottle()


def policy() -> AccessPolicy:
    config = live.app_config()
    return access_policy(config.rally, config.auth, demo=not config.uses_google_sheet)


def is_facilitator() -> bool:
    """True when this browser session has facilitator rights."""
    current = policy()
    if current.mode == "oidc":
        return bool(st.user.is_logged_in) and current.email_allowed(st.user.get("email"))
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
        if st.user.is_logged_in:
            st.warning(f"{st.user.get('email')} is not on the facilitator list for {what}.", icon="🔒")
        else:
            st.button("Sign in as facilitator", icon="🔑", on_click=st.login, key=f"login-{what}")
        return False
    with st.form(key=f"passcode-{what}", clear_on_submit=True, border=True):
        st.caption(f"🔒 Facilitator only: {what}. {current.explanation if current.mode == 'demo' else ''}")
        given = st.text_input("Facilitator passcode", type="password", key=f"passcode-input-{what}")
        submitted = st.form_submit_button("Unlock")
    if submitted:
        # One throttle for the whole server: opening a new browser session must not reset the wait.
        accepted, wait = _throttle().attempt(THROTTLE_KEY, given, current.passcode or "")
        if accepted:
            st.session_state[SESSION_KEY] = True
            st.rerun()
        st.error("That passcode isn't right." + (f" Too many wrong tries: wait {wait:.0f} s before the next one." if wait else ""))
    return False


def sign_out() -> None:
    if policy().mode == "oidc":
        st.logout()
    st.session_state.pop(SESSION_KEY, None)
