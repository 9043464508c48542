"""Reading the tables partners and vetting offices send (CSV and XLSX): :func:`read_table`.

One reader for every import: encodings, delimiters, workbooks, header names in four
languages, dates, phone and passport numbers. See docs/decisions/0010-reading-partner-files.md.
"""

from liaison.core.tabular.base import CellError, Column, Table, TableError, TableRow
from liaison.core.tabular.countries import country_code
from liaison.core.tabular.dates import AmbiguousDate, DateOrder, parse_date_text
from liaison.core.tabular.reading import read_table
from liaison.core.tabular.synonyms import PERSON_COLUMN_SYNONYMS
from liaison.core.tabular.values import clean_text, header_key, parse_gender

__all__ = [
    "PERSON_COLUMN_SYNONYMS",
    "AmbiguousDate",
    "CellError",
    "Column",
    "DateOrder",
    "Table",
    "TableError",
    "TableRow",
    "clean_text",
    "country_code",
    "header_key",
    "parse_date_text",
    "parse_gender",
    "read_table",
]
