"""Capacity building's headline figure for a fiscal year."""

from __future__ import annotations

from typing import Any

from django.db.models import Avg

from liaison.capacity.models import AssessmentStatus, Program, Score
from liaison.core.fiscal import FiscalYear
from liaison.core.reporting import COUNTRY, EVERYTHING, FUNDING_SOURCE, REGION, ReportScope

# A program carries its country (so its bureau) and its sponsor, not a program area.
PROGRAM_PATHS = {
    REGION: "country__region__code",
    COUNTRY: "country__code",
    FUNDING_SOURCE: "sponsor__code__iexact",
}
KEYS = ("safe_programs",)
SCORE_PATHS = {key: f"assessment__program__{path}" for key, path in PROGRAM_PATHS.items()}


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


def maturity_change(fy: FiscalYear, scope: ReportScope = EVERYTHING) -> dict[str, Any] | None:
    """The SAFE maturity change of the year: for each program in the scope with an approved
    assessment ending in the year and an approved one before the year began, the mean level
    (0 to 4) of the year's last minus that of the last before it. ``programs`` measured so,
    their mean ``before`` and ``after`` and the mean ``change``. One query; ``None`` when the
    scope asks for a dimension programs do not carry."""
    if not scope.covers(PROGRAM_PATHS):
        return None
    means = (
        Score.objects.filter(
            scope.q(SCORE_PATHS),
            assessment__status=AssessmentStatus.APPROVED,
            assessment__ends_on__lte=fy.end,
            level__isnull=False,
        )
        .values("assessment__program_id", "assessment_id", "assessment__ends_on")
        .annotate(mean=Avg("level"))
        .order_by("assessment__ends_on", "assessment_id")
    )
    before: dict[int, float] = {}
    after: dict[int, float] = {}
    for row in means:  # in date order: the last one of each side stays
        side = before if row["assessment__ends_on"] < fy.start else after
        side[row["assessment__program_id"]] = float(row["mean"])
    measured = sorted(set(before) & set(after))
    if not measured:
        return {"programs": 0, "before": None, "after": None, "change": None}
    mean_before = sum(before[p] for p in measured) / len(measured)
    mean_after = sum(after[p] for p in measured) / len(measured)
    return {
        "programs": len(measured),
        "before": round(mean_before, 2),
        "after": round(mean_after, 2),
        "change": round(mean_after - mean_before, 2),
    }
