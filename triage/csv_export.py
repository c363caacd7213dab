"""Tabular downloads (CSV and Excel), safe to open in a spreadsheet.

A text cell that begins with "=", "+", "-", "@", a tab or a carriage return is
read by Excel, LibreOffice and Google Sheets as a formula, which can run commands
or send data elsewhere ("formula injection"). Every text cell written here that
begins with one of them gets a leading apostrophe, which spreadsheets show as
plain text; in an XLSX file the cell is also stored as a string, never a formula.
Numbers are written as numbers, so a negative figure stays a number. The rule
itself is `rules.matching.people_csv.safe_cell`, the one copy, which the
waiting-list template and import use too (rules/ cannot import the web app).

CSV files start with a UTF-8 byte-order mark: without it Excel reads them as the
PC's legacy code page, and "£", "é" or "–" arrive garbled. Every importer of
ours reads UTF-8 with or without one ("utf-8-sig").
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from flask import Response
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from rules.matching.people_csv import safe_cell as safe_text

BOM = "\ufeff"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's own limit on a sheet's name.
_SHEET_NAME_MAX = 31


def safe_cell(value: object) -> object:
    """The value to write: text made safe (see the module), anything else as it is."""
    return safe_text(value) if isinstance(value, str) else value


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """The rows as CSV text, every cell made safe (no byte-order mark)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()


def _check_filename(filename: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9._-]+", filename):
        raise ValueError(f"not a safe file name: {filename!r}")


def _attachment(body: bytes | str, mimetype: str, filename: str) -> Response:
    _check_filename(filename)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows: Iterable[Sequence[object]], filename: str) -> Response:
    """A CSV file download, with a byte-order mark so Excel reads it as UTF-8.
    `filename` is the service's own (letters, digits, dots and hyphens), never
    text a user typed."""
    return _attachment((BOM + csv_text(rows)).encode("utf-8"), "text/csv; charset=utf-8", filename)


def _xlsx_value(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | date | datetime):
        # Excel has no time zones: an aware instant is written as it reads in UTC.
        return value.replace(tzinfo=None) if isinstance(value, datetime) else value
    return safe_cell(str(value))


def xlsx_bytes(rows: Iterable[Sequence[object]], sheet: str) -> bytes:
    """The rows as a one-sheet workbook; the first row (the headings) bold and
    frozen. Text is stored as text: a cell can never hold a formula."""
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None  # a new workbook always has its one sheet
    worksheet.title = sheet[:_SHEET_NAME_MAX]
    widths: dict[int, int] = {}
    for row in rows:
        worksheet.append([_xlsx_value(value) for value in row])
        for index, value in enumerate(row, start=1):
            widths[index] = min(max(widths.get(index, 8), len(str(value or "")) + 2), 60)
    for cell in worksheet[1] if worksheet.max_row else []:
        cell.font = Font(bold=True)
    for row_cells in worksheet.iter_rows():
        for cell in row_cells:
            # openpyxl treats any string starting "=" as a formula: safe_cell has
            # already prefixed those, and the type is pinned to text regardless.
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING
    worksheet.freeze_panes = "A2"
    for index, width in widths.items():
        worksheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(rows: Iterable[Sequence[object]], filename: str, sheet: str) -> Response:
    """An Excel (XLSX) download of the rows; `filename` as for csv_response."""
    return _attachment(xlsx_bytes(rows, sheet), XLSX_MIMETYPE, filename)
