"""read_table: one reader for every table Liaison imports (CSV in any common encoding and
delimiter, and .xlsx workbooks).

The file is read whole and every problem is reported with its row and column (and sheet)
before a caller writes anything: cell problems are collected in ``Table.errors``; only a file
that cannot be read as a table at all raises :class:`TableError`.
"""

from __future__ import annotations

import logging
import math
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from openpyxl.utils import get_column_letter

from liaison.core.tabular import text_files, workbooks
from liaison.core.tabular.base import CellError, Column, Table, TableError, TableRow
from liaison.core.tabular.dates import (
    AmbiguousDate,
    DateOrder,
    from_serial,
    numeric_hint,
    parse_date_text,
)
from liaison.core.tabular.values import clean_text, header_key

logger = logging.getLogger(__name__)

HEADER_SEARCH = 20  # the header is looked for among the first 20 rows that hold anything
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_TEXT_SUFFIXES = (".csv", ".txt", ".tsv", ".tab")
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_SAVE_AS = (
    "Open it in Excel and save it as “Excel Workbook (.xlsx)” or “CSV UTF-8 (Comma delimited)”."
)


def read_table(
    data: bytes,
    filename: str,
    columns: Sequence[Column],
    *,
    sheet: str | None = None,
    date_order: DateOrder | None = None,
    max_rows: int = 20_000,
    max_bytes: int = 20 * 1024 * 1024,
) -> Table:
    """Read an uploaded CSV or .xlsx file into rows of the given columns.

    Returns a Table (with its cell errors and ambiguous dates listed), or raises TableError
    when the file as a whole cannot be read; never anything else for any bytes.
    """
    if not columns:
        raise ValueError("read_table needs at least one Column.")
    if len(data) > max_bytes:
        raise TableError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; files up to "
            f"{max_bytes / 1024 / 1024:.0f} MB are read. Split it into smaller files."
        )
    if not data.strip():
        raise TableError("The file is empty.")
    reader = _Reader(columns, date_order=date_order, max_rows=max_rows)
    if _is_workbook(data, filename):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about what it does not support
            try:
                return reader.read_workbook(data, sheet=sheet, max_uncompressed=10 * max_bytes)
            except TableError:
                raise
            except Exception as error:  # a broken workbook can fail in any part of openpyxl
                logger.warning("Unreadable workbook %r", filename, exc_info=True)
                raise TableError(workbooks.NOT_READABLE) from error
    return reader.read_text(data)


def _is_workbook(data: bytes, filename: str) -> bool:
    suffix = "." + filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if data.startswith(_OLE):
        raise TableError(
            "This is an Excel 97-2003 workbook (.xls) or a password-protected workbook, which "
            "Liaison does not read. " + _SAVE_AS + " Remove any password first."
        )
    if suffix == ".xls":
        raise TableError("Liaison does not read .xls files. " + _SAVE_AS)
    if suffix in (".ods", ".numbers"):
        raise TableError(
            f"Liaison does not read {suffix} files. Save the sheet as “Excel Workbook (.xlsx)” "
            "or as “CSV UTF-8” and upload that."
        )
    if data.startswith(_ZIP):
        return True
    if suffix in _WORKBOOK_SUFFIXES:
        raise TableError(workbooks.NOT_READABLE)
    if suffix in _TEXT_SUFFIXES:
        return False
    raise TableError(
        f"Liaison reads .xlsx workbooks and .csv files; “{filename}” is neither. " + _SAVE_AS
    )


class _Cell(NamedTuple):
    text: str
    error: str | None = None
    ambiguous: str | None = None
    hint: DateOrder | None = None


@dataclass
class _Header:
    row: int
    primary: dict[str, int]  # column key -> index of the header cell
    duplicates: dict[str, list[int]]  # column key -> indices of further headers for it
    written: dict[int, str]  # index -> header as written
    ignored: list[str]
    width: int  # one past the last named header cell


