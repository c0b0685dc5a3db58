"""Data issues: every problem Rally finds in the Sheet, with the row number Google Sheets shows."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

ISSUE_COLUMNS = ["tab", "row", "column", "value", "problem"]


@dataclass(frozen=True)
class DataIssue:
    tab: str
    row: int
    column: str
    value: str
    problem: str

    def as_dict(self) -> dict:
        return asdict(self)


def issues_frame(issues: list[DataIssue]) -> pd.DataFrame:
    """Issues as a table sorted by tab and row, ready to show or export."""
    if not issues:
        return pd.DataFrame({c: pd.Series([], dtype="int64" if c == "row" else "str") for c in ISSUE_COLUMNS})
    frame = pd.DataFrame([i.as_dict() for i in issues], columns=ISSUE_COLUMNS)
    return frame.sort_values(["tab", "row"], kind="stable").reset_index(drop=True)


def issues_from_mask(
    tab: str, rows: pd.Series, column: str, values: pd.Series, mask: pd.Series, problem: str
) -> list[DataIssue]:
    """One issue per flagged row: the vectorised checks' way of reporting."""
    return [DataIssue(tab, int(r), column, str(v), problem) for r, v in zip(rows[mask], values[mask])]
