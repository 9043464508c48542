"""The fiscal-year dashboard: a GET form of filters, the page updated in place by htmx."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from liaison.core.fiscal import fiscal_year_of
from liaison.reports.dashboard import fiscal_year_dashboard
from liaison.reports.filters import ReportFilters

# How many fiscal years back the form offers.
YEARS_OFFERED = 15


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    filters = ReportFilters.from_request(request)
    current = fiscal_year_of(timezone.localdate())
    board = fiscal_year_dashboard(user=request.user, filters=filters, default=current)
    context = {
        "board": board,
        "filters": filters,
        "years": range(current.year, current.year - YEARS_OFFERED, -1),
        "breadcrumbs": [("Dashboard", "")],
    }
    if getattr(request, "htmx", False):
        return render(request, "reports/_dashboard_results.html", context)
    return render(request, "reports/dashboard.html", context)


urlpatterns = [path("", dashboard, name="dashboard")]
