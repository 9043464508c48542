"""Django's message catalogs compiled without GNU gettext: ``src/liaison/locale/*/LC_MESSAGES/
django.po`` are compiled to the ``django.mo`` beside them by polib (pure Python), so a fresh
machine needs no ``msgfmt``. The compiled files are committed; a test checks they match."""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings


def catalogs() -> list[Path]:
    """Every ``django.po`` under the project's LOCALE_PATHS."""
    found: list[Path] = []
    for root in settings.LOCALE_PATHS:
        found.extend(sorted(Path(root).glob("*/LC_MESSAGES/django.po")))
    return found


def compile_catalog(po_path: Path) -> Path:
    mo_path = po_path.with_suffix(".mo")
    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    return mo_path


def translated_entries(path: Path) -> dict[str, str]:
    """The translated messages of a .po or .mo file (fuzzy and empty ones left out)."""
    catalog = polib.mofile(str(path)) if path.suffix == ".mo" else polib.pofile(str(path))
    return {
        entry.msgid: entry.msgstr
        for entry in catalog
        if entry.msgid and entry.msgstr and "fuzzy" not in entry.flags
    }
