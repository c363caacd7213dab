"""CSV downloads, safe to open in a spreadsheet.

A text cell that begins with "=", "+", "-", "@", a tab or a carriage return is
read by Excel, LibreOffice and Google Sheets as a formula, which can run commands
or send data elsewhere ("formula injection"). Every text cell written here that
begins with one of them gets a leading apostrophe, which spreadsheets show as
plain text. Numbers are written as numbers, so a negative figure stays a number.
The rule itself is `rules.matching.people_csv.safe_cell`, the one copy, which
the waiting-list template and import use too (rules/ cannot import the web app).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from flask import Response

from rules.matching.people_csv import safe_cell as safe_text


def safe_cell(value: object) -> object:
    """The value to write: text made safe (see the module), anything else as it is."""
    return safe_text(value) if isinstance(value, str) else value


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
