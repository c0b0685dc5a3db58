"""What every write from a page needs: who is asking, and the command run for them with its refusal shown.

Pages never write themselves: they call `send(commands.some_command, …)`, which runs the command
(data_sources/commands.py: role, spam limit, checks, ID, outbox) for this browser session and draws
why nothing was written when it refuses.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import streamlit as st

from data_sources.commands import Caller, Refused
from data_sources.server import Server
from rally.core.text import md_escape
from ui import access
from ui.server import server

TOKEN_STATE_KEY = "rally_session_token"  # noqa: S105 (a session_state key name, not a secret)
P = ParamSpec("P")
R = TypeVar("R")


def session_token() -> str:
    """A random token for this browser session, used only in memory (the spam limit's key).

    The vote and the survey each keep a token of their own on purpose: the Votes tab stores
    its token next to an optional name, so the survey's (stored only hashed) must never equal it.
    """
    if TOKEN_STATE_KEY not in st.session_state:
        st.session_state[TOKEN_STATE_KEY] = uuid.uuid4().hex
    return st.session_state[TOKEN_STATE_KEY]


def caller() -> Caller:
    return Caller(session_token(), access.is_facilitator())


def send(command: Callable[Concatenate[Server, Caller, P], R], *args: P.args, **kwargs: P.kwargs) -> R | None:
    """`command` run for this session; None, with the reasons drawn, when it refused (nothing was written)."""
    try:
        return command(server(), caller(), *args, **kwargs)
    except Refused as refused:
        if refused.role:
            st.toast(md_escape(str(refused)), icon="🔒")
        elif not refused.listed:
            st.error(md_escape(str(refused)), icon="✋")
        else:
            st.error("\n".join(f"- {md_escape(problem)}" for problem in refused.problems), icon="✋")
        return None
