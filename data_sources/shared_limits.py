"""The public forms' spam limit and the facilitator passcode's slow-down, kept in PostgreSQL for the whole fleet.

The same rules as one server's (rally/room/limits.py, rally/room/access.py) with the same methods, so
commands and pages can't tell which they hold; only where the counts live differs. A guesser spreading
tries over the replicas meets one slow-down, and the server-wide ceiling counts every replica's wrong tries.

Keys (a browser session's token, a client's network address) are stored as keyed hashes, never as given:
the table needs only to tell them apart.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

import psycopg

from data_sources.shared_state import SharedState, lock_key
from rally.room.access import (
    FORGET_AFTER_SECONDS,
    MAX_REMEMBERED_CLIENTS,
    SERVER_CEILING_PER_MINUTE,
    ceiling_wait,
    delay_after,
    passcode_matches,
)
from rally.room.limits import SUBMISSIONS_PER_MINUTE

PASSCODE_LOCK = lock_key("passcode")
# While the database can't be reached: a form is let through (storing it will say whether it was kept), a passcode
# is not looked at, and the facilitator is asked to try again in a moment.
UNREACHABLE_RETRY_SECONDS = 5.0
log = logging.getLogger("rally.limits")


def hashed(key: str, purpose: str) -> str:
    return hashlib.blake2b(key.encode(), key=purpose.encode(), digest_size=16).hexdigest()


class SharedSubmissionLimiter:
    """A sliding one-minute window of submissions per key, counted over every server."""

    def __init__(
        self, state: SharedState, per_minute: int = SUBMISSIONS_PER_MINUTE, clock: Callable[[], float] = time.time
    ):
        self.per_minute = per_minute
        self._state = state
        self._clock = clock

    def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds until the next submission would be allowed). An allowed call counts."""
        try:
            return self._allow(hashed(key, "form"))
        except psycopg.Error as error:
            log.warning("the spam limit could not be checked (%s); the form goes through", type(error).__name__)
            return True, 0.0

    def _allow(self, key: str) -> tuple[bool, float]:
        with self._state.connection() as db, db.transaction():
            now = self._clock()
            db.execute("SELECT pg_advisory_xact_lock(%s)", [lock_key(f"form:{key}")])
            db.execute("DELETE FROM rally_form_sends WHERE key = %s AND at <= %s", [key, now - 60])
            count, oldest = db.execute(
                "SELECT count(*), min(at) FROM rally_form_sends WHERE key = %s", [key]
            ).fetchone()
            if count >= self.per_minute:
                return False, 60 - (now - oldest)
            db.execute("INSERT INTO rally_form_sends (key, at) VALUES (%s, %s)", [key, now])
            if count == 0:  # a key's first send in a while: forget everyone else's old sends too
                db.execute("DELETE FROM rally_form_sends WHERE at <= %s", [now - 60])
            return True, 0.0


class SharedPasscodeThrottle:
    """rally.room.access.PasscodeThrottle's rules, its counts shared by every server."""

    def __init__(
        self,
        state: SharedState,
        clock: Callable[[], float] = time.time,
        ceiling_per_minute: int = SERVER_CEILING_PER_MINUTE,
        forget_after: float = FORGET_AFTER_SECONDS,
    ):
        self._state = state
        self._clock = clock
        self._ceiling = ceiling_per_minute
        self._forget_after = forget_after

    def __len__(self) -> int:
        """How many clients with wrong tries are remembered."""
        with self._state.connection() as db:
            return db.execute("SELECT count(*) FROM rally_passcode_clients").fetchone()[0]

    def wait_seconds(self, key: str) -> float:
        """How long `key` must wait before its next attempt is even looked at (0 = may try now)."""
        try:
            with self._state.connection() as db, db.transaction():
                db.execute("SELECT pg_advisory_xact_lock(%s)", [PASSCODE_LOCK])
                return self._wait(db, hashed(key, "passcode"), self._clock())
        except psycopg.Error as error:
            log.warning("the passcode slow-down could not be read (%s)", type(error).__name__)
            return 0.0

    def _wait(self, db, key: str, now: float) -> float:
        self._forget(db, now)
        row = db.execute("SELECT failures, not_before FROM rally_passcode_clients WHERE client = %s", [key]).fetchone()
        if row is None or not row[0]:
            return 0.0  # a client that hasn't failed is never held back
        recent, oldest = db.execute("SELECT count(*), min(at) FROM rally_passcode_failures").fetchone()
        return max(0.0, row[1] - now, ceiling_wait(recent, oldest, now, self._ceiling))

    def attempt(self, key: str, given: str, expected: str) -> tuple[bool, float]:
        """(accepted, seconds to wait before the next try). A refused-for-waiting attempt is never checked."""
        try:
            return self._attempt(hashed(key, "passcode"), given, expected)
        except psycopg.Error as error:
            log.warning("a passcode was not checked: the database can't be reached (%s)", type(error).__name__)
            return False, UNREACHABLE_RETRY_SECONDS

    def _attempt(self, key: str, given: str, expected: str) -> tuple[bool, float]:
        with self._state.connection() as db, db.transaction():
            # Tries are rare and must be counted one at a time across servers: one lock for all of them.
            db.execute("SELECT pg_advisory_xact_lock(%s)", [PASSCODE_LOCK])
            now = self._clock()
            waiting = self._wait(db, key, now)
            if waiting > 0:
                return False, waiting
            if passcode_matches(given, expected):
                db.execute("DELETE FROM rally_passcode_clients WHERE client = %s", [key])
                return True, 0.0
            (failures,) = db.execute(
                "INSERT INTO rally_passcode_clients (client, failures, last_failure, not_before) VALUES (%(c)s, 1, %(now)s, %(now)s) "
                "ON CONFLICT (client) DO UPDATE SET failures = rally_passcode_clients.failures + 1, last_failure = %(now)s "
                "RETURNING failures",
                {"c": key, "now": now},
            ).fetchone()
            delay = delay_after(failures)
            db.execute("UPDATE rally_passcode_clients SET not_before = %s WHERE client = %s", [now + delay, key])
            db.execute("INSERT INTO rally_passcode_failures (at) VALUES (%s)", [now])
            return False, max(delay, self._wait(db, key, now))

    def _forget(self, db, now: float) -> None:
        """Drop wrong tries older than a minute from the ceiling; forget clients quiet for long, or the oldest when too many."""
        db.execute("DELETE FROM rally_passcode_failures WHERE at <= %s", [now - 60.0])
        db.execute("DELETE FROM rally_passcode_clients WHERE last_failure <= %s", [now - self._forget_after])
        (count,) = db.execute("SELECT count(*) FROM rally_passcode_clients").fetchone()
        if count > MAX_REMEMBERED_CLIENTS:
            db.execute(
                "DELETE FROM rally_passcode_clients WHERE client IN "
                "(SELECT client FROM rally_passcode_clients ORDER BY last_failure LIMIT %s)",
                [count - MAX_REMEMBERED_CLIENTS // 2],
            )