class _Reader:
    def __init__(
        self, columns: Sequence[Column], *, date_order: DateOrder | None, max_rows: int
    ) -> None:
        self.columns = list(columns)
        self.by_key = {column.key: column for column in self.columns}
        self.lookup: dict[str, str] = {}
        for column in self.columns:
            for name in (column.key, column.label, *column.synonyms):
                key = header_key(name)
                if key:
                    self.lookup.setdefault(key, column.key)
        self.date_order = date_order
        self.max_rows = max_rows
        self.today = date.today()
        self.epoch_1904 = False

    # ---- headers -------------------------------------------------------------------------

    def _matches(self, values: Sequence[Any]) -> set[str]:
        found = set()
        for value in values:
            key = self.lookup.get(header_key(_display(value)))
            if key:
                found.add(key)
        return found

    def _candidate_rows(self, rows: Iterator[tuple[int, list[Any]]]) -> list[tuple[int, list[Any]]]:
        candidates = []
        filled = 0
        for number, values in rows:
            candidates.append((number, values))
            filled += any(_display(value) for value in values)
            if filled >= HEADER_SEARCH:
                break
        return candidates

    def _score(self, rows: Sequence[tuple[int, Sequence[Any]]]) -> int:
        return max((len(self._matches(values)) for _, values in rows), default=0)

    def _header(self, candidates: list[tuple[int, list[Any]]], where: str) -> _Header:
        best_number, best_values, best = 0, [], 0
        for number, values in candidates:
            score = len(self._matches(values))
            if score > best:
                best_number, best_values, best = number, values, score
        if best == 0:
            wanted = [c for c in self.columns if c.required] or self.columns[:4]
            names = ", ".join(f"“{c.label}”" for c in wanted)
            raise TableError(
                f"Liaison found no header row naming its columns {where}in the first "
                f"{HEADER_SEARCH} rows. Put the column names in one row above the data: "
                f"{names}."
            )
        primary: dict[str, int] = {}
        duplicates: dict[str, list[int]] = defaultdict(list)
        written: dict[int, str] = {}
        ignored: list[str] = []
        width = 0
        for index, value in enumerate(best_values):
            text = _display(value)
            if not text:
                continue
            width = index + 1
            written[index] = text
            key = self.lookup.get(header_key(text))
            if key is None:
                ignored.append(text)
            elif key in primary:
                duplicates[key].append(index)
            else:
                primary[key] = index
        missing = [c for c in self.columns if c.required and c.key not in primary]
        if missing:
            raise TableError(_missing_message(missing, best_number, where))
        return _Header(best_number, primary, dict(duplicates), written, ignored, width)

    # ---- sources -------------------------------------------------------------------------

    def read_text(self, data: bytes) -> Table:
        text, encoding = text_files.decode(data)
        if not text.strip():
            raise TableError("The file is empty.")
        delimiter = text_files.detect_delimiter(
            text, lambda rows: self._score(list(enumerate(rows[:HEADER_SEARCH], start=1)))
        )
        rows = enumerate(text_files.records(text, delimiter), start=1)
        candidates = self._candidate_rows(rows)
        header = self._header(candidates, "")
        table = Table(
            rows=[],
            columns={},
            ignored=[],
            header_row=header.row,
            sheet="",
            sheets=[],
            encoding=encoding,
            delimiter=delimiter,
        )
        self._fill(table, header, _chain(candidates, rows), extra_cells=True)
        return table

    def read_workbook(self, data: bytes, *, sheet: str | None, max_uncompressed: int) -> Table:
        workbooks.check_archive(data, max_uncompressed=max_uncompressed)
        workbook = workbooks.open_workbook(data)
        try:
            names = workbooks.sheet_names(workbook)
            if not names:
                raise TableError("This workbook has no sheet of cells to read. " + _SAVE_AS)
            listed = ", ".join(f"“{name}”" for name in names)
            self.epoch_1904 = workbooks.uses_1904(workbook)
            if sheet is not None:
                chosen = _find_sheet(sheet, names)
                if chosen is None:
                    raise TableError(
                        f"This workbook has no sheet named “{sheet}”. Its sheets are: {listed}."
                    )
                rows = workbooks.sheet_rows(workbook, chosen)
                candidates = self._candidate_rows(rows)
            else:
                chosen, best, candidates = names[0], -1, []
                for name in names:
                    rows = workbooks.sheet_rows(workbook, name)
                    found = self._candidate_rows(rows)
                    score = self._score(found)
                    if score > best:
                        chosen, best, candidates = name, score, found
                    rows.close()
                if best <= 0:
                    raise TableError(
                        "Liaison found no header row naming its columns in the first "
                        f"{HEADER_SEARCH} rows of any sheet ({listed}). Put the column names "
                        "in one row above the data: "
                        + ", ".join(
                            f"“{c.label}”"
                            for c in ([c for c in self.columns if c.required] or self.columns[:4])
                        )
                        + "."
                    )
                rows = workbooks.sheet_rows(workbook, chosen)
                skip = len(candidates)
                for _ in range(skip):
                    next(rows, None)
            where = f"in sheet “{chosen}” " if len(names) > 1 else ""
            header = self._header(candidates, where)
            table = Table(
                rows=[],
                columns={},
                ignored=[],
                header_row=header.row,
                sheet=chosen,
                sheets=names,
                encoding="",
                delimiter="",
            )
            self._fill(table, header, _chain(candidates, rows), extra_cells=False)
            return table
        finally:
            workbook.close()

    # ---- rows ----------------------------------------------------------------------------

    def _fill(
        self,
        table: Table,
        header: _Header,
        rows: Iterable[tuple[int, list[Any]]],
        *,
        extra_cells: bool,
    ) -> None:
        table.columns = {key: header.written[index] for key, index in header.primary.items()}
        table.ignored = header.ignored
        table.date_order = self.date_order
        votes: Counter[DateOrder] = Counter()
        disagreements: dict[tuple[str, int], list[int]] = defaultdict(list)
        physical_limit = self.max_rows * 5 + 1000
        seen = 0
        for number, values in rows:
            if number <= header.row:
                continue
            seen += 1
            if seen > physical_limit and not extra_cells:  # a sheet's XML: bounded time
                raise _too_many(self.max_rows)
            row_errors: list[CellError] = []
            if extra_cells and len(values) > header.width:
                extra = [i for i in range(header.width, len(values)) if clean_text(values[i])]
                if extra:
                    row_errors.append(
                        CellError(
                            number,
                            get_column_letter(extra[0] + 1),
                            f"This row has {extra[-1] + 1} cells but the header names "
                            f"{header.width} columns; a value probably holds an unquoted "
                            f"“{table.delimiter}”. Put quotes around it, or save the file "
                            "again from Excel.",
                            table.sheet,
                        )
                    )
            cells: dict[str, str] = {}
            ambiguous: list[CellError] = []
            for key, index in header.primary.items():
                column = self.by_key[key]
                cell = self._convert(_at(values, index), column)
                for j in header.duplicates.get(key, ()):
                    other = self._convert(_at(values, j), column)
                    if not other.text:
                        continue
                    if not cell.text:
                        cell = other
                    elif other.text != cell.text:
                        disagreements[(key, j)].append(number)
                cells[key] = cell.text
                written = header.written[index]
                if cell.error:
                    row_errors.append(CellError(number, written, cell.error, table.sheet))
                if cell.ambiguous:
                    ambiguous.append(CellError(number, written, cell.ambiguous, table.sheet))
                if cell.hint:
                    votes[cell.hint] += 1
            if not any(cells.values()):
                table.errors.extend(row_errors)
                continue
            if len(table.rows) >= self.max_rows:
                raise _too_many(self.max_rows)
            for column in self.columns:
                cells.setdefault(column.key, "")
            table.rows.append(TableRow(number=number, cells=cells))
            table.errors.extend(row_errors)
            table.ambiguous_dates.extend(ambiguous)
        for (key, index), numbers in sorted(disagreements.items(), key=lambda i: i[1][0]):
            first = header.written[header.primary[key]]
            second = header.written[index]
            shown = ", ".join(str(n) for n in numbers[:10])
            more = f" and {len(numbers) - 10} more" if len(numbers) > 10 else ""
            table.errors.append(
                CellError(
                    numbers[0],
                    first,
                    f"The columns “{first}” and “{second}” both give the "
                    f"{self.by_key[key].label.lower()} and disagree on "
                    f"row{'s' if len(numbers) > 1 else ''} {shown}{more}. Keep one of them.",
                    table.sheet,
                )
            )
        table.errors.sort(key=lambda e: e.row)
        if votes:
            (top, count), *rest = votes.most_common()
            if not rest or rest[0][1] < count:
                table.suggested_order = top

    # ---- cells ---------------------------------------------------------------------------

    def _convert(self, value: Any, column: Column) -> _Cell:
        if value is None:
            return _Cell("")
        if isinstance(value, workbooks.ExcelError):
            return _Cell(str(value), f"The cell shows Excel's error {value} instead of a value.")
        if column.kind == "date":
            cell = self._date(value, column)
        elif column.kind == "digits":
            cell = _digits(value)
        else:
            cell = _Cell(_display(value))
        if "\ufffd" in cell.text and not cell.error:
            return _Cell(
                cell.text,
                "The value holds “\ufffd”, a character lost when the file was converted "
                "earlier; type it again.",
            )
        return cell

    def _date(self, value: Any, column: Column) -> _Cell:
        if isinstance(value, datetime):
            return _Cell(value.date().isoformat())
        if isinstance(value, date):
            return _Cell(value.isoformat())
        if isinstance(value, (time, timedelta)):
            return _Cell(_display(value), "The cell holds a time, not a date.")
        if isinstance(value, bool):
            return _Cell(_display(value), "The cell holds TRUE or FALSE, not a date.")
        if isinstance(value, (int, float)):
            try:
                return _Cell(from_serial(value, epoch_1904=self.epoch_1904).isoformat())
            except (ValueError, OverflowError):
                return _Cell(
                    _display(value),
                    f"{_display(value)} is a number, not a date; write the date as YYYY-MM-DD.",
                )
        text = _display(value)
        if not text:
            return _Cell("")
        hint = numeric_hint(text)
        try:
            parsed = parse_date_text(
                text, order=self.date_order, future=column.future_dates, today=self.today
            )
        except AmbiguousDate as ambiguity:
            return _Cell(text, ambiguous=str(ambiguity))
        except ValueError as error:
            return _Cell(text, str(error), hint=hint)
        return _Cell(parsed.isoformat(), hint=hint)


