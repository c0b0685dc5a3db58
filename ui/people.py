"""Who is using this browser: the name a person picked (or typed) once, remembered for the session.

Log a post, Kudos and My progress all start from it, so a phone user picks their
name once. Nothing is stored beyond the browser session.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

MY_NAME = "rally_my_name"


def remembered_name() -> str | None:
    return st.session_state.get(MY_NAME) or None


def remember_name(name: str) -> None:
    st.session_state[MY_NAME] = name


def name_picker(
    label: str, names: Sequence[str], key: str, *, remember: bool = False, help: str | None = None
) -> str | None:
    """A list of names to pick from, where a name can also be typed; starts on the remembered name.

    With `remember`, the pick becomes this session's name at once (My progress);
    forms remember it only when they are sent.
    """
    current = remembered_name()
    options = list(names) + ([current] if current and current not in names else [])
    picked = st.selectbox(
        label,
        options,
        index=options.index(current) if current in options else None,
        key=key,
        accept_new_options=True,
        placeholder="Pick or type your name",
        help=help,
    )
    if remember and picked:
        remember_name(picked)
    return picked
