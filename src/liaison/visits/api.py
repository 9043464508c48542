"""The visits API: the site registry, visit requests and their transitions, delegates, the
itinerary and its planning, and the site hosts' answers.

Each write fetches and authorizes its record through the selectors, then calls the same
service the pages call, so the rules and the permissions are the pages' own.
"""

# No `from __future__ import annotations`: django-ninja reads the list endpoints' filter
# schemas from the annotations, through @paginate's wrapper, which cannot resolve a string.

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from liaison.core.access import require_perm
from liaison.core.api import ErrorCode, actor, error_body
from liaison.partners import selectors as partner_selectors
from liaison.people import selectors as people_selectors
from liaison.visits import selectors, services
from liaison.visits.filters import SiteFilters, VisitFilters
from liaison.visits.models import Visit
from liaison.visits.schemas import (
    AnswerIn,
    DelegateIn,
    DelegateOut,
    FocusAreaOut,
    HostStopOut,
    ItineraryOut,
    PlanOut,
    PlanRefusedOut,
    ReasonIn,
    SiteDetailOut,
    SiteOut,
    StopOut,
    StopRemoveIn,
    VisitDetailOut,
    VisitIn,
    VisitOut,
    YearPlanAppliedOut,
    YearPlanIn,
    YearPlanOut,
)
from liaison.visits.workflows import VISIT

router = Router(tags=["visits"])


# --- turning the API's ids into records, within the user's scope -----------------------------


def _or_invalid(field: str, message: str, fetch: Callable[[], Any]) -> Any:
    """A record named in the body: unknown is a field error (400), out of scope stays 403."""
    try:
        return fetch()
    except Http404:
        raise ValidationError({field: message}) from None


def _itinerary(visit: Visit) -> dict[str, Any]:
    """The visit's days from first to last, each with its stops (a travel day has none)."""
    stops = list(selectors.itinerary(visit=visit))
    days = sorted({stop.day for stop in stops})
    if visit.starts_on and visit.ends_on:
        span = (visit.ends_on - visit.starts_on).days + 1
        days = sorted(set(days) | {visit.starts_on + timedelta(days=n) for n in range(span)})
    return {
        "visit_id": visit.pk,
        "status": visit.status,
        "starts_on": visit.starts_on,
        "ends_on": visit.ends_on,
        "days": [{"day": day, "stops": [s for s in stops if s.day == day]} for day in days],
    }


# --- sites -----------------------------------------------------------------------------------


@router.get("/sites", response=list[SiteOut])
@paginate(PageNumberPagination, page_size=50)
def list_visit_sites(request: HttpRequest, filters: Query[SiteFilters]) -> Any:
    return selectors.site_list(user=actor(request), **filters.selector_kwargs())


@router.get("/sites/{int:site_id}", response=SiteDetailOut)
def get_visit_site(request: HttpRequest, site_id: int) -> Any:
    return selectors.site_get(user=actor(request), pk=site_id)


@router.get("/focus-areas", response=list[FocusAreaOut])
@paginate(PageNumberPagination, page_size=50)
def list_visit_focus_areas(request: HttpRequest) -> Any:
    return selectors.focus_area_list(user=actor(request))


# --- visit requests --------------------------------------------------------------------------


@router.get("/requests", response=list[VisitOut])
@paginate(PageNumberPagination, page_size=50)
def list_visit_requests(request: HttpRequest, filters: Query[VisitFilters]) -> Any:
    return selectors.visit_list(user=actor(request), **filters.selector_kwargs())


@router.get("/requests/{int:visit_id}", response=VisitDetailOut)
def get_visit_request(request: HttpRequest, visit_id: int) -> Any:
    return selectors.visit_get(user=actor(request), pk=visit_id)


@router.post("/requests", response={201: VisitDetailOut})
def file_visit_request(request: HttpRequest, payload: VisitIn) -> Any:
    user = actor(request)
    require_perm(user, "visits.file_request")
    values = payload.dict()
    code = values.pop("country")
    values["country"] = _or_invalid(
        "country",
        f"No country has the code “{code}”.",
        lambda: partner_selectors.country_get(user=user, code=code),
    )
    agency_id = values.pop("agency_id")
    values["agency"] = (
        _or_invalid(
            "agency_id",
            f"No agency has the id {agency_id}.",
            lambda: partner_selectors.agency_get(user=user, pk=agency_id),
        )
        if agency_id
        else None
    )
    [values["sponsor"]] = selectors.sponsors_by_code(
        user=user, codes=[values["sponsor"]], field="sponsor"
    )
    priorities = values.pop("focus")
    codes = [item["focus"] for item in priorities]
    if len(set(codes)) < len(codes):
        raise ValidationError({"focus": "Give each focus area once."})
    areas = selectors.focus_areas_by_code(user=user, codes=codes, field="focus")
    focus = {area: item["priority"] for area, item in zip(areas, priorities, strict=True)}
    for field in ("must_see", "must_avoid"):
        values[field] = selectors.sites_by_code(user=user, codes=values[field], field=field)
    visit = services.visit_request_file(actor=user, focus=focus, **values)
    return Status(201, visit)


