"""Capacity building's headline figure for a fiscal year."""

from __future__ import annotations

from liaison.capacity.models import Program
from liaison.core.fiscal import FiscalYear
from liaison.core.reporting import COUNTRY, EVERYTHING, FUNDING_SOURCE, REGION, ReportScope

# A program carries its country (so its bureau) and its sponsor, not a program area.
PROGRAM_PATHS = {
    REGION: "country__region__code",
    COUNTRY: "country__code",
    FUNDING_SOURCE: "sponsor__code__iexact",
}
KEYS = ("safe_programs",)


def capacity_figures(fy: FiscalYear, scope: ReportScope = EVERYTHING) -> dict[str, int | None]:
    """``safe_programs``: programs running at some time in the year (started by its end, not
    planned to end before its start). One query."""
    if not scope.covers(PROGRAM_PATHS):
        return dict.fromkeys(KEYS)
    return {
        "safe_programs": Program.objects.filter(
            scope.q(PROGRAM_PATHS), starts_on__lte=fy.end, planned_end__gte=fy.start
        ).count()
    }
