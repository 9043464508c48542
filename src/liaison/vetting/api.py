# No `from __future__ import annotations`: django-ninja reads the list endpoints' filter
# schemas from the annotations, through @paginate's wrapper, which cannot resolve a string.

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from liaison.core.api import actor
from liaison.people.selectors import person_get
from liaison.vetting import selectors, services
from liaison.vetting.filters import VettingFilters
from liaison.vetting.schemas import DecisionIn, SubmitIn, VettingOut

router = Router(tags=["vetting"])


@router.get("", response=list[VettingOut])
@paginate(PageNumberPagination, page_size=50)
def list_vetting(request: HttpRequest, filters: Query[VettingFilters]) -> Any:
    return selectors.vetting_list(user=actor(request), **filters.selector_kwargs())


@router.get("/expiring", response=list[VettingOut])
@paginate(PageNumberPagination, page_size=50)
def list_expiring(request: HttpRequest, days: int = selectors.EXPIRY_WINDOW_DAYS) -> Any:
    return selectors.vetting_expiring(user=actor(request), days=days)


@router.get("/{int:record_id}", response=VettingOut)
def get_vetting(request: HttpRequest, record_id: int) -> Any:
    return selectors.vetting_get(user=actor(request), pk=record_id)


@router.post("/submit", response=VettingOut)
def submit_vetting(request: HttpRequest, payload: SubmitIn) -> Any:
    user = actor(request)
    person = person_get(user=user, pk=payload.person_id)
    return services.vetting_submit(actor=user, person=person, purpose=payload.purpose)


@router.post("/{int:record_id}/decision", response=VettingOut)
def decide_vetting(request: HttpRequest, record_id: int, payload: DecisionIn) -> Any:
    user = actor(request)
    record = selectors.vetting_get(user=user, pk=record_id, perm="vetting.decide")
    return services.vetting_decide(
        actor=user,
        record=record,
        decision=payload.decision,
        valid_until=payload.valid_until,
        reference=payload.reference,
        notes=payload.notes,
    )
