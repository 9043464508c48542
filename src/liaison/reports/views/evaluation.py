"""Training evaluated at every level: one table, grouped as the reader asks, each level
beside the others, and the same table as a file."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from liaison.core.export import export_format, table_response
from liaison.core.fiscal import fiscal_year_of
from liaison.reports.evaluation import GROUPS, EvaluationRow, training_evaluation
from liaison.reports.filters import EvaluationFilters

HEADER = [
    "Group",
    "Deliveries",
    "L2 tested",
    "L2 pre-test mean",
    "L2 post-test mean",
    "L2 gain",
    "L4 standards measured",
    "L4 improved",
    "L4 mean change",
]


def _file_row(row: EvaluationRow) -> list[Any]:
    learning, results = row.learning, row.results
    return [
        row.label,
        row.deliveries,
        *((learning.tested, learning.pre, learning.post, learning.gain) if learning else [""] * 4),
        *((results.measured, results.improved, results.mean_change) if results else [""] * 3),
    ]


@require_GET
def evaluation(request: HttpRequest) -> HttpResponse:
    filters = EvaluationFilters.from_request(request)
    rows = training_evaluation(user=request.user, **filters.selector_kwargs())
    if fmt := export_format(request):
        return table_response(fmt, f"evaluation-by-{filters.group}", HEADER, rows, _file_row)
    current = fiscal_year_of(timezone.localdate()).year
    return render(
        request,
        "reports/evaluation.html",
        {
            **filters.page_context(),
            "rows": rows,
            "groups": GROUPS.items(),
            "group_label": GROUPS[filters.group],
            "years": range(current, current - 15, -1),
            "breadcrumbs": [("Evaluation", "")],
        },
    )


urlpatterns = [path("evaluation/", evaluation, name="evaluation")]
