"""Results computed from the data (leaderboards, weekly totals, charts' frames), kept per data version.

Every session shows the same data until the next read, so a frame derived from it
is computed once for the whole server and reused by every rerun, not recomputed
per click. A result is keyed by (data version, function, arguments); when the data
changes, the new version's results are computed afresh and old versions age out.
Concurrent askers of the same result wait for one computation (single flight).

Results are shared by every session: treat them as read-only, like the Dataset.

Computations run one at a time for the whole server (`one_at_a_time`): under the GIL two
pandas computations side by side finish no sooner than one after the other, but their
working memory adds up, and a room opening every page at once would pay all of it together.
The functions are pure `rally/` functions, which never ask for another derived result, so
holding the lock while computing can't wait on itself.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from data_sources.memory import give_back

T = TypeVar("T")
GIVE_BACK_AFTER_SECONDS = 0.02
# The parts of a Dataset an argument may be, identified by name within the version: first those read from the
# tabs people keep (SHEET_PARTS), then those the room fills during a meeting.
SHEET_PARTS = ("posts", "staff", "kpis", "notes", "kudos", "training", "settings", "calendar", "meetings", "follow_ups")
DATASET_PARTS = (*SHEET_PARTS, "votes", "survey", "issues", "tabs")


_computing = threading.Lock()


def one_at_a_time() -> threading.Lock:
    """The server-wide lock every derived computation holds while it runs (see the module's docstring)."""
    return _computing


@dataclass
class _Slot:
    done: threading.Event = field(default_factory=threading.Event)
    value: Any = None
    ok: bool = False


def call_key(function: Callable, args: tuple, kwargs: Mapping[str, Any], dataset: object = None) -> tuple:
    """What identifies one call within a data version: the function and its arguments.

    The dataset and its parts (frames, issues) stand for themselves by name (they are the version's);
    every other argument must be hashable (a week, a month, a number, Settings).
    """

    def part(value: object) -> Hashable:
        if dataset is not None:
            if value is dataset:
                return ("<dataset>",)
            for name in DATASET_PARTS:
                if value is getattr(dataset, name, None):
                    return (f"<dataset.{name}>",)
        try:
            hash(value)
        except TypeError:
            raise TypeError(
                f"{function.__qualname__}: a derived result is keyed by the data version and its arguments, so each argument must be "
                f"the dataset, one of its parts ({', '.join(DATASET_PARTS)}) or a hashable value, not a {type(value).__name__}."
            ) from None
        return (type(value).__name__, value)  # 1, 1.0 and True hash alike but may give different results

    return (
        function.__module__,
        function.__qualname__,
        tuple(part(a) for a in args),
        tuple(sorted((k, part(v)) for k, v in kwargs.items())),
    )


class DerivedCache:
    """Per data version, the results of pure functions of the data; the newest `versions` versions are kept."""

    def __init__(self, versions: int = 2, entries_per_version: int = 512):
        self._versions = versions
        self._entries = entries_per_version
        self._lock = threading.Lock()
        self._by_version: OrderedDict[str, OrderedDict[tuple, _Slot]] = OrderedDict()
        self.computed = 0  # calls actually made, for tests and the benchmark
        self.reused = 0

    def get(self, version: str, key: tuple, compute: Callable[[], T]) -> T:
        """The result for `key` in `version`, computing it (once, however many ask at the same time) if it is new."""
        while True:
            with self._lock:
                entries = self._by_version.get(version)
                if entries is None:
                    entries = self._by_version[version] = OrderedDict()
                    while len(self._by_version) > self._versions:
                        self._by_version.popitem(last=False)
                self._by_version.move_to_end(version)
                slot = entries.get(key)
                owner = slot is None
                if owner:
                    slot = entries[key] = _Slot()
                    while len(entries) > self._entries:
                        entries.popitem(last=False)
                else:
                    entries.move_to_end(key)
            if owner:
                return self._compute(entries, key, slot, compute)
            slot.done.wait()
            if slot.ok:
                with self._lock:
                    self.reused += 1
                return slot.value
            # The session computing it failed; the next loop computes it here (and raises here if it fails again).

    def _compute(self, entries: OrderedDict, key: tuple, slot: _Slot, compute: Callable[[], T]) -> T:
        try:
            with _computing:
                started = time.perf_counter()
                slot.value = compute()
                if time.perf_counter() - started >= GIVE_BACK_AFTER_SECONDS:
                    give_back()
            slot.ok = True
            with self._lock:
                self.computed += 1
            return slot.value
        except BaseException:
            with self._lock:
                if entries.get(key) is slot:
                    del entries[key]  # not kept: the next ask tries again
            raise
        finally:
            slot.done.set()

    def clear(self) -> None:
        with self._lock:
            self._by_version.clear()