def _digits(value: Any) -> _Cell:
    if isinstance(value, bool):
        return _Cell(_display(value))
    if isinstance(value, (int, float)):
        text = _display(value)
        if not math.isfinite(value) or abs(value) >= 1e15:
            return _Cell(
                text,
                "The number is longer than the 15 digits Excel keeps, so its last digits are "
                "lost. Format the column as Text in Excel, type the number again and save.",
            )
        return _Cell(text)
    if isinstance(value, (datetime, date, time, timedelta)):
        return _Cell(
            _display(value),
            "Excel turned this value into a date or time. Format the column as Text in "
            "Excel, type the value again and save.",
        )
    text = _display(value)
    if _SCIENTIFIC.fullmatch(text):
        return _Cell(
            text,
            f"“{text}” is a number Excel cut short when the file was saved. Format the column "
            "as Text in Excel, type the full number again and save.",
        )
    return _Cell(text)


def _display(value: Any) -> str:
    """A cell's value as the text Excel shows for it (dates as YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer():
            return str(int(value))
        shown = repr(value)
        return format(Decimal(shown), "f") if "e" in shown else shown
    return clean_text(str(value))


def _at(values: list[Any], index: int) -> Any:
    return values[index] if index < len(values) else None


def _chain(
    first: list[tuple[int, list[Any]]], rest: Iterator[tuple[int, list[Any]]]
) -> Iterator[tuple[int, list[Any]]]:
    yield from first
    yield from rest


def _find_sheet(wanted: str, names: list[str]) -> str | None:
    if wanted in names:
        return wanted
    folded = {clean_text(name).casefold(): name for name in names}
    return folded.get(clean_text(wanted).casefold())


def _too_many(max_rows: int) -> TableError:
    return TableError(
        f"The file has more than {max_rows:,} rows; Liaison reads at most {max_rows:,} at "
        "once. Split it into smaller files."
    )


def _missing_message(missing: list[Column], header_row: int, where: str) -> str:
    parts = []
    for column in missing:
        others = [s for s in column.synonyms if header_key(s) != header_key(column.label)][:3]
        also = f" (or {', '.join(f'“{s}”' for s in others)})" if others else ""
        parts.append(f"“{column.label}”{also}")
    names = " and ".join(parts) if len(parts) <= 2 else ", ".join(parts)
    plural = "columns" if len(missing) > 1 else "column"
    return (
        f"The file has no {names} {plural}. Add it to the header row (row {header_row} "
        f"{where}) or rename the column that holds it."
    ).replace(" )", ")")
