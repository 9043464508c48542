from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.reports import annual


class Command(BaseCommand):
    help = (
        "Write a fiscal year's annual report: its narrative on the standard output and, with "
        "--pdf, the PDF the application makes (synchronously, without the task worker)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fy", type=int, required=True, help="Fiscal year, e.g. 2015")
        parser.add_argument("--pdf", type=Path, help="Write the PDF to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        fy = options["fy"]
        if not 1900 < fy < 2200:
            raise CommandError(f"--fy {fy} is not a fiscal year (e.g. 2015).")
        document = annual.annual_document({"fiscal_year": fy})
        for paragraph in document.narrative or ["Nothing was recorded for this fiscal year."]:
            self.stdout.write(paragraph + "\n")
        target: Path | None = options["pdf"]
        if target is not None:
            try:
                target.write_bytes(annual.annual_pdf(document))
            except OSError as error:
                raise CommandError(f"Could not write {target}: {error.strerror}.") from error
            self.stderr.write(f"Wrote {target}")
