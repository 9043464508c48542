"""read_table: every file partners send, generated here, read to exact results."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from liaison.core.tabular import (
    CellError,
    Column,
    DateOrder,
    TableError,
    read_table,
)
from liaison.core.tests.tabular_files import (
    PEOPLE,
    csv_bytes,
    patch_member,
    with_cached_values,
    workbook_bytes,
)

HEADER = ["Family name", "Given name", "Birth date", "Passport number"]
NAMES = [
    ["Müller", "Zoë", "1980-03-25", "X1234567"],
    ["Núñez Pérez", "José María", "1975-12-01", "A7654321"],
    ["Lefèvre", "Hélène", "1990-02-28", "P0001112"],
]


def people(table):
    return [
        [row.cells[k] for k in ("family_name", "given_name", "birth_date", "passport_number")]
        for row in table.rows
    ]


# ---- encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8"),
        ("utf-16", "utf-16"),
        ("cp1252", "cp1252"),
        ("latin-1", "cp1252"),
    ],
)
def test_csv_in_each_common_encoding_reads_the_same_names(encoding, reported):
    table = read_table(csv_bytes([HEADER, *NAMES], encoding=encoding), "roster.csv", PEOPLE)
    assert table.encoding == reported
    assert people(table) == NAMES


def test_utf16_big_endian_with_bom_is_read():
    data = csv_bytes([HEADER, *NAMES], delimiter="\t", encoding="utf-16-be")
    table = read_table(b"\xfe\xff" + data, "roster.txt", PEOPLE)
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert people(table) == NAMES


def test_excel_unicode_text_is_utf16_le_tab_separated():
    data = csv_bytes(
        [HEADER, *NAMES, ["Иванов", "Сергей", "1970-01-02", "7712"]],
        delimiter="\t",
        encoding="utf-16",
    )
    assert data.startswith(b"\xff\xfe")
    table = read_table(data, "roster.txt", PEOPLE)
    assert (table.encoding, table.delimiter) == ("utf-16", "\t")
    assert table.rows[-1].cells["family_name"] == "Иванов"


def test_cyrillic_windows_1251_is_detected():
    rows = [
        HEADER,
        ["Иванов", "Сергей", "1980-03-25", "1"],
        ["Петрова", "Анна", "", "2"],
        ["Смирнов", "Дмитрий Алексеевич", "", "3"],
    ]
    table = read_table(csv_bytes(rows, delimiter=";", encoding="cp1251"), "r.csv", PEOPLE)
    assert table.encoding == "cp1251"
    assert [r.cells["given_name"] for r in table.rows] == ["Сергей", "Анна", "Дмитрий Алексеевич"]


def test_central_european_windows_1250_is_told_from_western():
    rows = [
        HEADER,
        ["Dvořák", "Jiří", "", ""],
        ["Novák", "Šárka", "", ""],
        ["Łukasiewicz", "Michał", "", ""],
        ["Kovács", "Erzsébet", "", ""],
    ]
    table = read_table(csv_bytes(rows, encoding="cp1250"), "r.csv", PEOPLE)
    assert table.encoding == "cp1250"
    assert [r.cells["family_name"] for r in table.rows] == [
        "Dvořák",
        "Novák",
        "Łukasiewicz",
        "Kovács",
    ]


def test_encoding_is_detected_over_the_whole_file_not_its_first_kilobytes():
    rows = (
        [HEADER]
        + [[f"Name{i}", "Ann", "", ""] for i in range(6000)]
        + [["Gonçalves", "Zé", "", ""]]
    )
    data = csv_bytes(rows, encoding="cp1252")
    assert data[:50_000].isascii()
    table = read_table(data, "r.csv", PEOPLE)
    assert table.encoding == "cp1252"
    assert table.rows[-1].cells["family_name"] == "Gonçalves"


def test_a_utf8_file_with_one_legacy_byte_at_the_end_is_not_read_as_utf8():
    data = csv_bytes([HEADER, ["Müller", "Zoë", "", ""]]) + "Pérez,Ana,,\r\n".encode("cp1252")
    with pytest.raises(TableError, match="CSV UTF-8"):
        read_table(data, "r.csv", PEOPLE)


def test_an_undecidable_encoding_asks_for_csv_utf8():
    data = b"Family name,Given name\r\n" + bytes(range(0x80, 0x100)) * 4 + b"\r\n"
    with pytest.raises(TableError, match=r"CSV UTF-8 \(Comma delimited\)"):
        read_table(data, "r.csv", PEOPLE)


def test_a_replacement_character_in_the_text_is_a_cell_error():
    table = read_table(csv_bytes([HEADER, ["Mu\ufffdller", "Zoë", "", ""]]), "r.csv", PEOPLE)
    assert table.errors == [CellError(2, "Family name", table.errors[0].message)]
    assert "\ufffd" in table.errors[0].message and "type it again" in table.errors[0].message


def test_binary_junk_named_csv_is_refused_clearly():
    with pytest.raises(TableError, match="does not look like a CSV"):
        read_table(b"\x00\x01\x02\x03" * 100, "r.csv", PEOPLE)


# ---- delimiters and quoting -----------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_detected(delimiter):
    table = read_table(csv_bytes([HEADER, *NAMES], delimiter=delimiter), "r.csv", PEOPLE)
    assert table.delimiter == delimiter
    assert people(table) == NAMES


def test_semicolon_file_whose_values_hold_commas_is_not_taken_for_commas():
    # csv.Sniffer picks "," here: the commas outnumber the semicolons in the data lines.
    rows = [["Apellidos", "Nombre"], ["Pérez, Jr.", "Ana, María"], ["Gómez, de la, Cruz", "Luis"]]
    table = read_table(csv_bytes(rows, delimiter=";"), "r.csv", PEOPLE)
    assert table.delimiter == ";"
    assert table.rows[1].cells["family_name"] == "Gómez, de la, Cruz"


def test_single_column_file_reads_with_a_default_delimiter():
    table = read_table(b"Surname\r\nSmith\r\nJones\r\n", "r.csv", PEOPLE)
    assert [r.cells["family_name"] for r in table.rows] == ["Smith", "Jones"]


def test_quoted_fields_hold_line_breaks_and_doubled_quotes():
    data = b'Family name,Given name,Notes\r\n"O\'Brien ""Jr""","Mary\r\nAnne",x\r\nDoe,John,y\r\n'
    table = read_table(data, "r.csv", PEOPLE)
    assert table.rows[0].cells["family_name"] == 'O\'Brien "Jr"'
    assert table.rows[0].cells["given_name"] == "Mary Anne"
    assert [r.number for r in table.rows] == [2, 3]
    assert table.ignored == ["Notes"]


