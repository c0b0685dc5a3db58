"""Sending the weekly digest: e-mail over SMTP, Slack and Microsoft Teams incoming webhooks.

Where it goes is configured in the secrets file (see `.streamlit/secrets.toml.example`):
`[rally.smtp]` (host, port, security = "starttls" | "ssl" | "none", user, password, from, to),
`[rally.slack] webhook_url` and `[rally.teams] webhook_url`. The messages themselves are made
by the pure `rally.weekly.digest_messages`; this module only sends them.

Every channel is tried on its own and reported on its own (`SendResult`): a failure is one
readable sentence that names what to check, holds no secret (the password and the webhook
addresses are cut out) and no HTML (an error page is summarised by its status), and says
whether sending again may help. Moments that pass (a refused connection, 429, 5xx, an SMTP 4xx)
are retried a few times; a timeout after the message went out is not, because it may have
arrived: the person is told to look before sending again.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from urllib.parse import urlsplit

import requests

from data_sources.config import ConfigError, redact
from data_sources.retry import RetryPolicy
from rally.weekly.digest_messages import digest_email, slack_message, teams_message

CHANNELS = ("email", "slack", "teams")
CHANNEL_NAMES = {"email": "E-mail", "slack": "Slack", "teams": "Microsoft Teams"}
SECURITY_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
# A few quick tries for a moment's trouble; a person can always send again.
SEND_POLICY = RetryPolicy(attempts=3, base_seconds=1.0, cap_seconds=8.0)
RETRY_AFTER_MAX = 30.0  # a webhook asking us to wait longer is reported instead
DEFAULT_TIMEOUT = 20.0
LOOPBACK = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # starttls | ssl | none
    sender: str
    to: tuple[str, ...]
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: str | None = None  # a company's own certificate authority, when its mail server uses one
    timeout: float = DEFAULT_TIMEOUT


@dataclass(frozen=True)
class DeliverySettings:
    email: SmtpSettings | None = None
    slack_url: str | None = field(default=None, repr=False)
    teams_url: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT

    @property
    def channels(self) -> list[str]:
        """The configured channels, in the order they are sent."""
        configured = {"email": self.email, "slack": self.slack_url, "teams": self.teams_url}
        return [name for name in CHANNELS if configured[name]]

    def secrets(self) -> list[str]:
        """What must never appear in a message: the password and the webhook addresses (and their paths)."""
        values = [v for v in (self.email.password if self.email else None, self.slack_url, self.teams_url) if v]
        values += [
            urlsplit(url).path for url in (self.slack_url, self.teams_url) if url and len(urlsplit(url).path) > 8
        ]
        return values


class SendFailure(Exception):
    """Why one send failed, safe to show. `transient`: tried again at once; `retryable`: worth a person's retry."""

    def __init__(self, message: str, *, transient: bool = False, retryable: bool | None = None, wait: float = 0.0):
        super().__init__(message)
        self.transient = transient
        self.retryable = transient if retryable is None else retryable
        self.wait = wait


@dataclass(frozen=True)
class SendResult:
    channel: str
    ok: bool
    message: str  # one sentence a person can act on; no secret, no HTML
    retryable: bool = False

    @property
    def label(self) -> str:
        return CHANNEL_NAMES[self.channel]


