"""Annual report pages: the reports generated, asking for one (the task worker writes it while
the page shows its progress), one report's narrative, charts and filters, and its PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from liaison.core.access import require_perm
from liaison.core.export import patch_no_store
from liaison.core.forms import add_service_errors
from liaison.reports import annual, services
from liaison.reports.forms_annual import AnnualReportForm

# How often a page watching a generation asks how it is doing, in seconds.
POLL_SECONDS = 2
REPORTS_PER_PAGE = 20


def _crumbs(*trail: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Home", reverse("home")), ("Annual reports", reverse("reports:annual_list")), *trail]


@require_http_methods(["GET", "POST"])
def annual_list(request: HttpRequest) -> HttpResponse:
    """The reports generated so far, and the form that asks for another."""
    reports = annual.annual_reports_for(request.user)
    form = AnnualReportForm(request.POST or None)
    if request.method == "POST":
        require_perm(request.user, "reports.generate_annual")
        if form.is_valid():
            try:
                report = services.annual_report_request(
                    actor=request.user,
                    fiscal_year=form.cleaned_data["fiscal_year"],
                    filters=form.filters(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"The FY{report.fiscal_year} annual report is queued.")
                return redirect("reports:annual_detail", pk=report.pk)
    return render(
        request,
        "reports/annual_list.html",
        {
            "form": form,
            "can_generate": request.user.has_perm("reports.generate_annual"),
            "page_obj": Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page")),
            "breadcrumbs": _crumbs(),
        },
    )


@require_GET
def annual_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report: its progress while the worker writes it, then its text, charts, filters."""
    report = annual.annual_report_get(user=request.user, pk=pk)
    context = {"report": report, "poll_seconds": POLL_SECONDS}
    if request.GET.get("progress"):
        # The page's poll: the progress while it runs; once it is over, reload the page.
        response = render(request, "reports/_annual_progress.html", context)
        if not report.busy:
            response["HX-Refresh"] = "true"
        return response
    document = annual.annual_document_of(report)
    return render(
        request,
        "reports/annual_detail.html",
        {
            **context,
            "document": document,
            "filter_lines": annual.filter_lines(report.filters),
            "not_counted": annual.not_counted_lines(report.filters),
            "breadcrumbs": _crumbs((f"FY{report.fiscal_year}", "")),
        },
    )


@require_GET
def annual_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = annual.annual_report_get(user=request.user, pk=pk)
    try:
        data = services.annual_report_download(actor=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:annual_detail", pk=pk)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report.filename}"'
    return patch_no_store(response)


urlpatterns = [
    path("annual/", annual_list, name="annual_list"),
    path("annual/<int:pk>/", annual_detail, name="annual_detail"),
    path("annual/<int:pk>/pdf/", annual_pdf, name="annual_pdf"),
]
