"""Training request pages: posts and partners file what they need; headquarters approves a
request into a delivery or declines it with a reason; the filer may withdraw it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core.access import require_perm
from liaison.core.export import export_format, table_response
from liaison.core.forms import add_service_errors
from liaison.core.listing import render_list
from liaison.core.views import form_page
from liaison.training import selectors, services
from liaison.training.forms_requests import ApproveForm, DeclineForm, RequestForm
from liaison.training.models import RequestStatus, TrainingRequest
from liaison.training.views.deliveries import crumbs, side_nav
from liaison.training.workflows import TRAINING_REQUEST

CSV_HEADER = [
    "id",
    "filed",
    "country",
    "agency",
    "course",
    "need",
    "preferred start",
    "preferred end",
    "participants expected",
    "funding",
    "status",
    "decided",
    "decision note",
    "filed by",
]


def _csv_row(r: TrainingRequest) -> list[Any]:
    return [
        r.pk,
        r.created_at.date().isoformat(),
        str(r.country.code),
        r.agency.name if r.agency else "",
        r.course.code if r.course else "",
        r.need,
        r.preferred_start.isoformat() if r.preferred_start else "",
        r.preferred_end.isoformat() if r.preferred_end else "",
        r.participants_expected if r.participants_expected is not None else "",
        r.funding_source.code if r.funding_source else "",
        r.status,
        r.decided_at.date().isoformat() if r.decided_at else "",
        r.decision_note,
        r.requested_by.username if r.requested_by else "",
    ]


def _request_crumbs(*trail: tuple[str, str]) -> list[tuple[str, str]]:
    return crumbs(("Requests", reverse("training:request_list")), *trail)


@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    filters = {
        "search": request.GET.get("q", "").strip(),
        "status": request.GET.get("status", ""),
        "country": request.GET.get("country", "").upper(),
    }
    requests = selectors.request_list(user=request.user, **filters)
    if fmt := export_format(request):
        return table_response(fmt, "training-requests", CSV_HEADER, requests, _csv_row)
    return render_list(
        request,
        "training/request_list.html",
        "training/_request_results.html",
        requests,
        {
            **filters,
            "q": filters["search"],
            "statuses": RequestStatus.choices,
            "countries": selectors.request_filter_countries(user=request.user),
            "can_file": request.user.has_perm("training.file_request"),
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(("Requests", "")),
        },
    )


@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "training.file_request")
    return form_page(
        request,
        form=RequestForm(request.POST or None, user=request.user),
        save=lambda data: services.training_request_file(actor=request.user, **data),
        title="File a training request",
        cancel_url=reverse("training:request_list"),
        done=lambda filed: reverse("training:request_detail", args=[filed.pk]),
        breadcrumbs=_request_crumbs(("New request", "")),
        side_nav=side_nav(request),
    )


def _detail(
    request: HttpRequest,
    training_request: TrainingRequest,
    *,
    approve_form: BaseForm | None = None,
    decline_form: BaseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    # The moves come from the TRAINING_REQUEST workflow: each its own form.
    moves = {m.name: m for m in TRAINING_REQUEST.available(request.user, training_request)}
    return render(
        request,
        "training/request_detail.html",
        {
            "training_request": training_request,
            "deliveries": selectors.request_deliveries(request=training_request),
            "history": selectors.request_history(request=training_request)[:50],
            "approve": moves.get("approved"),
            "decline": moves.get("declined"),
            "withdraw": moves.get("withdrawn"),
            "approve_form": approve_form or ApproveForm.for_request(training_request),
            "decline_form": decline_form or DeclineForm(),
            "side_nav": side_nav(request),
            "breadcrumbs": _request_crumbs((f"Request {training_request.pk}", "")),
        },
        status=status,
    )


@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.request_get(user=request.user, pk=pk))


def _decided_meanwhile(
    request: HttpRequest, training_request: TrainingRequest, error: ValidationError
) -> bool:
    """A refusal because the request was decided meanwhile (its workflow has no move left
    from its state): there is no form to show it on."""
    training_request.refresh_from_db()
    if TRAINING_REQUEST.moves_from(training_request.status):
        return False
    messages.error(request, " ".join(error.messages))
    return True


@require_POST
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    training_request = selectors.request_get(
        user=request.user, pk=pk, perm="training.decide_request"
    )
    form = ApproveForm(request.POST)
    if form.is_valid():
        values = dict(form.cleaned_data)
        note = values.pop("note")
        try:
            delivery = services.training_request_approve(
                actor=request.user, request=training_request, note=note, **values
            )
        except ValidationError as error:
            if _decided_meanwhile(request, training_request, error):
                return redirect("training:request_detail", pk=pk)
            add_service_errors(form, error)
        else:
            messages.success(request, f"Request approved: {delivery} is planned.")
            return redirect("training:delivery_detail", pk=delivery.pk)
    return _detail(request, training_request, approve_form=form)


@require_POST
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    training_request = selectors.request_get(
        user=request.user, pk=pk, perm="training.decide_request"
    )
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.training_request_decline(
                actor=request.user, request=training_request, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            if _decided_meanwhile(request, training_request, error):
                return redirect("training:request_detail", pk=pk)
            add_service_errors(form, error)
        else:
            messages.success(request, "Request declined.")
            return redirect("training:request_detail", pk=pk)
    return _detail(request, training_request, decline_form=form)


@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    training_request = selectors.request_get(user=request.user, pk=pk, perm="training.file_request")
    try:
        services.training_request_withdraw(actor=request.user, request=training_request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Request withdrawn.")
    return redirect("training:request_detail", pk=pk)


urlpatterns = [
    path("requests/", request_list, name="request_list"),
    path("requests/new/", request_create, name="request_create"),
    path("requests/<int:pk>/", request_detail, name="request_detail"),
    path("requests/<int:pk>/approve/", request_approve, name="request_approve"),
    path("requests/<int:pk>/decline/", request_decline, name="request_decline"),
    path("requests/<int:pk>/withdraw/", request_withdraw, name="request_withdraw"),
]
