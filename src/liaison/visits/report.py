"""The International Visitors Program's figures for a fiscal year, as published ("457 visits
for over 2,500 officials from 90 countries")."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from liaison.core.fiscal import FiscalYear
from liaison.core.reporting import COUNTRY, EVERYTHING, FUNDING_SOURCE, REGION, ReportScope
from liaison.visits.models import Delegate, Visit, VisitStatus

# Visits that took place, or are settled to take place.
HELD = (VisitStatus.CONFIRMED, VisitStatus.COMPLETED)

# A visit carries its country (so its bureau) and its sponsor; it teaches no program area.
VISIT_PATHS = {
    REGION: "country__region__code",
    COUNTRY: "country__code",
    FUNDING_SOURCE: "sponsor__code__iexact",
}
KEYS = ("visits", "visit_officials", "visit_countries")


def visit_figures(fy: FiscalYear, scope: ReportScope = EVERYTHING) -> dict[str, int | None]:
    """A visit counts in the fiscal year it starts in, once confirmed or completed.

    ``visit_officials`` counts delegates (an official on two visits counts twice, as the
    published figure counts officials hosted), ``visit_countries`` the distinct countries.
    """
    if not scope.covers(VISIT_PATHS):
        return dict.fromkeys(KEYS)
    visits = visits_held(fy, scope)
    held = visits.aggregate(visits=Count("id"), visit_countries=Count("country", distinct=True))
    return {
        "visits": held["visits"],
        "visit_officials": Delegate.objects.filter(visit__in=visits).count(),
        "visit_countries": held["visit_countries"],
    }


def visits_held(fy: FiscalYear, scope: ReportScope = EVERYTHING) -> QuerySet[Visit]:
    """The visits a fiscal year counts: starting in it, confirmed or completed, in the scope
    (the caller checks ``scope.covers(VISIT_PATHS)``)."""
    return Visit.objects.filter(
        scope.q(VISIT_PATHS), status__in=HELD, starts_on__gte=fy.start, starts_on__lte=fy.end
    )


def visits_by_country(fy: FiscalYear, scope: ReportScope = EVERYTHING) -> list[dict[str, Any]]:
    """Per visiting country (ISO code and name): visits and officials (delegates). One query;
    empty when the scope asks for a dimension visits do not carry."""
    if not scope.covers(VISIT_PATHS):
        return []
    return [
        dict(row)
        for row in visits_held(fy, scope)
        .values("country__code", "country__name")
        .annotate(visits=Count("id", distinct=True), officials=Count("delegates", distinct=True))
        .order_by("-visits", "country__name")
    ]
