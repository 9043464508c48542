"""Visit pages: the list, the request form, and one visit's page with its delegation, its
itinerary and the moves its workflow offers the user (``workflows.VISIT``). Each action posts
to one service and comes back to the visit with its result, or with the service's (or the
planner's) reasons."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core.access import require_perm
from liaison.core.export import export_format, table_response
from liaison.core.forms import add_service_errors
from liaison.core.listing import render_list
from liaison.people.selectors import person_get, person_list
from liaison.visits import selectors, services
from liaison.visits.filters import VisitFilters
from liaison.visits.forms import (
    DelegateForm,
    ReasonForm,
    StopRemoveForm,
    VisitForm,
    error_messages,
)
from liaison.visits.models import DelegateRole, HostAnswer, Stop, Visit, VisitStatus
from liaison.visits.views.nav import crumbs, side_nav
from liaison.visits.workflows import VISIT

CSV_HEADER = [
    "id",
    "filed",
    "country",
    "agency",
    "sponsor",
    "purpose",
    "earliest start",
    "latest end",
    "days",
    "delegation size",
    "delegates",
    "status",
    "starts",
    "ends",
    "reason",
]
DECLINE_LABEL = "Why is the request declined?"
CANCEL_LABEL = "Why is the visit cancelled?"
# The moves asked with a reason: their form's prefix and label.
REASON_FORMS = {"declined": ("decline", DECLINE_LABEL), "cancelled": ("cancel", CANCEL_LABEL)}
# What the page says when a move's service refuses it, and when it is made.
MOVE_MESSAGES = {
    "planning": (
        "Planning could not start",
        "Planning started: plan the itinerary when the delegation's wishes are clear.",
    ),
    "sites_requested": (
        "The sites could not be asked",
        "The sites' hosts are asked: each will accept or decline their stop.",
    ),
    "back_to_planning": (
        "Planning could not resume",
        "Back to planning: re-plan around the hosts' answers.",
    ),
    "confirmed": ("The visit cannot be confirmed yet", "Visit confirmed."),
    "completed": ("The visit could not be completed", "Visit marked completed."),
    "declined": ("The request could not be declined", "Request declined."),
    "cancelled": ("The visit could not be cancelled", "Visit cancelled."),
}


@dataclass(frozen=True)
class Refusal:
    """What the page says when a service refuses: a heading and its reasons."""

    heading: str
    reasons: list[str]


def _csv_row(v: Visit) -> list[Any]:
    return [
        v.pk,
        v.created_at.date().isoformat(),
        str(v.country.code),
        v.agency.name if v.agency else "",
        v.sponsor.code,
        v.purpose,
        v.earliest_start.isoformat(),
        v.latest_end.isoformat(),
        v.length_days,
        v.delegation_size,
        v.delegate_count,  # type: ignore[attr-defined]
        v.status,
        v.starts_on.isoformat() if v.starts_on else "",
        v.ends_on.isoformat() if v.ends_on else "",
        v.status_reason,
    ]


# --- the list and the request form -----------------------------------------------------------


@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    filters = VisitFilters.from_request(request)
    visits = selectors.visit_list(user=request.user, **filters.selector_kwargs())
    if fmt := export_format(request):
        return table_response(fmt, "visits", CSV_HEADER, visits, _csv_row)
    return render_list(
        request,
        "visits/visit_list.html",
        "visits/_visit_results.html",
        visits,
        {
            **filters.page_context(),
            "statuses": VisitStatus.choices,
            "countries": selectors.visit_country_choices(user=request.user),
            "can_file": request.user.has_perm("visits.file_request"),
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(request),
        },
    )


@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "visits.file_request")
    form = VisitForm(
        request.POST or None, user=request.user, country=request.GET.get("country", "")
    )
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_request_file(actor=request.user, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Visit request {visit.pk} filed.")
            return redirect("visits:visit_detail", pk=visit.pk)
    return render(
        request,
        "visits/visit_form.html",
        {
            "form": form,
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(request, ("File a visit request", "")),
        },
    )


# --- one visit --------------------------------------------------------------------------------


def _days(stops: list[Stop]) -> list[dict[str, Any]]:
    return [{"day": day, "stops": list(group)} for day, group in groupby(stops, lambda s: s.day)]


def _detail(
    request: HttpRequest,
    visit: Visit,
    *,
    refusal: Refusal | None = None,
    decline_form: BaseForm | None = None,
    cancel_form: BaseForm | None = None,
) -> HttpResponse:
    user = request.user
    stops = list(selectors.itinerary(visit=visit))
    delegates = list(selectors.visit_delegates(visit=visit))
    # The moves the workflow offers this user now; a move its service would refuse for a rule
    # of its own (no stops to ask about, a host or an approval missing) shows no button.
    moves = {move.name: move for move in VISIT.available(user, visit)}
    buttons = {
        name: move
        for name, move in moves.items()
        if not services.visit_move_refusals(visit=visit, move=name)
    }
    can_plan = services.may_plan(user=user, visit=visit)
    can_edit_delegation = visit.status in services.DELEGATION_OPEN and user.has_perm(
        "visits.file_request", visit
    )
    find = request.GET.get("find", "").strip()
    found = []
    if find and can_edit_delegation and user.has_perm("people.browse"):
        listed = {d.person_id for d in delegates}
        found = [p for p in person_list(user=user, search=find)[:10] if p.pk not in listed]
    must_see, must_avoid = selectors.visit_site_wishes(visit=visit)
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "focus": selectors.visit_focus(visit=visit),
            "must_see": must_see,
            "must_avoid": must_avoid,
            "delegates": delegates,
            "delegate_roles": DelegateRole.choices,
            "can_edit_delegation": can_edit_delegation,
            "find": find,
            "found": found,
            "days": _days(stops),
            "declined": [s for s in stops if s.answer == HostAnswer.DECLINED],
            "waiting": [s for s in stops if s.answer != HostAnswer.ACCEPTED],
            "refusals": services.delegation_refusals(visit) if "confirmed" in moves else [],
            "can_edit_stops": can_plan,
            "can_plan": can_plan,
            "moves": moves,
            "buttons": buttons,
            "refusal": refusal,
            "decline_form": decline_form or ReasonForm(prefix="decline", label=DECLINE_LABEL),
            "cancel_form": cancel_form or ReasonForm(prefix="cancel", label=CANCEL_LABEL),
            "history": selectors.visit_history(visit=visit)[:50],
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(request, (f"Visit {visit.pk}", "")),
        },
    )


@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.visit_get(user=request.user, pk=pk))


def _refused(
    request: HttpRequest, visit: Visit, heading: str, error: ValidationError
) -> HttpResponse:
    """Back to the visit as it now is, with the reasons it was refused."""
    visit.refresh_from_db()
    return _detail(request, visit, refusal=Refusal(heading, list(error.messages)))


def _move(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Make one move of the visit's workflow, authorized by the permission it declares, through
    :func:`services.visit_move`; a move asked with a reason reads it from its form first."""
    visit = selectors.visit_get(user=request.user, pk=pk, perm=VISIT.named(name).perm)
    refused, done = MOVE_MESSAGES[name]
    form = None
    reason = ""
    if name in REASON_FORMS:
        prefix, label = REASON_FORMS[name]
        form = ReasonForm(request.POST, prefix=prefix, label=label)
        if not form.is_valid():
            return _with_form(request, visit, name, form)
        reason = form.cleaned_data["reason"]
    try:
        services.visit_move(actor=request.user, visit=visit, move=name, reason=reason)
    except ValidationError as error:
        if form is None:
            return _refused(request, visit, refused, error)
        visit.refresh_from_db()
        add_service_errors(form, error)
        return _with_form(request, visit, name, form)
    messages.success(request, done)
    return redirect("visits:visit_detail", pk=pk)