def test_a_row_with_more_cells_than_the_header_is_a_cell_error_naming_the_row():
    data = b"Family name,Given name\nSmith,John\nDoe, Jr,Jane\nRoe,Ann,\n"
    table = read_table(data, "r.csv", PEOPLE)
    assert [(e.row, e.column) for e in table.errors] == [(3, "C")]
    assert "3 cells but the header names 2 columns" in table.errors[0].message
    assert len(table.rows) == 3  # a trailing empty cell (Roe,Ann,) is fine


def test_a_row_with_fewer_cells_than_the_header_has_the_rest_blank():
    table = read_table(b"Family name,Given name,Email\nSmith\n", "r.csv", PEOPLE)
    assert table.rows[0].cells == {
        "family_name": "Smith",
        "given_name": "",
        "gender": "",
        "birth_date": "",
        "nationality": "",
        "passport_number": "",
        "email": "",
        "phone": "",
    }
    assert table.errors == []


# ---- headers ------------------------------------------------------------------------------


def test_headers_match_whatever_their_case_accents_spaces_and_punctuation():
    header = [
        "APELLIDO(S)",
        "prénom(s)",
        "F. Nacimiento",
        "N° de pasaporte",
        "E-MAIL",
        "Teléfono",
        "Sexo",
        "Nacionalidad",
    ]
    table = read_table(csv_bytes([header, ["a"] * 8]), "r.csv", PEOPLE)
    assert table.columns == {
        "family_name": "APELLIDO(S)",
        "given_name": "prénom(s)",
        "birth_date": "F. Nacimiento",
        "passport_number": "N° de pasaporte",
        "email": "E-MAIL",
        "phone": "Teléfono",
        "gender": "Sexo",
        "nationality": "Nacionalidad",
    }
    assert table.ignored == []


