"""CSV and tab-separated text: the encoding, the delimiter, the records."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

from liaison.core.tabular.base import TableError

SAVE_AS_UTF8 = (
    "In Excel, choose File > Save As and the type “CSV UTF-8 (Comma delimited) (*.csv)”, "
    "then upload that file."
)
DELIMITERS = (",", ";", "\t", "|")

# Legacy encodings a partner's file may come in, in the order preferred when the detector
# finds several equally likely (Western European first: most partners write in Spanish,
# French, Portuguese or English).
LEGACY_ENCODINGS = (
    "cp1252", "cp1250", "cp1251", "cp1257", "cp1254", "cp1253", "cp1255", "cp1256",
    "cp1258", "cp874", "koi8_r", "koi8_u", "mac_roman", "cp850", "cp437", "cp866",
    "iso8859_15", "latin_1", "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_8",
    "iso8859_9", "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr", "cp949",
)  # fmt: skip

# Letters with diacritics usual in names written in each family of Latin encodings: the
# detector cannot tell cp1252 from cp1250 by bytes alone, but “Dvořák” and “Lefèvre” can.
_WESTERN = set("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿœšžßÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝŸŒŠŽ")
_CENTRAL = set("áâäçéëíîóôöúüýăąćčďđęěĺľłńňőŕřśşšţťůűźżžÁÂÄÇÉËÍÎÓÔÖÚÜÝĂĄĆČĎĐĘĚĹĽŁŃŇŐŔŘŚŞŠŢŤŮŰŹŻŽ")
_LETTERS = {"cp1252": _WESTERN, "cp1250": _CENTRAL, "iso8859_2": _CENTRAL}
_SAMPLE_LIMIT = 256 * 1024
# A UTF-8 sequence for an accented Latin letter (U+00C0-U+017F) or a dash, quote or ellipsis
# (U+2010-U+2026): in a file that is not UTF-8, the sign of rows pasted from a UTF-8 file.
_MIXED = re.compile(rb"[\xc3-\xc5][\x80-\xbf]|\xe2\x80[\x90-\xa6]")


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the encoding it was written in; TableError when it cannot be told."""
    text: str | None = None
    encoding = ""
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
        if text.startswith("\ufeff"):
            text = text[1:]
        if "\x00" in text:  # UTF-16 without a byte-order mark reads as UTF-8 with NULs
            text = None
    except UnicodeDecodeError:
        text = None
    if text is None:
        text, encoding = _decode_with_bom(data) or _decode_detected(data)
    if "\x00" in text or _looks_binary(text):
        raise TableError(
            "This file does not look like a CSV or text file. Upload the workbook as .xlsx, "
            "or save it as CSV: " + SAVE_AS_UTF8
        )
    if "\ufffd" in text and encoding != "utf-8":
        raise _unknown_encoding()
    return text, encoding


def _decode_with_bom(data: bytes) -> tuple[str, str] | None:
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise _unknown_encoding() from None
    if len(data) >= 4 and len(data) % 2 == 0:  # UTF-16 without a BOM: ASCII every other byte
        even, odd = data[0::2], data[1::2]
        for zeros, encoding in ((odd, "utf-16-le"), (even, "utf-16-be")):
            if zeros.count(0) > 0.9 * len(zeros):
                try:
                    return data.decode(encoding), encoding.removesuffix("-le").removesuffix("-be")
                except UnicodeDecodeError:
                    return None
    return None