def _with_form(request: HttpRequest, visit: Visit, name: str, form: BaseForm) -> HttpResponse:
    if name == "declined":
        return _detail(request, visit, decline_form=form)
    return _detail(request, visit, cancel_form=form)


@require_POST
def visit_start_planning(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "planning")


@require_POST
def visit_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan or re-plan; when no itinerary fits, the planner's reasons are the answer."""
    visit = selectors.visit_get(user=request.user, pk=pk, perm=services.PLAN_PERM)
    try:
        result = services.visit_plan(actor=request.user, visit=visit)
    except ValidationError as error:
        return _refused(request, visit, "No itinerary fits this visit", error)
    visit.refresh_from_db()
    planned = f"Itinerary planned: {visit.starts_on:%a %d %b} to {visit.ends_on:%a %d %b %Y}."
    messages.success(request, " ".join([planned, *result.reasons]))
    return redirect("visits:visit_detail", pk=pk)


@require_POST
def visit_request_sites(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "sites_requested")


@require_POST
def visit_resume_planning(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "back_to_planning")


@require_POST
def visit_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "confirmed")


@require_POST
def visit_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "completed")


@require_POST
def visit_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "declined")


@require_POST
def visit_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "cancelled")


# --- the delegation ---------------------------------------------------------------------------