@pytest.mark.parametrize(
    "written",
    [
        "Passport No.",
        "passport no",
        "PASSPORT_NO",
        "Nº de pasaporte",
        "Número de passeport",
        "Passaporte",
    ],
)
def test_passport_header_spellings(written):
    table = read_table(csv_bytes([["Surname", written], ["Smith", "X1"]]), "r.csv", PEOPLE)
    assert table.columns["passport_number"] == written


def test_unknown_columns_are_ignored_and_listed():
    table = read_table(b"No.,Surname,Remarks,\r\n1,Smith,ok,\r\n", "r.csv", PEOPLE)
    assert table.ignored == ["No.", "Remarks"]
    assert table.rows[0].cells["family_name"] == "Smith"


def test_a_missing_required_column_is_one_file_error_naming_it():
    with pytest.raises(TableError) as caught:
        read_table(b"Given name,Email\r\nAnn,a@b.org\r\n", "r.csv", PEOPLE)
    message = str(caught.value)
    assert message.startswith("The file has no “Family name” (or “Surname”, “Last name”")
    assert "header row (row 1)" in message


def test_no_header_row_at_all_is_a_file_error():
    with pytest.raises(TableError, match="found no header row"):
        read_table(b"a,b\r\n1,2\r\n", "r.csv", PEOPLE)


def test_header_below_title_rows_keeps_the_files_row_numbers():
    rows = [["Roster of the course"], ["Lima, 2025"], [], HEADER, NAMES[0], [], NAMES[1]]
    table = read_table(csv_bytes(rows), "r.csv", PEOPLE)
    assert table.header_row == 4
    assert [r.number for r in table.rows] == [5, 7]


def test_a_column_named_twice_that_disagrees_is_an_error_naming_both_headers():
    rows = [
        ["Surname", "E-mail", "Email"],
        ["A", "a@x.org", "a@x.org"],
        ["B", "b@x.org", "bee@x.org"],
        ["C", "", "c@x.org"],
        ["D", "d@x.org", "dee@x.org"],
    ]
    table = read_table(csv_bytes(rows), "r.csv", PEOPLE)
    assert [r.cells["email"] for r in table.rows] == ["a@x.org", "b@x.org", "c@x.org", "d@x.org"]
    assert len(table.errors) == 1
    error = table.errors[0]
    assert (error.row, error.column) == (3, "E-mail")
    assert "“E-mail” and “Email”" in error.message and "rows 3, 5" in error.message


def test_a_column_named_twice_that_agrees_is_no_error():
    rows = [["Surname", "DOB", "Date of birth"], ["A", "25/03/1980", "1980-03-25"]]
    table = read_table(csv_bytes(rows), "r.csv", PEOPLE)
    assert table.errors == [] and table.rows[0].cells["birth_date"] == "1980-03-25"


# ---- values -------------------------------------------------------------------------------


def test_cells_are_cleaned_of_invisible_characters_but_keep_the_zero_width_non_joiner():
    rows = [["Surname", "Given name"], ["\u200b Smith\u00a0 \u2060Jr\ufeff ", "\u0645\u200c\u0647"]]
    table = read_table(csv_bytes(rows), "r.csv", PEOPLE)
    assert table.rows[0].cells["family_name"] == "Smith Jr"
    assert table.rows[0].cells["given_name"] == "\u0645\u200c\u0647"


def test_blank_rows_are_skipped():
    table = read_table(
        "Surname,Given name\r\n,\r\n \u00a0,\r\nSmith,\r\n\r\n".encode(), "r.csv", PEOPLE
    )
    assert [r.number for r in table.rows] == [4]


