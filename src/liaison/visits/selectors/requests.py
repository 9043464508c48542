"""Reads of visit requests, scoped to the user: the list, one visit's page (its focus,
delegates, wishes, itinerary and history), a stop or a delegate of it, and the day calendar of
all visits; and the records a request names by code, looked up for the API."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from liaison.audit.models import AuditEntryQuerySet
from liaison.audit.selectors import audit_history
from liaison.catalog.models import FundingSource
from liaison.catalog.selectors import funding_source_list
from liaison.core.access import get_for_user, require_perm
from liaison.partners.models import Country
from liaison.partners.selectors import countries_for_choice
from liaison.visits.models import (
    Delegate,
    FocusArea,
    Site,
    Stop,
    Visit,
    VisitFocus,
    VisitStatus,
)
from liaison.visits.permissions import scope_visits
from liaison.visits.selectors.sites import focus_area_list, site_list


def _visits() -> QuerySet[Visit]:
    return Visit.objects.select_related("country", "agency", "sponsor")


def visit_list(
    *, user: Any, status: str = "", country: str = "", search: str = ""
) -> QuerySet[Visit]:
    require_perm(user, "visits.browse")
    visits = scope_visits(user, _visits()).annotate(
        delegate_count=Count("delegates", distinct=True)
    )
    if status:
        visits = visits.filter(status=status)
    if country:
        visits = visits.filter(country__code=country)
    if search:
        visits = visits.filter(Q(purpose__icontains=search) | Q(agency__name__icontains=search))
    return visits.order_by("-earliest_start", "-pk")


def visit_country_choices(*, user: Any) -> QuerySet[Country]:
    """The countries the visit list filters by: those the user may pick, codes and names only."""
    require_perm(user, "visits.browse")
    return countries_for_choice(user=user).only("code", "name")


def visit_get(*, user: Any, pk: int, perm: str = "visits.view_visit") -> Visit:
    """The visit, or 404; 403 when it lies outside the user's scope."""
    return get_for_user(_visits(), user, perm, pk=pk)


def itinerary(*, visit: Visit) -> QuerySet[Stop]:
    return (
        visit.stops.select_related("site").prefetch_related("site__hosts").order_by("day", "order")
    )


def day_calendar(*, user: Any, first: date, last: date) -> QuerySet[Stop]:
    """Every planned or held stop between two dates, for the day-by-day calendar."""
    require_perm(user, "visits.plan")
    return (
        Stop.objects.filter(day__gte=first, day__lte=last)
        .exclude(visit__status__in=(VisitStatus.CANCELLED, VisitStatus.DECLINED))
        .select_related("site", "visit__country", "visit__agency")
        .order_by("day", "site__city", "site__name", "site_id", "starts_at", "visit_id")
    )


# --- one visit's page -----------------------------------------------------------------------


def visit_focus(*, visit: Visit) -> QuerySet[VisitFocus]:
    return visit.focus.select_related("focus_area")


def visit_delegates(*, visit: Visit) -> QuerySet[Delegate]:
    return visit.delegates.select_related("person", "person__nationality", "person__agency")


def visit_site_wishes(*, visit: Visit) -> tuple[list[Site], list[Site]]:
    """The sites the delegation must see, and those it must not."""
    return list(visit.must_see.order_by("name")), list(visit.must_avoid.order_by("name"))


def visit_history(*, visit: Visit) -> AuditEntryQuerySet:
    return audit_history(object_type="visits.visit", object_ids=[str(visit.pk)])


def stop_get(*, user: Any, pk: int, perm: str = "visits.view_visit") -> Stop:
    """The stop, or 404; 403 unless the user holds ``perm`` on its visit."""
    stop = get_object_or_404(Stop.objects.select_related("site", "visit__country"), pk=pk)
    require_perm(user, perm, stop.visit)
    return stop


def delegate_get(*, user: Any, pk: int, perm: str = "visits.view_visit") -> Delegate:
    """The delegate, or 404; 403 unless the user holds ``perm`` on their visit."""
    delegate = get_object_or_404(Delegate.objects.select_related("person", "visit__country"), pk=pk)
    require_perm(user, perm, delegate.visit)
    return delegate


# --- what a request names by code (the API's body) ------------------------------------------


def _by_codes(records: QuerySet[Any], codes: list[str], *, field: str, noun: str) -> list[Any]:
    """The records with these codes, in the order given; an unknown code is an error on
    ``field``."""
    wanted = [code.strip() for code in codes]
    found = {record.code: record for record in records.filter(code__in=wanted)}
    unknown = [f"No {noun} has the code “{code}”." for code in wanted if code not in found]
    if unknown:
        raise ValidationError({field: unknown})
    return [found[code] for code in wanted]


def sponsors_by_code(*, user: Any, codes: list[str], field: str) -> list[FundingSource]:
    """The funding sources with these codes, as far as the user may browse them."""
    return _by_codes(funding_source_list(user=user), codes, field=field, noun="sponsor")


def focus_areas_by_code(*, user: Any, codes: list[str], field: str) -> list[FocusArea]:
    return _by_codes(focus_area_list(user=user), codes, field=field, noun="focus area")


def sites_by_code(*, user: Any, codes: list[str], field: str) -> list[Site]:
    return _by_codes(site_list(user=user), codes, field=field, noun="site")


def delegations_of_person(*, user: Any, person: Any) -> QuerySet[Delegate]:
    """The visit delegations a person was part of, limited to the visits the user may see."""
    if not user.has_perm("visits.browse"):
        return Delegate.objects.none()
    return (
        scope_visits(user, Delegate.objects.filter(person=person), path="visit__")
        .select_related("visit__country", "visit__agency")
        .order_by("-visit__earliest_start", "-visit_id")
    )
