"""A bounded retry with full jitter, for calls that may fail for a moment (429, 5xx, timeouts).

gspread's own BackOffHTTPClient retries forever (up to 128 s apart); this gives up
after a few tries so a page can fall back to the last good data instead of hanging.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

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