def test_scientific_notation_in_a_digits_column_of_a_csv_says_excel_cut_the_number():
    rows = [["Surname", "Passport No.", "Phone"], ["A", "1.23457E+11", "+1 (202) 555-0100"]]
    table = read_table(csv_bytes(rows), "r.csv", PEOPLE)
    assert table.rows[0].cells["phone"] == "+1 (202) 555-0100"
    assert [(e.row, e.column) for e in table.errors] == [(2, "Passport No.")]
    assert "Excel cut short" in table.errors[0].message
    assert "Format the column as Text" in table.errors[0].message


# ---- dates --------------------------------------------------------------------------------


def dates_table(*written, order=None, column=None):
    column = column or Column("birth_date", "Birth date", ("DOB",), kind="date")
    rows = [["Surname", "DOB"]] + [[f"P{i}", w] for i, w in enumerate(written)]
    return read_table(csv_bytes(rows), "r.csv", [PEOPLE[0], column], date_order=order)


def test_unambiguous_date_forms_are_read_without_an_order():
    written = [
        "2024-03-07",
        "2024/03/07",
        "25.03.1980",
        "25-03-1980",
        "25/03/1980",
        "26 August 1980",
        "17-Feb-1978",
        "Apr 14 1988",
        "14 de abril de 1988",
        "3 mars 1975",
        "ago 5 1990",
        "1980-08-26 00:00:00",
        "29305",
        "7 JUL 1985",
    ]
    table = dates_table(*written)
    assert [r.cells["birth_date"] for r in table.rows] == [
        "2024-03-07",
        "2024-03-07",
        "1980-03-25",
        "1980-03-25",
        "1980-03-25",
        "1980-08-26",
        "1978-02-17",
        "1988-04-14",
        "1988-04-14",
        "1975-03-03",
        "1990-08-05",
        "1980-08-26",
        "1980-03-25",
        "1985-07-07",
    ]
    assert table.errors == [] and table.ambiguous_dates == []


def test_an_ambiguous_date_is_never_guessed_and_the_file_suggests_an_order():
    table = dates_table("07/03/1985", "25/03/1980", "1980-01-01")
    assert table.rows[0].cells["birth_date"] == "07/03/1985"
    assert table.errors == []
    assert [(e.row, e.column) for e in table.ambiguous_dates] == [(2, "DOB")]
    message = table.ambiguous_dates[0].message
    assert "7 March 1985 (day first)" in message and "3 July 1985 (month first)" in message
    assert table.suggested_order is DateOrder.DAY_FIRST
    assert table.date_order is None


def test_month_first_evidence_suggests_month_first():
    assert dates_table("07/03/1985", "03/25/1980").suggested_order is DateOrder.MONTH_FIRST
    assert dates_table("07/03/1985").suggested_order is None


def test_a_given_order_reads_every_numeric_date_that_way():
    table = dates_table("07/03/1985", "12/31/1980", "1980-01-01", order=DateOrder.MONTH_FIRST)
    assert [r.cells["birth_date"] for r in table.rows] == ["1985-07-03", "1980-12-31", "1980-01-01"]
    assert table.ambiguous_dates == [] and table.errors == []
    assert table.date_order is DateOrder.MONTH_FIRST


def test_a_date_impossible_in_the_given_order_is_a_cell_error():
    table = dates_table("25/03/1980", order=DateOrder.MONTH_FIRST)
    assert [(e.row, e.column) for e in table.errors] == [(2, "DOB")]
    assert "month/day/year" in table.errors[0].message
    assert table.rows[0].cells["birth_date"] == "25/03/1980"


def test_impossible_and_unreadable_dates_are_cell_errors():
    table = dates_table("31/02/1980", "sometime in May", "1980-08-26 14:30")
    assert [e.row for e in table.errors] == [2, 3, 4]
    assert "February 1980 has 29 days" in table.errors[0].message
    assert [r.cells["birth_date"] for r in table.rows] == [
        "31/02/1980",
        "sometime in May",
        "1980-08-26 14:30",
    ]


def test_two_digit_years_fall_in_the_past_unless_the_column_looks_ahead(frozen_today):
    valid_until = Column("birth_date", "Valid until", ("DOB",), kind="date", future_dates=True)
    soon = (frozen_today + timedelta(days=400)).strftime("%d/%m/%y")
    past = dates_table(soon, order=DateOrder.DAY_FIRST)
    future = dates_table(soon, order=DateOrder.DAY_FIRST, column=valid_until)
    assert past.rows[0].cells["birth_date"][:2] == "19"
    assert future.rows[0].cells["birth_date"][:2] == "20"


