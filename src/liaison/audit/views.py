from __future__ import annotations

import json
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from liaison.audit.selectors import audit_object_types, audit_search
from liaison.core.access import require_perm
from liaison.core.export import export_format, table_response
from liaison.core.listing import render_list


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "audit.search")
    filters = {
        "text": request.GET.get("q", "").strip(),
        "action": request.GET.get("action", "").strip(),
        "actor": request.GET.get("actor", "").strip(),
        "object_type": request.GET.get("object_type", ""),
        "since": _date(request.GET.get("since", "")),
        "until": _date(request.GET.get("until", "")),
    }
    entries = audit_search(**filters)  # type: ignore[arg-type]
    if fmt := export_format(request):
        # Who did what to whose record, from which address: personal data.
        return table_response(
            fmt,
            "audit",
            [
                "at",
                "actor",
                "channel",
                "ip",
                "action",
                "object type",
                "object id",
                "label",
                "changes",
            ],
            entries.iterator(chunk_size=2000),
            lambda e: [
                e.at.isoformat(),
                e.actor_name,
                e.channel,
                e.ip_address or "",
                e.action,
                e.object_type,
                e.object_id,
                e.object_label,
                json.dumps(e.changes),
            ],
            personal_data=True,
        )
    return render_list(
        request,
        "audit/search.html",
        "audit/_results.html",
        entries,
        {
            "filters": filters,
            "object_types": audit_object_types(),
            "breadcrumbs": [("Home", reverse("home")), ("Audit", "")],
        },
    )
