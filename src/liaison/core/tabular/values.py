"""The text of one cell: cleaning, header names and the gender column."""

from __future__ import annotations

import re
import unicodedata

# Invisible characters that slip into cells copied from web pages, PDFs and e-mail: zero-width
# space and joiner, word joiner, byte-order mark, left-to-right/right-to-left marks and the
# bidirectional embeddings, overrides and isolates. The zero-width NON-joiner (U+200C) is kept:
# Persian, Dari and Urdu names need it.
_INVISIBLE = dict.fromkeys(
    [
        0x200B,
        0x200D,
        0x2060,
        0xFEFF,
        0x200E,
        0x200F,
        0x00AD,
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    ],
    None,
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_LINE_CONTROL = re.compile(r"[\t\n\x0b\x0c\r\x85]")


def clean_text(value: str) -> str:
    """Trimmed, NFC, without invisible or control characters, one space between words."""
    if not value:
        return ""
    if value.isascii() and value.isprintable():  # the usual cell: only spaces to collapse
        return " ".join(value.split())
    text = str(value).translate(_INVISIBLE)
    text = _LINE_CONTROL.sub(" ", text)
    text = _CONTROL.sub("", text)
    # str.split() splits on every Unicode space, non-breaking ones (U+00A0, U+2007, U+202F)
    # included, and on the line and paragraph separators.
    return unicodedata.normalize("NFC", " ".join(text.split()))


def fold(value: str) -> str:
    """Lower case without accents: “Género” → “genero”, “Straße” → “strasse”."""
    decomposed = unicodedata.normalize("NFKD", clean_text(value).replace("º", "°"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def header_key(name: str) -> str:
    """A header's name for comparison: letters and digits only, lower case, no accents.

    “Passport No.”, “passport no” and “PASSPORT_NO” give the same key; so do “E-mail” and
    “Email”, and “N° de pasaporte” and “Nº de pasaporte”.
    """
    return "".join(c for c in fold(name) if c.isalnum())


_FEMALE = {
    "f", "fem", "female", "woman", "women", "w", "girl", "mrs", "ms", "miss", "madam", "madame",
    "mme", "mlle", "mademoiselle", "sra", "srta", "senora", "senorita", "dona", "femenino",
    "femenina", "mujer", "feminin", "feminine", "femme", "feminino", "mulher", "fille",
}  # fmt: skip
_MALE = {
    "m", "masc", "male", "man", "men", "boy", "mr", "mister", "sir", "sr", "senor", "don",
    "masculino", "hombre", "varon", "v", "h", "masculin", "homme", "monsieur", "homem",
    "garcon",
}  # fmt: skip
_UNSPECIFIED = {
    "", "x", "u", "unknown", "unspecified", "notspecified", "notstated", "notgiven", "none",
    "na", "prefernottosay", "desconocido", "noespecificado",
    "sinespecificar", "nodisponible", "inconnu", "nonspecifie", "nonprecise", "nonrenseigne",
    "desconhecido", "naoespecificado", "naoinformado", "ninguno", "aucun",
}  # fmt: skip


def parse_gender(text: str) -> str | None:
    """“female”, “male”, or "" for a blank or unspecified value; None when not understood.

    Reads the common written forms in English, Spanish, French and Portuguese in any case and
    with or without accents: F, M, H (homme, hombre), female, woman, Mrs, Ms, Mme, Sra,
    femenino, mujer, féminin, femme, feminino, mulher, masculin, homem …
    """
    key = "".join(c for c in fold(text) if c.isalnum())
    if key in _FEMALE:
        return "female"
    if key in _MALE:
        return "male"
    if key in _UNSPECIFIED or not key:
        return ""
    return None
