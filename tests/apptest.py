"""Running Rally's real pages under AppTest, on a demo store or a Google Sheet in the emulator."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "views").glob("*.py") if not p.name.startswith("_"))
TIMEOUT = 30


def clear_caches() -> None:
    """Servers and caches are process-wide: a test must not see the previous test's data or singletons."""
    from data_sources import server

    server.reset()
    st.cache_data.clear()
    st.cache_resource.clear()


def app(page: str | None = None, secrets: dict | None = None, query: dict | None = None) -> AppTest:
    """The app with `page` open (its default page when None), already run once."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def texts(at: AppTest) -> str:
    """Everything the page wrote as text, for assertions that read like what a person sees."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error", "text"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    # Markdown escapes (\. \-) are invisible on screen; compare what a person reads.
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))
