"""Form spam control: a session may submit only so many times a minute."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

SUBMISSIONS_PER_MINUTE = 10
TEXT_LIMIT = 500


class SubmissionLimiter:
    """A sliding one-minute window of submissions per key (a browser session), shared by the server."""

    def __init__(self, per_minute: int = SUBMISSIONS_PER_MINUTE, clock: Callable[[], float] = time.monotonic):
        self.per_minute = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = {}

    def allow(self, key: str) -> tuple[bool, float]:
        """(allowed, seconds until the next submission would be allowed). An allowed call counts."""
        with self._lock:
            now = self._clock()
            window = self._seen.setdefault(key, deque())
            while window and window[0] <= now - 60:
                window.popleft()
            if len(window) >= self.per_minute:
                return False, 60 - (now - window[0])
            window.append(now)
            return True, 0.0


def cap_text(text: str, limit: int = TEXT_LIMIT) -> str:
    """Free text as stored: trimmed and cut to `limit` characters."""
    return text.strip()[:limit]
