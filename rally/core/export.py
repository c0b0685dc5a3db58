"""Downloads people open in a spreadsheet program: cells that could run as formulas are defused."""

from __future__ import annotations

import pandas as pd

from rally.core.text import csv_safe


def safe_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes (UTF-8 with BOM, so Excel reads accents) where no cell starts with = + - @ unquoted."""
    defused = frame.copy()
    for column in defused.columns:
        if defused[column].dtype == object or pd.api.types.is_string_dtype(defused[column]):
            defused[column] = defused[column].map(csv_safe)
    defused.columns = [csv_safe(str(c)) for c in defused.columns]
    return defused.to_csv(index=False).encode("utf-8-sig")
