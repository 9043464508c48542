from __future__ import annotations

import base64
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core.access import require_perm
from liaison.core.forms import add_service_errors
from liaison.core.listing import csv_response, render_list
from liaison.core.tabular import xlsx_response
from liaison.people.selectors import person_get
from liaison.vetting import selectors, services
from liaison.vetting.forms import DecisionForm, ResultsUploadForm
from liaison.vetting.models import Purpose, VettingStatus

SESSION_UPLOAD = "vetting_results_upload"


def _side_nav(request: HttpRequest) -> list[dict[str, object]]:
    items = [
        ("Vetting records", reverse("vetting:record_list")),
        ("Expiring approvals", reverse("vetting:expiring")),
    ]
    if request.user.has_perm("training.browse"):
        items.append(("Blocking deliveries", reverse("training:blocked")))
    if request.user.has_perm("vetting.exchange_files"):
        items.append(("Import results", reverse("vetting:results_import")))
    return [{"label": label, "url": url, "current": request.path == url} for label, url in items]


def _crumbs(*trail: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Home", reverse("home")), ("Vetting", reverse("vetting:record_list")), *trail]


@require_GET
def record_list(request: HttpRequest) -> HttpResponse:
    filters = {
        "status": request.GET.get("status", ""),
        "search": request.GET.get("q", "").strip(),
        "purpose": request.GET.get("purpose", ""),
    }
    records = selectors.vetting_list(user=request.user, **filters)
    export = request.GET.get("format")
    if export in ("csv", "xlsx") and filters["status"] == VettingStatus.SUBMITTED:
        # The bulk submission file for the vetting office (personal data; logged).
        rows = services.vetting_pending_export(actor=request.user)
        if export == "xlsx":
            return xlsx_response("vetting-pending.xlsx", services.EXPORT_HEADER, rows)
        return csv_response("vetting-pending.csv", services.EXPORT_HEADER, rows, lambda r: r)
    return render_list(
        request,
        "vetting/record_list.html",
        "vetting/_record_results.html",
        records,
        {
            **filters,
            "q": filters["search"],
            "statuses": VettingStatus.choices,
            "purposes": Purpose.choices,
            "counts": selectors.vetting_counts(user=request.user),
            "can_export": request.user.has_perm("vetting.exchange_files"),
            "side_nav": _side_nav(request),
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
            "side_nav": _side_nav(request),
            "breadcrumbs": _crumbs(("Expiring approvals", "")),
            "window": selectors.EXPIRY_WINDOW_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.vetting_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        require_perm(request.user, "vetting.decide", record)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == VettingStatus.APPROVED:
                    if not data["valid_until"]:
                        raise ValidationError(
                            {"valid_until": "Give the last day the approval covers."}
                        )
                    services.vetting_approve(
                        actor=request.user,
                        record=record,
                        valid_until=data["valid_until"],
                        reference=data["reference"],
                    )
                elif data["decision"] == VettingStatus.DENIED:
                    services.vetting_deny(
                        actor=request.user,
                        record=record,
                        reason=data["notes"],
                        reference=data["reference"],
                    )
                else:
                    services.vetting_suspend(
                        actor=request.user, record=record, reason=data["notes"]
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
            "can_decide": request.user.has_perm("vetting.decide", record),
            "can_submit": request.user.has_perm("vetting.submit", record)
            and VettingStatus.SUBMITTED in services.TRANSITIONS.get(record.status, set()),
            "side_nav": _side_nav(request),
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
    """Upload → preview every row and error → apply all or nothing."""
    require_perm(request.user, "vetting.exchange_files")
    form = ResultsUploadForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and request.POST.get("apply"):
        stored = request.session.get(SESSION_UPLOAD)
        if not stored:
            messages.error(request, "Upload the file again: the preview has expired.")
            return redirect("vetting:results_import")
        try:
            applied = services.vetting_results_apply(
                actor=request.user,
                upload=io.BytesIO(base64.b64decode(stored["data"])),
                filename=stored["name"],
            )
        except ValidationError as error:
            messages.error(request, "Nothing was applied: " + " ".join(error.messages))
        else:
            del request.session[SESSION_UPLOAD]
            messages.success(request, f"{applied} vetting result(s) applied.")
            return redirect("vetting:record_list")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        preview = services.vetting_results_preview(
            actor=request.user, upload=io.BytesIO(data), filename=upload.name
        )
        if preview.can_apply:
            request.session[SESSION_UPLOAD] = {
                "name": upload.name,
                "data": base64.b64encode(data).decode(),
            }
    return render(
        request,
        "vetting/results_import.html",
        {
            "form": form,
            "preview": preview,
            "side_nav": _side_nav(request),
            "breadcrumbs": _crumbs(("Import results", "")),
        },
    )
