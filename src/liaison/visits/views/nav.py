"""The visits section's side navigation and breadcrumbs, shared by its pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

# (label, url name, permission): each page module adds its own entries.
SIDE_NAV: list[tuple[str, str, str]] = [
    ("Visits", "visits:visit_list", "visits.browse"),
    ("Sites", "visits:site_list", "visits.browse_sites"),
    ("Host inbox", "visits:host_inbox", "visits.host_inbox"),
    ("Your calendar", "visits:host_calendar", "visits.host_inbox"),
    ("Day calendar", "visits:day_calendar", "visits.plan"),
    ("Year plans", "visits:year_plan_list", "visits.plan"),
]


def side_nav(request: HttpRequest) -> list[dict[str, object]]:
    items: list[dict[str, object]] = [
        {"label": label, "url": reverse(name), "current": False}
        for label, name, perm in SIDE_NAV
        if request.user.has_perm(perm)
    ]
    # The visit list's address (/visits/) prefixes every page's: only the closest is current.
    matches = [item for item in items if request.path.startswith(str(item["url"]))]
    if matches:
        max(matches, key=lambda item: len(str(item["url"])))["current"] = True
    return items


def crumbs(request: HttpRequest, *trail: tuple[str, str]) -> list[tuple[str, str]]:
    """Home, then the section's front page for this user (a site host's is their inbox)."""
    if request.user.has_perm("visits.browse"):
        section = ("Visits", reverse("visits:visit_list"))
    else:
        section = ("Host inbox", reverse("visits:host_inbox"))
    return [("Home", reverse("home")), section, *trail]
