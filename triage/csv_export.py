"""CSV downloads, safe to open in a spreadsheet.

A text cell that begins with "=", "+", "-", "@", a tab or a carriage return is
read by Excel, LibreOffice and Google Sheets as a formula, which can run commands
or send data elsewhere ("formula injection"). Every text cell written here that
begins with one of them gets a leading apostrophe, which spreadsheets show as
plain text. Numbers are written as numbers, so a negative figure stays a number.
(`rules.matching.people_csv` keeps the same rule for the waiting-list template,
as the rules package cannot import the web app.)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value to write: text that a spreadsheet would run as a formula is
    prefixed with an apostrophe; anything else is unchanged. Text that already
    starts with apostrophes and then a formula gets one more, so a file the
    waiting-list import reads back (it drops one) holds exactly what was written."""
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """The rows as CSV text, every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()


def csv_response(rows: Iterable[Sequence[object]], filename: str) -> Response:
    """A CSV file download. `filename` is the service's own (letters, digits,
    dots and hyphens), never text a user typed."""
    if not re.fullmatch(r"[A-Za-z0-9._-]+", filename):
        raise ValueError(f"not a safe file name: {filename!r}")
    response = Response(csv_text(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