# ---- workbooks ----------------------------------------------------------------------------


def test_workbook_with_an_instructions_sheet_first_reads_the_roster_sheet():
    data = workbook_bytes(
        {
            "Instructions": [["How to fill in this roster"], ["One participant per row."]],
            "Roster": [
                ["Course roster"],
                ["Surname", "First name", "DOB", "Passport No."],
                ["Smith", "John", datetime(1980, 3, 25), 12345678.0],
            ],
        }
    )
    table = read_table(data, "roster.xlsx", PEOPLE)
    assert (table.sheet, table.sheets, table.header_row) == (
        "Roster",
        ["Instructions", "Roster"],
        2,
    )
    assert (table.encoding, table.delimiter) == ("", "")
    assert table.rows[0].number == 3
    assert table.rows[0].cells["birth_date"] == "1980-03-25"
    assert table.rows[0].cells["passport_number"] == "12345678"


def test_the_sheet_argument_chooses_another_sheet():
    data = workbook_bytes({"A": [["Surname"], ["Smith"]], "B": [["Surname"], ["Jones"]]})
    table = read_table(data, "r.xlsx", PEOPLE, sheet="b")
    assert table.sheet == "B" and table.rows[0].cells["family_name"] == "Jones"


def test_an_unknown_sheet_name_is_a_file_error_listing_the_sheets():
    data = workbook_bytes({"Instructions": [["x"]], "Roster": [["Surname"], ["Smith"]]})
    with pytest.raises(
        TableError, match=r"no sheet named “Lista”\. Its sheets are: “Instructions”, “Roster”"
    ):
        read_table(data, "r.xlsx", PEOPLE, sheet="Lista")


def test_cell_errors_in_a_workbook_name_the_sheet_and_the_row():
    data = workbook_bytes(
        {
            "Guide": [["Read me"]],
            "Roster": [["Title"], [], ["Surname", "DOB"], ["Smith", "31/02/1980"]],
        }
    )
    table = read_table(data, "r.xlsx", PEOPLE)
    assert str(table.errors[0]).startswith("Sheet “Roster”, row 4, column “DOB”: “31/02/1980”")
    assert table.errors[0].sheet == "Roster"


def test_workbook_dates_datetimes_serials_and_text_dates():
    rows: list[list[Any]] = [
        ["Surname", "DOB"],
        ["A", date(1980, 3, 25)],
        ["B", datetime(1980, 3, 25, 0, 0)],
        ["C", 29305],
        ["D", 29305.0],
        ["E", "25/03/1980"],
        ["F", "26 August 1980"],
        ["G", 1985],
        ["H", datetime(1980, 3, 25, 13, 30)],
    ]
    table = read_table(workbook_bytes({"Roster": rows}), "r.xlsx", PEOPLE)
    assert [r.cells["birth_date"] for r in table.rows] == [
        "1980-03-25",
        "1980-03-25",
        "1980-03-25",
        "1980-03-25",
        "1980-03-25",
        "1980-08-26",
        "1985",
        "1980-03-25",
    ]
    assert [(e.row, e.message) for e in table.errors] == [
        (8, "1985 is a number, not a date; write the date as YYYY-MM-DD.")
    ]


def test_workbook_in_the_1904_date_system_reads_the_same_dates():
    rows: list[list[Any]] = [["Surname", "DOB"], ["A", datetime(1980, 3, 25)], ["B", 27843]]
    data = workbook_bytes({"Roster": rows}, epoch=CALENDAR_MAC_1904)
    table = read_table(data, "r.xlsx", PEOPLE)
    assert [r.cells["birth_date"] for r in table.rows] == [
        "1980-03-25",
        (date(1904, 1, 1) + timedelta(days=27843)).isoformat(),
    ]
    assert table.rows[1].cells["birth_date"] == "1980-03-25"


