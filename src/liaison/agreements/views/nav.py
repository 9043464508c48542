"""The agreements section's side navigation and breadcrumbs, shared by its pages."""

from __future__ import annotations

from django.forms import BaseForm
from django.http import HttpRequest
from django.urls import reverse

from liaison.core.navigation import NavItem
from liaison.core.navigation import side_nav as core_side_nav

SIDE_NAV = (
    NavItem("Agreements", "agreements:agreement_list", "agreements.browse"),
    NavItem("Assistance requests", "agreements:request_list", "agreements.browse_requests"),
    NavItem("Overdue requests", "agreements:overdue", "agreements.browse_requests"),
    NavItem("Time to answer", "agreements:answer_times", "agreements.browse_requests"),
    NavItem("Agreement health", "agreements:health", "agreements.view_health"),
)


def side_nav(request: HttpRequest) -> list[dict[str, object]]:
    return core_side_nav(request, SIDE_NAV)


def crumbs(*trail: tuple[str, str]) -> list[tuple[str, str]]:
    return [("Home", reverse("home")), ("Agreements", reverse("agreements:agreement_list")), *trail]


def request_crumbs(*trail: tuple[str, str]) -> list[tuple[str, str]]:
    return crumbs(("Assistance requests", reverse("agreements:request_list")), *trail)


def form_reasons(form: BaseForm) -> list[str]:
    """A form's errors as sentences, for a message: those of the form, then of each field."""
    return [*form.non_field_errors(), *(str(e) for field in form for e in field.errors)]
