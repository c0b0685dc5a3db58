"""Tabs Rally writes to (votes, survey answers, ideas, kudos, logged posts): rows with an ID, read once each.

A write may reach the Sheet twice (a retried append that had landed), and a row
may still be waiting in this server's outbox; readers see each ID exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from rally.core.contract import TabSpec, contract_column, find_tab, map_header, read_table
from rally.core.issues import DataIssue

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


def repeated_ids(rows: list[list], spec: TabSpec, id_column: str = "ID") -> list[DataIssue]:
    """Rows of a tab Rally writes whose ID an earlier row already has: a write that reached the Sheet twice.

    Readers count each ID once, so figures are right; the repeat is reported so the Sheet can be tidied.
    """
    table = read_table(rows, spec)
    if not table.header_row or table.frame.empty or id_column not in table.frame:
        return []
    ids = table.frame[id_column]
    has_id = ids != ""
    first = table.frame["row"][has_id].groupby(ids[has_id]).transform("min")
    again = has_id & table.frame["row"].ne(first.reindex(table.frame.index))
    return [
        DataIssue(
            spec.name,
            int(row),
            id_column,
            value,
            f"same ID as row {int(f)}: written twice — counted once, this row may be deleted",
        )
        for row, value, f in zip(table.frame["row"][again], ids[again], first.reindex(table.frame.index)[again])
    ]


def queued_frame(spec: TabSpec, queued: Iterable[QueuedRow | Mapping[str, str]]) -> pd.DataFrame:
    """Queued rows as `read_table` frames them (contract columns as strings, `row` = 0), plus `pending`.

    A plain mapping counts as a pending row. Cells under headers the contract does not know are left out.
    """
    queued = list(queued)
    if not queued:
        return _empty_records(spec).copy()
    header = spec.header  # worked out once: a burst of answers is thousands of rows
    columns: dict[str, list[str]] = {name: [] for name in header}
    pending = []
    for item in queued:
        row = item if isinstance(item, QueuedRow) else QueuedRow(item)
        cells = dict.fromkeys(header, "")
        for cell_header, value in row.cells.items():
            column = contract_column(spec, cell_header)
            if column and not cells[column]:
                cells[column] = str(value).strip()
        for name in header:
            columns[name].append(cells[name])
        pending.append(row.pending)
    frame = pd.DataFrame(
        {"row": np.full(len(queued), PENDING_ROW, dtype="int64"), **columns, "pending": np.array(pending, dtype=bool)}
    )
    return frame.astype(dict.fromkeys(header, "str"))


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
    pending = list(pending)
    if title is None and not pending:
        return _empty_records(spec).copy()  # most tabs Rally writes are empty or missing on most Sheets
    sheet = read_table(tabs[title], spec).frame if title else read_table([spec.header], spec).frame
    sheet = sheet.assign(pending=False)
    if pending:
        extra = queued_frame(spec, pending)
        sheet = pd.concat([sheet, extra[sheet.columns]], ignore_index=True)
    return unique_by_id(sheet, id_column).astype({"row": "int64", "pending": "bool"})


@lru_cache(maxsize=32)
def _empty_records(spec: TabSpec) -> pd.DataFrame:
    """No rows: the columns `read_records` gives, typed (callers get a copy)."""
    columns = {"row": "int64", **dict.fromkeys(spec.header, "str"), "pending": "bool"}
    return pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in columns.items()})


# -- writing under a tab's own header ------------------------------------------------------------------
@dataclass(frozen=True)
class WritePlan:
    """Where and how one row goes: `tab` as the Sheet spells it, `header` one name per column in the Sheet's order."""

    tab: str
    header: list[str]
    row: dict[str, str]  # header name -> cell text
    id_column: str  # the header name the outbox puts the row's ID under
    header_row: int  # 1-based, as Google Sheets numbers rows
    add_columns: list[str]  # names to add after the tab's last header cell before the row lands


class TabUnusable(ValueError):
    """The tab exists but has no header row Rally can write under: say which columns are missing."""


def write_plan(
    tabs: Mapping[str, list[list]], spec: TabSpec, cells: Mapping[str, str], id_column: str = "ID"
) -> WritePlan:
    """The row for `cells` (contract column -> text) under the tab's current header, found in `tabs`."""
    title = find_tab(tabs, spec)
    if title is None:
        return write_plan_under(spec, cells, None, None, (), (), id_column)
    table = read_table(tabs[title], spec)
    header = tuple(str(c).strip() for c in tabs[title][table.header_row - 1]) if table.header_row else ()
    return write_plan_under(spec, cells, title, table.header_row, header, tuple(table.missing), id_column)


def write_plan_under(
    spec: TabSpec,
    cells: Mapping[str, str],
    title: str | None,
    header_row: int | None,
    header_cells: Sequence[str],
    missing: Sequence[str] = (),
    id_column: str = "ID",
) -> WritePlan:
    """The row for `cells` under a tab's header as the last read found it (`title` None: the tab is missing).

    A missing tab is created by the source with the contract's header. Columns the
    row fills (and the ID) that the tab lacks are added after its last header cell.
    Blank or repeated header cells get placeholder names, so they are written blank.
    """
    if title is None:
        return WritePlan(spec.name, spec.header, {c: v for c, v in cells.items() if v}, id_column, 1, [])
    if header_row is None:
        raise TabUnusable(
            f"The {title} tab has no header row with {', '.join(missing)} in its first rows — fix it on the Sheet (see Data health)."
        )
    header_cells = [str(c).strip() for c in header_cells]
    while header_cells and not header_cells[-1]:
        header_cells.pop()
    mapping = map_header(header_cells, spec)
    chosen = {index: column for column, index in mapping.items()}
    header = [cell if index in chosen else f"(column {index + 1})" for index, cell in enumerate(header_cells)]
    needed = [c.name for c in spec.columns if c.name in cells and cells[c.name] or c.name == id_column]
    add = [name for name in needed if name not in mapping]
    row = {header[mapping[c]]: v for c, v in cells.items() if v and c in mapping}
    row.update({name: cells[name] for name in add if name != id_column})
    ids = header[mapping[id_column]] if id_column in mapping else id_column
    return WritePlan(title, header + add, row, ids, header_row, add)
