"""Excel workbooks (.xlsx), read in bounded time and memory.

The zip is inspected before openpyxl opens it (a decompression bomb is refused), openpyxl reads
in read-only mode with the values Excel last computed (``data_only``), and the rows are taken
from the sheet's XML as they are: a sheet that declares a million rows and holds fifteen costs
fifteen rows. defusedxml, installed beside openpyxl, guards its XML parsing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Generator, Iterator, Sequence
from typing import IO, Any
from xml.etree.ElementTree import XMLPullParser

from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import CALENDAR_MAC_1904, from_excel, from_ISO8601
from openpyxl.workbook.workbook import Workbook

from liaison.core.tabular.base import TableError

_CHUNK = 64 * 1024
MAX_COLUMNS = 500  # cells further right than this are not read
MAX_MEMBERS = 10_000
MAX_RATIO = 150  # uncompressed / compressed size of one member of the zip
RATIO_FLOOR = 2 * 1024 * 1024  # members smaller than this may compress however well they like

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE, _INLINE, _TEXT, _RUN = (
    f"{_MAIN}{tag}" for tag in ("row", "c", "v", "is", "t", "r")
)

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
        NotImplementedError,  # zipfile's answer to a compression method it cannot read
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

    Values are what Excel shows: str, int, float, bool, datetime/time/timedelta (numbers in
    cells formatted as dates or times), ExcelError; None for an empty cell. Gaps between rows
    and the sheet's declared dimension cost nothing. Formula cells give the value Excel saved
    beside the formula. (openpyxl's own parser builds an object per cell; this reads the
    same XML several times faster.)
    """
    sheet: Any = workbook[title]
    shared: Sequence[Any] = sheet._shared_strings
    date_styles: set[int] = workbook._date_formats
    time_styles: set[int] = workbook._timedelta_formats
    epoch = workbook.epoch
    with sheet._get_source() as source:
        number = 0
        for element in _rows(source):
            reference = element.get("r")
            number = int(float(reference)) if reference else number + 1
            values: list[Any] = []
            column = 0
            for cell in element:
                if cell.tag != _CELL:
                    continue
                reference = cell.get("r")
                column = (
                    column_index_from_string(reference.rstrip("0123456789"))
                    if reference
                    else column + 1
                )
                if not 1 <= column <= MAX_COLUMNS:
                    continue
                value = _cell_value(cell, shared, date_styles, time_styles, epoch)
                if value is None:
                    continue
                if column > len(values):
                    values.extend([None] * (column - len(values)))
                values[column - 1] = value
            element.clear()
            yield number, values


def _rows(source: IO[bytes]) -> Iterator[Any]:
    """The <row> elements of a sheet's XML, each complete, as the file is read.

    The standard library's C parser is used for speed; a document type declaration (which
    could declare entities) is refused before anything is parsed, so entity expansion cannot
    happen. Excel writes none.
    """
    head = source.read(_CHUNK)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head or b"\x00" in head or b"worksheet" not in head:
        raise TableError(NOT_READABLE)
    parser: Any = XMLPullParser(events=("end",))
    chunk = head
    while chunk:
        parser.feed(chunk)
        for _event, element in parser.read_events():
            if element.tag == _ROW:
                yield element
        chunk = source.read(_CHUNK)
    parser.close()
    for _event, element in parser.read_events():
        if element.tag == _ROW:
            yield element


def _cell_value(
    cell: Any, shared: Sequence[Any], date_styles: set[int], time_styles: set[int], epoch: Any
) -> Any:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(_INLINE)
        return None if inline is None else _rich_text(inline)
    value = cell.findtext(_VALUE)
    if value is None or value == "":
        return None
    if kind == "n":
        number: int | float = float(value) if any(c in value for c in ".eE") else int(value)
        style = int(cell.get("s", 0) or 0)
        if style in date_styles:
            try:
                return from_excel(number, epoch, timedelta=style in time_styles)
            except (OverflowError, ValueError):
                return number
        return number
    if kind == "s":
        return str(shared[int(value)])
    if kind == "str":
        return value
    if kind == "b":
        return value.strip() in ("1", "true")
    if kind == "e":
        return ExcelError(value)
    if kind == "d":
        return from_ISO8601(value)
    return value


def _rich_text(element: Any) -> str:
    """The text of an inline string: its <t>, or the <t> of each run (not phonetic hints)."""
    parts = []
    for child in element:
        if child.tag == _TEXT:
            parts.append(child.text or "")
        elif child.tag == _RUN:
            parts.append(child.findtext(_TEXT) or "")
    return "".join(parts)
