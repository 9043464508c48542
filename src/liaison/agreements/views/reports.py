"""How the agreements work: time to answer per country and fiscal year, and each agreement's
health (requests in and out, time to answer, refusals, overdue, trained contacts)."""

from __future__ import annotations

from typing import Any

import altair as alt
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from liaison.agreements import selectors
from liaison.agreements.models import Direction
from liaison.agreements.selectors import AnswerTimes, Health
from liaison.agreements.views.nav import crumbs, request_crumbs, side_nav
from liaison.core.access import require_perm
from liaison.core.charts import Chart, chart
from liaison.core.export import export_format, table_response
from liaison.partners.selectors import countries_for_choice, regions_for_choice

ANSWER_HEADER = [
    "country",
    "iso code",
    "fiscal year",
    "direction",
    "received",
    "answered",
    "median days to answer",
    "refused",
    "still open",
]
HEALTH_HEADER = [
    "country",
    "iso code",
    "status",
    "requests in",
    "requests out",
    "median days to answer (ours)",
    "median days to answer (theirs)",
    "refused by us",
    "refused by them",
    "overdue (ours)",
    "overdue (theirs)",
    "partner's contacts",
    "contacts trained",
    "generated data",
]


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _answer_row(row: AnswerTimes) -> list[Any]:
    return [
        row.country,
        row.code,
        f"FY{row.fiscal_year}",
        row.direction,
        row.received,
        row.answered,
        row.median_days,
        row.refused,
        row.open,
    ]


def _speed_chart(rows: list[AnswerTimes]) -> Chart:
    by_year = selectors.answer_times_by_year(rows)
    labels = dict(Direction.choices)
    values = [
        {"year": f"FY{year}", "direction": labels[way], "days": days, "answered": answered}
        for year, way, answered, days in by_year
        if days is not None
    ]
    figure = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="Fiscal year received"),
            y=alt.Y("days:Q", title="Median days to answer"),
            color=alt.Color("direction:N", title="Request"),
            tooltip=["year:O", "direction:N", "days:Q", "answered:Q"],
        )
        .properties(height=260)
    )
    return chart(
        key="answer-times",
        caption="Median days to answer, by fiscal year received: incoming (ours) and "
        "outgoing (the partners')",
        figure=figure,
        columns=["Fiscal year", "Request", "Answered", "Median days"],
        rows=[
            (f"FY{year}", labels[way], answered, _days(days))
            for year, way, answered, days in by_year
        ],
    )


@require_GET
def answer_times(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "agreements.browse_requests")
    direction = request.GET.get("direction", "")
    country = request.GET.get("country", "").upper()
    rows = selectors.answer_times(user=request.user, direction=direction, country=country)
    if fmt := export_format(request):
        return table_response(fmt, "time-to-answer", ANSWER_HEADER, rows, _answer_row)
    return render(
        request,
        "agreements/answer_times.html",
        {
            "rows": rows,
            "chart": _speed_chart(rows),
            "direction": direction,
            "country": country,
            "directions": Direction.choices,
            "countries": countries_for_choice(user=request.user),
            "querystring": request.GET.urlencode(),
            "side_nav": side_nav(request),
            "breadcrumbs": request_crumbs(("Time to answer", "")),
        },
    )


def _health_row(h: Health) -> list[Any]:
    a = h.agreement
    return [
        a.country.name,
        str(a.country.code),
        a.get_status_display(),
        h.requests_in,
        h.requests_out,
        h.median_in,
        h.median_out,
        h.refused_in,
        h.refused_out,
        h.overdue_in,
        h.overdue_out,
        h.contacts,
        h.contacts_trained,
        "yes" if a.generated else "no",
    ]


@require_GET
def health(request: HttpRequest) -> HttpResponse:
    region = request.GET.get("region", "")
    rows = selectors.agreement_health(user=request.user, region=region)
    if fmt := export_format(request):
        return table_response(fmt, "agreement-health", HEALTH_HEADER, rows, _health_row)
    return render(
        request,
        "agreements/health.html",
        {
            "rows": rows,
            "region": region,
            "regions": regions_for_choice(),
            "querystring": request.GET.urlencode(),
            "side_nav": side_nav(request),
            "breadcrumbs": crumbs(("Agreement health", "")),
        },
    )


urlpatterns = [
    path("requests/answer-times/", answer_times, name="answer_times"),
    path("health/", health, name="health"),
]
