"""Which failures of a Google call are passing, what to tell a person about them, and a bounded retry with full jitter.

`is_transient(error)` is the one place that decides whether trying again may help, for reads, metadata,
sign-in and writes alike; `readable(error)` is the one line a person sees, never Google's HTML or a key.
gspread's own BackOffHTTPClient retries forever (up to 128 s apart); `with_retry` gives up after a few
tries so a page can fall back to the last good data instead of hanging.
"""

from __future__ import annotations

import functools
import json
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, TypeVar

from data_sources.base import SourceError

if TYPE_CHECKING:
    import google.auth.exceptions

T = TypeVar("T")

# HTTP statuses that say "not now" rather than "no": timeouts, rate limits and server trouble.
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_HTML = re.compile(r"<\s*(?:!doctype|html|head|body|title|p)\b", re.IGNORECASE)


@functools.cache
def _google() -> SimpleNamespace:
    """gspread, requests and google-auth, imported when the first error is looked at: they take a noticeable part of
    a cold start, and a server on the demo company never needs them."""
    import google.auth.exceptions
    import gspread.exceptions
    import requests

    return SimpleNamespace(
        auth=google.auth.exceptions,
        gspread=gspread.exceptions,
        requests=requests,
        # requests errors that are a mistake in the address, not a passing fault: retrying can't help.
        permanent=(
            requests.exceptions.InvalidURL,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidSchema,
            requests.exceptions.URLRequired,
            requests.exceptions.InvalidHeader,
        ),
    )


def http_status(error: BaseException) -> int | None:
    """The HTTP status behind a Google error, also when Google's front end answered an HTML page.

    gspread reads the code from a JSON body, so an HTML 502 arrives as an APIError with code -1: the
    status is then the response's own. A token endpoint's HTML page arrives as google-auth's RefreshError.
    """
    if isinstance(error, SourceError):
        return error.status
    g = _google()
    if isinstance(error, g.gspread.APIError):
        code = error.code if isinstance(error.code, int) else -1
        if code > 0:
            return code
        response = getattr(error, "response", None)
        return getattr(response, "status_code", None)
    if isinstance(error, g.requests.HTTPError) and error.response is not None:
        return error.response.status_code
    if isinstance(error, g.auth.RefreshError):
        return _status_in_page(_refresh_text(error))
    return None


def is_transient(error: BaseException) -> bool:
    """Whether trying the same call again later may succeed: a 429, a 5xx (JSON or HTML), a timeout, a dropped
    connection, a sign-in step that failed the same way. A refusal (403, 404, a bad request, a key Google
    rejects) is permanent: retrying it only spends quota."""
    if isinstance(error, SourceError):
        return error.transient
    g = _google()
    if isinstance(error, g.auth.TransportError):
        return True  # the token request never got an answer
    if isinstance(error, g.auth.RefreshError):
        # google-auth marks 500/503/504/408/429 retryable itself; a 502 from Google's front end comes as its HTML page.
        return bool(getattr(error, "retryable", False)) or _is_html(_refresh_text(error))
    if isinstance(error, g.gspread.APIError):
        status = http_status(error)
        return status is not None and (status in TRANSIENT_STATUSES or status >= 500)
    if isinstance(error, g.requests.HTTPError):
        status = http_status(error)
        return status is not None and (status in TRANSIENT_STATUSES or status >= 500)
    if isinstance(error, g.permanent):
        return False
    if isinstance(error, g.requests.RequestException | ConnectionError | TimeoutError | json.JSONDecodeError):
        return True  # timeouts, resets, refused connections, an answer cut off mid-way
    return False