def _visit_move(request: HttpRequest, visit_id: int, move: str, reason: str = "") -> Visit:
    """One move of the visit's workflow (``workflows.VISIT``): the visit is fetched for the
    permission the move declares, and the move is made by its service."""
    user = actor(request)
    visit = selectors.visit_get(user=user, pk=visit_id, perm=VISIT.named(move).perm)
    return services.visit_move(actor=user, visit=visit, move=move, reason=reason)


@router.post("/requests/{int:visit_id}/start-planning", response=VisitOut)
def start_visit_planning(request: HttpRequest, visit_id: int) -> Any:
    return _visit_move(request, visit_id, "planning")


@router.post("/requests/{int:visit_id}/request-sites", response=VisitOut)
def request_visit_sites(request: HttpRequest, visit_id: int) -> Any:
    """Send the planned stops to the sites' hosts."""
    return _visit_move(request, visit_id, "sites_requested")


@router.post("/requests/{int:visit_id}/resume-planning", response=VisitOut)
def resume_visit_planning(request: HttpRequest, visit_id: int) -> Any:
    """Back to planning after a host declined, to re-plan around the answer."""
    return _visit_move(request, visit_id, "back_to_planning")


@router.post("/requests/{int:visit_id}/confirm", response=VisitOut)
def confirm_visit(request: HttpRequest, visit_id: int) -> Any:
    """Every host accepted and every delegate holds a valid access approval."""
    return _visit_move(request, visit_id, "confirmed")


@router.post("/requests/{int:visit_id}/complete", response=VisitOut)
def complete_visit(request: HttpRequest, visit_id: int) -> Any:
    return _visit_move(request, visit_id, "completed")


@router.post("/requests/{int:visit_id}/decline", response=VisitOut)
def decline_visit_request(request: HttpRequest, visit_id: int, payload: ReasonIn) -> Any:
    return _visit_move(request, visit_id, "declined", payload.reason)


@router.post("/requests/{int:visit_id}/cancel", response=VisitOut)
def cancel_visit(request: HttpRequest, visit_id: int, payload: ReasonIn) -> Any:
    return _visit_move(request, visit_id, "cancelled", payload.reason)


# --- delegates -------------------------------------------------------------------------------


@router.get("/requests/{int:visit_id}/delegates", response=list[DelegateOut])
@paginate(PageNumberPagination, page_size=50)
def list_visit_delegates(request: HttpRequest, visit_id: int) -> Any:
    visit = selectors.visit_get(user=actor(request), pk=visit_id)
    return selectors.visit_delegates(visit=visit)


@router.post("/requests/{int:visit_id}/delegates", response={201: DelegateOut})
def add_visit_delegate(request: HttpRequest, visit_id: int, payload: DelegateIn) -> Any:
    user = actor(request)
    visit = selectors.visit_get(user=user, pk=visit_id, perm="visits.file_request")
    person = _or_invalid(
        "person_id",
        f"No person has the id {payload.person_id}.",
        lambda: people_selectors.person_get(user=user, pk=payload.person_id),
    )
    delegate = services.delegate_add(actor=user, visit=visit, person=person, role=payload.role)
    return Status(201, delegate)


@router.delete("/requests/{int:visit_id}/delegates/{int:delegate_id}", response={204: None})
def remove_visit_delegate(request: HttpRequest, visit_id: int, delegate_id: int) -> Any:
    user = actor(request)
    visit = selectors.visit_get(user=user, pk=visit_id, perm="visits.file_request")
    delegate = selectors.delegate_get(user=user, pk=delegate_id, perm="visits.file_request")
    if delegate.visit_id != visit.pk:
        raise Http404
    services.delegate_remove(actor=user, delegate=delegate)
    return Status(204, None)


# --- the itinerary and planning --------------------------------------------------------------


@router.get("/requests/{int:visit_id}/itinerary", response=ItineraryOut)
def get_visit_itinerary(request: HttpRequest, visit_id: int) -> Any:
    return _itinerary(selectors.visit_get(user=actor(request), pk=visit_id))


