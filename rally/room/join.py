"""Join links and QR codes for the phones in the room (survey, vote, ideas)."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

import segno


def join_url(base_url: str, path: str, **query: str) -> str:
    """The absolute link a phone opens: the app's public address plus a page path and query."""
    parts = urlsplit(base_url.strip() or "http://localhost:8501")
    return urlunsplit(
        (
            parts.scheme or "http",
            parts.netloc,
            "/" + path.strip("/"),
            urlencode({k: v for k, v in query.items() if v}),
            "",
        )
    )


def short_label(url: str) -> str:
    """The link as people type it from the screen: no scheme."""
    return url.split("://", 1)[-1]


def qr_png(url: str, scale: int = 10) -> bytes:
    """A QR code as PNG bytes, for st.image."""
    import io

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