def readable(error: BaseException) -> str:
    """One line a person can read about `error`: what happened, in words, with the status for whoever fixes it.

    Never Google's HTML page, never more than one line. Messages quoted from Google are not scrubbed of
    secrets here: the caller (which knows them) redacts.
    """
    if isinstance(error, SourceError):
        return _one_line(str(error))
    g = _google()
    status = http_status(error)
    signing_in = isinstance(error, g.auth.GoogleAuthError)
    who = "Google's sign-in service is" if signing_in else "Google's servers are"
    if isinstance(error, g.requests.Timeout | TimeoutError):
        return "Google Sheets unreachable: no answer in time (timeout)"
    if isinstance(error, g.auth.TransportError):
        return f"Google Sheets unreachable: signing in to Google failed ({_connection_words(error)})"
    if isinstance(error, g.requests.ConnectionError | ConnectionError):
        return f"Google Sheets unreachable: {_connection_words(error)}"
    if isinstance(error, json.JSONDecodeError):
        return "Google Sheets unreachable: the answer was cut off (unreadable reply)"
    if status == 429:
        return "Google Sheets unreachable: rate limit reached (429)"
    message = _google_message(error)  # Google's own words when it sent JSON; a web page has none worth showing
    detail = f"HTTP {status}: {message}" if message else f"HTTP {status}"
    if status is not None and status >= 500:
        words = "overloaded for a moment" if status in (502, 503, 504) else "failing for a moment"
        return f"Google Sheets unreachable: {who} {words} ({detail})"
    if status is not None and is_transient(error):
        return f"Google Sheets unreachable: {detail}"
    if status is not None:
        return f"Google Sheets refused the request ({detail})"
    if isinstance(error, g.requests.RequestException) and is_transient(error):
        return f"Google Sheets unreachable: the answer was cut off ({type(error).__name__})"
    return _one_line(f"{type(error).__name__}: {message}" if message else type(error).__name__)


# -- the bounded retry --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_seconds: float = 0.5
    cap_seconds: float = 8.0

    def delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """Full jitter: anywhere between 0 and the capped exponential step, so many clients spread out."""
        return rng() * min(self.cap_seconds, self.base_seconds * 2**attempt)


def with_retry(
    call: Callable[[], T],
    policy: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], None] = time.sleep,
    rng: Callable[[], float] = random.random,
) -> T:
    """Run `call`; on a transient SourceError wait (backoff with full jitter) and try again, `policy.attempts` times in all."""
    for attempt in range(policy.attempts):
        try:
            return call()
        except SourceError as error:
            if not error.transient or attempt == policy.attempts - 1:
                raise
            sleep(policy.delay(attempt, rng))
    raise AssertionError("unreachable")  # pragma: no cover


# -- helpers ------------------------------------------------------------------------------------------------------------


def _refresh_text(error: google.auth.exceptions.RefreshError) -> str:
    return " ".join(str(arg) for arg in error.args if isinstance(arg, str))


def _is_html(text: str) -> bool:
    return bool(_HTML.search(text or ""))


def _status_in_page(text: str) -> int | None:
    """The status Google's error page names in its title ("Error 502 (Server Error)!!1")."""
    if not _is_html(text):
        return None
    match = re.search(r"Error\s+(\d{3})\b", text) or re.search(r"<b>\s*(\d{3})\.", text)
    return int(match[1]) if match else None


def _connection_words(error: BaseException) -> str:
    text = repr(error)
    if "Reset" in text or "reset" in text:
        return "the connection was reset (ConnectionResetError)"
    if "RemoteDisconnected" in text or "closed connection" in text:
        return "Google hung up without answering (RemoteDisconnected)"
    if "Name or service not known" in text or "NameResolution" in text or "getaddrinfo" in text:
        return "no network to Google (name lookup failed)"
    if "refused" in text.lower():
        return "the connection was refused (ConnectionRefusedError)"
    return f"the connection failed ({type(error).__name__})"


def _google_message(error: BaseException) -> str:
    g = _google()
    if isinstance(error, g.gspread.APIError):
        text = str(error.error.get("message", "")) if isinstance(error.error, dict) else ""
    elif isinstance(error, g.auth.RefreshError):
        text = _refresh_text(error)
    else:
        text = str(error)
    if _is_html(text):
        return ""  # a web page is not a message: the status says what there is to say
    return _one_line(text)[:200]


def _one_line(text: str) -> str:
    if "<" in text and _is_html(text):
        text = re.sub(r"<[^>]*>", " ", text)  # an HTML page that reached a message: its words only
    return " ".join(text.split())[:300]
