"""A document a user attaches to a record: checked by its content, named safely, kept encrypted
in the database (never under the web root) and sent back only as a download.

Small on purpose, and shared: the agreements app keeps request letters and responses with it,
and other apps' attachments can use the same three steps. The model that holds the sealed bytes
is the app's own (with the record it belongs to and whoever may read it); this module knows no
app and no model.

1. :func:`attachment_check` reads the bytes, not the name or the browser's content type: a PDF,
   an image (PNG, JPEG, TIFF), a Word or Excel document (macros refused), or UTF-8 text. It
   refuses an empty or oversized file, a file whose name claims another type ("letter.docx"
   that is a PDF, "scan.pdf.exe"), a zip bomb, and a PDF that carries scripts, launch actions
   or embedded files. It returns the sanitised name, the type and the SHA-256 digest.
2. :func:`seal` and :func:`unseal` encrypt and decrypt with the personal-data keys, as uploaded
   rosters are (decision 12): a request letter names the persons it is about.
3. :func:`download_response` sends the bytes as an attachment (never shown inline), with
   ``nosniff``, a sandboxing Content-Security-Policy and ``no-store``.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

from anyascii import anyascii
from django.core.exceptions import ValidationError
from django.http import HttpResponse

from liaison.core.export import XLSX_CONTENT_TYPE, patch_no_store
from liaison.core.imports import _fernet

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# A Word or Excel file is a zip: what it may hold once unpacked, and how many parts.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
MAX_STEM = 100


@dataclass(frozen=True)
class FileType:
    label: str  # what a person calls it
    extension: str  # the one the stored name ends with
    content_type: str
    also: tuple[str, ...] = ()  # other endings that name the same type


PDF = FileType("a PDF", "pdf", "application/pdf")
PNG = FileType("a PNG image", "png", "image/png")
JPEG = FileType("a JPEG image", "jpg", "image/jpeg", ("jpeg", "jpe"))
TIFF = FileType("a TIFF image", "tif", "image/tiff", ("tiff",))
DOCX = FileType(
    "a Word document",
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
# The workbook's content type is core.export's (a test holds every spreadsheet to it).
XLSX = FileType("an Excel workbook", "xlsx", XLSX_CONTENT_TYPE)
TEXT = FileType("a text file", "txt", "text/plain; charset=utf-8")
ACCEPTED = (PDF, PNG, JPEG, TIFF, DOCX, XLSX, TEXT)
ACCEPTED_LABEL = "PDF, PNG, JPEG, TIFF, Word (.docx), Excel (.xlsx) or plain text"

# Endings that name a file type: a name ending in one of these must be the file's own type.
# Any other ending ("Oficio No. 123", "letter.final") is kept, and the right one added.
NAMED_TYPES = {
    *(e for t in ACCEPTED for e in (t.extension, *t.also)),
    *("doc", "docm", "dot", "dotm", "xls", "xlsm", "xlsb", "ppt", "pptx", "pptm", "rtf", "odt"),
    *("ods", "odp", "csv", "htm", "html", "xhtml", "svg", "xml", "js", "mjs", "json", "gif"),
    *("bmp", "webp", "heic", "zip", "rar", "7z", "gz", "tar", "exe", "dll", "msi", "bat", "cmd"),
    *("com", "scr", "ps1", "vbs", "vbe", "jar", "sh", "hta", "lnk", "iso", "eml", "msg", "apk"),
}
# Names Windows reserves for devices, whatever the ending.
WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10))} | {
    f"lpt{n}" for n in range(1, 10)
}
FORBIDDEN_CHARACTERS = re.compile(r'[<>:"/\\|?*]')
# Active content in a PDF: scripts, actions that start programs, files carried inside.
PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)(?![A-Za-z0-9])")


@dataclass(frozen=True)
class CheckedFile:
    """What :func:`attachment_check` found: the name to store, the type, the bytes' size and
    SHA-256 digest (to recognise the same file sent twice)."""

    filename: str
    content_type: str
    label: str
    size: int
    sha256: str


def attachment_check(*, filename: str, data: bytes) -> CheckedFile:
    """The file's type read from its content, and a safe name for it; ValidationError with
    the reason when it is not a document Liaison keeps."""
    if not data:
        raise ValidationError("The file is empty.")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            f"The file is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB: send a "
            "smaller scan or split it."
        )
    kind = sniff(data)
    if kind is None:
        raise ValidationError(f"This is not a file Liaison keeps: send {ACCEPTED_LABEL}.")
    return CheckedFile(
        filename=safe_filename(filename, kind),
        content_type=kind.content_type,
        label=kind.label,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def sniff(data: bytes) -> FileType | None:
    """The accepted type the bytes are, or None; ValidationError when they are that type but
    carry what Liaison does not keep (macros, scripts, a zip bomb)."""
    if b"%PDF-" in data[:1024]:
        if PDF_ACTIVE.search(data):
            raise ValidationError(
                "The PDF carries scripts, actions or embedded files: print it to a new PDF "
                "and send that."
            )
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    return TEXT if _is_text(data) else None


def _office(data: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        return None
    if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise ValidationError("The document unpacks to far more than it weighs: not kept.")
    if any(e.flag_bits & 0x1 for e in entries):
        raise ValidationError("The document is password-protected: send it unprotected.")
    names = {e.filename for e in entries}
    if "[Content_Types].xml" not in names:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise ValidationError("The document contains macros: save it without them (.docx, .xlsx).")
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _is_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not any(
        unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f" for ch in text[:100_000]
    )


def safe_filename(name: str, kind: FileType) -> str:
    """The name as the user knows it, without a path, control or invisible characters
    (a right-to-left override makes "cod.exe" read "exe.doc"), characters file systems
    refuse, device names or dots at its ends, ending with the type's own extension."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs"))
    name = " ".join(FORBIDDEN_CHARACTERS.sub(" ", name).split()).strip(" .")
    stem, dot, ending = name.rpartition(".")
    if not dot:
        stem, ending = name, ""
    ending = ending.lower()
    own = {kind.extension, *kind.also}
    if ending in NAMED_TYPES and ending not in own:
        raise ValidationError(
            f"The file is {kind.label}, but its name ends in “.{ending}”: rename it "
            f"“.{kind.extension}”."
        )
    if ending not in own:
        stem = name  # "Oficio No. 123" keeps its whole name
    stem = stem.strip(" .")[:MAX_STEM].strip(" .")
    if not stem or stem.split(".")[0].lower() in WINDOWS_DEVICES:
        stem = f"document {stem}".strip()
    return f"{stem}.{kind.extension}"


def seal(data: bytes) -> bytes:
    """The bytes encrypted with the personal-data keys (the first key encrypts)."""
    return _fernet().encrypt(data)


def unseal(token: bytes | memoryview) -> bytes:
    """The bytes back (any of the keys decrypts: keys rotate)."""
    return _fernet().decrypt(bytes(token))


def download_response(*, filename: str, content_type: str, data: bytes) -> HttpResponse:
    """The file as a download: never rendered by the browser, never cached."""
    response = HttpResponse(data, content_type=content_type)
    fallback = anyascii(filename).replace('"', "").replace("\\", "") or "document"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response["Content-Length"] = str(len(data))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return patch_no_store(response)