def _decode_detected(data: bytes) -> tuple[str, str]:
    """Detect a single-byte (or legacy East Asian) encoding from every line that needs one."""
    if _MIXED.search(data):
        # Valid UTF-8 letters beside bytes that are not UTF-8: two encodings in one file
        # (rows pasted from another file). Any single decoding would garble one of them.
        raise _unknown_encoding()
    lines = [line for line in data.splitlines() if not line.isascii()]
    sample = b"\n".join(lines)
    if len(sample) > _SAMPLE_LIMIT:
        # The lines with non-ASCII bytes, evenly spaced through the file, up to the limit.
        step = len(sample) // _SAMPLE_LIMIT + 1
        sample = b"\n".join(lines[::step])[: _SAMPLE_LIMIT * 2]
    matches = from_bytes(
        sample,
        cp_isolation=list(LEGACY_ENCODINGS),
        steps=1,
        chunk_size=max(len(sample), 1),
        threshold=0.3,
    )
    if not matches:
        raise _unknown_encoding()
    measured = {_name(match.encoding): (match.chaos, match.coherence) for match in matches}
    for name in ("cp1252", "cp1250"):  # the detector drops encodings that read alike
        if name not in measured:
            with contextlib.suppress(UnicodeDecodeError):
                measured[name] = (mess_ratio(sample.decode(name)), 0.0)
    best_chaos = min(chaos for chaos, _ in measured.values())
    candidates = []
    for encoding, (chaos, coherence) in measured.items():
        if chaos > best_chaos + 0.02:
            continue
        try:
            data.decode(encoding)  # the whole file, strictly
            shown = sample.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        rank = (-round(_letter_score(shown, encoding), 2), -round(coherence, 1),
                _preference(encoding))  # fmt: skip
        candidates.append((rank, encoding))
    if not candidates:
        raise _unknown_encoding()
    encoding = min(candidates)[1]
    return data.decode(encoding), encoding


def _name(encoding: str) -> str:
    return codecs.lookup(encoding).name.replace("-", "_")


def _preference(encoding: str) -> int:
    aliases = {
        codecs.lookup(name).name.replace("-", "_"): i for i, name in enumerate(LEGACY_ENCODINGS)
    }
    return aliases.get(encoding, len(LEGACY_ENCODINGS))


def _letter_score(text: str, encoding: str) -> float:
    """The share of non-ASCII characters that are letters usual in names for this encoding."""
    usual = _LETTERS.get(encoding, set())
    others = [c for c in text if ord(c) > 127]
    if not others:
        return 1.0
    if usual:
        return sum(c in usual for c in others) / len(others)
    return sum(c.isalpha() for c in others) / len(others)


def _looks_binary(text: str) -> bool:
    sample = text[:100_000]
    controls = sum(1 for c in sample if c < " " and c not in "\t\r\n\f\v")
    return controls > max(8, len(sample) // 100)


def _unknown_encoding() -> TableError:
    return TableError(
        "Liaison cannot tell how the text of this file is encoded, so it could read names "
        "wrongly. " + SAVE_AS_UTF8
    )


_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def _count_outside_quotes(line: str, delimiter: str) -> int:
    return _QUOTED.sub("", line).count(delimiter)


def records(text: str, delimiter: str) -> Iterator[list[str]]:
    """The file's records; a quoted value may hold line breaks and doubled quotes."""
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        skipinitialspace=False,
        strict=False,
    )
    try:
        yield from reader
    except csv.Error as error:
        raise TableError(
            f"Line {reader.line_num} of the file cannot be read as CSV ({error}). "
            "Check its quotes, or save the file again: " + SAVE_AS_UTF8
        ) from error


def head(text: str, lines: int = 40) -> str:
    """The file's first lines (enough for the title rows and the header)."""
    end = 0
    for _ in range(lines):
        end = text.find("\n", end) + 1
        if end == 0:
            return text
    return text[:end]


def detect_delimiter(text: str, score: Callable[[list[list[str]]], int]) -> str:
    """The delimiter under which the header names the most of our columns; when no delimiter
    does better than the others, the one that splits the first lines most consistently."""
    sample = head(text)
    scores: dict[str, int] = {}
    for delimiter in DELIMITERS:
        try:
            rows = list(records(sample, delimiter))
        except TableError:
            continue
        scores[delimiter] = score(rows)
    best = max(scores.values(), default=0)
    leaders = [d for d in DELIMITERS if scores.get(d) == best]
    if best > 0 and len(leaders) == 1:
        return leaders[0]
    candidates = leaders if best > 0 else list(DELIMITERS)
    lines = [line for line in sample.splitlines() if line.strip()][:20]
    consistency: dict[str, tuple[int, int]] = {}
    for delimiter in candidates:
        counts = Counter(_count_outside_quotes(line, delimiter) for line in lines)
        counts.pop(0, None)
        if counts:
            count, times = counts.most_common(1)[0]
            consistency[delimiter] = (times, count)
    if not consistency:
        return candidates[0]
    return max(candidates, key=lambda d: (consistency.get(d, (0, 0)), -candidates.index(d)))
