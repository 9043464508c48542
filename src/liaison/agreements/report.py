"""The agreements' figures for a fiscal year, as published ("76 CMAAs in force, with five
being signed during Fiscal Year 2015 - Costa Rica, Gabon, Malaysia, Senegal, and Singapore")."""

from __future__ import annotations

from statistics import median
from typing import Any

from liaison.agreements.models import Agreement, AssistanceRequest, Direction, RequestStatus
from liaison.core.fiscal import FiscalYear
from liaison.core.reporting import COUNTRY, EVERYTHING, REGION, ReportScope

# An agreement is with one country (so one bureau); it has no program area or funding source.
AGREEMENT_PATHS = {REGION: "country__region__code", COUNTRY: "country__code"}
REQUEST_PATHS = {REGION: "agreement__country__region__code", COUNTRY: "agreement__country__code"}
KEYS = ("cmaas_in_force", "cmaas_signed", "cmaas_signed_countries", "assistance_requests")


def agreement_figures(fy: FiscalYear, scope: ReportScope = EVERYTHING) -> dict[str, Any]:
    """- ``cmaas_in_force``: agreements in force on the fiscal year's last day (entered into
      force by then, neither suspended nor ended by then);
    - ``cmaas_signed`` and ``cmaas_signed_countries``: signed during the year, and the ISO codes
      of their countries, sorted;
    - ``assistance_requests``: requests received (incoming) or sent (outgoing) during the year;
      drafts never sent are not counted.

    Three queries, whatever the size of the year.
    """
    if not scope.covers(AGREEMENT_PATHS):
        return dict.fromkeys(KEYS)
    agreements = Agreement.objects.filter(scope.q(AGREEMENT_PATHS))
    signed = sorted(
        str(code)
        for code in agreements.filter(signed_on__gte=fy.start, signed_on__lte=fy.end).values_list(
            "country__code", flat=True
        )
    )
    return {
        "cmaas_in_force": agreements.in_force_on(fy.end).count(),
        "cmaas_signed": len(signed),
        "cmaas_signed_countries": signed,
        "assistance_requests": AssistanceRequest.objects.filter(
            scope.q(REQUEST_PATHS), received_on__gte=fy.start, received_on__lte=fy.end
        )
        .exclude(status=RequestStatus.DRAFT)
        .count(),
    }


def answer_time_figures(fy: FiscalYear, scope: ReportScope = EVERYTHING) -> dict[str, Any]:
    """Of the requests received (incoming) or sent (outgoing) during the year in the scope:
    per direction, how many were answered and the median days from receipt to answer. One
    query (the medians are taken over its rows); ``None`` values when the scope asks for a
    dimension requests do not carry."""
    directions = {str(value): str(label) for value, label in Direction.choices}
    if not scope.covers(REQUEST_PATHS):
        return {way: None for way in directions}
    days: dict[str, list[int]] = {way: [] for way in directions}
    received = dict.fromkeys(directions, 0)
    rows = (
        AssistanceRequest.objects.filter(
            scope.q(REQUEST_PATHS), received_on__gte=fy.start, received_on__lte=fy.end
        )
        .exclude(status=RequestStatus.DRAFT)
        .values_list("direction", "received_on", "answered_on")
    )
    for way, received_on, answered_on in rows:
        received[way] += 1
        if answered_on is not None and received_on is not None:
            days[way].append((answered_on - received_on).days)
    return {
        way: {
            "label": label,
            "received": received[way],
            "answered": len(days[way]),
            "median_days": median(days[way]) if days[way] else None,
        }
        for way, label in directions.items()
    }
