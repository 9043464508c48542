"""Training and visits evaluated at every level: grouped as the reader asks, each level beside
the others, and the same tables as one file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from liaison.core.export import export_format, table_response
from liaison.core.fiscal import fiscal_year_of
from liaison.reports.evaluation import GROUPS, Evaluation, EvaluationRow, VisitRow, evaluation
from liaison.reports.filters import EvaluationFilters
from liaison.surveys.selectors import SurveyLevel

HEADER = [
    "Program",
    "Group",
    "Deliveries",
    "L1 invited",
    "L1 answered",
    "L1 mean (1-5)",
    "L2 tested",
    "L2 pre-test mean",
    "L2 post-test mean",
    "L2 gain",
    "L3 invited",
    "L3 answered",
    "L3 mean (1-5)",
    "L4 standards measured",
    "L4 improved",
    "L4 mean change",
]


def _survey(level: SurveyLevel | None) -> list[Any]:
    return [level.invited, level.answered, level.mean or ""] if level else [""] * 3


def _rows(found: Evaluation) -> Iterator[EvaluationRow | VisitRow]:
    yield from found.training or []
    yield from found.visits or []


def _file_row(row: EvaluationRow | VisitRow) -> list[Any]:
    if isinstance(row, VisitRow):
        return ["Visits", row.label, "", *_survey(row.reaction), *[""] * 10]
    learning, results = row.learning, row.results
    return [
        "Training",
        row.label,
        row.deliveries,
        *_survey(row.reaction),
        *((learning.tested, learning.pre, learning.post, learning.gain) if learning else [""] * 4),
        *_survey(row.behaviour),
        *((results.measured, results.improved, results.mean_change) if results else [""] * 3),
    ]


@require_GET
def evaluation_page(request: HttpRequest) -> HttpResponse:
    filters = EvaluationFilters.from_request(request)
    found = evaluation(user=request.user, **filters.selector_kwargs())
    if fmt := export_format(request):
        return table_response(
            fmt, f"evaluation-by-{filters.group}", HEADER, _rows(found), _file_row
        )
    current = fiscal_year_of(timezone.localdate()).year
    return render(
        request,
        "reports/evaluation.html",
        {
            **filters.page_context(),
            "found": found,
            "groups": GROUPS.items(),
            "group_label": GROUPS[filters.group],
            "years": range(current, current - 15, -1),
            "breadcrumbs": [("Evaluation", "")],
        },
    )


urlpatterns = [path("evaluation/", evaluation_page, name="evaluation")]