def test_numbers_typed_into_phone_and_passport_cells_come_back_as_their_digits():
    rows: list[list[Any]] = [
        ["Surname", "Passport", "Mobile"],
        ["A", 12345678.0, 1.2345678901e11],
        ["B", 7654321, 5215512345678],
        ["C", 1.2345678901234567e17, "+52 55 1234 5678"],
    ]
    table = read_table(workbook_bytes({"Roster": rows}), "r.xlsx", PEOPLE)
    assert [(r.cells["passport_number"], r.cells["phone"]) for r in table.rows][:2] == [
        ("12345678", "123456789010"),
        ("7654321", "5215512345678"),
    ]
    assert table.rows[2].cells["phone"] == "+52 55 1234 5678"
    assert [(e.row, e.column) for e in table.errors] == [(4, "Passport")]
    assert "15 digits" in table.errors[0].message


def test_formula_cells_give_the_value_excel_shows():
    rows = [["Surname", "Given name", "DOB"], ["smith", '=PROPER(A2)&""', "=DATE(1980,3,25)"]]
    data = workbook_bytes({"Roster": rows})
    data = with_cached_values(data, "xl/worksheets/sheet1.xml", {"B2": "Smith", "C2": "29305"})
    table = read_table(data, "r.xlsx", PEOPLE)
    assert table.rows[0].cells["given_name"] == "Smith"
    assert table.rows[0].cells["birth_date"] == "1980-03-25"


def test_excel_error_cells_are_cell_errors():
    data = workbook_bytes({"Roster": [["Surname", "Given name"], ["Smith", "x"]]})
    data = patch_member(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            '<c r="B2" t="inlineStr"><is><t>x</t></is></c>', '<c r="B2" t="e"><v>#N/A</v></c>'
        ),
    )
    table = read_table(data, "r.xlsx", PEOPLE)
    assert [(e.row, e.column, e.message) for e in table.errors] == [
        (2, "Given name", "The cell shows Excel's error #N/A instead of a value.")
    ]


def test_merged_title_and_header_cells_are_read():
    def merge(workbook):
        sheet = workbook["Roster"]
        sheet.merge_cells("A1:E1")
        sheet.merge_cells("C3:D3")

    rows: list[list[Any]] = [
        ["Participants — Course 12"],
        [],
        ["Surname", "Given name", "Passport number", None, "Email"],
        ["Smith", "John", "X123", None, "j@x.org"],
    ]
    table = read_table(workbook_bytes({"Roster": rows}, prepare=merge), "r.xlsx", PEOPLE)
    assert table.header_row == 3
    assert table.rows[0].cells["passport_number"] == "X123"
    assert table.rows[0].cells["email"] == "j@x.org"


def test_a_sheet_declaring_a_million_rows_and_holding_fifteen_reads_in_bounded_memory():
    rows = [["Surname", "Given name"]] + [[f"P{i}", "X"] for i in range(15)]
    data = workbook_bytes({"Roster": rows})
    data = patch_member(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            '<dimension ref="A1:B16" />', '<dimension ref="A1:Z1048576" />'
        ).replace(
            "</sheetData>",
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>end</t></is>'
            "</c></row></sheetData>",
        ),
    )
    assert b"A1:Z1048576" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    # Bounded by what the sheet holds, not what it declares: memory, not the clock, is the
    # machine-independent proof (the time is in `make bench-import`).
    tracemalloc.start()
    table = read_table(data, "r.xlsx", PEOPLE)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(table.rows) == 15
    assert peak < 20 * 1024 * 1024


def test_more_rows_than_the_limit_is_a_file_error_naming_it():
    rows = [["Surname"]] + [[f"P{i}"] for i in range(30)]
    with pytest.raises(TableError, match="more than 25 rows"):
        read_table(workbook_bytes({"Roster": rows}), "r.xlsx", PEOPLE, max_rows=25)
    with pytest.raises(TableError, match="more than 25 rows"):
        read_table(csv_bytes(rows), "r.csv", PEOPLE, max_rows=25)
    assert len(read_table(csv_bytes(rows), "r.csv", PEOPLE, max_rows=30).rows) == 30


