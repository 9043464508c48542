"""SAFE capacity-building pages: programs, the gap view and trend, assessments and their
workflow and evidence, the training plan, mentoring."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.capacity import selectors, services
from liaison.capacity.forms import (
    AssessmentForm,
    AttachmentForm,
    MentoringForm,
    ProgramForm,
    ScoresForm,
    TargetsForm,
)
from liaison.capacity.models import MATURITY, Program
from liaison.capacity.workflows import ASSESSMENT
from liaison.core.access import require_perm
from liaison.core.attachments import download_response
from liaison.core.fiscal import FiscalQuarter, fiscal_quarters
from liaison.core.forms import add_service_errors
from liaison.core.listing import render_list
from liaison.core.navigation import NavItem, side_nav
from liaison.core.views import form_page

NAV = (NavItem("Programs", "capacity:program_list"),)


def _crumbs(*trail: tuple[str, str]) -> list[tuple[str, str]]:
    return [
        ("Home", reverse("home")),
        ("SAFE capacity building", reverse("capacity:program_list")),
        *trail,
    ]


def _program_crumbs(program: Program, *trail: tuple[str, str]) -> list[tuple[str, str]]:
    here = reverse("capacity:program_detail", args=[program.pk])
    return _crumbs((program.agency.name, here if trail else ""), *trail)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- programs ------------------------------------------------------------------------------


@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    filters = {
        "search": request.GET.get("q", "").strip(),
        "country": request.GET.get("country", ""),
    }
    programs = selectors.program_list(user=request.user, **filters)
    return render_list(
        request,
        "capacity/program_list.html",
        "capacity/_program_results.html",
        programs,
        {
            **filters,
            "q": filters["search"],
            "can_create": request.user.has_perm("capacity.manage_program"),
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": _crumbs(("Programs", "")),
        },
    )


@require_http_methods(["GET", "POST"])
def program_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require_perm(request.user, "capacity.manage_program")
    program = (
        selectors.program_get(user=request.user, pk=pk, perm="capacity.manage_program")
        if pk
        else None
    )

    def save(data: dict[str, Any]) -> Program:
        if program is None:
            return services.program_create(actor=request.user, **data)
        return services.program_update(actor=request.user, program=program, **data)

    return form_page(
        request,
        form=ProgramForm(request.POST or None, instance=program),
        save=save,
        title=f"Edit the {program}" if program else "New SAFE program",
        cancel_url=reverse("capacity:program_detail", args=[program.pk])
        if program
        else reverse("capacity:program_list"),
        done=lambda p: reverse("capacity:program_detail", args=[p.pk]),
        breadcrumbs=_program_crumbs(program, ("Edit", "")) if program else _crumbs(("New", "")),
        side_nav=side_nav(request, NAV),
    )


@require_GET
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk)
    rows = selectors.gap_rows(program=program)
    plan = selectors.plan_get(user=request.user, program=program)
    items = selectors.plan_items(plan=plan)
    return render(
        request,
        "capacity/program_detail.html",
        {
            "program": program,
            "rows": rows,
            "chart": selectors.trend_chart(program=program, rows=rows),
            "assessments": selectors.assessment_list(user=request.user, program=program),
            "plan": plan,
            "progress": selectors.plan_progress(items=items),
            "planned_cost": sum(i.estimated_cost for i in items),
            "mentoring": selectors.mentoring_list(program=program),
            "maturity": MATURITY,
            "can_manage": request.user.has_perm("capacity.manage_program", program),
            "history": selectors.program_history(program=program)[:30],
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": _program_crumbs(program),
        },
    )


@require_http_methods(["GET", "POST"])
def program_targets(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk, perm="capacity.manage_program")
    form = TargetsForm(
        request.POST or None,
        standards=selectors.standards_of(edition_id=program.edition_id),
        targets=selectors.targets_of(program=program),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.program_set_targets(
                actor=request.user, program=program, targets=form.targets()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Targets saved.")
            return redirect("capacity:program_detail", pk=program.pk)
    return render(
        request,
        "capacity/program_targets.html",
        {
            "program": program,
            "form": form,
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": _program_crumbs(program, ("Targets", "")),
        },
    )


# --- assessments ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk, perm="capacity.manage_program")

    def save(data: dict[str, Any]) -> Any:
        return services.assessment_create(actor=request.user, program=program, **data)

    return form_page(
        request,
        form=AssessmentForm(
            request.POST or None, participants=selectors.participant_choices(program=program)
        ),
        save=save,
        title=f"New assessment of {program.agency.name}",
        cancel_url=reverse("capacity:program_detail", args=[program.pk]),
        done=lambda a: reverse("capacity:assessment_detail", args=[a.pk]),
        breadcrumbs=_program_crumbs(program, ("New assessment", "")),
        side_nav=side_nav(request, NAV),
    )


@require_http_methods(["GET", "POST"])
def assessment_update(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, pk=pk, perm="capacity.edit_assessment")
    initial = {
        "starts_on": assessment.starts_on,
        "ends_on": assessment.ends_on,
        "assessors": selectors.assessment_assessors(assessment=assessment),
        "participants": selectors.assessment_participants(assessment=assessment),
        "self_assessment_received_on": assessment.self_assessment_received_on,
        "summary": assessment.summary,
    }

    def save(data: dict[str, Any]) -> Any:
        return services.assessment_update(actor=request.user, assessment=assessment, **data)

    return form_page(
        request,
        form=AssessmentForm(
            request.POST or None,
            initial=initial,
            editing=True,
            participants=selectors.participant_choices(program=assessment.program),
        ),
        save=save,
        title=f"Edit the {assessment}",
        cancel_url=reverse("capacity:assessment_detail", args=[assessment.pk]),
        done=lambda a: reverse("capacity:assessment_detail", args=[a.pk]),
        breadcrumbs=_program_crumbs(assessment.program, ("Assessment", "")),
        side_nav=side_nav(request, NAV),
    )


def _assessment_page(
    request: HttpRequest, assessment: Any, scores_form: ScoresForm | None = None
) -> HttpResponse:
    user = request.user
    scores = selectors.assessment_scores(assessment=assessment)
    may_edit = (
        user.has_perm("capacity.edit_assessment", assessment) and assessment.status == "draft"
    )
    if may_edit and scores_form is None:
        scores_form = ScoresForm(scores=scores)
    may_see_files = user.has_perm("capacity.view_attachments", assessment)
    return render(
        request,
        "capacity/assessment_detail.html",
        {
            "assessment": assessment,
            "program": assessment.program,
            "scores": scores,
            "participants": selectors.assessment_participants(assessment=assessment),
            "may_open_people": user.has_perm("people.browse"),
            "scores_form": scores_form if may_edit else None,
            "may_edit": may_edit,
            "moves": ASSESSMENT.available(user, assessment),
            "attachments": selectors.assessment_attachments(assessment=assessment)
            if may_see_files
            else None,
            "attachment_form": AttachmentForm(standards=[s.standard for s in scores])
            if may_edit
            or (
                user.has_perm("capacity.edit_assessment", assessment)
                and assessment.status != "approved"
            )
            else None,
            "history": selectors.assessment_history(assessment=assessment)[:30],
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": _program_crumbs(assessment.program, (str(assessment), "")),
        },
    )


@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _assessment_page(request, selectors.assessment_get(user=request.user, pk=pk))


@require_POST
def assessment_scores(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, pk=pk, perm="capacity.edit_assessment")
    form = ScoresForm(request.POST, scores=selectors.assessment_scores(assessment=assessment))
    if form.is_valid():
        try:
            services.assessment_record_scores(
                actor=request.user,
                assessment=assessment,
                scores={
                    standard_id: services.ScoreInput(level, evidence, self_level)
                    for standard_id, (level, evidence, self_level) in form.score_values().items()
                },
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Scores saved.")
            return redirect("capacity:assessment_detail", pk=assessment.pk)
    return _assessment_page(request, assessment, form)


@require_POST
def assessment_move(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    try:
        services.assessment_move(
            actor=request.user,
            assessment=assessment,
            move=request.POST.get("move", ""),
            why=request.POST.get("why", ""),
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"The assessment is {assessment.get_status_display().lower()}.")
    return redirect("capacity:assessment_detail", pk=assessment.pk)


@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, pk=pk, perm="capacity.edit_assessment")
    scores = selectors.assessment_scores(assessment=assessment)
    form = AttachmentForm(request.POST, request.FILES, standards=[s.standard for s in scores])
    if not form.is_valid():
        for _field, errors in form.errors.items():
            for message in errors:
                messages.error(request, str(message))
        return redirect("capacity:assessment_detail", pk=assessment.pk)
    upload = form.cleaned_data["file"]
    try:
        attachment = services.attachment_add(
            actor=request.user,
            assessment=assessment,
            filename=upload.name,
            data=upload.read(),
            standard=form.cleaned_data["standard"],
            description=form.cleaned_data["description"],
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"“{attachment.name}” attached.")
    return redirect("capacity:assessment_detail", pk=assessment.pk)


@require_GET
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    data = services.attachment_download(actor=request.user, attachment=attachment)
    return download_response(
        filename=attachment.name, content_type=attachment.content_type, data=data
    )


# --- the training plan ---------------------------------------------------------------------


def _quarter(value: str) -> FiscalQuarter:
    try:
        year, quarter = (int(part) for part in value.split("-"))
    except ValueError:
        raise ValidationError("Choose a quarter.") from None
    return FiscalQuarter(year, quarter)


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk)
    plan = selectors.plan_get(user=request.user, program=program)
    items = selectors.plan_items(plan=plan)
    can_manage = request.user.has_perm("capacity.manage_program", program)
    choices = selectors.deliveries_to_link(user=request.user, items=items) if can_manage else {}
    for item in items:
        item.link_choices = choices.get(item.pk, [])  # type: ignore[attr-defined]
    return render(
        request,
        "capacity/plan_detail.html",
        {
            "program": program,
            "plan": plan,
            "items": items,
            "progress": selectors.plan_progress(items=items),
            "planned_cost": sum(i.estimated_cost for i in items),
            "quarters": fiscal_quarters(program.starts_on, program.planned_end),
            "can_manage": can_manage,
            "courses": selectors.courses_to_add(user=request.user, plan=plan) if can_manage else [],
            "side_nav": side_nav(request, NAV),
            "breadcrumbs": _program_crumbs(program, ("Training plan", "")),
        },
    )


def _back_to_plan(program_pk: int) -> HttpResponse:
    return redirect("capacity:plan_detail", pk=program_pk)


@require_POST
def plan_generate(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk, perm="capacity.manage_program")
    try:
        result = services.plan_generate(actor=request.user, program=program)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            f"Plan generated: {result.placed} course(s) planned"
            f"{'' if result.status == 'optimal' else ' (the best found, not proven optimal)'}.",
        )
    return _back_to_plan(program.pk)


@require_POST
def plan_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    program = selectors.program_get(user=request.user, pk=pk, perm="capacity.manage_program")
    plan = selectors.plan_get(user=request.user, program=program)
    try:
        course = next(
            (
                c
                for c in selectors.courses_to_add(user=request.user, plan=plan)
                if str(c.pk) == request.POST.get("course")
            ),
            None,
        )
        if course is None:
            raise ValidationError("Choose a course that is not in the plan yet.")
        services.plan_item_add(
            actor=request.user,
            plan=plan,
            course=course,
            quarter=_quarter(request.POST.get("quarter", "")),
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{course.code} added to the plan.")
    return _back_to_plan(program.pk)


@require_POST
def plan_item_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.plan_item_get(user=request.user, pk=pk)
    try:
        services.plan_item_move(
            actor=request.user, item=item, quarter=_quarter(request.POST.get("quarter", ""))
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{item} now.")
    return _back_to_plan(item.plan.program_id)


@require_POST
def plan_item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.plan_item_get(user=request.user, pk=pk)
    try:
        services.plan_item_remove(actor=request.user, item=item)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{item.course.code} removed from the plan.")
    return _back_to_plan(item.plan.program_id)


@require_POST
def plan_item_link(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.plan_item_get(user=request.user, pk=pk)
    choices = selectors.deliveries_to_link(user=request.user, items=[item]).get(item.pk, [])
    delivery = next((d for d in choices if str(d.pk) == request.POST.get("delivery")), None)
    try:
        if delivery is None:
            raise ValidationError("Choose one of the deliveries listed.")
        services.plan_item_link_delivery(actor=request.user, item=item, delivery=delivery)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{item.course.code} linked to its delivery.")
    return _back_to_plan(item.plan.program_id)


@require_POST
def plan_item_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.plan_item_get(user=request.user, pk=pk)
    try:
        services.plan_item_unlink(actor=request.user, item=item)
    except ValidationError as error:
        _refused(request, error)
    return _back_to_plan(item.plan.program_id)


# --- mentoring -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def mentoring_edit(
    request: HttpRequest, pk: int | None = None, program_pk: int | None = None
) -> HttpResponse:
    engagement = selectors.mentoring_get(user=request.user, pk=pk) if pk else None
    program = (
        engagement.program
        if engagement
        else selectors.program_get(
            user=request.user, pk=program_pk or 0, perm="capacity.manage_program"
        )
    )

    def save(data: dict[str, Any]) -> Any:
        standards = data.pop("standards")
        if engagement is None:
            return services.mentoring_create(
                actor=request.user, program=program, standards=standards, **data
            )
        return services.mentoring_update(
            actor=request.user, engagement=engagement, standards=standards, **data
        )

    return form_page(
        request,
        form=MentoringForm(
            request.POST or None, instance=engagement, edition_id=program.edition_id
        ),
        save=save,
        title="Edit the mentoring engagement"
        if engagement
        else f"New mentoring for {program.agency.name}",
        cancel_url=reverse("capacity:program_detail", args=[program.pk]),
        done=lambda _: reverse("capacity:program_detail", args=[program.pk]) + "#mentoring",
        breadcrumbs=_program_crumbs(program, ("Mentoring", "")),
        side_nav=side_nav(request, NAV),
    )
