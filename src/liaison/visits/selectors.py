"""Reads of visits, scoped to the user: the coordinator's list, a site host's inbox, the day
calendar of all visits."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from liaison.accounts.roles import Role
from liaison.core.access import get_for_user, require_perm
from liaison.visits.models import HostAnswer, Site, Stop, Visit, VisitStatus


def _visits() -> QuerySet[Visit]:
    return Visit.objects.select_related("country", "agency", "sponsor")


def visit_list(
    *, user: Any, status: str = "", country: str = "", search: str = ""
) -> QuerySet[Visit]:
    require_perm(user, "visits.browse")
    visits = _visits().annotate(delegate_count=Count("delegates", distinct=True))
    if user.role == Role.ATTACHE:
        visits = visits.filter(country__region_id=user.region_id)
    if status:
        visits = visits.filter(status=status)
    if country:
        visits = visits.filter(country__code=country)
    if search:
        visits = visits.filter(Q(purpose__icontains=search) | Q(agency__name__icontains=search))
    return visits.order_by("-earliest_start", "-pk")


def visit_get(*, user: Any, pk: int, perm: str = "visits.view_visit") -> Visit:
    """The visit, or 404; 403 when it lies outside the user's scope."""
    return get_for_user(_visits(), user, perm, pk=pk)


def itinerary(*, visit: Visit) -> QuerySet[Stop]:
    return (
        visit.stops.select_related("site").prefetch_related("site__hosts").order_by("day", "order")
    )


def host_inbox(*, user: Any) -> QuerySet[Stop]:
    """The stops awaiting an answer at the sites the user hosts, soonest first."""
    require_perm(user, "visits.host_inbox")
    return (
        Stop.objects.filter(answer=HostAnswer.ASKED, site__hosts__user=user)
        .select_related("site", "visit__country", "visit__agency")
        .annotate(delegate_count=Count("visit__delegates", distinct=True))
        .order_by("day", "order", "pk")
    )


def host_accepted_stops(*, staff_id: int) -> QuerySet[Stop]:
    """What a host's calendar feed carries: the stops their sites accepted."""
    return (
        Stop.objects.filter(answer=HostAnswer.ACCEPTED, site__hosts__id=staff_id)
        .exclude(visit__status__in=(VisitStatus.CANCELLED, VisitStatus.DECLINED))
        .select_related("site", "visit__country")
        .order_by("day", "order")
    )


def day_calendar(*, user: Any, first: date, last: date) -> QuerySet[Stop]:
    """Every planned or held stop between two dates, for the day-by-day calendar."""
    require_perm(user, "visits.plan")
    return (
        Stop.objects.filter(day__gte=first, day__lte=last)
        .exclude(visit__status__in=(VisitStatus.CANCELLED, VisitStatus.DECLINED))
        .select_related("site", "visit__country")
        .order_by("day", "site__city", "order")
    )


def site_list(*, user: Any, search: str = "", kind: str = "", state: str = "") -> QuerySet[Site]:
    require_perm(user, "visits.browse_sites")
    sites = Site.objects.annotate(focus_count=Count("focus", distinct=True))
    if search:
        sites = sites.filter(Q(name__icontains=search) | Q(city__icontains=search))
    if kind:
        sites = sites.filter(kind=kind)
    if state:
        sites = sites.filter(state=state.upper())
    return sites.order_by("name")
