"""What a reader is asked for (columns) and what it gives back (a table, its problems)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from liaison.core.tabular.dates import DateOrder


@dataclass(frozen=True)
class Column:
    """A column Liaison reads: its key, the label users see, the other names it goes by."""

    key: str  # our name, e.g. "family_name"
    label: str  # as shown to users in messages, e.g. "Family name"
    # Other header spellings, compared regardless of case, accents, spaces and punctuation.
    synonyms: tuple[str, ...] = ()
    # "digits": phone or passport numbers; numbers typed into the cell come back as digits.
    kind: Literal["text", "date", "digits"] = "text"
    required: bool = False  # a file without it is refused with one TableError naming it
    future_dates: bool = False  # two-digit years resolve into the future (e.g. “valid until”)


@dataclass(frozen=True)
class CellError:
    row: int  # the spreadsheet's own row number
    column: str  # the column's header as written (or its label)
    message: str
    sheet: str = ""  # the workbook's sheet name; "" for CSV

    def __str__(self) -> str:
        if self.sheet:
            return f"Sheet “{self.sheet}”, row {self.row}, column “{self.column}”: {self.message}"
        return f"Row {self.row}, column “{self.column}”: {self.message}"


@dataclass
class TableRow:
    number: int  # the spreadsheet's row number
    # Column.key -> cleaned text, for every column asked for ("" when blank or absent).
    # Dates: ISO "YYYY-MM-DD" when read; the cleaned original text when unreadable (an error is
    # in Table.errors) or ambiguous without a date order (listed in Table.ambiguous_dates).
    cells: dict[str, str]


@dataclass
class Table:
    rows: list[TableRow]  # blank rows skipped
    columns: dict[str, str]  # Column.key -> header as written in the file
    ignored: list[str]  # headers as written that match no Column
    header_row: int
    sheet: str  # "" for CSV
    sheets: list[str]  # every sheet of a workbook ([] for CSV)
    encoding: str  # "utf-8", "utf-16", "cp1252" … ("" for xlsx)
    delimiter: str  # "," ";" "\t" "|" ("" for xlsx)
    errors: list[CellError] = field(default_factory=list)
    ambiguous_dates: list[CellError] = field(default_factory=list)
    date_order: DateOrder | None = None  # the order used (given by the caller) or None
    suggested_order: DateOrder | None = None  # what the file's unambiguous dates point to


class TableError(Exception):
    """The file as a whole cannot be read; the message is a sentence a user can act on."""