def _addresses(value: object, what: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else list(value or [])
    found = [address for _, address in getaddresses([str(i) for i in items]) if address]
    bad = [a for a in found if "@" not in a or " " in a]
    if bad or not found:
        raise ConfigError(
            f'[rally.smtp] {what} needs e-mail addresses (a text or a list), e.g. {what} = ["all-staff@acme.example"].'
        )
    return tuple(found)


def _webhook(table: Mapping[str, object], name: str) -> str | None:
    url = str(table.get("webhook_url", "") or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    local = parts.scheme == "http" and parts.hostname in LOOPBACK
    if parts.scheme != "https" and not local:
        # The address is the password: sending it unencrypted would give it away.
        raise ConfigError(f"[rally.{name}] webhook_url must start with https:// (copy it as the channel shows it).")
    return url


def delivery_settings(rally: Mapping[str, object]) -> DeliverySettings:
    """Where the digest goes, from the [rally] secrets table; ConfigError says what to fix."""
    smtp = rally.get("smtp") or {}
    email = None
    if smtp:
        if not isinstance(smtp, Mapping):
            raise ConfigError("[rally.smtp] must be a table: host, port, security, user, password, from, to.")
        host = str(smtp.get("host", "") or "").strip()
        if not host:
            raise ConfigError('[rally.smtp] needs host, e.g. host = "smtp.acme.example".')
        security = str(smtp.get("security", "starttls") or "starttls").strip().lower()
        if security not in SECURITY_PORTS:
            raise ConfigError('[rally.smtp] security must be "starttls", "ssl" or "none".')
        try:
            port = int(smtp.get("port") or SECURITY_PORTS[security])
        except (TypeError, ValueError):
            raise ConfigError("[rally.smtp] port must be a number such as 587.") from None
        user = str(smtp.get("user", "") or "").strip() or None
        sender = str(smtp.get("from", "") or "").strip() or (user if user and "@" in user else "")
        if "@" not in parseaddr(sender)[1]:
            raise ConfigError('[rally.smtp] needs from, e.g. from = "Rally <rally@acme.example>".')
        password = smtp.get("password")
        if user and not password:
            raise ConfigError("[rally.smtp] has a user but no password.")
        email = SmtpSettings(
            host=host,
            port=port,
            security=security,
            sender=sender,
            to=_addresses(smtp.get("to"), "to"),
            user=user,
            password=str(password) if password else None,
            ca_file=str(smtp.get("ca_file") or "") or None,
            timeout=float(smtp.get("timeout_seconds") or DEFAULT_TIMEOUT),
        )
    slack = rally.get("slack") or {}
    teams = rally.get("teams") or {}
    return DeliverySettings(
        email=email,
        slack_url=_webhook(slack, "slack") if isinstance(slack, Mapping) else None,
        teams_url=_webhook(teams, "teams") if isinstance(teams, Mapping) else None,
    )


# -- e-mail ----------------------------------------------------------------------------------
def email_message(data: dict, smtp: SmtpSettings) -> EmailMessage:
    """The digest as a multipart/alternative message: the plain text first, the HTML the client prefers."""
    parts = digest_email(data)
    message = EmailMessage()
    message["Subject"] = parts.subject
    message["From"] = smtp.sender
    message["To"] = ", ".join(smtp.to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=parseaddr(smtp.sender)[1].rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # tells out-of-office replies to stay quiet
    message.set_content(parts.text)
    message.add_alternative(parts.html, subtype="html")
    return message


def _smtp_reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
    return f"{error.smtp_code} {' '.join(text.split())}"[:200]


def _context(smtp: SmtpSettings) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=smtp.ca_file) if smtp.ca_file else ssl.create_default_context()


def _send_email(message: EmailMessage, smtp: SmtpSettings) -> str:
    """Send once: what was done, or a SendFailure saying what went wrong."""
    where = f"{smtp.host} port {smtp.port}"
    try:
        if smtp.security == "ssl":
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=_context(smtp))
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    except socket.gaierror:
        raise SendFailure(f"the mail server {smtp.host} can't be found: check host under [rally.smtp].") from None
    except ConnectionRefusedError:
        raise SendFailure(
            f"nothing answers on {where}: check host and port under [rally.smtp].", transient=True
        ) from None
    except TimeoutError:
        raise SendFailure(f"{where} didn't answer within {smtp.timeout:g} s.", transient=True) from None
    except ssl.SSLError as error:
        raise SendFailure(_tls_advice(error, smtp)) from None
    except OSError as error:
        raise SendFailure(
            f"couldn't reach {where} ({error.strerror or type(error).__name__}).", transient=True
        ) from None
    try:
        with client:
            if smtp.security == "starttls":
                client.starttls(context=_context(smtp))
            if smtp.user:
                client.login(smtp.user, smtp.password or "")
            refused = client.send_message(message)
    except smtplib.SMTPNotSupportedError:
        raise SendFailure(
            f"{where} doesn't offer STARTTLS (or login): try security = \"ssl\" with port 465, or ask for the server's settings."
        ) from None
    except smtplib.SMTPAuthenticationError as error:
        raise SendFailure(
            f"{smtp.host} refused the user name or password ({_smtp_reply(error)}): check user and password under [rally.smtp]."
        ) from None
    except smtplib.SMTPRecipientsRefused as error:
        refusals = "; ".join(f"{address} ({_smtp_reply_of(reply)})" for address, reply in error.recipients.items())
        raise SendFailure(f"{smtp.host} refused every recipient: {refusals}."[:400]) from None
    except smtplib.SMTPSenderRefused as error:
        raise SendFailure(
            f"{smtp.host} refused the sender {smtp.sender} ({_smtp_reply(error)}): check from under [rally.smtp]."
        ) from None
    except smtplib.SMTPResponseException as error:
        raise SendFailure(
            f"{smtp.host} answered {_smtp_reply(error)}.", transient=400 <= error.smtp_code < 500
        ) from None
    except ssl.SSLError as error:
        raise SendFailure(_tls_advice(error, smtp)) from None
    except smtplib.SMTPServerDisconnected:
        raise SendFailure(f"{where} closed the connection before the message was accepted.", transient=True) from None
    except TimeoutError:
        # It may have been accepted just before: never sent twice without a person looking first.
        raise SendFailure(
            f"{where} stopped answering while the message was being sent; it may have arrived: check an inbox before sending again.",
            retryable=True,
        ) from None
    if refused:
        names = "; ".join(f"{address} ({_smtp_reply_of(reply)})" for address, reply in refused.items())
        raise SendFailure(
            f"sent to {len(smtp.to) - len(refused)} of {len(smtp.to)} recipients; refused: {names}."[:400]
        )
    return f"sent to {len(smtp.to)} recipient{'s' if len(smtp.to) != 1 else ''} through {smtp.host}."


def _smtp_reply_of(reply: tuple[int, bytes]) -> str:
    code, text = reply
    return f"{code} {' '.join(text.decode('utf-8', 'replace').split())}"[:120]


def _tls_advice(error: ssl.SSLError, smtp: SmtpSettings) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return (
            f"{smtp.host}'s certificate isn't trusted ({error.verify_message}): if the company signs its own, "
            "point ca_file under [rally.smtp] at its certificate authority."
        )
    return (
        f"the secure connection to {smtp.host} port {smtp.port} failed ({error.reason or 'TLS error'}): "
        'port 465 usually wants security = "ssl", port 587 security = "starttls".'
    )


# -- webhooks --------------------------------------------------------------------------------
_HTML = re.compile(r"<\s*(html|body|head|!doctype|div|p|h1|title)\b", re.IGNORECASE)


def _answer(response: requests.Response) -> str:
    """The service's own short explanation, when it is plain text or JSON (never an HTML error page)."""
    text = (response.text or "").strip()
    if not text or _HTML.search(text) or "<" in text:
        return ""
    return " ".join(text.split())[:160]


def _post(channel: str, url: str, payload: dict, timeout: float, session: requests.Session) -> str:
    name = CHANNEL_NAMES[channel]
    try:
        response = session.post(url, json=payload, timeout=(min(timeout, 10.0), timeout))
    except requests.ConnectTimeout:
        raise SendFailure(f"{name} didn't answer within {timeout:g} s.", transient=True) from None
    except requests.ConnectionError:
        raise SendFailure(f"{name} can't be reached from this server (network or proxy).", transient=True) from None
    except requests.Timeout:
        raise SendFailure(
            f"{name} stopped answering while the message was being sent; it may have arrived: look in the channel before sending again.",
            retryable=True,
        ) from None
    answer = _answer(response)
    said = f": {answer}" if answer else ""
    # Microsoft's old connectors answer 200 with the throttling message in the body.
    throttled = response.status_code == 429 or "HTTP error 429" in answer
    if 200 <= response.status_code < 300 and not throttled:
        return f"posted to {name}."
    if throttled or response.status_code >= 500:
        wait = _retry_after(response)
        raise SendFailure(
            f"{name} is busy (HTTP {response.status_code}{said}); try again in a minute.",
            transient=wait is not None,
            retryable=True,
            wait=wait or 0.0,
        )
    hint = {
        400: "the message was refused as malformed",
        401: "the webhook isn't authorised",
        403: "the webhook isn't allowed to post there",
        404: "the webhook address no longer exists: create a new one and update webhook_url",
        410: "the channel was archived or the webhook removed: create a new one and update webhook_url",
    }.get(response.status_code, "the message was refused")
    raise SendFailure(f"{name} answered HTTP {response.status_code}{said} — {hint}.")


def _retry_after(response: requests.Response) -> float | None:
    """None when the service asks for a longer wait than a send should take (reported, not retried)."""
    try:
        wait = float(response.headers.get("Retry-After", "0"))
    except ValueError:
        wait = 0.0
    return None if wait > RETRY_AFTER_MAX else wait


# -- all channels ----------------------------------------------------------------------------
def send_digest(
    data: dict,
    settings: DeliverySettings,
    channels: Sequence[str] | None = None,
    *,
    policy: RetryPolicy = SEND_POLICY,
    sleep: Callable[[float], None] = time.sleep,
    session: requests.Session | None = None,
) -> list[SendResult]:
    """Send the digest to each configured channel (or the named ones), each on its own; one result per channel."""
    wanted = [c for c in (channels or settings.channels)]
    http = session or requests.Session()
    results = []
    for channel in wanted:
        if channel not in settings.channels:
            results.append(SendResult(channel, False, f"{CHANNEL_NAMES[channel]} isn't configured: {_how_to(channel)}"))
            continue
        if channel == "email":
            message = email_message(data, settings.email)

            def call(message=message):
                return _send_email(message, settings.email)
        else:
            url = settings.slack_url if channel == "slack" else settings.teams_url
            payload = slack_message(data) if channel == "slack" else teams_message(data)

            def call(url=url, payload=payload, channel=channel):
                return _post(channel, url, payload, settings.timeout, http)

        try:
            done = _with_retries(call, policy, sleep)
            results.append(SendResult(channel, True, redact(_capital(done), settings.secrets())))
        except SendFailure as error:
            results.append(
                SendResult(channel, False, redact(_capital(str(error)), settings.secrets()), retryable=error.retryable)
            )
    return results


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _how_to(channel: str) -> str:
    return {
        "email": "add a [rally.smtp] table (host, port, security, user, password, from, to) to the secrets file.",
        "slack": "add webhook_url under [rally.slack] in the secrets file.",
        "teams": "add webhook_url under [rally.teams] in the secrets file.",
    }[channel]


def _with_retries(call: Callable[[], str], policy: RetryPolicy, sleep: Callable[[float], None]) -> str:
    for attempt in range(policy.attempts):
        try:
            return call()
        except SendFailure as error:
            if not error.transient or attempt == policy.attempts - 1:
                raise
            sleep(max(error.wait, policy.delay(attempt)))  # a webhook's own Retry-After wins over our backoff
    raise AssertionError("unreachable")  # pragma: no cover
