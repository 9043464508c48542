from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from liaison.partners.services import reference_partners_load


class Command(BaseCommand):
    help = "Load the reference data shipped with Liaison (regions, countries); safe to repeat."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = reference_partners_load()
        self.stdout.write(
            f"Reference data: {counts['regions']} regions, {counts['countries']} countries."
        )
