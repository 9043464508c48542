"""Capacity building's headline figure for a fiscal year."""

from __future__ import annotations

from liaison.capacity.models import Program
from liaison.core.fiscal import FiscalYear


def capacity_figures(fy: FiscalYear) -> dict[str, int]:
    """``safe_programs``: programs running at some time in the year (started by its end, not
    planned to end before its start). One query."""
    return {
        "safe_programs": Program.objects.filter(
            starts_on__lte=fy.end, planned_end__gte=fy.start
        ).count()
    }
