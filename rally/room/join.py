"""Join links and QR codes for the phones in the room (survey, vote, ideas), and which address they use.

A phone can only open an address it can reach. The projecting browser's own address is often
`127.0.0.1` (Rally started on the facilitator's laptop), which on a phone means the phone itself.
So the join address is, in order: the `public_url` the secrets give; the address the projecting
browser used, when it isn't a loopback one; the machine's network address (what `streamlit run`
prints as "Network URL", reachable from phones on the same Wi-Fi); and only as a last resort the
loopback address, with a note to the facilitator saying why phones can't join.
"""

from __future__ import annotations

import io
import ipaddress
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

import segno

# Where the address came from (JoinAddress.source).
CONFIGURED, BROWSER, NETWORK, LOOPBACK = "public_url", "browser", "network", "loopback"
SECRETS_HINT = "set public_url under [rally] in .streamlit/secrets.toml to an address they can open"


def is_loopback(host: str) -> bool:
    """True for an address only this machine can open: localhost, 127.0.0.0/8, ::1, and the "any" addresses."""
    host = host.strip().strip("[]").casefold()
    if not host or host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name (rally.acme.example, laptop.local): the browser reached it, so can others on its network
    return address.is_loopback or address.is_unspecified


def listens_beyond_this_machine(address: str) -> bool:
    """Whether a server told to listen on `address` (Streamlit's server.address) can be reached from the network.

    Blank and the "any" addresses (0.0.0.0, ::) listen everywhere; 127.0.0.1 or localhost on this machine alone.
    """
    address = address.strip().strip("[]")
    if not address:
        return True
    try:
        if ipaddress.ip_address(address).is_unspecified:
            return True
    except ValueError:
        pass
    return not is_loopback(address)


@dataclass(frozen=True)
class JoinAddress:
    """The base address phones are sent to (scheme://host[:port]) and where it came from."""

    base: str
    source: str  # CONFIGURED | BROWSER | NETWORK | LOOPBACK

    @property
    def reachable(self) -> bool:
        """Whether a phone in the room can open it (at least one on the same network)."""
        return self.source != LOOPBACK

    def note(self) -> str:
        """For the facilitator: which address the QR codes hold, who can open it, and how to change it."""
        shown = short_label(self.base)
        if self.source == CONFIGURED:
            return f"Phones join at {shown}: the public_url in the secrets."
        if self.source == BROWSER:
            return (
                f"Phones join at {shown}: the address this browser opened Rally at. "
                f"If phones can't open it, {SECRETS_HINT}."
            )
        if self.source == NETWORK:
            return (
                f"Phones join at {shown}: this computer's network address, which works for phones on the same "
                f"Wi-Fi only. For phones on mobile data, run Rally where they can reach it and {SECRETS_HINT}."
            )
        return (
            f"Phones can't join: {shown} is this computer's own address, and Rally has no address on a network here "
            "(no network, or started with --server.address 127.0.0.1). Start it with streamlit run app.py on the "
            f"room's Wi-Fi and reload, or {SECRETS_HINT}."
        )


def join_address(public_url: str, browser_url: str, network_host: str | None, port: int | None) -> JoinAddress:
    """The address phones use: `public_url`; else the browser's when not loopback; else the network address.

    `network_host` is this machine's address on its network (None or a loopback address when it has none);
    `port` the port Rally serves on.
    """
    configured = public_url.strip().rstrip("/")
    if configured:
        parts = urlsplit(configured if "://" in configured else f"https://{configured}")
        return JoinAddress(urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", "")), CONFIGURED)
    browser = urlsplit(browser_url.strip() or "http://localhost")
    if browser.hostname and not is_loopback(browser.hostname):
        return JoinAddress(f"{browser.scheme or 'http'}://{browser.netloc}", BROWSER)
    suffix = f":{port}" if port and port != 80 else ""
    if network_host and not is_loopback(network_host):
        host = f"[{network_host}]" if ":" in network_host else network_host
        return JoinAddress(f"http://{host}{suffix}", NETWORK)
    return JoinAddress(f"{browser.scheme or 'http'}://{browser.netloc or 'localhost' + suffix}", LOOPBACK)


def join_url(base_url: str, path: str, **query: str) -> str:
    """The absolute link a phone opens: the app's public address plus a page path and query."""
    parts = urlsplit(base_url.strip() or "http://localhost:8501")
    prefix = parts.path.rstrip("/")  # Rally served under a path (https://intranet.example/rally) keeps it
    return urlunsplit(
        (
            parts.scheme or "http",
            parts.netloc,
            f"{prefix}/{path.strip('/')}",
            urlencode({k: v for k, v in query.items() if v}),
            "",
        )
    )


def short_label(url: str) -> str:
    """The link as people type it from the screen: no scheme."""
    return url.split("://", 1)[-1]


def qr_png(url: str, scale: int = 10) -> bytes:
    """A QR code as PNG bytes, for st.image."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
