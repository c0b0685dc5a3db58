"""Who may use facilitator controls: the rules, without any web framework.

Two ways in, chosen by configuration: an OIDC login with an allow-list of
facilitator e-mails, or (with no OIDC configured) a passcode. The demo, with no
passcode configured, uses a documented demo passcode and says so on screen.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

DEMO_PASSCODE = "rally-demo"
FREE_ATTEMPTS = 3
MAX_DELAY_SECONDS = 60.0


@dataclass(frozen=True)
class AccessPolicy:
    mode: str  # "oidc" | "passcode" | "demo" | "none"
    passcode: str | None = None
    facilitator_emails: frozenset[str] = frozenset()

    @property
    def explanation(self) -> str:
        return {
            "oidc": "Facilitators sign in with the company login.",
            "passcode": "Facilitators unlock their controls with the facilitator passcode.",
            "demo": f"Demo: the facilitator passcode is {DEMO_PASSCODE!r}. Set facilitator_passcode under [rally] in the secrets for a real programme.",
            "none": "Facilitator controls are off: set facilitator_passcode under [rally] (or configure [auth]) in the secrets.",
        }[self.mode]

    def email_allowed(self, email: object) -> bool:
        return isinstance(email, str) and bool(email.strip()) and email.strip().casefold() in self.facilitator_emails

    def user_allowed(self, user: Mapping[str, object]) -> bool:
        """A logged-in user (OIDC claims as st.user gives them) whose e-mail is on the allow-list, unless the provider says it is unverified.

        Some providers let people type any e-mail into their profile and mark it `email_verified: false`:
        such an address proves nothing about who signed in.
        """
        if self.mode != "oidc" or user.get("is_logged_in") is not True:
            return False
        if str(user.get("email_verified", True)).strip().casefold() in ("false", "0", "no"):
            return False
        return self.email_allowed(user.get("email"))


def access_policy(rally: Mapping[str, object], auth: Mapping[str, object], demo: bool) -> AccessPolicy:
    """The policy the configuration asks for. OIDC wins when [auth] is configured."""
    emails = frozenset(str(e).strip().casefold() for e in _as_list(rally.get("facilitator_emails")))
    if auth.get("client_id") or any(isinstance(v, Mapping) and v.get("client_id") for v in auth.values()):
        return AccessPolicy("oidc", None, emails)
    passcode = str(rally.get("facilitator_passcode") or "").strip()
    if passcode:
        return AccessPolicy("passcode", passcode, emails)
    return AccessPolicy("demo", DEMO_PASSCODE, emails) if demo else AccessPolicy("none")


def _as_list(value: object) -> Iterable[object]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.split(",") if v.strip()]
    return list(value) if isinstance(value, Iterable) else [value]


def passcode_matches(given: str, expected: str) -> bool:
    """Constant-time comparison, so timing can't reveal how much of a guess was right."""
    return hmac.compare_digest(given.encode(), expected.encode())


class PasscodeThrottle:
    """Slows guessing: after a few failures, each further attempt must wait longer (doubling, capped).

    Shared by every session of a server, keyed by who is trying (a browser session),
    plus a global key so opening new sessions doesn't reset the wait.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self._not_before: dict[str, float] = {}

    def wait_seconds(self, key: str) -> float:
        """How long `key` must wait before its next attempt is even looked at (0 = may try now)."""
        with self._lock:
            return max(0.0, self._not_before.get(key, 0.0) - self._clock())

    def attempt(self, key: str, given: str, expected: str) -> tuple[bool, float]:
        """(accepted, seconds to wait before the next try). A refused-for-waiting attempt is never checked."""
        with self._lock:
            now = self._clock()
            if now < self._not_before.get(key, 0.0):
                return False, self._not_before[key] - now
            if passcode_matches(given, expected):
                self._failures.pop(key, None)
                self._not_before.pop(key, None)
                return True, 0.0
            failures = self._failures.get(key, 0) + 1
            self._failures[key] = failures
            delay = 0.0 if failures < FREE_ATTEMPTS else min(MAX_DELAY_SECONDS, 2.0 ** (failures - FREE_ATTEMPTS + 1))
            self._not_before[key] = now + delay
            return False, delay
