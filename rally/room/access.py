"""Who may use facilitator controls, and who may see Rally at all: the rules, without any web framework.

Two ways in for facilitators, chosen by configuration: an OIDC login with an allow-list of
facilitator e-mails, or (with no OIDC configured) a passcode. The demo, with no
passcode configured, uses a documented demo passcode and says so on screen.

A company hosting Rally on the open internet sets `viewers` (a domain, or a list of
domains and addresses): then every page asks for the company login, and directors
get a link carrying a signed token that expires and opens their page alone.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

DEMO_PASSCODE = "rally-demo"
FREE_ATTEMPTS = 3
MAX_DELAY_SECONDS = 60.0
# Wrong passcodes a minute for the whole server before clients that failed must wait their turn:
# one person mistyping makes a handful; only many addresses guessing together reach it.
SERVER_CEILING_PER_MINUTE = 30
# A client quiet this long starts afresh (and is forgotten, so the table can't grow without end).
FORGET_AFTER_SECONDS = 3600.0
MAX_REMEMBERED_CLIENTS = 10_000


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


def delay_after(failures: int) -> float:
    """Seconds a client waits after its `failures`-th wrong passcode in a row: a few free tries, then doubling, capped."""
    return 0.0 if failures < FREE_ATTEMPTS else min(MAX_DELAY_SECONDS, 2.0 ** (failures - FREE_ATTEMPTS + 1))


def ceiling_wait(recent: int, oldest: float | None, now: float, ceiling: int = SERVER_CEILING_PER_MINUTE) -> float:
    """Seconds clients that failed wait for the server-wide ceiling: `recent` wrong tries in the last minute, the oldest at `oldest`."""
    return oldest + 60.0 - now if recent >= ceiling and oldest is not None else 0.0


class PasscodeThrottle:
    """Slows guessing without letting a guesser slow anyone else.

    Keyed by client (its network address): a few free tries, then each further one waits
    longer (doubling, capped), so a new browser tab from the same place doesn't reset the wait.
    A server-wide ceiling on wrong tries a minute (far above one person's typing) stops many
    addresses guessing together; it holds back only clients that have already failed, so a
    lock-out never blocks a client that hasn't (the facilitator typing the passcode right).
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        ceiling_per_minute: int = SERVER_CEILING_PER_MINUTE,
        forget_after: float = FORGET_AFTER_SECONDS,
    ):
        self._clock = clock
        self._ceiling = ceiling_per_minute
        self._forget_after = forget_after
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self._last_failure: dict[str, float] = {}
        self._not_before: dict[str, float] = {}
        self._recent: deque[float] = deque()  # every wrong try on the server in the last minute

    def __len__(self) -> int:
        """How many clients with wrong tries are remembered."""
        return len(self._failures)

    def wait_seconds(self, key: str) -> float:
        """How long `key` must wait before its next attempt is even looked at (0 = may try now)."""
        with self._lock:
            return self._wait(key, self._clock())

    def _wait(self, key: str, now: float) -> float:
        self._forget(now)
        if not self._failures.get(key):
            return 0.0  # a client that hasn't failed is never held back
        own = self._not_before.get(key, 0.0) - now
        server = ceiling_wait(len(self._recent), self._recent[0] if self._recent else None, now, self._ceiling)
        return max(0.0, own, server)

    def attempt(self, key: str, given: str, expected: str) -> tuple[bool, float]:
        """(accepted, seconds to wait before the next try). A refused-for-waiting attempt is never checked."""
        with self._lock:
            now = self._clock()
            waiting = self._wait(key, now)
            if waiting > 0:
                return False, waiting
            if passcode_matches(given, expected):
                for table in (self._failures, self._last_failure, self._not_before):
                    table.pop(key, None)
                return True, 0.0
            failures = self._failures.get(key, 0) + 1
            self._failures[key] = failures
            self._last_failure[key] = now
            self._recent.append(now)
            delay = delay_after(failures)
            self._not_before[key] = now + delay
            return False, max(delay, self._wait(key, now))

    def _forget(self, now: float) -> None:
        """Drop wrong tries older than a minute from the ceiling; forget clients quiet for long, or the oldest when too many."""
        while self._recent and self._recent[0] <= now - 60.0:
            self._recent.popleft()
        stale = [k for k, at in self._last_failure.items() if at <= now - self._forget_after]
        if len(self._last_failure) - len(stale) > MAX_REMEMBERED_CLIENTS:
            by_age = sorted(self._last_failure, key=self._last_failure.__getitem__)
            stale = by_age[: len(by_age) - MAX_REMEMBERED_CLIENTS // 2]
        for key in stale:
            for table in (self._failures, self._last_failure, self._not_before):
                table.pop(key, None)


# -- who may see Rally at all (`viewers` under [rally]) ----------------------------------------------------------------


@dataclass(frozen=True)
class Viewers:
    """The people a publicly hosted Rally is for: e-mail domains and single addresses, matched ignoring case."""

    domains: frozenset[str] = frozenset()
    addresses: frozenset[str] = frozenset()

    @property
    def description(self) -> str:
        return ", ".join(sorted(self.domains) + sorted(self.addresses))

    def allows(self, user: Mapping[str, object], facilitators: frozenset[str] = frozenset()) -> bool:
        """A signed-in user whose verified e-mail is on the list, in one of its domains, or a facilitator's."""
        if user.get("is_logged_in") is not True:
            return False
        if str(user.get("email_verified", True)).strip().casefold() in ("false", "0", "no"):
            return False
        email = str(user.get("email") or "").strip().casefold()
        if "@" not in email:
            return False
        return email in self.addresses or email in facilitators or email.rsplit("@", 1)[1] in self.domains


def viewers_from(value: object) -> Viewers | None:
    """`viewers = "example.com"` or a list of domains and addresses; None when the option is not set."""
    entries = [str(v).strip().casefold().removeprefix("@") for v in _as_list(value) if str(v).strip()]
    if not entries:
        return None
    return Viewers(frozenset(e for e in entries if "@" not in e), frozenset(e for e in entries if "@" in e))


# -- the directors' link when every page needs a login ------------------------------------------------------------------

DIRECTORS_LINK_DAYS = 30
_DIRECTORS_SALT = "rally-directors-link"  # keeps these tokens apart from anything else signed with the same secret


def directors_token(secret: str, expires_at: float) -> str:
    """A token that opens the directors' page alone until `expires_at` (seconds since the epoch), signed with `secret`."""
    return URLSafeSerializer(secret, salt=_DIRECTORS_SALT).dumps({"page": "directors", "exp": int(expires_at)})


def check_directors_token(secret: str, token: str, now: float) -> str:
    """ "valid", "expired" or "invalid" (not signed with `secret`, altered, or for another page)."""
    if not secret or not token:
        return "invalid"
    try:
        claims = URLSafeSerializer(secret, salt=_DIRECTORS_SALT).loads(token)
    except BadSignature:
        return "invalid"
    if not isinstance(claims, dict) or claims.get("page") != "directors" or not isinstance(claims.get("exp"), int):
        return "invalid"
    return "valid" if now < claims["exp"] else "expired"
