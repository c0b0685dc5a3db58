"""Tabs Rally writes to (votes, survey answers, ideas, kudos, logged posts): rows with an ID, read once each.

A write may reach the Sheet twice (a retried append that had landed), and a row
may still be waiting in this server's outbox; readers see each ID exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from rally.core.contract import TabSpec, contract_column, find_tab, read_table

PENDING_ROW = 0  # the row number given to rows not yet in the Sheet


@dataclass(frozen=True)
class QueuedRow:
    """A row this server wrote that the last read of the Sheet may not show yet.

    `cells` is keyed by the header names it was written under (matched to the
    contract loosely, aliases included); `pending` is True until the Sheet has
    confirmed the write, False for a confirmed row the next read will bring.
    """

    cells: Mapping[str, str]
    pending: bool = True


def unique_by_id(frame: pd.DataFrame, id_column: str = "ID") -> pd.DataFrame:
    """The first row of each ID; rows without an ID are kept (typed in by hand)."""
    has_id = frame[id_column] != ""
    repeated = has_id & frame[id_column].duplicated(keep="first")
    return frame[~repeated].reset_index(drop=True)


def queued_frame(spec: TabSpec, queued: Iterable[QueuedRow | Mapping[str, str]]) -> pd.DataFrame:
    """Queued rows as `read_table` frames them (contract columns as strings, `row` = 0), plus `pending`.

    A plain mapping counts as a pending row. Cells under headers the contract does not know are left out.
    """
    records = []
    for item in queued:
        row = item if isinstance(item, QueuedRow) else QueuedRow(item)
        cells = dict.fromkeys(spec.header, "")
        for header, value in row.cells.items():
            column = contract_column(spec, header)
            if column and not cells[column]:
                cells[column] = str(value).strip()
        records.append({"row": PENDING_ROW, **cells, "pending": row.pending})
    frame = pd.DataFrame(records, columns=["row", *spec.header, "pending"])
    return frame.astype({"row": "int64", **dict.fromkeys(spec.header, "str"), "pending": "bool"})


def read_records(
    tabs: Mapping[str, list[list]],
    spec: TabSpec,
    pending: Iterable[QueuedRow | Mapping[str, str]] = (),
    id_column: str = "ID",
) -> pd.DataFrame:
    """The tab's rows (contract columns as strings, plus `row` and `pending`) with queued rows after them, each ID once.

    `pending` holds rows from this server's outbox: plain mappings (waiting for the
    Sheet) or `QueuedRow`s (which also carry confirmed rows the last read missed).
    """
    title = find_tab(tabs, spec)
    sheet = read_table(tabs[title], spec).frame if title else read_table([spec.header], spec).frame
    sheet = sheet.assign(pending=False)
    extra = queued_frame(spec, pending)
    if len(extra):
        sheet = pd.concat([sheet, extra[sheet.columns]], ignore_index=True)
    return unique_by_id(sheet, id_column).astype({"row": "int64", "pending": "bool"})
