"""A row Rally appends lands where Rally reads it, whatever blank rows people left in the tab.

Google appends under the "table" around the append's anchor, a table ending at the first blank row
(tests/test_emulator_conformance.py replays Google's answers). Anchored at A1, a tab with a title and a blank
row above its header took the new row under the title — above the header, where no reader looks.
"""

from __future__ import annotations

import pytest

from rally.sheet.dataset import build_dataset
from tests.sources import SHEET_KEY, google_source

HEADER = ["Date", "Name", "Platform"]
MAYA = ["2026-11-16", "Maya Patel", "X"]
LEO = ["2026-11-17", "Leo Martin", "X"]
ANA = ["2026-11-18", "Ana Ruiz", "LinkedIn"]

# fmt: off
LAYOUTS = [
    # (the Posts tab as people left it, where the new row lands)
    pytest.param([HEADER, MAYA], [HEADER, MAYA, ANA], id="plain"),
    pytest.param([HEADER], [HEADER, ANA], id="header-only"),
    # The header's table ends at the blank row: the row goes in there, and Leo moves down untouched.
    pytest.param([HEADER, MAYA, [], LEO], [HEADER, MAYA, ANA, [], LEO], id="blank-row-in-the-data"),
    # Anchored at A1 this row went under the title, above the header, and was never read again.
    pytest.param([["Our posts"], [], HEADER, MAYA], [["Our posts"], [], HEADER, MAYA, ANA], id="title-blank-row-header"),
    pytest.param([[], HEADER, MAYA], [[], HEADER, MAYA, ANA], id="blank-first-row"),
]
# fmt: on


@pytest.mark.parametrize("read_first", [True, False], ids=["after-a-read", "before-any-read"])
@pytest.mark.parametrize(("layout", "after"), LAYOUTS)
def test_an_appended_row_lands_under_the_header_and_is_read(sheets_emulator, tmp_path, layout, after, read_first):
    """The row goes under the header's own block of rows, and the next read counts it."""
    source = google_source(sheets_emulator, tmp_path, {"Posts": layout})
    if read_first:
        source.fetch()
    source.append_rows("Posts", [ANA], HEADER)
    assert sheets_emulator.values(SHEET_KEY, "Posts") == after
    assert "Ana Ruiz" in set(build_dataset(source.fetch().tabs).posts["name"])
