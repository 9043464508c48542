"""Reads of partners for pages and the API, already scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from liaison.audit.models import AuditEntryQuerySet
from liaison.audit.selectors import audit_history
from liaison.core.access import get_for_user, require_perm
from liaison.partners.models import Agency, Country, Region
from liaison.partners.permissions import scope_agencies, scope_countries


def _scoped_countries(user: Any) -> QuerySet[Country]:
    return scope_countries(user, Country.objects.all())


def region_list(*, user: Any) -> QuerySet[Region]:
    require_perm(user, "partners.browse")
    return Region.objects.annotate(
        country_count=Count("countries", distinct=True),
        agency_count=Count("countries__agencies", distinct=True),
    ).order_by("code")


def country_list(*, user: Any, search: str = "", region: str = "") -> QuerySet[Country]:
    require_perm(user, "partners.browse")
    countries = _scoped_countries(user).select_related("region")
    if search:
        countries = countries.filter(Q(name__icontains=search) | Q(code__iexact=search))
    if region:
        countries = countries.filter(region__code=region)
    return countries.annotate(
        agency_count=Count("agencies", distinct=True),
        people_count=Count("people", filter=Q(people__merged_into__isnull=True), distinct=True),
    ).order_by("name")


def country_get(*, user: Any, code: str) -> Country:
    return get_for_user(
        Country.objects.select_related("region"), user, "partners.view_country", code=code.upper()
    )


def agency_list(
    *, user: Any, search: str = "", country: str = "", kind: str = "", region: str = ""
) -> QuerySet[Agency]:
    require_perm(user, "partners.browse")
    agencies = scope_agencies(user, Agency.objects.select_related("country", "country__region"))
    if search:
        agencies = agencies.filter(Q(name__icontains=search) | Q(acronym__iexact=search))
    if country:
        agencies = agencies.filter(country__code=country.upper())
    if kind:
        agencies = agencies.filter(kind=kind)
    if region:
        agencies = agencies.filter(country__region__code=region)
    return agencies


def agency_get(*, user: Any, pk: int, perm: str = "partners.view_agency") -> Agency:
    return get_for_user(
        Agency.objects.select_related("country", "country__region"), user, perm, pk=pk
    )


def regions_for_choice() -> QuerySet[Region]:
    """The regions, for a filter's choices (their names are no secret)."""
    return Region.objects.order_by("code")


def countries_for_choice(*, user: Any) -> QuerySet[Country]:
    """Countries a user may pick when adding a record (an attaché: their region)."""
    return _scoped_countries(user).order_by("name")


def agency_history(*, agency: Agency) -> AuditEntryQuerySet:
    return audit_history(object_type="partners.agency", object_ids=[str(agency.pk)])


def agency_people_count(*, user: Any, agency: Agency) -> int | None:
    """How many officials of this agency are registered, if the user may see people."""
    if not user.has_perm("people.browse"):
        return None
    return agency.people.filter(merged_into__isnull=True).count()


@dataclass(frozen=True)
class CountryProfile:
    """What the registry holds of a partner country: its agencies, its officials, our staff
    there (the programs' sections are added by the country page, in ``liaison.home``)."""

    agencies: list[Agency]
    people_count: int | None
    staff_posted: list[Any]


def country_profile(*, user: Any, country: Country) -> CountryProfile:
    people_count = None
    if user.has_perm("people.browse"):
        people_count = country.people.filter(merged_into__isnull=True).count()
    return CountryProfile(
        agencies=list(country.agencies.order_by("name")),
        people_count=people_count,
        staff_posted=list(country.staff_posted.filter(active=True).order_by("family_name")),
    )
