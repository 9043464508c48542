"""The agreements' figures for a fiscal year, as published ("76 CMAAs in force, with five
being signed during Fiscal Year 2015 - Costa Rica, Gabon, Malaysia, Senegal, and Singapore")."""

from __future__ import annotations

from typing import Any

from liaison.agreements.models import Agreement, AssistanceRequest, RequestStatus
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
