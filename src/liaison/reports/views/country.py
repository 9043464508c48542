"""A country report: one partner's fiscal year across the programs, as a page and a PDF."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from liaison.core.export import patch_no_store
from liaison.reports import country as country_reports
from liaison.reports.services import fiscal_years_reported


def _fiscal_year(request: HttpRequest) -> tuple[int, str]:
    """The year asked for (``?fy=2015``), or the last closed one; a year that cannot be read
    falls back to it, and the page says so."""
    years = fiscal_years_reported()
    default = years[1] if len(years) > 1 else years[0]
    raw = request.GET.get("fy", "").strip().upper().removeprefix("FY")
    if not raw:
        return default, ""
    if raw.isdigit() and int(raw) in years:
        return int(raw), ""
    return default, f"No report for fiscal year “{raw[:10]}”: showing FY{default} instead."


@require_GET
def country_report(request: HttpRequest, code: str) -> HttpResponse:
    country = country_reports.report_country_get(user=request.user, code=code)
    year, notice = _fiscal_year(request)
    report = country_reports.country_report(user=request.user, country=country, fiscal_year=year)
    return render(
        request,
        "reports/country_report.html",
        {
            "report": report,
            "notice": notice,
            "years": fiscal_years_reported(),
            "breadcrumbs": [
                ("Home", reverse("home")),
                ("Countries", reverse("partners:country_list")),
                (country.name, reverse("partners:country_detail", args=[country.code])),
                (f"FY{year} report", ""),
            ],
        },
    )


@require_GET
def country_report_pdf(request: HttpRequest, code: str) -> HttpResponse:
    country = country_reports.report_country_get(user=request.user, code=code)
    year, _ = _fiscal_year(request)
    report = country_reports.country_report(user=request.user, country=country, fiscal_year=year)
    data = country_reports.country_report_pdf(actor=request.user, report=report)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="country-report-{country.code}-fy{year}.pdf"'
    )
    return patch_no_store(response)


urlpatterns = [
    path("countries/<str:code>/", country_report, name="country_report"),
    path("countries/<str:code>/pdf/", country_report_pdf, name="country_report_pdf"),
]
