"""Reads of visits, scoped to the user: the coordinator's list, a site host's inbox, the day
calendar of all visits."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404

from liaison.audit.models import AuditEntryQuerySet
from liaison.audit.selectors import audit_history
from liaison.core.access import get_for_user, require_perm
from liaison.people.models import Staff
from liaison.visits.models import (
    Delegate,
    FocusArea,
    HostAnswer,
    HostFeed,
    Site,
    SiteFocus,
    Stop,
    Visit,
    VisitFocus,
    VisitStatus,
    YearPlan,
    YearPlanStatus,
)
from liaison.visits.permissions import scope_visits, site_host_accounts


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
        .select_related("site", "visit__country", "visit__agency")
        .order_by("day", "order")
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


def site_list(
    *,
    user: Any,
    search: str = "",
    kind: str = "",
    state: str = "",
    environment: str = "",
    focus: str = "",
) -> QuerySet[Site]:
    """Sites by name, code or city, kind, state, environment, or a focus area (code) they show."""
    require_perm(user, "visits.browse_sites")
    sites = Site.objects.annotate(focus_count=Count("focus", distinct=True))
    if search:
        sites = sites.filter(
            Q(name__icontains=search) | Q(code__icontains=search) | Q(city__icontains=search)
        )
    if kind:
        sites = sites.filter(kind=kind)
    if state:
        sites = sites.filter(state=state.upper())
    if environment:
        sites = sites.filter(environment=environment)
    if focus:
        sites = sites.filter(pk__in=SiteFocus.objects.filter(focus_area__code=focus).values("site"))
    return sites.order_by("name")


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


# --- one site, the focus areas, a stop a host answers ---------------------------------------


def site_get(*, user: Any, pk: int, perm: str = "visits.browse_sites") -> Site:
    """The site with what it shows, its closed dates and its hosts, or 404."""
    sites = Site.objects.prefetch_related("focus__focus_area", "blackouts", "hosts")
    return get_for_user(sites, user, perm, pk=pk)


def focus_area_list(*, user: Any) -> QuerySet[FocusArea]:
    require_perm(user, "visits.browse_sites")
    return FocusArea.objects.order_by("name")


def host_stop_get(*, user: Any, pk: int) -> Stop:
    """A stop the user answers for, or 404; 403 unless they host its site."""
    stops = Stop.objects.select_related("site", "visit__country", "visit__agency")
    return get_for_user(stops, user, "visits.answer_stop", pk=pk)


# --- the year scheduler's runs --------------------------------------------------------------


def year_plan_list(*, user: Any, status: str = "") -> QuerySet[YearPlan]:
    """The year scheduler's runs, newest first, with their gap as a percentage."""
    require_perm(user, "visits.plan")
    # A run's outcome can hold hundreds of itineraries: the list never reads it.
    plans = (
        YearPlan.objects.select_related("requested_by")
        .defer("outcome")
        .annotate(gap_percent=F("gap") * 100)
    )
    if status:
        plans = plans.filter(status=status)
    return plans.order_by("-created_at", "-pk")


def year_plan_get(*, user: Any, pk: int) -> YearPlan:
    return get_for_user(YearPlan.objects.select_related("requested_by"), user, "visits.plan", pk=pk)


def year_plan_busy(*, user: Any) -> YearPlan | None:
    """The run queued or running now, if any (one at a time)."""
    require_perm(user, "visits.plan")
    busy = (YearPlanStatus.QUEUED, YearPlanStatus.RUNNING)
    return YearPlan.objects.filter(status__in=busy).defer("outcome").order_by("created_at").first()


def pending_request_count(*, user: Any) -> int:
    """How many requests a year plan would place now: filed, or being planned."""
    require_perm(user, "visits.plan")
    return Visit.objects.filter(status__in=(VisitStatus.REQUESTED, VisitStatus.PLANNING)).count()


# --- the site registry's pages --------------------------------------------------------------


def site_states(*, user: Any) -> list[str]:
    """The states that have a site, for the registry's filter."""
    require_perm(user, "visits.browse_sites")
    return list(Site.objects.order_by("state").values_list("state", flat=True).distinct())


def site_upcoming_stops(*, user: Any, site: Site, today: date) -> QuerySet[Stop]:
    """The visits coming to a site, as far as the user may follow them: planners see all, an
    attaché their region's, a host those of the sites they host."""
    stops = (
        site.stops.filter(day__gte=today)
        .exclude(visit__status__in=(VisitStatus.CANCELLED, VisitStatus.DECLINED))
        .select_related("visit__country", "visit__agency")
        .order_by("day", "order")
    )
    if site.hosts.filter(user=user).exists():
        return stops
    return scope_visits(user, stops, path="visit__")


def site_history(*, site: Site) -> AuditEntryQuerySet:
    return audit_history(object_type="visits.site", object_ids=[str(site.pk)])


def site_host_candidates(*, user: Any, site: Site) -> QuerySet[Staff]:
    """Who could host the site: active staff with a site host account, not hosting it yet."""
    require_perm(user, "visits.manage_sites", site)
    return (
        site_host_accounts(Staff.objects.filter(active=True))
        .exclude(hosted_sites=site)
        .order_by("family_name", "given_name")
    )


# --- a host's inbox, e-mail and calendar ----------------------------------------------------


def host_accepted_upcoming(*, user: Any, today: date) -> QuerySet[Stop]:
    """The stops the user's sites accepted, from today on, for the foot of the inbox."""
    require_perm(user, "visits.host_inbox")
    return (
        Stop.objects.filter(answer=HostAnswer.ACCEPTED, site__hosts__user=user, day__gte=today)
        .exclude(visit__status__in=(VisitStatus.CANCELLED, VisitStatus.DECLINED))
        .select_related("site", "visit__country", "visit__agency", "answered_by")
        .order_by("day", "order", "pk")
    )


def host_mail_stops(
    *, visit_id: int, staff_id: int, stop_ids: list[int]
) -> tuple[Staff | None, list[Stop]]:
    """For the worker: the host, and those of the stops still awaiting an answer at their sites
    (a host who answered before the mail went out is not asked again)."""
    staff = Staff.objects.select_related("user").filter(pk=staff_id).first()
    stops = list(
        Stop.objects.filter(
            pk__in=stop_ids, visit_id=visit_id, answer=HostAnswer.ASKED, site__hosts__id=staff_id
        )
        .select_related("site", "visit__country", "visit__agency")
        .order_by("day", "order")
    )
    return staff, stops


def host_feed_by_token(*, token: str) -> HostFeed:
    """The feed behind a secret address, or 404: the token is the only key."""
    return get_object_or_404(HostFeed.objects.select_related("staff"), token=token)
