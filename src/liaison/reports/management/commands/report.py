from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.core.fiscal import FiscalYear
from liaison.reports.figures import fiscal_year_figures


class Command(BaseCommand):
    help = "Print a fiscal year's headline figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fy", type=int, required=True, help="Fiscal year, e.g. 2015")
        parser.add_argument("--json", action="store_true", help="One JSON object on one line")

    def handle(self, *args: Any, **options: Any) -> None:
        figures = fiscal_year_figures(FiscalYear(options["fy"]))
        if options["json"]:
            self.stdout.write(json.dumps(figures))
        else:
            for key, value in figures.items():
                self.stdout.write(f"{key:>24}: {value}")
