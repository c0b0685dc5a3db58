"""A read's big tabs kept packed once parsed: which tabs, and that they read back exactly as they were."""

from __future__ import annotations

import pytest

from data_sources.packed import PackedRows, Unpacked, pack_big


def grid(rows: int, width: int) -> list[list[str]]:
    return [[f"{r}-{c}" for c in range(width)] for r in range(rows)]


# fmt: off
@pytest.mark.parametrize(("rows", "width", "threshold", "packed"), [
    (10,    2, 20,  True),    # 20 cells: at the threshold
    (9,     2, 20,  False),   # 18 cells: under it
    (2_000, 12, 20_000, True),
    (1_600, 12, 20_000, False),
    (0,     0, 20,  False),   # an empty tab
])
# fmt: on
def test_a_tab_is_packed_from_its_number_of_cells(rows, width, threshold, packed):
    tabs = {"Posts": grid(rows, width), "Settings": [["Setting", "Value"], ["Points per post", "10"]]}
    assert pack_big(tabs, threshold) == (1 if packed else 0)
    assert isinstance(tabs["Posts"], PackedRows) is packed
    assert isinstance(tabs["Settings"], list), "a small tab stays as rows"


def test_packed_rows_read_back_exactly_and_packing_twice_changes_nothing():
    rows = [["Date", "Name", "Summary"], ["2026-11-16", "Maya", "émoji 🎉, quotes \" and =1+1"], ["", "", ""], ["x"]]
    tabs = {"Posts": [list(r) for r in rows] * 10}
    assert pack_big(tabs, 10) == 1
    first = tabs["Posts"]
    assert pack_big(tabs, 10) == 0 and tabs["Posts"] is first
    view = Unpacked(tabs)
    assert view["Posts"] == rows * 10
    assert view["Posts"] is view["Posts"], "unpacked once per view"
    assert Unpacked(tabs)["Posts"] is not view["Posts"], "each view unpacks its own copy, dropped with it"
    assert list(view) == ["Posts"] and len(view) == 1 and dict(view) == {"Posts": rows * 10}
