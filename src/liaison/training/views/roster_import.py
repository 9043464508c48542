"""Importing a partner's roster: upload, preview every row and its match, apply all or nothing.

The uploaded file waits in the session between the preview and the apply; the apply reads it
again, with the choices made in the preview, so what is written is what was checked.
"""

from __future__ import annotations

import base64
import hashlib
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from liaison.core.access import require_perm
from liaison.core.listing import csv_response
from liaison.core.tabular import xlsx_response
from liaison.training import roster, selectors
from liaison.training.forms_roster import NEW_PERSON, RosterUploadForm, parse_decisions
from liaison.training.models import Delivery
from liaison.training.views.deliveries import crumbs

SESSION_UPLOAD = "training_roster_upload"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def _render(
    request: HttpRequest,
    delivery: Delivery,
    form: RosterUploadForm,
    preview: roster.RosterPreview | None,
) -> HttpResponse:
    stored = request.session.get(SESSION_UPLOAD) or {}
    return render(
        request,
        "training/roster_import.html",
        {
            "delivery": delivery,
            "form": form,
            "preview": preview,
            "digest": stored.get("digest", ""),
            "new_person": NEW_PERSON,
            "breadcrumbs": crumbs(
                (str(delivery), reverse("training:delivery_detail", args=[delivery.pk])),
                ("Roster", reverse("training:delivery_roster", args=[delivery.pk])),
                ("Import a roster", ""),
            ),
        },
    )


def _apply(request: HttpRequest, delivery: Delivery) -> HttpResponse:
    stored = request.session.get(SESSION_UPLOAD)
    if (
        not stored
        or stored.get("delivery") != delivery.pk
        or stored.get("digest") != request.POST.get("digest")
    ):
        messages.error(request, "Upload the file again: this preview is no longer current.")
        return redirect("training:roster_import", pk=delivery.pk)
    decisions = parse_decisions(request.POST)
    data = base64.b64decode(stored["data"])
    try:
        result = roster.roster_import_apply(
            actor=request.user,
            delivery=delivery,
            upload=io.BytesIO(data),
            filename=stored["name"],
            decisions=decisions,
        )
    except ValidationError as error:
        messages.error(request, "Nothing was imported. " + " ".join(error.messages))
        preview = roster.roster_import_preview(
            actor=request.user,
            delivery=delivery,
            upload=io.BytesIO(data),
            filename=stored["name"],
            decisions=decisions,
        )
        if not preview.can_apply:
            del request.session[SESSION_UPLOAD]
        return _render(request, delivery, RosterUploadForm(), preview)
    del request.session[SESSION_UPLOAD]
    messages.success(
        request,
        f"{result.total} participant{'s' if result.total != 1 else ''} imported: "
        f"{result.nominated} nominated, {result.waitlisted} on the waiting list; "
        f"{result.matched} already registered, {result.created} newly registered.",
    )
    return redirect("training:delivery_roster", pk=delivery.pk)


@require_http_methods(["GET", "POST"])
def roster_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload → preview (rows, matches, errors, seats) → apply every row or none."""
    delivery = selectors.delivery_get(user=request.user, pk=pk, perm="training.manage_roster")
    if request.method == "POST" and request.POST.get("apply"):
        return _apply(request, delivery)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        preview = roster.roster_import_preview(
            actor=request.user, delivery=delivery, upload=io.BytesIO(data), filename=upload.name
        )
        if preview.can_apply:
            request.session[SESSION_UPLOAD] = {
                "delivery": delivery.pk,
                "name": upload.name,
                "digest": _digest(data),
                "data": base64.b64encode(data).decode(),
            }
        else:
            request.session.pop(SESSION_UPLOAD, None)
    return _render(request, delivery, form, preview)


@require_GET
def roster_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """An empty roster with the expected header, to send to the partner."""
    require_perm(request.user, "training.browse")
    header = list(roster.COLUMNS)
    if fmt == "xlsx":
        return xlsx_response("roster-template.xlsx", header, [])
    if fmt == "csv":
        return csv_response("roster-template.csv", header, [], list)
    raise Http404("Choose csv or xlsx.")


urlpatterns = [
    path("deliveries/<int:pk>/roster/import/", roster_import, name="roster_import"),
    path("roster/template.<str:fmt>", roster_template, name="roster_template"),
]
