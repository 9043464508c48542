"""Files for the reading tests, generated: CSV in any encoding, workbooks, patched zips."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from typing import Any

import openpyxl

from liaison.core.tabular import PERSON_COLUMN_SYNONYMS, Column

S = PERSON_COLUMN_SYNONYMS

PEOPLE = [
    Column("family_name", "Family name", S["family_name"], required=True),
    Column("given_name", "Given name", S["given_name"]),
    Column("gender", "Gender", S["gender"]),
    Column("birth_date", "Birth date", S["birth_date"], kind="date"),
    Column("nationality", "Nationality", S["nationality"]),
    Column("passport_number", "Passport number", S["passport_number"], kind="digits"),
    Column("email", "Email", S["email"]),
    Column("phone", "Phone", S["phone"], kind="digits"),
]


def csv_bytes(
    rows: Sequence[Sequence[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    newline: str = "\r\n",
) -> bytes:
    def quote(value: str) -> str:
        if any(c in value for c in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    text = newline.join(delimiter.join(quote(v) for v in row) for row in rows) + newline
    return text.encode(encoding)


def workbook_bytes(
    sheets: dict[str, Sequence[Sequence[Any]]],
    *,
    epoch: Any = None,
    prepare: Callable[[openpyxl.Workbook], None] | None = None,
) -> bytes:
    workbook = openpyxl.Workbook()
    if epoch is not None:
        workbook.epoch = epoch
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    if prepare:
        prepare(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def patch_member(data: bytes, member: str, change: Callable[[str], str]) -> bytes:
    """The same zip with one member's text changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                content = change(content.decode("utf-8-sig")).encode("utf-8")
            target.writestr(info.filename, content)
    return buffer.getvalue()


def with_cached_values(data: bytes, member: str, values: dict[str, str]) -> bytes:
    """Give formula cells the value Excel would have saved beside them (openpyxl saves none)."""

    def change(xml: str) -> str:
        for coordinate, value in values.items():
            string = not re.fullmatch(r"-?\d+(\.\d+)?", value)
            kind = ' t="str"' if string else ""

            def cached(
                match: re.Match[str], ref: str = coordinate, kind: str = kind, value: str = value
            ) -> str:
                return f'<c r="{ref}"{kind}{match[1]}><f>{match[2]}</f><v>{value}</v></c>'

            xml, count = re.subn(
                rf'<c r="{coordinate}"((?: s="\d+")?)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>',
                cached,
                xml,
            )
            assert count == 1, (coordinate, xml)
        return xml

    return patch_member(data, member, change)
