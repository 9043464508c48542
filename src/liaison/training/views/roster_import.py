"""Importing a partner's roster: upload, answer the preview's questions, apply all or nothing.

The upload is kept encrypted for its owner (:mod:`liaison.core.imports`), never in the
session; the preview and the answers live with it. A long file is previewed and applied by
the task worker while the page polls its progress.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from liaison.core.access import require_perm
from liaison.core.export import csv_response, xlsx_response
from liaison.core.imports import (
    import_file_decide,
    import_file_discard,
    import_file_get,
    import_file_preview,
    import_file_store,
)
from liaison.core.models import ImportFile, ImportState
from liaison.training import roster_file, selectors, services
from liaison.training.forms_roster import RosterUploadForm, parse_decisions
from liaison.training.models import Delivery
from liaison.training.views.deliveries import crumbs

POLL_SECONDS = 1


def _crumbs(delivery: Delivery, *trail: tuple[str, str]) -> list[tuple[str, str]]:
    return crumbs(
        (str(delivery), reverse("training:delivery_detail", args=[delivery.pk])),
        ("Roster", reverse("training:delivery_roster", args=[delivery.pk])),
        *trail,
    )


def _delivery(request: HttpRequest, pk: int) -> Delivery:
    return selectors.delivery_get(user=request.user, pk=pk, perm="training.manage_roster")


def _upload(request: HttpRequest, delivery: Delivery, upload_id: int) -> ImportFile:
    return import_file_get(
        user=request.user, pk=upload_id, kind=roster_file.KIND, target_id=delivery.pk
    )


@require_http_methods(["GET", "POST"])
def roster_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a file; it is checked (here or by the worker) and its preview opens."""
    delivery = _delivery(request, pk)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        upload = import_file_store(
            owner=request.user,
            kind=roster_file.KIND,
            target_id=delivery.pk,
            filename=file.name,
            data=file.read(),
        )
        services.roster_import_preview(actor=request.user, delivery=delivery, upload=upload)
        return redirect("training:roster_import_preview", pk=delivery.pk, upload_id=upload.pk)
    return render(
        request,
        "training/roster_import.html",
        {
            "delivery": delivery,
            "form": form,
            "breadcrumbs": _crumbs(delivery, ("Import a roster", "")),
        },
    )


def _preview_context(
    request: HttpRequest, delivery: Delivery, upload: ImportFile
) -> dict[str, Any]:
    preview = import_file_preview(upload)
    rows_page = None
    if preview is not None:
        rows_page = Paginator(preview["rows"], roster_file.ROWS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return {
        "delivery": delivery,
        "upload": upload,
        "preview": preview,
        "rows_page": rows_page,
        "new": roster_file.NEW,
        "duplicate_choices": roster_file.DUPLICATE_CHOICES,
        "poll_seconds": POLL_SECONDS,
        "breadcrumbs": _crumbs(
            delivery,
            ("Import a roster", reverse("training:roster_import", args=[delivery.pk])),
            (upload.filename, ""),
        ),
    }


@require_http_methods(["GET", "POST"])
def roster_import_preview(request: HttpRequest, pk: int, upload_id: int) -> HttpResponse:
    """The preview: summary, questions, problems grouped, rows; answer, re-check, import."""
    delivery = _delivery(request, pk)
    upload = _upload(request, delivery, upload_id)
    if request.method == "POST":
        return _answer(request, delivery, upload)
    if request.GET.get("progress"):
        if upload.busy:
            return render(
                request,
                "training/_roster_import_progress.html",
                _preview_context(request, delivery, upload),
            )
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    if upload.state == ImportState.APPLIED:
        messages.success(request, upload.message)
        return redirect("training:delivery_roster", pk=delivery.pk)
    return render(
        request, "training/roster_import_preview.html", _preview_context(request, delivery, upload)
    )


def _answer(request: HttpRequest, delivery: Delivery, upload: ImportFile) -> HttpResponse:
    action = request.POST.get("action", "check")
    here = reverse("training:roster_import_preview", args=[delivery.pk, upload.pk])
    if action == "cancel":
        import_file_discard(user=request.user, stored=upload)
        messages.info(request, "The upload was cancelled and the file deleted.")
        return redirect("training:delivery_roster", pk=delivery.pk)
    if upload.busy:
        messages.info(request, "The file is still being worked on: wait for it to finish.")
        return redirect(here)
    import_file_decide(upload, parse_decisions(request.POST))
    if action == "apply":
        try:
            result = services.roster_import_apply(
                actor=request.user, delivery=delivery, upload=upload
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(here)
        if result is None:
            return redirect(here)
        messages.success(request, str(result))
        return redirect("training:delivery_roster", pk=delivery.pk)
    services.roster_import_preview(actor=request.user, delivery=delivery, upload=upload)
    page = request.POST.get("page", "")
    return redirect(f"{here}?page={page}#preview" if page.isdigit() else f"{here}#preview")


@require_GET
def roster_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """An empty roster with the expected header, to send to the partner."""
    require_perm(request.user, "training.browse")
    header = [column.label for column in roster_file.COLUMNS]
    if fmt == "xlsx":
        return xlsx_response("roster-template.xlsx", header, [])
    if fmt == "csv":
        return csv_response("roster-template.csv", header, [], list)
    raise Http404("Choose csv or xlsx.")


urlpatterns = [
    path("deliveries/<int:pk>/roster/import/", roster_import, name="roster_import"),
    path(
        "deliveries/<int:pk>/roster/import/<int:upload_id>/",
        roster_import_preview,
        name="roster_import_preview",
    ),
    path("roster/template.<str:fmt>", roster_template, name="roster_template"),
]
