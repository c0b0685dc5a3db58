"""Tabs Rally writes to (votes, survey answers, ideas, kudos, logged posts): rows with an ID, read once each.

A write may reach the Sheet twice (a retried append that had landed), and a row
may still be waiting in this server's outbox; readers see each ID exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from rally.contract import TabSpec, find_tab, normalise_key, read_table

PENDING_ROW = 0  # the row number given to rows not yet in the Sheet


def unique_by_id(frame: pd.DataFrame, id_column: str = "ID") -> pd.DataFrame:
    """The first row of each ID; rows without an ID are kept (typed in by hand)."""
    has_id = frame[id_column] != ""
    repeated = has_id & frame[id_column].duplicated(keep="first")
    return frame[~repeated].reset_index(drop=True)


def read_records(tabs: Mapping[str, list[list]], spec: TabSpec, pending: Iterable[Mapping[str, str]] = (), id_column: str = "ID") -> pd.DataFrame:
    """The tab's rows (contract columns as strings, plus `row` and `pending`) with queued rows after them, each ID once."""
    title = find_tab(tabs, spec)
    sheet = read_table(tabs[title], spec).frame if title else read_table([spec.header], spec).frame
    sheet = sheet.assign(pending=False)
    by_key = {normalise_key(c.name): c.name for c in spec.columns}
    queued = [{by_key[normalise_key(k)]: str(v) for k, v in row.items() if normalise_key(k) in by_key} for row in pending]
    if queued:
        extra = pd.DataFrame([{**dict.fromkeys(spec.header, ""), **row} for row in queued], columns=spec.header, dtype="str")
        extra = extra.assign(row=PENDING_ROW, pending=True)
        sheet = pd.concat([sheet, extra[sheet.columns]], ignore_index=True)
    return unique_by_id(sheet, id_column).astype({"row": "int64", "pending": "bool"})
