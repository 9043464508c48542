# No `from __future__ import annotations`: django-ninja reads the list endpoints' filter
# schemas from the annotations, through @paginate's wrapper, which cannot resolve a string.

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from liaison.core.api import actor
from liaison.partners import selectors, services
from liaison.partners.filters import AgencyFilters, CountryFilters
from liaison.partners.schemas import AgencyIn, AgencyOut, AgencyPatch, CountryOut, RegionOut

router = Router(tags=["partners"])


@router.get("/regions", response=list[RegionOut])
def list_regions(request: HttpRequest) -> Any:
    return selectors.region_list(user=actor(request))


@router.get("/countries", response=list[CountryOut])
@paginate(PageNumberPagination, page_size=50)
def list_countries(request: HttpRequest, filters: Query[CountryFilters]) -> Any:
    return selectors.country_list(user=actor(request), **filters.selector_kwargs())


@router.get("/countries/{code}", response=CountryOut)
def get_country(request: HttpRequest, code: str) -> Any:
    return selectors.country_get(user=actor(request), code=code)


@router.get("/agencies", response=list[AgencyOut])
@paginate(PageNumberPagination, page_size=50)
def list_agencies(request: HttpRequest, filters: Query[AgencyFilters]) -> Any:
    return selectors.agency_list(user=actor(request), **filters.selector_kwargs())


@router.get("/agencies/{agency_id}", response=AgencyOut)
def get_agency(request: HttpRequest, agency_id: int) -> Any:
    return selectors.agency_get(user=actor(request), pk=agency_id)


@router.post("/agencies", response={201: AgencyOut})
def create_agency(request: HttpRequest, payload: AgencyIn) -> Any:
    user = actor(request)
    values = payload.dict()
    values["country"] = selectors.country_get(user=user, code=values["country"])
    return Status(201, services.agency_create(actor=user, **values))


@router.patch("/agencies/{agency_id}", response=AgencyOut)
def update_agency(request: HttpRequest, agency_id: int, payload: AgencyPatch) -> Any:
    user = actor(request)
    agency = selectors.agency_get(user=user, pk=agency_id, perm="partners.change_agency")
    changes = payload.dict(exclude_unset=True)
    if "country" in changes:
        changes["country"] = selectors.country_get(user=user, code=changes["country"])
    return services.agency_update(actor=user, agency=agency, **changes)
