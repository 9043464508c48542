"""Attachments are judged by their content, not their name: accepted types, names made safe,
refusals in words a user can act on, bytes sealed and sent back only as a download."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from liaison.core import attachments
from liaison.core.attachments import attachment_check, download_response, seal, unseal
from liaison.demo.agreements import letter_pdf

PDF = letter_pdf(["A letter"])
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


@pytest.mark.parametrize(
    ("name", "data", "stored", "content_type"),
    [
        ("Solicitud 2015-041.PDF", PDF, "Solicitud 2015-041.pdf", "application/pdf"),
        ("scan", PNG, "scan.png", "image/png"),
        ("photo.jpeg", JPEG, "photo.jpg", "image/jpeg"),  # one ending per type
        ("Oficio No. 123", PDF, "Oficio No. 123.pdf", "application/pdf"),
        ("respuesta.docx", DOCX, "respuesta.docx", attachments.DOCX.content_type),
        ("cuadro.xlsx", XLSX, "cuadro.xlsx", attachments.XLSX.content_type),
        ("notes.txt", "Réponse reçue\n".encode(), "notes.txt", "text/plain; charset=utf-8"),
    ],
)
def test_accepted_types_are_read_from_the_content(name, data, stored, content_type):
    checked = attachment_check(filename=name, data=data)
    assert (checked.filename, checked.content_type, checked.size) == (
        stored,
        content_type,
        len(data),
    )
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("C:\\Users\\ana\\Desktop\\carta.pdf", "carta.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("carta\u202efdp.exe.pdf", "cartafdp.exe.pdf"),  # the right-to-left override is gone
        ('a<b>:"c"|?*.pdf', "a b c.pdf"),
        ("con.pdf", "document con.pdf"),
        ("...", "document.pdf"),
        ("x" * 300 + ".pdf", "x" * 100 + ".pdf"),
    ],
)
def test_names_lose_paths_invisible_and_forbidden_characters(name, stored):
    assert attachment_check(filename=name, data=PDF).filename == stored


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.pdf", b"", "The file is empty"),
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 60, "not a file Liaison keeps"),
        ("page.html", b"<html><script>alert(1)</script></html>\x00", "not a file Liaison keeps"),
        ("letter.docx", PDF, "is a PDF, but its name ends in “.docx”"),
        ("invoice.pdf.exe", PDF, "ends in “.exe”"),
        (
            "macro.docm",
            _zip(
                {"[Content_Types].xml": b"", "word/document.xml": b"", "word/vbaProject.bin": b""}
            ),
            "macros",
        ),
        (
            "active.pdf",
            PDF.replace(
                b"/Type /Catalog",
                b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
            ),
            "scripts, actions or embedded files",
        ),
        ("other.zip", _zip({"a.txt": b"hello"}), "not a file Liaison keeps"),
    ],
)
def test_refusals_say_why(name, data, reason):
    with pytest.raises(ValidationError, match=reason):
        attachment_check(filename=name, data=data)


def test_a_file_over_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_ATTACHMENT_BYTES", 100)
    with pytest.raises(ValidationError, match="larger than"):
        attachment_check(filename="big.pdf", data=PDF)


def test_a_zip_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_UNPACKED_BYTES", 1000)
    bomb = _zip({"[Content_Types].xml": b"", "word/document.xml": b"0" * 5000})
    with pytest.raises(ValidationError, match="unpacks to far more"):
        attachment_check(filename="bomb.docx", data=bomb)


def test_sealed_bytes_hide_the_content_and_come_back_whole():
    token = seal(PDF)
    assert b"A letter" not in token and b"%PDF" not in token
    assert unseal(token) == PDF
    assert unseal(memoryview(token)) == PDF


def test_the_download_is_an_attachment_the_browser_neither_renders_nor_keeps():
    response = download_response(
        filename="Carta señora.pdf", content_type="application/pdf", data=PDF
    )
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Carta senora.pdf\"; filename*=UTF-8''Carta%20se%C3%B1ora.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "no-store" in response["Cache-Control"]
    assert response.content == PDF
