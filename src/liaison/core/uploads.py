"""Attachments: a user's file checked by its content, kept encrypted in the database (outside
the web root), and served back as a download that cannot run in the browser.

The domain app owns the row (who may read it, the audit entry of every download); this module
only answers "is this file what it says, and what do we call it" and seals and opens the
bytes with the personal-data keys, as the roster uploads are (decision 12). Used by capacity
(assessment evidence) and meant for any other app's attachments.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import HttpResponse

from liaison.core.imports import _fernet

# Evidence is documents and photographs, not archives of them.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


PDF = FileType("application/pdf", "pdf", "PDF")
PNG = FileType("image/png", "png", "PNG image")
JPEG = FileType("image/jpeg", "jpg", "JPEG image")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docx",
    "Word document",
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel workbook"
)
TEXT = FileType("text/plain", "txt", "plain text")
CSV = FileType("text/csv", "csv", "CSV table")
ACCEPTED = (PDF, PNG, JPEG, DOCX, XLSX, TEXT, CSV)
ACCEPTED_LABELS = ", ".join(t.label for t in ACCEPTED)


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # safe to show and to send back as a download's name
    file_type: FileType
    size: int
    sha256: str


def sniff(data: bytes, filename: str = "") -> FileType | None:
    """The type the bytes are, by their content (the name only tells CSV from plain text)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return CSV if filename.lower().endswith(".csv") else TEXT


def _office(data: bytes) -> FileType | None:
    """A Word or Excel file (an Office Open XML zip), not any zip: macros are refused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names or any(n.endswith("vbaProject.bin") for n in names):
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def safe_filename(filename: str, file_type: FileType) -> str:
    """The name without any folder, control or shell-special character, at most 120 characters,
    ending in the extension of what the file really is."""
    base = re.split(r"[\\/]", filename)[-1]
    base = unicodedata.normalize("NFKC", base)
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = "".join(c for c in stem if unicodedata.category(c)[0] != "C")
    stem = re.sub(r"[^\w\- ().,]+", "_", stem).strip(" ._") or "attachment"
    return f"{stem[: 120 - len(file_type.extension) - 1]}.{file_type.extension}"


def check_upload(
    *, filename: str, data: bytes, max_bytes: int = MAX_ATTACHMENT_BYTES
) -> CheckedUpload:
    """Refuse an empty or oversized file and any type not in :data:`ACCEPTED`, judged by the
    bytes (a renamed program stays refused); name it safely."""
    if not data:
        raise ValidationError("The file is empty.")
    if len(data) > max_bytes:
        raise ValidationError(
            f"The file is larger than {max_bytes // (1024 * 1024)} MB; attach a smaller one."
        )
    file_type = sniff(data, filename)
    if file_type is None:
        raise ValidationError(
            f"“{safe_filename(filename, TEXT)[:-4]}” is not a file Liaison keeps: attach a "
            f"{ACCEPTED_LABELS} (the content decides, not the name)."
        )
    return CheckedUpload(
        name=safe_filename(filename, file_type),
        file_type=file_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def seal(data: bytes) -> bytes:
    """The bytes encrypted with the personal-data keys (first key encrypts)."""
    return _fernet().encrypt(data)


def unseal(token: bytes | memoryview) -> bytes:
    return _fernet().decrypt(bytes(token))


def download_response(*, name: str, content_type: str, data: bytes) -> HttpResponse:
    """A download the browser saves and never renders or runs as a page of ours."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