@router.post("/requests/{int:visit_id}/plan", response={200: PlanOut, 400: PlanRefusedOut})
def plan_visit(request: HttpRequest, visit_id: int) -> Any:
    """Plan (or re-plan) around the pinned and accepted stops; when nothing fits, a 400 with
    the planner's reasons, and the visit as it was."""
    user = actor(request)
    visit = selectors.visit_get(user=user, pk=visit_id, perm="visits.plan")
    try:
        result = services.visit_plan(actor=user, visit=visit)
    except ValidationError as refusal:
        reasons = list(refusal.messages)
        body = error_body(ErrorCode.INVALID, " ".join(reasons), fields={}, reasons=reasons)
        return Status(400, body)
    return {
        "objective": result.objective,
        "bound": result.bound,
        "optimal": result.optimal,
        "solve_seconds": result.solve_seconds,
        "notes": list(result.reasons),
        "itinerary": _itinerary(visit),
    }


def _planned_stop(request: HttpRequest, visit_id: int, stop_id: int) -> Any:
    """A stop of the visit, for its planner: the visit is authorized first, then the stop."""
    user = actor(request)
    visit = selectors.visit_get(user=user, pk=visit_id, perm="visits.plan")
    stop = selectors.stop_get(user=user, pk=stop_id, perm="visits.plan")
    if stop.visit_id != visit.pk:
        raise Http404
    return stop


@router.post("/requests/{int:visit_id}/stops/{int:stop_id}/pin", response=StopOut)
def pin_visit_stop(request: HttpRequest, visit_id: int, stop_id: int) -> Any:
    """Keep the stop through re-planning."""
    stop = _planned_stop(request, visit_id, stop_id)
    return services.stop_pin(actor=actor(request), stop=stop)


@router.post("/requests/{int:visit_id}/stops/{int:stop_id}/unpin", response=StopOut)
def unpin_visit_stop(request: HttpRequest, visit_id: int, stop_id: int) -> Any:
    """Let the planner move the stop again."""
    stop = _planned_stop(request, visit_id, stop_id)
    return services.stop_pin(actor=actor(request), stop=stop, pinned=False)


@router.post("/requests/{int:visit_id}/stops/{int:stop_id}/remove", response={204: None})
def remove_visit_stop(
    request: HttpRequest, visit_id: int, stop_id: int, payload: StopRemoveIn
) -> Any:
    """Take the stop out: that day only, or (``whole_visit``) the site for the whole visit."""
    services.stop_remove(
        actor=actor(request),
        stop=_planned_stop(request, visit_id, stop_id),
        whole_visit=payload.whole_visit,
        reason=payload.reason.strip(),
    )
    return Status(204, None)


# --- the hosts' answers ----------------------------------------------------------------------


@router.get("/host-inbox", response=list[HostStopOut])
@paginate(PageNumberPagination, page_size=50)
def list_host_inbox(request: HttpRequest) -> Any:
    """The stops awaiting the user's answer at the sites they host, soonest first."""
    return selectors.host_inbox(user=actor(request))


@router.post("/stops/{int:stop_id}/answer", response=HostStopOut)
def answer_visit_stop(request: HttpRequest, stop_id: int, payload: AnswerIn) -> Any:
    """The host accepts the stop, or declines it with a reason (``workflows.HOST_ANSWER``)."""
    user = actor(request)
    stop = selectors.host_stop_get(user=user, pk=stop_id)
    return services.stop_answer(actor=user, stop=stop, accept=payload.accept, reason=payload.reason)


# --- the year scheduler ----------------------------------------------------------------------


@router.post("/year-plans", response={202: YearPlanOut})
def start_year_plan(request: HttpRequest, payload: YearPlanIn) -> Any:
    """Queue a run over every pending request; poll it until its status is done or failed."""
    plan = services.year_plan_start(actor=actor(request), time_limit=payload.time_limit)
    return Status(202, plan)


@router.get("/year-plans/{int:plan_id}", response=YearPlanOut)
def get_year_plan(request: HttpRequest, plan_id: int) -> Any:
    return selectors.year_plan_get(user=actor(request), pk=plan_id)


@router.post("/year-plans/{int:plan_id}/apply", response=YearPlanAppliedOut)
def apply_year_plan(request: HttpRequest, plan_id: int) -> Any:
    user = actor(request)
    plan = selectors.year_plan_get(user=user, pk=plan_id)
    report = services.year_plan_apply(actor=user, plan=plan)
    return {"applied": report.applied, "skipped": report.skipped}
