"""The navigation a user sees: only the sections their role may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

SECTIONS = [
    ("Home", "home", None),
    ("Partners", "partners:country_list", "partners.browse"),
    ("People", "people:person_list", "people.browse"),
    ("Staff", "people:staff_list", "people.browse_staff"),
    ("Training", "training:delivery_list", "training.browse"),
    ("Visits", "visits:visit_list", "visits.browse"),
    ("Postings", "postings:posting_list", "postings.browse"),
    ("SAFE", "capacity:program_list", "capacity.browse"),
    ("Host inbox", "visits:host_inbox", "visits.host_inbox"),
    ("Agreements", "agreements:agreement_list", "agreements.browse"),
    ("Reports", "reports:dashboard", "reports.view_dashboard"),
    ("Surveys", "surveys:survey_list", "surveys.browse"),
    ("Catalog", "catalog:course_list", "catalog.browse"),
    ("Vetting", "vetting:record_list", "vetting.browse"),
    ("Annual reports", "reports:annual_list", "reports.view_annual"),
    ("Audit", "audit:search", "audit.search"),
    ("Users", "accounts:user_list", "accounts.manage_users"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for label, name, perm in SECTIONS:
        if perm and not user.has_perm(perm):
            continue
        url = reverse(name)
        section = url.strip("/").split("/")[0]
        current = request.path == url or bool(
            section and request.path.strip("/").split("/")[0] == section
        )
        items.append({"label": label, "url": url, "current": current})
    return {"primary_nav": items}