@require_POST
def delegate_add(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.visit_get(user=request.user, pk=pk, perm="visits.file_request")
    form = DelegateForm(request.POST)
    if not form.is_valid():
        reasons = error_messages(form)
        return _detail(request, visit, refusal=Refusal("The delegate was not added", reasons))
    person = person_get(user=request.user, pk=form.cleaned_data["person"])
    try:
        delegate = services.delegate_add(
            actor=request.user, visit=visit, person=person, role=form.cleaned_data["role"]
        )
    except ValidationError as error:
        return _refused(request, visit, "The delegate was not added", error)
    messages.success(request, f"{delegate} added to the delegation.")
    return redirect("visits:visit_detail", pk=pk)


@require_POST
def delegate_remove(request: HttpRequest, pk: int) -> HttpResponse:
    delegate = selectors.delegate_get(user=request.user, pk=pk, perm="visits.file_request")
    visit = delegate.visit
    try:
        services.delegate_remove(actor=request.user, delegate=delegate)
    except ValidationError as error:
        return _refused(request, visit, "The delegate was not removed", error)
    messages.success(request, f"{delegate.person} removed from the delegation.")
    return redirect("visits:visit_detail", pk=visit.pk)


# --- the itinerary's stops --------------------------------------------------------------------


@require_POST
def stop_pin(request: HttpRequest, pk: int) -> HttpResponse:
    """Pin (``pinned=1``) or unpin (``pinned=0``) a stop through re-planning."""
    stop = selectors.stop_get(user=request.user, pk=pk, perm="visits.plan")
    pinned = request.POST.get("pinned") != "0"
    services.stop_pin(actor=request.user, stop=stop, pinned=pinned)
    messages.success(
        request,
        f"{stop} pinned: re-planning keeps it."
        if pinned
        else f"{stop} unpinned: re-planning may move it.",
    )
    return redirect("visits:visit_detail", pk=stop.visit_id)


@require_POST
def stop_remove(request: HttpRequest, pk: int) -> HttpResponse:
    stop = selectors.stop_get(user=request.user, pk=pk, perm="visits.plan")
    visit = stop.visit
    form = StopRemoveForm(request.POST)
    if not form.is_valid():
        reasons = error_messages(form)
        return _detail(request, visit, refusal=Refusal("The stop was not removed", reasons))
    whole_visit = form.cleaned_data["scope"] == "visit"
    label = str(stop)
    try:
        services.stop_remove(
            actor=request.user,
            stop=stop,
            whole_visit=whole_visit,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        return _refused(request, visit, "The stop was not removed", error)
    kept_off = "the whole visit" if whole_visit else "that day"
    messages.success(
        request, f"{label} removed; re-planning keeps {stop.site.name} off {kept_off}."
    )
    return redirect("visits:visit_detail", pk=visit.pk)


urlpatterns = [
    path("", visit_list, name="visit_list"),
    path("new/", visit_create, name="visit_create"),
    path("<int:pk>/", visit_detail, name="visit_detail"),
    path("<int:pk>/start-planning/", visit_start_planning, name="visit_start_planning"),
    path("<int:pk>/plan/", visit_plan, name="visit_plan"),
    path("<int:pk>/request-sites/", visit_request_sites, name="visit_request_sites"),
    path("<int:pk>/resume-planning/", visit_resume_planning, name="visit_resume_planning"),
    path("<int:pk>/confirm/", visit_confirm, name="visit_confirm"),
    path("<int:pk>/complete/", visit_complete, name="visit_complete"),
    path("<int:pk>/decline/", visit_decline, name="visit_decline"),
    path("<int:pk>/cancel/", visit_cancel, name="visit_cancel"),
    path("<int:pk>/delegates/add/", delegate_add, name="delegate_add"),
    path("delegates/<int:pk>/remove/", delegate_remove, name="delegate_remove"),
    path("stops/<int:pk>/pin/", stop_pin, name="stop_pin"),
    path("stops/<int:pk>/remove/", stop_remove, name="stop_remove"),
]
