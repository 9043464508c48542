"""Excel workbooks (.xlsx), read in bounded time and memory.

The zip is inspected before openpyxl opens it (a decompression bomb is refused), openpyxl reads
in read-only mode with the values Excel last computed (``data_only``), and the rows are taken
from the sheet's XML as they are: a sheet that declares a million rows and holds fifteen costs
fifteen rows. defusedxml, installed beside openpyxl, guards its XML parsing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Generator
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._reader import WorkSheetParser

from liaison.core.tabular.base import TableError

MAX_COLUMNS = 500  # cells further right than this are not read
MAX_MEMBERS = 10_000
MAX_RATIO = 150  # uncompressed / compressed size of one member of the zip
RATIO_FLOOR = 2 * 1024 * 1024  # members smaller than this may compress however well they like

NOT_READABLE = (
    "This is not a readable .xlsx file: it may be damaged, or another kind of file renamed. "
    "Open it in Excel and save it again as “Excel Workbook (.xlsx)” or as "
    "“CSV UTF-8 (Comma delimited)”."
)


class ExcelError(str):
    """A cell showing one of Excel's errors (#N/A, #REF!, #VALUE! …)."""

    __slots__ = ()


def check_archive(data: bytes, *, max_uncompressed: int) -> None:
    """Refuse a zip that is not one, or that would expand beyond the limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        OSError,
        EOFError,
        NotImplementedError,
        KeyError,
        IndexError,
        UnicodeDecodeError,
    ) as error:
        raise TableError(NOT_READABLE) from error
    total = sum(member.file_size for member in members)
    ratio_exceeded = any(
        member.file_size > RATIO_FLOOR
        and member.file_size > MAX_RATIO * max(member.compress_size, 1)
        for member in members
    )
    if len(members) > MAX_MEMBERS or total > max_uncompressed or ratio_exceeded:
        raise TableError(
            f"This workbook would take more than {max_uncompressed // (1024 * 1024)} MB once "
            "opened, or is compressed far more tightly than a spreadsheet can be, so Liaison "
            "does not open it. Copy the rows you need into a new workbook, or save the sheet "
            "as “CSV UTF-8 (Comma delimited)”, and upload that."
        )


def open_workbook(data: bytes) -> Workbook:
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error for a broken file
        raise TableError(NOT_READABLE) from error


def sheet_names(workbook: Workbook) -> list[str]:
    return [sheet.title for sheet in workbook.worksheets]


def uses_1904(workbook: Workbook) -> bool:
    return bool(workbook.epoch == CALENDAR_MAC_1904)


def sheet_rows(workbook: Workbook, title: str) -> Generator[tuple[int, list[Any]]]:
    """(row number, values) for each row the sheet's XML holds, in the file's order.

    Values are what Excel shows: str, int, float, bool, datetime/date/time/timedelta (cells
    formatted as dates), ExcelError; None for an empty cell. Gaps between rows and the sheet's
    declared dimension cost nothing.
    """
    sheet: Any = workbook[title]
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            values: list[Any] = []
            for cell in cells:
                column = cell["column"]
                value = cell["value"]
                if value is None or not 1 <= column <= MAX_COLUMNS:
                    continue
                if cell["data_type"] == "e":
                    value = ExcelError(value)
                if column > len(values):
                    values.extend([None] * (column - len(values)))
                values[column - 1] = value
            yield number, values
