from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.core.fiscal import FiscalYear
from liaison.core.reporting import ReportScope
from liaison.reports.figures import LABELS, fiscal_year_figures, not_narrowed


def _shown(value: Any) -> str:
    if value is None:
        return "not recorded by this filter"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


class Command(BaseCommand):
    help = (
        "Print a fiscal year's headline figures as a table (or --json), optionally narrowed "
        "to a bureau, country, program area or funding source."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fy", type=int, required=True, help="Fiscal year, e.g. 2015")
        parser.add_argument("--json", action="store_true", help="One JSON object on one line")
        parser.add_argument("--region", default="", help="A bureau's code, e.g. WHA")
        parser.add_argument("--country", default="", help="An ISO 3166 alpha-2 code, e.g. PE")
        parser.add_argument("--program-area", default="", help="A program area's code")
        parser.add_argument("--funding-source", default="", help="A funding source's code")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 2000 <= options["fy"] <= 2100:
            raise CommandError("--fy must be a fiscal year between 2000 and 2100, e.g. 2015.")
        fy = FiscalYear(options["fy"])
        scope = ReportScope(
            region=options["region"].strip().upper(),
            country=options["country"].strip().upper(),
            program_area=options["program_area"].strip(),
            funding_source=options["funding_source"].strip(),
        )
        figures = fiscal_year_figures(fy, scope)
        if options["json"]:
            self.stdout.write(json.dumps(figures))
            return
        title = f"Headline figures, {fy} ({fy.start:%-d %B %Y} to {fy.end:%-d %B %Y})"
        narrowed = ", ".join(
            f"{name.replace('_', ' ')} {value}" for name, value in vars(scope).items() if value
        )
        self.stdout.write(title + (f", {narrowed}" if narrowed else ""))
        rows = [(LABELS.get(key, key), _shown(value)) for key, value in figures.items()]
        rows = [row for row, key in zip(rows, figures, strict=True) if key != "fiscal_year"]
        width = max(len(label) for label, _ in rows)
        value_width = max(len(value) for _, value in rows)
        self.stdout.write(f"{'Figure':<{width}}  {'Value':>{value_width}}")
        self.stdout.write(f"{'-' * width}  {'-' * value_width}")
        for label, value in rows:
            self.stdout.write(f"{label:<{width}}  {value:>{value_width}}")
        for key, dimensions in not_narrowed(scope).items():
            self.stdout.write(
                f"{LABELS.get(key, key)}: its records do not carry a {' or '.join(dimensions)}."
            )
