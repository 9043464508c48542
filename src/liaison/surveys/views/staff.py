"""Surveys' staff pages (English): the list, a survey with its versions and questions, the
builder, publishing and new versions, inviting the sample, and the results. Each action posts
to a service and comes back with its result or the service's reasons."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.core.access import require_perm
from liaison.core.export import export_format, table_response
from liaison.core.forms import add_service_errors
from liaison.core.listing import render_list
from liaison.core.navigation import NavItem, side_nav
from liaison.surveys import charts, selectors, services
from liaison.surveys.filters import STATUSES, SurveyFilters
from liaison.surveys.forms import QuestionForm, SurveyForm
from liaison.surveys.models import Purpose, VersionStatus

NAV = (NavItem("Surveys", "surveys:survey_list", "surveys.browse"),)


def _context(request: HttpRequest, *trail: tuple[str, str], **extra: Any) -> dict[str, Any]:
    crumbs = [("Home", reverse("home")), ("Surveys", reverse("surveys:survey_list")), *trail]
    return {"side_nav": side_nav(request, NAV), "breadcrumbs": crumbs, **extra}


def _error(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "surveys.browse")
    filters = SurveyFilters.from_request(request)
    surveys = selectors.survey_list(user=request.user, **filters.selector_kwargs())
    return render_list(
        request,
        "surveys/survey_list.html",
        "surveys/_survey_results.html",
        surveys,
        _context(
            request,
            ("All surveys", ""),
            **filters.page_context(),
            purposes=Purpose.choices,
            statuses=list(STATUSES.items()),
            can_create=request.user.has_perm("surveys.create"),
        ),
    )


@require_http_methods(["GET", "POST"])
def survey_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "surveys.create")
    deliveries, visits = selectors.subjects_for_choice(user=request.user)
    form = SurveyForm(request.POST or None, deliveries=deliveries, visits=visits)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Survey created: {survey}. Add its questions.")
            return redirect("surveys:survey_detail", pk=survey.pk)
    return render(
        request,
        "core/form_page.html",
        _context(
            request,
            ("New survey", ""),
            form=form,
            title="New survey",
            cancel_url=reverse("surveys:survey_list"),
        ),
    )


@require_GET
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(user=request.user, pk=pk)
    versions = selectors.survey_versions(survey=survey)
    user = request.user
    return render(
        request,
        "surveys/survey_detail.html",
        _context(
            request,
            (str(survey), ""),
            survey=survey,
            versions=versions,
            draft=next((v for v in versions if v.status == VersionStatus.DRAFT), None),
            published=next((v for v in versions if v.status == VersionStatus.PUBLISHED), None),
            counts=selectors.invitation_counts(survey=survey),
            can_change=user.has_perm("surveys.change_survey", survey),
            can_invite=user.has_perm("surveys.invite", survey),
            can_see_results=user.has_perm("surveys.view_results", survey),
        ),
    )


@require_http_methods(["GET", "POST"])
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(user=request.user, pk=pk, perm="surveys.change_survey")
    draft = selectors.version_draft(survey=survey)
    form = QuestionForm(request.POST or None, earlier=selectors.earlier_questions(version=draft))
    if request.method == "POST" and form.is_valid():
        try:
            services.question_add(actor=request.user, survey=survey, **form.service_values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Question added.")
            return redirect("surveys:survey_detail", pk=pk)
    detail = reverse("surveys:survey_detail", args=[pk])
    return render(
        request,
        "core/form_page.html",
        _context(
            request,
            (str(survey), detail),
            ("Add a question", ""),
            form=form,
            title="Add a question",
            cancel_url=detail,
        ),
    )


@require_POST
def question_remove(request: HttpRequest, pk: int) -> HttpResponse:
    question = selectors.question_get(user=request.user, pk=pk)
    survey_pk = question.version.survey_id
    try:
        services.question_remove(actor=request.user, question=question)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, "Question removed.")
    return redirect("surveys:survey_detail", pk=survey_pk)


@require_POST
def survey_publish(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(user=request.user, pk=pk, perm="surveys.change_survey")
    try:
        version = services.survey_publish(actor=request.user, survey=survey)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, f"Version {version.number} published.")
    return redirect("surveys:survey_detail", pk=pk)


@require_POST
def survey_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(user=request.user, pk=pk, perm="surveys.change_survey")
    try:
        version = services.survey_new_version(actor=request.user, survey=survey)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(
            request,
            f"Draft version {version.number} started: answers already given stay with theirs.",
        )
    return redirect("surveys:survey_detail", pk=pk)


@require_POST
def survey_invite(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(user=request.user, pk=pk, perm="surveys.invite")
    try:
        draw = services.survey_invite(actor=request.user, survey=survey)
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(
            request,
            f"{len(draw.invitations)} of {draw.eligible} eligible people selected and invited.",
        )
    return redirect("surveys:survey_detail", pk=pk)


RESULTS_HEADER = ["Version", "Question", "Kind", "Answered", "Mean", "Answer", "Count"]


def _result_rows(results: selectors.Results) -> list[list[Any]]:
    """Each question's distribution, a row per value (free text: a row per comment)."""
    rows: list[list[Any]] = []
    for result in results.questions:
        question = result.question
        head = [question.version.number, question.text, question.get_kind_display()]
        head += [result.answered, "" if result.mean is None else round(result.mean, 2)]
        rows += [[*head, label, count] for label, count in result.counts]
        rows += [[*head, text, ""] for text in result.texts]
    return rows


@require_GET
def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_get(user=request.user, pk=pk, perm="surveys.view_results")
    results = selectors.survey_results(survey=survey)
    if fmt := export_format(request):
        return table_response(
            fmt, f"survey-{survey.pk}-results", RESULTS_HEADER, _result_rows(results), list
        )
    detail = reverse("surveys:survey_detail", args=[pk])
    return render(
        request,
        "surveys/survey_results.html",
        _context(
            request,
            (str(survey), detail),
            ("Results", ""),
            survey=survey,
            results=results,
            charts=charts.question_charts(results),
        ),
    )
