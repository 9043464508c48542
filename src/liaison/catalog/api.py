# No `from __future__ import annotations`: django-ninja reads the list endpoints' filter
# schemas from the annotations, through @paginate's wrapper, which cannot resolve a string.

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from liaison.catalog import selectors, services
from liaison.catalog.filters import CourseFilters, VenueFilters
from liaison.catalog.schemas import (
    CourseIn,
    CourseOut,
    CoursePatch,
    FundingSourceOut,
    VenueIn,
    VenueOut,
    VenuePatch,
)
from liaison.core.api import actor
from liaison.partners import selectors as partner_selectors

router = Router(tags=["catalog"])


@router.get("/courses", response=list[CourseOut])
@paginate(PageNumberPagination, page_size=50)
def list_courses(request: HttpRequest, filters: Query[CourseFilters]) -> Any:
    return selectors.course_list(user=actor(request), **filters.selector_kwargs())


@router.get("/courses/{course_id}", response=CourseOut)
def get_course(request: HttpRequest, course_id: int) -> Any:
    return selectors.course_get(user=actor(request), pk=course_id)


@router.post("/courses", response={201: CourseOut})
def create_course(request: HttpRequest, payload: CourseIn) -> Any:
    user = actor(request)
    values = payload.dict()
    values["area"] = selectors.program_area_get(user=user, code=values["area"])
    return Status(201, services.course_create(actor=user, **values))


@router.patch("/courses/{course_id}", response=CourseOut)
def update_course(request: HttpRequest, course_id: int, payload: CoursePatch) -> Any:
    user = actor(request)
    course = selectors.course_get(user=user, pk=course_id, perm="catalog.change")
    return services.course_update(actor=user, course=course, **payload.dict(exclude_unset=True))


@router.get("/venues", response=list[VenueOut])
@paginate(PageNumberPagination, page_size=50)
def list_venues(request: HttpRequest, filters: Query[VenueFilters]) -> Any:
    return selectors.venue_list(user=actor(request), **filters.selector_kwargs())


@router.get("/venues/{venue_id}", response=VenueOut)
def get_venue(request: HttpRequest, venue_id: int) -> Any:
    return selectors.venue_get(user=actor(request), pk=venue_id)


@router.post("/venues", response={201: VenueOut})
def create_venue(request: HttpRequest, payload: VenueIn) -> Any:
    user = actor(request)
    values = payload.dict()
    values["country"] = partner_selectors.country_get(user=user, code=values["country"])
    return Status(201, services.venue_create(actor=user, **values))


@router.patch("/venues/{venue_id}", response=VenueOut)
def update_venue(request: HttpRequest, venue_id: int, payload: VenuePatch) -> Any:
    user = actor(request)
    venue = selectors.venue_get(user=user, pk=venue_id, perm="catalog.change")
    return services.venue_update(actor=user, venue=venue, **payload.dict(exclude_unset=True))


@router.get("/funding-sources", response=list[FundingSourceOut])
@paginate(PageNumberPagination, page_size=50)
def list_funding_sources(request: HttpRequest) -> Any:
    return selectors.funding_source_list(user=actor(request))
