"""A fiscal year's headline figures; each domain adds its own keys here, narrowed to a scope
(bureau, country, program area, funding source) where its rows carry it."""

from __future__ import annotations

from typing import Any

from liaison.agreements import report as agreements
from liaison.capacity import report as capacity
from liaison.core.fiscal import FiscalYear
from liaison.core.reporting import DIMENSION_LABELS, EVERYTHING, ReportScope
from liaison.partners.models import Agency
from liaison.people.models import Person
from liaison.postings import report as postings
from liaison.reports.filters import ReportFilters
from liaison.training import report as training
from liaison.visits import report as visits

# The registry's sizes: agencies carry a country (so a bureau), people nothing to narrow by.
AGENCY_PATHS = {"region": "country__region__code", "country": "country__code"}
PERSON_PATHS: dict[str, str] = {}

# Each figure's label, as the command's table and the pages word it.
LABELS = {
    "fiscal_year": "Fiscal year",
    "people": "People in the registry",
    "agencies": "Partner agencies",
    "deliveries": "Deliveries (training sessions)",
    "delivery_countries": "Host countries",
    "ilea_deliveries": "Deliveries at ILEAs",
    "participants": "Participants (people trained)",
    "enrollments": "Seats taken",
    "visits": "Visits",
    "visit_officials": "Visiting officials",
    "visit_countries": "Visiting countries",
    "postings": "Tours served",
    "safe_programs": "SAFE programs running",
    "cmaas_in_force": "CMAAs in force at year end",
    "cmaas_signed": "CMAAs signed",
    "cmaas_signed_countries": "Countries signing",
    "assistance_requests": "Assistance requests",
}

# Each figure's key, and the dimensions its rows carry.
FIGURE_DIMENSIONS: dict[str, frozenset[str]] = {
    "people": frozenset(PERSON_PATHS),
    "agencies": frozenset(AGENCY_PATHS),
    **dict.fromkeys(training.KEYS, frozenset(training.DELIVERY_PATHS)),
    **dict.fromkeys(visits.KEYS, frozenset(visits.VISIT_PATHS)),
    **dict.fromkeys(postings.KEYS, frozenset(postings.POSTING_PATHS)),
    **dict.fromkeys(capacity.KEYS, frozenset(capacity.PROGRAM_PATHS)),
    **dict.fromkeys(agreements.KEYS, frozenset(agreements.AGREEMENT_PATHS)),
}


def _scope_of(filters: ReportFilters | ReportScope | None) -> ReportScope:
    if filters is None:
        return EVERYTHING
    return filters.scope if isinstance(filters, ReportFilters) else filters


def fiscal_year_figures(
    fy: FiscalYear, filters: ReportFilters | ReportScope | None = None
) -> dict[str, Any]:
    """Registry sizes at the fiscal year's end (people merged away are not counted twice), then
    the year's training, visits, SAFE programs, postings and agreements, narrowed to the
    filters' scope. A figure whose rows cannot be narrowed to a dimension asked is ``None``
    (:func:`not_narrowed` says by what), never the whole agency's number."""
    scope = _scope_of(filters)
    people = (
        Person.objects.active().filter(created_at__lte=fy.end_datetime).count()
        if scope.covers(PERSON_PATHS)
        else None
    )
    agencies = (
        Agency.objects.filter(scope.q(AGENCY_PATHS), created_at__lte=fy.end_datetime).count()
        if scope.covers(AGENCY_PATHS)
        else None
    )
    return {
        "fiscal_year": fy.year,
        "people": people,
        "agencies": agencies,
        **training.training_figures(fy, scope),
        **visits.visit_figures(fy, scope),
        **postings.posting_figures(fy, scope),
        **capacity.capacity_figures(fy, scope),
        **agreements.agreement_figures(fy, scope),
    }


def not_narrowed(filters: ReportFilters | ReportScope | None) -> dict[str, list[str]]:
    """Each figure the filters cannot narrow, with the dimensions (as the page words them) its
    rows do not carry; empty when every figure is narrowed as asked."""
    scope = _scope_of(filters)
    missing: dict[str, list[str]] = {}
    for key, carried in FIGURE_DIMENSIONS.items():
        lacking = [DIMENSION_LABELS[d] for d in sorted(scope.asked - carried)]
        if lacking:
            missing[key] = lacking
    return missing
