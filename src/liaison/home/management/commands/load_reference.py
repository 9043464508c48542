from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from liaison.home.reference import reference_load


class Command(BaseCommand):
    help = "Load the reference data shipped with Liaison; safe to repeat."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = reference_load()
        self.stdout.write(
            "Reference data: " + ", ".join(f"{n} {what}" for what, n in counts.items())
        )
