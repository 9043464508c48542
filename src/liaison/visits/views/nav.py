"""The visits section's side navigation and breadcrumbs, shared by its pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from liaison.core.navigation import NavItem
from liaison.core.navigation import side_nav as core_side_nav

SIDE_NAV = (
    NavItem("Visits", "visits:visit_list", "visits.browse"),
    NavItem("Sites", "visits:site_list", "visits.browse_sites"),
    NavItem("Host inbox", "visits:host_inbox", "visits.host_inbox"),
    NavItem("Your calendar", "visits:host_calendar", "visits.host_inbox"),
    NavItem("Day calendar", "visits:day_calendar", "visits.plan"),
    NavItem("Year plans", "visits:year_plan_list", "visits.plan"),
)


def side_nav(request: HttpRequest) -> list[dict[str, object]]:
    return core_side_nav(request, SIDE_NAV)


def crumbs(request: HttpRequest, *trail: tuple[str, str]) -> list[tuple[str, str]]:
    """Home, then the section's front page for this user (a site host's is their inbox)."""
    if request.user.has_perm("visits.browse"):
        section = ("Visits", reverse("visits:visit_list"))
    else:
        section = ("Host inbox", reverse("visits:host_inbox"))
    return [("Home", reverse("home")), section, *trail]
