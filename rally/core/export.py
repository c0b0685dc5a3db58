"""Downloads people open in a spreadsheet program (CSV and Excel): cells that could run as formulas are defused."""

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


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME_MAX = 31  # Excel's limit
COLUMN_WIDTH_MAX = 60


def safe_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An Excel workbook, one sheet per frame, where no cell is a formula.

    openpyxl writes any text starting with "=" as a formula, so every text cell is
    stored as text explicitly, and carries the CSV download's leading quote too
    (a person editing the cell in Excel would otherwise turn it into a live formula).
    Numbers stay numbers, blanks stay blank, dates are real dates; the header is bold and frozen.
    """
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for title, frame in sheets.items():
        sheet = book.create_sheet(_sheet_title(title))
        sheet.append([_text_cell(str(c)) for c in frame.columns])
        for column in range(1, len(frame.columns) + 1):
            cell = sheet.cell(row=1, column=column)
            cell.data_type = "s"
            cell.font = Font(bold=True)
        # Cells are reached by their row number: `sheet[row]` and `sheet.max_row` walk every cell written so far,
        # which made a few thousand rows take minutes.
        for row, values in enumerate(frame.itertuples(index=False, name=None), start=2):
            cells = [_cell(v) for v in values]
            sheet.append(cells)
            for column, value in enumerate(cells, start=1):
                if isinstance(value, str):
                    sheet.cell(row=row, column=column).data_type = "s"  # never "f", whatever the text starts with
        sheet.freeze_panes = "A2"
        for index, column in enumerate(frame.columns, start=1):
            longest = max([len(str(column))] + [len(str(v)) for v in frame[column].head(500).tolist()])
            sheet.column_dimensions[get_column_letter(index)].width = min(COLUMN_WIDTH_MAX, longest + 2)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    return "".join(c for c in title if c not in "[]:*?/\\")[:SHEET_NAME_MAX] or "Sheet"


def _text_cell(value: str) -> str:
    return str(csv_safe(value))


def _cell(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, bool | int | float):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, str):
        return _text_cell(value)
    if isinstance(value, list | tuple | set | frozenset):
        return _text_cell(", ".join(str(v) for v in value))
    return value
