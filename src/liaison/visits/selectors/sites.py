"""Reads of the site registry: the sites and what they show, one site with its closed dates,
hosts, coming visits and history, and who could host it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from liaison.audit.models import AuditEntryQuerySet
from liaison.audit.selectors import audit_history
from liaison.core.access import get_for_user, require_perm
from liaison.people.models import Staff
from liaison.visits.models import (
    FocusArea,
    Site,
    SiteBlackout,
    SiteFocus,
    Stop,
    VisitStatus,
)
from liaison.visits.permissions import scope_visits, site_host_accounts


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


def site_get(*, user: Any, pk: int, perm: str = "visits.browse_sites") -> Site:
    """The site with what it shows, its closed dates and its hosts, or 404."""
    sites = Site.objects.prefetch_related("focus__focus_area", "blackouts", "hosts")
    return get_for_user(sites, user, perm, pk=pk)


def focus_area_list(*, user: Any) -> QuerySet[FocusArea]:
    require_perm(user, "visits.browse_sites")
    return FocusArea.objects.order_by("name")


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


def site_blackout_get(*, user: Any, site: Site, pk: int) -> SiteBlackout | None:
    """One of the site's blackouts, for the user who keeps the site (403 for anyone else); None
    when the site has no such blackout (any more)."""
    require_perm(user, "visits.manage_sites", site)
    return site.blackouts.filter(pk=pk).first()


def site_hosts(*, user: Any, site: Site) -> QuerySet[Staff]:
    """Who hosts the site now, for the user who keeps it (403 for anyone else)."""
    require_perm(user, "visits.manage_sites", site)
    return site.hosts.all()


def site_host_candidates(*, user: Any, site: Site) -> QuerySet[Staff]:
    """Who could host the site: active staff with a site host account, not hosting it yet."""
    require_perm(user, "visits.manage_sites", site)
    return (
        site_host_accounts(Staff.objects.filter(active=True))
        .exclude(hosted_sites=site)
        .order_by("family_name", "given_name")
    )
