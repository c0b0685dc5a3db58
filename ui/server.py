"""The app's way to its Server: the composition root (data_sources.server) built from st.secrets.

Every page and ui piece asks `server()` for the data, the shared reads and the write path's parts;
the same secrets and environment give the same Server for the whole process.
"""

from __future__ import annotations

import streamlit as st

from data_sources import server as composition
from data_sources.server import Server


def secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}


def server() -> Server:
    """This app's Server; raises ConfigError with what to fix when the secrets can't be used."""
    return composition.for_secrets(secrets())
