"""The surveys API: the surveys a user may see, one survey with its published questions, and
its results, under the same rules as the pages."""

# No `from __future__ import annotations`: django-ninja reads the list endpoint's filter
# schema from the annotations, through @paginate's wrapper, which cannot resolve a string.

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from liaison.core.api import actor
from liaison.surveys import selectors
from liaison.surveys.filters import SurveyFilters
from liaison.surveys.schemas import ResultsOut, SurveyDetailOut, SurveyOut

router = Router(tags=["surveys"])


@router.get("", response=list[SurveyOut])
@paginate(PageNumberPagination, page_size=50)
def list_surveys(request: HttpRequest, filters: Query[SurveyFilters]) -> Any:
    return selectors.survey_list(user=actor(request), **filters.selector_kwargs())


@router.get("/{int:survey_id}", response=SurveyDetailOut)
def get_survey(request: HttpRequest, survey_id: int) -> Any:
    survey = selectors.survey_get(user=actor(request), pk=survey_id)
    published = selectors.version_published(survey=survey)
    survey.published_version = published.number if published else None  # type: ignore[attr-defined]
    survey.questions = selectors.questions_of(version=published)  # type: ignore[attr-defined]
    return survey


@router.get("/{int:survey_id}/results", response=ResultsOut)
def get_survey_results(request: HttpRequest, survey_id: int) -> Any:
    survey = selectors.survey_get(user=actor(request), pk=survey_id, perm="surveys.view_results")
    results = selectors.survey_results(survey=survey)
    return {
        "survey_id": survey.pk,
        "invited": results.invited,
        "answered": results.answered,
        "response_rate": results.response_rate,
        "questions": [
            {
                "question_id": r.question.pk,
                "version": r.question.version.number,
                "text": r.question.text,
                "kind": r.question.kind,
                "answered": r.answered,
                "mean": r.mean,
                "distribution": [{"answer": a, "count": c} for a, c in r.counts],
                "texts": r.texts,
            }
            for r in results.questions
        ],
    }
