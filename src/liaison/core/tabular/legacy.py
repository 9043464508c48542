"""The first reader (read_sheet, parse_date) kept until the roster and vetting imports use
read_table. Exports are written by liaison.core.export.

Reading the spreadsheets partners and vetting offices exchange (CSV and XLSX).

An import is read whole, checked whole, and applied whole: every problem is reported with
its row and column before anything is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, BinaryIO

from openpyxl import load_workbook

MAX_ROWS = 5000


@dataclass
class Sheet:
    """Rows as dictionaries keyed by normalised header, with their spreadsheet row numbers."""

    headers: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


class SheetError(Exception):
    """The file itself cannot be read as a table."""


def normalise_header(name: str) -> str:
    return "_".join(str(name or "").strip().lower().replace("-", " ").split())


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_sheet(upload: BinaryIO, filename: str, required: Sequence[str]) -> Sheet:
    """Read an uploaded CSV or XLSX file; the first row holds the column names."""
    name = filename.lower()
    raw_rows: list[list[str]]
    if name.endswith(".xlsx"):
        try:
            workbook = load_workbook(upload, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a bad file
            raise SheetError(f"This is not a readable XLSX file ({error}).") from error
        sheet = workbook.worksheets[0]
        raw_rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    elif name.endswith(".csv"):
        data = upload.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
        raw_rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise SheetError("Upload a .csv or .xlsx file.")
    if not raw_rows:
        raise SheetError("The file is empty.")
    headers = [normalise_header(h) for h in raw_rows[0]]
    missing = [column for column in required if column not in headers]
    if missing:
        raise SheetError(
            f"Missing column(s): {', '.join(missing)}. The first row must name the columns."
        )
    sheet_rows = []
    for number, values in enumerate(raw_rows[1:], start=2):
        if not any(values):
            continue
        sheet_rows.append(
            (
                number,
                {h: (values[i] if i < len(values) else "") for i, h in enumerate(headers) if h},
            )
        )
    if len(sheet_rows) > MAX_ROWS:
        raise SheetError(
            f"The file has {len(sheet_rows)} rows; at most {MAX_ROWS} are read at once."
        )
    return Sheet(headers=headers, rows=sheet_rows)


def parse_date(value: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError("Write the date as YYYY-MM-DD.")
