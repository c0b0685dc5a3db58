"""A read's big tabs, kept packed between parses.

A server keeps the newest read of the Sheet: it parses it again when a post is logged here or a new day starts,
and compares the next read with it. As rows of Python strings a 100k-post tab takes about 55 MB for as long as it
is the newest read; packed (pickled, then zlib at its fastest level) about 4 MB. Packing it once it has been
parsed costs about 0.3 s, unpacking it for another parse about as much, both in the server's background thread.
Tabs under `PACK_CELLS` cells (Settings, the room's tabs, a small company's Posts) stay as rows.

Read a snapshot's tabs through `Unpacked`, never `snapshot.tabs[title]` directly.
"""

from __future__ import annotations

import pickle
import threading
import zlib
from collections.abc import Iterator, Mapping, MutableMapping

Rows = list[list[str]]
PACK_CELLS = 20_000

_packing = threading.Lock()


class PackedRows:
    """One tab's rows as compressed bytes; `unpack()` gives a fresh copy of the rows."""

    __slots__ = ("_blob",)

    def __init__(self, rows: Rows):
        self._blob = zlib.compress(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL), 1)

    def unpack(self) -> Rows:
        # Bytes this process made above from rows it read itself: nothing from outside is ever unpickled here.
        return pickle.loads(zlib.decompress(self._blob))  # noqa: S301


def pack_big(tabs: MutableMapping[str, Rows | PackedRows], cells: int = PACK_CELLS) -> int:
    """Pack, in place, every tab of at least `cells` cells that is still rows; returns how many were packed.

    Many viewers' runs may finish a parse at once: one packs, the others find the work done.
    """
    packed = 0
    with _packing:
        for title, rows in list(tabs.items()):
            if isinstance(rows, PackedRows):
                continue
            if sum(map(len, rows)) >= cells:
                tabs[title] = PackedRows(rows)
                packed += 1
    return packed


class Unpacked(Mapping[str, Rows]):
    """`tabs` as rows: a packed tab is unpacked the first time it is asked for and kept while this view lives.

    Made for one parse and dropped after it, so the unpacked rows go with it.
    """

    def __init__(self, tabs: Mapping[str, Rows | PackedRows]):
        self._tabs = tabs
        self._open: dict[str, Rows] = {}

    def __getitem__(self, title: str) -> Rows:
        rows = self._tabs[title]
        if not isinstance(rows, PackedRows):
            return rows
        if title not in self._open:
            self._open[title] = rows.unpack()
        return self._open[title]

    def __iter__(self) -> Iterator[str]:
        return iter(self._tabs)

    def __len__(self) -> int:
        return len(self._tabs)
