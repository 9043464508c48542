from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.demo.build import build_demo
from liaison.demo.registry import DEMO_PASSWORD, ensure_demo_accounts


class Command(BaseCommand):
    help = "Build the deterministic demo data set (once) and the demo accounts, one per role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="1 = one FY2015-sized year")
        parser.add_argument("--seed", type=int, default=2015)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = build_demo(scale=options["scale"], seed=options["seed"])
        accounts = ensure_demo_accounts()
        verb = "Built" if result.created else "Kept the existing"
        self.stdout.write(
            f"{verb} demo data: {result.people} officials, {result.agencies} agencies, "
            f"{result.staff} staff, {result.deliveries} deliveries, {result.visits} visits, "
            f"{result.agreements} agreements, {result.assistance_requests} assistance requests "
            f"({time.perf_counter() - started:.1f} s)."
        )
        self.stdout.write(f"Demo accounts (password “{DEMO_PASSWORD}”):")
        for username, role in accounts:
            self.stdout.write(f"  {username:<10} {role}")
