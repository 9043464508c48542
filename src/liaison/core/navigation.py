"""Each section's side navigation, declared as data and shown only where the user may go."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str | None = None  # None: everyone who may open the section


def side_nav(request: HttpRequest, items: Iterable[NavItem]) -> list[dict[str, object]]:
    """The items the user has the permission for; the one whose address is the closest prefix
    of the current page's is marked current (a list's address prefixes its records' pages)."""
    shown: list[dict[str, object]] = [
        {"label": item.label, "url": reverse(item.url_name), "current": False}
        for item in items
        if item.perm is None or request.user.has_perm(item.perm)
    ]
    matches = [entry for entry in shown if request.path.startswith(str(entry["url"]))]
    if matches:
        max(matches, key=lambda entry: len(str(entry["url"])))["current"] = True
    return shown
