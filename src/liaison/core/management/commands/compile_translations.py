"""``liaison compile_translations``: compile the .po catalogs to .mo with polib (no gettext)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from liaison.core.translations import catalogs, compile_catalog


class Command(BaseCommand):
    help = "Compile src/liaison/locale/*/LC_MESSAGES/django.po to .mo without GNU gettext."

    def handle(self, *args: Any, **options: Any) -> None:
        for po_path in catalogs():
            self.stdout.write(str(compile_catalog(po_path)))
