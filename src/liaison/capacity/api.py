"""The capacity API: programs with their gaps, assessments (scores, workflow moves) and the
training plan (generated, items moved). Each write fetches and authorizes its record through
the selectors, then calls the same service the pages call."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router
from ninja.pagination import PageNumberPagination, paginate

from liaison.capacity import selectors, services
from liaison.capacity.models import Assessment, Program, TrainingPlan
from liaison.capacity.schemas import (
    AssessmentDetailOut,
    AssessmentOut,
    MoveIn,
    PlanOut,
    ProgramDetailOut,
    ProgramOut,
    QuarterIn,
    ScoreIn,
)
from liaison.capacity.workflows import ASSESSMENT
from liaison.core.api import actor
from liaison.core.fiscal import FiscalQuarter

router = Router(tags=["capacity"])


def _gaps(program: Program) -> list[dict[str, Any]]:
    return [
        {
            "standard": row.standard.code,
            "title": row.standard.title,
            "target": row.target,
            "priority": row.priority,
            "current": row.current,
            "self_level": row.self_level,
            "gap": row.gap,
            "trend": row.trend,
            "trained": [
                {
                    "before_id": t.before.pk,
                    "after_id": t.after.pk,
                    "level_before": t.level_before,
                    "level_after": t.level_after,
                    "officials": t.officials,
                    "in_post": t.in_post,
                }
                for t in row.trained
            ],
        }
        for row in selectors.gap_rows(program=program)
    ]


@router.get("/programs", response=list[ProgramOut])
@paginate(PageNumberPagination, page_size=50)
def list_safe_programs(request: HttpRequest, q: str = "", country: str = "") -> Any:
    return selectors.program_list(user=actor(request), search=q.strip(), country=country)


@router.get("/programs/{int:program_id}", response=ProgramDetailOut)
def get_safe_program(request: HttpRequest, program_id: int) -> Any:
    program = selectors.program_get(user=actor(request), pk=program_id)
    program.gaps = _gaps(program)  # type: ignore[attr-defined]
    return program


@router.get("/programs/{int:program_id}/assessments", response=list[AssessmentOut])
def list_safe_assessments(request: HttpRequest, program_id: int) -> Any:
    user = actor(request)
    program = selectors.program_get(user=user, pk=program_id)
    return selectors.assessment_list(user=user, program=program)


def _assessment_detail(user: Any, assessment: Assessment) -> Assessment:
    assessment.scores_out = [  # type: ignore[attr-defined]
        {
            "standard": s.standard.code,
            "title": s.standard.title,
            "level": s.level,
            "evidence": s.evidence,
            "self_level": s.self_level,
        }
        for s in selectors.assessment_scores(assessment=assessment)
    ]
    assessment.moves = [m.name for m in ASSESSMENT.available(user, assessment)]  # type: ignore[attr-defined]
    return assessment


class _Detail(AssessmentDetailOut):
    @staticmethod
    def resolve_scores(obj: Any) -> list[dict[str, Any]]:
        return list(obj.scores_out)


@router.get("/assessments/{int:assessment_id}", response=_Detail)
def get_safe_assessment(request: HttpRequest, assessment_id: int) -> Any:
    user = actor(request)
    return _assessment_detail(user, selectors.assessment_get(user=user, pk=assessment_id))


@router.put("/assessments/{int:assessment_id}/scores", response=_Detail)
def record_safe_scores(request: HttpRequest, assessment_id: int, payload: list[ScoreIn]) -> Any:
    """Our level with its evidence, and the partner's own, for the standards named by code."""
    user = actor(request)
    assessment = selectors.assessment_get(
        user=user, pk=assessment_id, perm="capacity.edit_assessment"
    )
    by_code = {
        s.standard.code: s.standard_id for s in selectors.assessment_scores(assessment=assessment)
    }
    scores = {}
    for given in payload:
        if given.standard not in by_code:
            raise ValidationError({"standard": f"No standard {given.standard} in this edition."})
        scores[by_code[given.standard]] = services.ScoreInput(
            given.level, given.evidence, given.self_level
        )
    services.assessment_record_scores(actor=user, assessment=assessment, scores=scores)
    return _assessment_detail(user, assessment)


@router.post("/assessments/{int:assessment_id}/move", response=_Detail)
def move_safe_assessment(request: HttpRequest, assessment_id: int, payload: MoveIn) -> Any:
    """A workflow move by name: submitted, reviewed, approved or returned (with ``why``)."""
    user = actor(request)
    assessment = selectors.assessment_get(user=user, pk=assessment_id)
    services.assessment_move(actor=user, assessment=assessment, move=payload.move, why=payload.why)
    return _assessment_detail(user, assessment)


def _plan(plan: TrainingPlan) -> dict[str, Any]:
    items = selectors.plan_items(plan=plan)
    return {
        "program_id": plan.program_id,
        "generated_at": plan.generated_at,
        "based_on_id": plan.based_on_id,
        "solver_status": plan.solver_status,
        "left_out": list(plan.notes),
        "items": [
            {
                "id": i.pk,
                "course": i.course.code,
                "fiscal_year": i.fiscal_year,
                "quarter": i.quarter,
                "estimated_cost": i.estimated_cost,
                "standards": selectors.plan_item_codes(item=i),
                "delivery_id": i.delivery_id,
                "delivery_status": i.delivery.status if i.delivery else None,
            }
            for i in items
        ],
        "progress": [
            {
                "quarter": q.label,
                "planned": q.planned,
                "scheduled": q.scheduled,
                "delivered": q.delivered,
                "cost": q.cost,
            }
            for q in selectors.plan_progress(items=items)
        ],
    }


@router.get("/programs/{int:program_id}/plan", response=PlanOut)
def get_safe_plan(request: HttpRequest, program_id: int) -> Any:
    user = actor(request)
    program = selectors.program_get(user=user, pk=program_id)
    return _plan(selectors.plan_get(user=user, program=program))


@router.post("/programs/{int:program_id}/plan/generate", response=PlanOut)
def generate_safe_plan(request: HttpRequest, program_id: int) -> Any:
    user = actor(request)
    program = selectors.program_get(user=user, pk=program_id, perm="capacity.manage_program")
    return _plan(services.plan_generate(actor=user, program=program).plan)


@router.post("/plan-items/{int:item_id}/move", response=PlanOut)
def move_safe_plan_item(request: HttpRequest, item_id: int, payload: QuarterIn) -> Any:
    user = actor(request)
    item = selectors.plan_item_get(user=user, pk=item_id)
    services.plan_item_move(
        actor=user, item=item, quarter=FiscalQuarter(payload.fiscal_year, payload.quarter)
    )
    return _plan(item.plan)
