"""``liaison plan_year``: plan every pending visit request now, for a scheduler or cron."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.visits.models import YearPlanStatus
from liaison.visits.services import DEFAULT_TIME_LIMIT, year_plan_run_now


class Command(BaseCommand):
    help = (
        "Plan every pending visit request at once (in this process, not the task queue) and "
        "print one JSON line: requests, placed, objective, bound, gap, solve_seconds. "
        "The run is kept for coordinators to read and apply."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--time-limit",
            type=int,
            default=DEFAULT_TIME_LIMIT,
            help=f"Seconds the planner may take (default {DEFAULT_TIME_LIMIT})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan = year_plan_run_now(time_limit=options["time_limit"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        if plan.status != YearPlanStatus.DONE:
            raise CommandError(f"Year plan {plan.pk} failed: {plan.error}")
        self.stdout.write(
            json.dumps(
                {
                    "plan": plan.pk,
                    "requests": plan.requests,
                    "placed": plan.placed,
                    "objective": plan.objective,
                    "bound": plan.bound,
                    "gap": round(plan.gap, 6),
                    "solve_seconds": plan.solve_seconds,
                }
            )
        )
