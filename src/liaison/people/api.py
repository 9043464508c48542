# No `from __future__ import annotations`: django-ninja reads the list endpoints' filter
# schemas from the annotations, through @paginate's wrapper, which cannot resolve a string.

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from liaison.core.api import actor
from liaison.partners import selectors as partner_selectors
from liaison.people import selectors, services
from liaison.people.filters import PersonFilters
from liaison.people.schemas import (
    MatchOut,
    MergeIn,
    PersonalDataOut,
    PersonIn,
    PersonOut,
    PersonPatch,
)

router = Router(tags=["people"])


def _resolve_links(user: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Turn the API's codes and ids into the records the service takes, within scope."""
    if "nationality" in values:
        code = values.pop("nationality")
        values["nationality"] = (
            partner_selectors.country_get(user=user, code=code) if code else None
        )
    if "agency_id" in values:
        agency_id = values.pop("agency_id")
        values["agency"] = (
            partner_selectors.agency_get(user=user, pk=agency_id) if agency_id else None
        )
    return values


@router.get("", response=list[PersonOut])
@paginate(PageNumberPagination, page_size=50)
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> Any:
    return selectors.person_list(user=actor(request), **filters.selector_kwargs())


@router.get("/{person_id}", response=PersonOut)
def get_person(request: HttpRequest, person_id: int) -> Any:
    return selectors.person_get(user=actor(request), pk=person_id)


@router.get("/{person_id}/personal-data", response=PersonalDataOut)
def get_personal_data(request: HttpRequest, person_id: int) -> Any:
    user = actor(request)
    person = selectors.person_get(user=user, pk=person_id, perm="people.view_personal_data")
    return services.person_personal_data(actor=user, person=person)


@router.get("/{person_id}/possible-duplicates", response=list[MatchOut])
def possible_duplicates(request: HttpRequest, person_id: int) -> Any:
    """People who look like this one, only those the caller may see; reasons about birth
    dates only for callers who may see birth dates (``selectors.visible_match_reasons``)."""
    user = actor(request)
    person = selectors.person_get(user=user, pk=person_id)
    return [match for match, _ in selectors.person_possible_duplicates(user=user, person=person)]


@router.post("", response={201: PersonOut})
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    user = actor(request)
    values = _resolve_links(user, payload.dict())
    allow = values.pop("allow_duplicates")
    return Status(201, services.person_create(actor=user, allow_duplicates=allow, **values))


@router.patch("/{person_id}", response=PersonOut)
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> Any:
    user = actor(request)
    person = selectors.person_get(user=user, pk=person_id, perm="people.change_person")
    changes = _resolve_links(user, payload.dict(exclude_unset=True))
    return services.person_update(actor=user, person=person, **changes)


@router.post("/{person_id}/merge", response=PersonOut)
def merge_person(request: HttpRequest, person_id: int, payload: MergeIn) -> Any:
    """Merge ``duplicate_id`` into this person."""
    user = actor(request)
    survivor = selectors.person_get(user=user, pk=person_id, perm="people.merge_person")
    duplicate = selectors.person_get(user=user, pk=payload.duplicate_id, perm="people.merge_person")
    return services.person_merge(actor=user, survivor=survivor, duplicate=duplicate)
