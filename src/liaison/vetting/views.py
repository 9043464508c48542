from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core.access import require_perm
from liaison.core.export import export_format, table_response
from liaison.core.forms import add_service_errors
from liaison.core.imports import (
    import_file_data,
    import_file_decide,
    import_file_discard,
    import_file_get,
    import_file_store,
)
from liaison.core.listing import render_list
from liaison.core.navigation import NavItem, side_nav
from liaison.people.selectors import person_get
from liaison.vetting import selectors, services
from liaison.vetting.filters import VettingFilters
from liaison.vetting.forms import DecisionForm, ResultsUploadForm
from liaison.vetting.models import Purpose, VettingStatus
from liaison.vetting.workflows import VETTING

NAV = (
    NavItem("Vetting records", "vetting:record_list"),
    NavItem("Expiring approvals", "vetting:expiring"),
    NavItem("Blocking deliveries", "training:blocked", "training.browse"),
    NavItem("Import results", "vetting:results_import", "vetting.exchange_files"),
)


def _crumbs(*trail: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Home", reverse("home")), ("Vetting", reverse("vetting:record_list")), *trail]


@require_GET
def record_list(request: HttpRequest) -> HttpResponse:
    filters = VettingFilters.from_request(request)
    records = selectors.vetting_list(user=request.user, **filters.selector_kwargs())
    fmt = export_format(request)
    if fmt and filters.status == VettingStatus.SUBMITTED:
        # The bulk submission file for the vetting office (personal data; logged per person).
        rows = services.vetting_pending_export(actor=request.user, file=f"vetting-pending.{fmt}")
        return table_response(
            fmt, "vetting-pending", services.EXPORT_HEADER, rows, list, personal_data=True
        )
    return render_list(
        request,
        "vetting/record_list.html",
        "vetting/_record_results.html",
        records,
        {
            **filters.page_context(),
            "statuses": VettingStatus.choices,
            "purposes": Purpose.choices,
            "counts": selectors.vetting_counts(user=request.user),
            "can_export": request.user.has_perm("vetting.exchange_files"),
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": _crumbs(("Records", "")),
        },
    )


@require_GET
def expiring(request: HttpRequest) -> HttpResponse:
    records = selectors.vetting_expiring(user=request.user)
    return render_list(
        request,
        "vetting/expiring.html",
        "vetting/_record_results.html",
        records,
        {
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": _crumbs(("Expiring approvals", "")),
            "window": selectors.EXPIRY_WINDOW_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.vetting_get(user=request.user, pk=pk)
    decisions = VETTING.available(request.user, record, only=services.DECISION_MOVES)
    form = DecisionForm(request.POST or None, moves=decisions)
    if request.method == "POST":
        require_perm(request.user, "vetting.decide", record)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.vetting_decide(
                    actor=request.user,
                    record=record,
                    decision=data["decision"],
                    valid_until=data["valid_until"],
                    reference=data["reference"],
                    notes=data["notes"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
                record.refresh_from_db()
            else:
                messages.success(
                    request, f"Vetting of {record.person}: {record.get_status_display().lower()}."
                )
                return redirect("vetting:record_detail", pk=pk)
    return render(
        request,
        "vetting/record_detail.html",
        {
            "record": record,
            "form": form,
            "history": selectors.vetting_history(record=record)[:50],
            "can_decide": bool(decisions),
            "submit": next(iter(VETTING.available(request.user, record, only={"submitted"})), None),
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": _crumbs(
                ("Records", reverse("vetting:record_list")), (str(record.person), "")
            ),
        },
    )


@require_POST
def person_submit(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Submit (or resubmit) a person for Leahy vetting."""
    person = person_get(user=request.user, pk=person_pk)
    try:
        record = services.vetting_submit(
            actor=request.user, person=person, purpose=request.POST.get("purpose", Purpose.LEAHY)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("people:person_detail", pk=person_pk)
    messages.success(request, f"{person} submitted for vetting.")
    return redirect("vetting:record_detail", pk=record.pk)


@require_http_methods(["GET", "POST"])
def results_import(request: HttpRequest) -> HttpResponse:
    """Upload the vetting office's results; the file is kept encrypted for its preview."""
    require_perm(request.user, "vetting.exchange_files")
    form = ResultsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        upload = import_file_store(
            owner=request.user, kind=services.KIND_RESULTS, filename=file.name, data=file.read()
        )
        return redirect("vetting:results_preview", upload_id=upload.pk)
    return render(
        request,
        "vetting/results_import.html",
        {
            "form": form,
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": _crumbs(("Import results", "")),
        },
    )


@require_http_methods(["GET", "POST"])
def results_preview(request: HttpRequest, upload_id: int) -> HttpResponse:
    """Every row and problem, the date-order question; apply all or nothing, or cancel."""
    require_perm(request.user, "vetting.exchange_files")
    upload = import_file_get(user=request.user, pk=upload_id, kind=services.KIND_RESULTS)
    if request.method == "POST":
        action = request.POST.get("action", "check")
        if action == "cancel":
            import_file_discard(user=request.user, stored=upload)
            messages.info(request, "The upload was cancelled and the file deleted.")
            return redirect("vetting:results_import")
        if request.POST.get("date_order") in ("dmy", "mdy"):
            import_file_decide(upload, {"date_order": request.POST["date_order"]})
        if action == "apply":
            try:
                applied = services.vetting_results_apply(actor=request.user, upload=upload)
            except ValidationError as error:
                messages.error(request, "Nothing was applied: " + " ".join(error.messages))
            else:
                messages.success(request, f"{applied} vetting result(s) applied.")
                return redirect("vetting:record_list")
        return redirect("vetting:results_preview", upload_id=upload.pk)
    preview = services.vetting_results_preview(
        actor=request.user,
        data=import_file_data(upload),
        filename=upload.filename,
        date_order=upload.decisions.get("date_order", ""),
    )
    return render(
        request,
        "vetting/results_preview.html",
        {
            "upload": upload,
            "preview": preview,
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": _crumbs(
                ("Import results", reverse("vetting:results_import")), (upload.filename, "")
            ),
        },
    )
