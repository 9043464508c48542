"""Whatever bytes arrive, read_table returns a Table or raises TableError: never anything else."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.core.tabular import DateOrder, Table, TableError, read_table
from liaison.core.tests.tabular_files import PEOPLE, csv_bytes, workbook_bytes

FUZZ = settings(
    max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

WORKBOOK = workbook_bytes(
    {
        "Guide": [["Fill in one row per participant"]],
        "Roster": [
            ["Roster"],
            ["Surname", "Given name", "DOB", "Passport No.", "Phone"],
            ["Müller", "Zoë", datetime(1980, 3, 25), 12345678, 1.2345678901e11],
            ["Núñez", "José", "07/03/1985", "X1", "=1+1"],
        ],
    }
)
CSV = csv_bytes(
    [
        ["Surname", "Given name", "DOB", "Passport No."],
        ["Müller", "Zoë", "25/03/1980", "1.23E+11"],
        ["Núñez", "José", "07/03/1985", "X1"],
    ],
    delimiter=";",
)


def read(data: bytes, filename: str, order: DateOrder | None = None) -> None:
    try:
        table = read_table(data, filename, PEOPLE, date_order=order, max_rows=500)
    except TableError as error:
        assert str(error)
        return
    assert isinstance(table, Table)
    for row in table.rows:
        assert all("\ufffd" not in value or table.errors for value in row.cells.values())


@FUZZ
@given(
    st.binary(max_size=3000),
    st.sampled_from(["f.csv", "f.xlsx", "f.txt", "f.xls", "f"]),
    st.sampled_from([None, DateOrder.DAY_FIRST]),
)
def test_arbitrary_bytes_give_a_table_or_a_table_error(data, filename, order):
    read(data, filename, order)


@FUZZ
@given(st.text(max_size=400), st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"]))
def test_arbitrary_text_in_any_encoding_gives_a_table_or_a_table_error(text, encoding):
    read(("Surname;DOB;Phone\n" + text).encode(encoding, errors="replace"), "f.csv")


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(CSV) - 1), st.integers(0, 255)), max_size=20))
def test_mutated_csv_gives_a_table_or_a_table_error(changes):
    data = bytearray(CSV)
    for position, value in changes:
        data[position] = value
    read(bytes(data), "f.csv")


@FUZZ
@given(
    st.lists(st.tuples(st.integers(0, len(WORKBOOK) - 1), st.integers(0, 255)), max_size=8),
    st.integers(100, len(WORKBOOK)),
)
def test_mutated_workbook_bytes_give_a_table_or_a_table_error(changes, length):
    data = bytearray(WORKBOOK[:length])
    for position, value in changes:
        if position < len(data):
            data[position] = value
    read(bytes(data), "f.xlsx")


MEMBERS = {
    info.filename: zipfile.ZipFile(io.BytesIO(WORKBOOK)).read(info.filename)
    for info in zipfile.ZipFile(io.BytesIO(WORKBOOK)).infolist()
}


@FUZZ
@given(
    st.sampled_from(sorted(MEMBERS)),
    st.integers(0, 4000),
    st.integers(0, 200),
    st.binary(max_size=40)
    | st.sampled_from(
        [b"<", b">", b'"', b"<row>", b"</c>", b't="s"', b"<v>99</v>", b'r="ZZZZ9"', b"<!DOCTYPE x>"]
    ),
)
def test_workbooks_with_broken_xml_give_a_table_or_a_table_error(member, start, size, insert):
    content = MEMBERS[member]
    start = min(start, len(content))
    changed = content[:start] + insert + content[start + size :]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, original in MEMBERS.items():
            target.writestr(name, changed if name == member else original)
    read(buffer.getvalue(), "f.xlsx")
