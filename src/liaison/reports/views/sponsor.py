"""The sponsor report: one funding source's fiscal year per country, as a page and a file."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from liaison.core.export import export_format, table_response
from liaison.core.fiscal import fiscal_year_of
from liaison.reports.filters import ReportFilters
from liaison.reports.sponsor import (
    HEADER,
    file_row,
    funding_sources_for,
    sponsor_report,
    sponsor_source,
)
from liaison.reports.views.dashboard import YEARS_OFFERED


@require_GET
def sponsor(request: HttpRequest) -> HttpResponse:
    filters = ReportFilters.from_request(request)
    current = fiscal_year_of(timezone.localdate())
    fy = filters.fiscal_year_or(current)
    sources = funding_sources_for(user=request.user)
    code = filters.funding_source or (sources[0].code if len(sources) == 1 else "")
    report = None
    if code:
        source = sponsor_source(user=request.user, code=str(code))
        report = sponsor_report(user=request.user, fy=fy, source=source)
        if fmt := export_format(request):
            return table_response(
                fmt, f"sponsor-{source.code}-FY{fy.year}", HEADER, report.rows, file_row
            )
    return render(
        request,
        "reports/sponsor.html",
        {
            "report": report,
            "fy": fy,
            "code": code,
            "sources": sources,
            "years": range(current.year, current.year - YEARS_OFFERED, -1),
            "breadcrumbs": [("Dashboard", reverse("reports:dashboard")), ("Sponsor report", "")],
        },
    )


urlpatterns = [path("sponsor/", sponsor, name="sponsor")]
