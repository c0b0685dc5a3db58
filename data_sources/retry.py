"""A bounded retry with full jitter, and the one rule for which failures are worth retrying.

gspread's own BackOffHTTPClient retries forever (up to 128 s apart); this gives up
after a few tries so a page can fall back to the last good data instead of hanging.

`is_transient` and `readable` are the single classification of a failure talking to
Google: a 429, a 408 or any 5xx (including the HTML error pages Google's front end
sends when it is overloaded, which gspread reports with code -1), a dropped
connection or a timeout may pass if tried again; everything else will not. What a
person reads about it is one line, never the HTML of an error page.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import gspread
import requests

from data_sources.base import SourceError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4
    base_seconds: float = 0.5
    cap_seconds: float = 8.0

    def delay(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """Full jitter: anywhere between 0 and the capped exponential step, so many clients spread out."""
        return rng() * min(self.cap_seconds, self.base_seconds * 2**attempt)


def with_retry(
    call: Callable[[], T], policy: RetryPolicy = RetryPolicy(), sleep: Callable[[float], None] = time.sleep
) -> T:
    """Run `call`; on a transient SourceError wait and try again, up to `policy.attempts` times in all."""
    for attempt in range(policy.attempts):
        try:
            return call()
        except SourceError as error:
            if not error.transient or attempt == policy.attempts - 1:
                raise
            sleep(policy.delay(attempt))
    raise AssertionError("unreachable")  # pragma: no cover


def http_status(error: BaseException) -> int | None:
    """The HTTP status behind `error`: the response's own, not gspread's code (-1 when the body was not JSON)."""
    if isinstance(error, SourceError):
        return error.status
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    if isinstance(status, int):
        return status
    code = getattr(error, "code", None)
    return code if isinstance(code, int) and code > 0 else None


def is_transient(error: BaseException) -> bool:
    """True when the same request may succeed later: 429, 408, 5xx (JSON or HTML body), a dropped connection, a timeout."""
    if isinstance(error, SourceError):
        return error.transient
    if isinstance(error, requests.ConnectionError | requests.Timeout | requests.JSONDecodeError):
        return True
    status = http_status(error)
    return status is not None and (status in (408, 429) or status >= 500)


def readable(error: BaseException) -> str:
    """One line a person can read about `error`: Google's own message when it sent JSON, never an HTML page."""
    if isinstance(error, SourceError):
        return _one_line(str(error))
    if isinstance(error, requests.Timeout):
        return f"Google Sheets unreachable: no answer in time ({type(error).__name__})"
    if isinstance(error, requests.ConnectionError):
        return f"Google Sheets unreachable: the connection dropped ({type(error).__name__})"
    status = http_status(error)
    message = ""
    if isinstance(error, gspread.exceptions.APIError) and error.code != -1:  # -1: the body was not Google's JSON
        message = str(error.error.get("message", ""))
    if status == 429:
        return "Google Sheets unreachable: rate limit reached (429)"
    if status is not None and status >= 500:
        # Google's own words when it sent them (JSON); an HTML page's are never repeated.
        return (
            _one_line(f"Google Sheets unreachable: error {status}: {message}")
            if message
            else (f"Google Sheets unreachable: error {status} (Google's servers are overloaded)")
        )
    return _one_line(f"Google Sheets refused the request: error {status}" + (f": {message}" if message else ""))


def _one_line(text: str) -> str:
    if "<" in text and re.search(r"<\s*(!doctype|html|head|body)\b", text, re.IGNORECASE):
        text = re.sub(r"<[^>]*>", " ", text)  # an HTML page that reached a message: its words only
    return " ".join(text.split())[:300]
