"""Real servers for the digest's delivery tests: an SMTP server (aiosmtpd) and an HTTP server standing in for webhooks.

Both listen on 127.0.0.1 only, on a free port, and are stopped by the fixture that started them.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections import deque
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SMTP_USER, SMTP_PASSWORD = "rally@acme.example", "mail-pass-1234567"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Inbox:
    def __init__(self):
        self.messages: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 Message accepted for delivery"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


@dataclass
class LocalSmtp:
    """A running SMTP server: `security` is starttls (login required), ssl (login required) or none."""

    security: str
    port: int
    ca_file: str
    inbox: _Inbox = field(default_factory=_Inbox)

    @property
    def messages(self):
        return self.inbox.messages

    def settings_table(self, **overrides) -> dict:
        table = {
            "host": "127.0.0.1",
            "port": self.port,
            "security": self.security,
            "from": "Rally <rally@acme.example>",
            "to": ["all-staff@acme.example", "board@acme.example"],
            "ca_file": self.ca_file,
            "timeout_seconds": 5,
        }
        if self.security != "none":
            table |= {"user": SMTP_USER, "password": SMTP_PASSWORD}
        return table | overrides


@pytest.fixture(scope="session")
def tls_authority(tmp_path_factory):
    """A throwaway certificate authority and a certificate for 127.0.0.1 signed by it."""
    authority = trustme.CA()
    folder = tmp_path_factory.mktemp("tls")
    authority.cert_pem.write_to_path(str(folder / "ca.pem"))
    return authority, str(folder / "ca.pem")


def start_smtp(security: str, tls_authority) -> tuple[LocalSmtp, Controller]:
    authority, ca_file = tls_authority
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    server = LocalSmtp(security, free_port(), ca_file)
    options: dict = {"hostname": "127.0.0.1", "port": server.port}
    if security == "starttls":
        options |= {
            "tls_context": context,
            "require_starttls": True,
            "authenticator": _authenticator,
            "auth_required": True,
        }
    elif security == "ssl":
        options |= {
            "ssl_context": context,
            "authenticator": _authenticator,
            "auth_required": True,
            "auth_require_tls": False,
        }
    controller = Controller(server.inbox, **options)
    controller.start()
    return server, controller


@pytest.fixture(params=["starttls", "ssl", "none"])
def smtp_server(request, tls_authority):
    """A real local SMTP server, once per way of securing it."""
    server, controller = start_smtp(request.param, tls_authority)
    yield server
    controller.stop()


@pytest.fixture
def starttls_smtp(tls_authority):
    """A real local SMTP server wanting STARTTLS and a login (the usual port-587 set-up)."""
    server, controller = start_smtp("starttls", tls_authority)
    yield server
    controller.stop()


@dataclass
class Hook:
    path: str
    bodies: list[dict] = field(default_factory=list)
    # Answers to give, oldest first, as (status, body, headers); when none is left, 200 "ok".
    answers: deque = field(default_factory=deque)


class WebhookStandIn:
    """An HTTP server on 127.0.0.1 taking JSON POSTs on any path (each path is one webhook)."""

    def __init__(self):
        self.hooks: dict[str, Hook] = {}
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's hook name)
                hook = stand_in.hook(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                hook.bodies.append(json.loads(body))
                status, text, headers = hook.answers.popleft() if hook.answers else (200, "ok", {})
                payload = text.encode()
                self.send_response(status)
                for name, value in {"Content-Type": "text/plain; charset=utf-8", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):  # quiet test output
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def hook(self, path: str) -> Hook:
        return self.hooks.setdefault(path, Hook(path))

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


@pytest.fixture
def webhooks():
    """A local HTTP server standing in for Slack's and Teams' incoming webhooks."""
    stand_in = WebhookStandIn()
    stand_in.thread.start()
    yield stand_in
    stand_in.server.shutdown()
    stand_in.server.server_close()