def test_a_decompression_bomb_is_refused():
    real = workbook_bytes({"Roster": [["Surname"], ["Smith"]]})
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(real)) as source,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", b" " * 30_000_000 + b"</sheetData>")
            target.writestr(info.filename, content)
    with pytest.raises(TableError, match="compressed far more tightly"):
        read_table(bomb.getvalue(), "r.xlsx", PEOPLE)


def test_a_workbook_larger_than_its_limit_once_opened_is_refused():
    rows = [["Surname", "Given name"]] + [[f"P{i}", "X" * 50] for i in range(3000)]
    data = workbook_bytes({"Roster": rows})
    with pytest.raises(TableError, match="more than 0 MB once opened"):
        read_table(data, "r.xlsx", PEOPLE, max_bytes=len(data))


def test_xml_entities_in_a_workbook_are_refused_not_expanded():
    data = workbook_bytes({"Roster": [["Surname"], ["Smith"]]})
    data = patch_member(
        data,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            "<worksheet",
            '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet',
            1,
        ).replace("<t>Smith</t>", "<t>&b;</t>"),
    )
    with pytest.raises(TableError, match=r"not a readable \.xlsx"):
        read_table(data, "r.xlsx", PEOPLE)


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Excel 97-2003"),
        ("old.xls", b"<html>", "does not read .xls files"),
        ("sheet.ods", b"PK\x03\x04junk", "does not read .ods files"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "not a readable .xlsx file"),
        ("text.xlsx", b"Surname\nSmith\n", "not a readable .xlsx file"),
        ("photo.jpg", b"\xff\xd8\xff\xe0", "neither"),
        ("empty.csv", b"", "empty"),
    ],
)
def test_files_that_are_not_tables_get_a_clear_file_error(filename, data, message):
    with pytest.raises(TableError, match=message):
        read_table(data, filename, PEOPLE)


def test_a_file_over_the_byte_limit_is_refused():
    with pytest.raises(TableError, match="files up to 1 MB"):
        read_table(b"Surname\n" + b"x\n" * 600_000, "r.csv", PEOPLE, max_bytes=1024 * 1024)


def test_a_workbook_renamed_csv_is_read_as_a_workbook():
    data = workbook_bytes({"Roster": [["Surname"], ["Smith"]]})
    assert read_table(data, "r.csv", PEOPLE).rows[0].cells["family_name"] == "Smith"


# ---- size ---------------------------------------------------------------------------------


def big_rows(count, notes=200):
    return [
        [
            "Surname",
            "Given name",
            "Gender",
            "DOB",
            "Nationality",
            "Passport No.",
            "Email",
            "Phone",
            "Notes",
        ]
    ] + [
        [
            f"Família{i}",
            f"Nome {i}",
            "F",
            f"{1 + i % 28}/0{1 + i % 9}/19{50 + i % 50}",
            "Brasil",
            f"BR{i:07d}",
            f"p{i}@example.org",
            f"+55 11 9{i:08d}",
            "x" * notes,
        ]
        for i in range(count)
    ]


def test_a_10000_row_csv_of_over_10_mb_reads_whole():
    data = csv_bytes(big_rows(10_000, notes=1000))
    table = read_table(data, "big.csv", PEOPLE, date_order=DateOrder.DAY_FIRST)
    assert len(data) > 10 * 1024 * 1024 and len(table.rows) == 10_000
    assert table.errors == []


def test_a_10000_row_workbook_reads_whole():
    header, *rows = big_rows(10_000)
    data = workbook_bytes({"Roster": [header]})
    xml = "".join(
        f'<row r="{n}">'
        + "".join(
            f'<c r="{chr(65 + i)}{n}" t="inlineStr"><is><t>{v}</t></is></c>'
            for i, v in enumerate(row)
        )
        + "</row>"
        for n, row in enumerate(rows, start=2)
    )
    data = patch_member(
        data,
        "xl/worksheets/sheet1.xml",
        lambda sheet: sheet.replace("</sheetData>", xml + "</sheetData>"),
    )
    table = read_table(data, "big.xlsx", PEOPLE, date_order=DateOrder.DAY_FIRST)
    assert len(table.rows) == 10_000 and table.errors == []
    assert table.rows[-1].cells["passport_number"] == "BR0009999"
