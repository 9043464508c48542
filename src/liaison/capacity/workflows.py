"""Capacity building's workflow: an assessment goes draft → submitted → reviewed → approved,
each move audited ("assessment.submitted", …); a reviewer may send it back to its assessors.
Only approved assessments count in the gap view, the trend and the training plan."""

from __future__ import annotations

from liaison.capacity.models import AssessmentStatus as S
from liaison.core.workflows import Move, Workflow

SERVICES = "liaison.capacity.services"

ASSESSMENT = Workflow(
    name="assessment",
    field="status",
    states=S,
    services_module=SERVICES,
    moves=(
        Move(
            "submitted",
            (S.DRAFT,),
            S.SUBMITTED,
            "capacity.edit_assessment",
            "Submit for review",
            "assessment_submit",
        ),
        Move(
            "reviewed",
            (S.SUBMITTED,),
            S.REVIEWED,
            "capacity.review_assessment",
            "Mark reviewed",
            "assessment_review",
        ),
        Move(
            "approved",
            (S.REVIEWED,),
            S.APPROVED,
            "capacity.approve_assessment",
            "Approve",
            "assessment_approve",
            confirm="An approved assessment is the program's record: its scores can no longer "
            "change, and the gap view and the training plan read them.",
        ),
        Move(
            "returned",
            (S.SUBMITTED, S.REVIEWED),
            S.DRAFT,
            "capacity.review_assessment",
            "Return to the assessors",
            "assessment_return",
        ),
    ),
)
