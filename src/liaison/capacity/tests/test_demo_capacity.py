"""The SAFE demo keeps the rules its services enforce: every assessment past draft scored in
full with evidence, and every plan within its budget and quarterly cap, each course after its
prerequisites."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from liaison.capacity.models import Assessment, AssessmentStatus, TrainingPlan
from liaison.capacity.services import _done_courses
from liaison.catalog.models import SafeStandard
from liaison.conftest import Demo

pytestmark = pytest.mark.django_db


def test_every_assessment_past_draft_scores_each_standard_with_evidence(shared_demo: Demo):
    past_draft = Assessment.objects.exclude(status=AssessmentStatus.DRAFT).prefetch_related(
        "scores"
    )
    assert past_draft.exists()
    for assessment in past_draft:
        standards = set(
            SafeStandard.objects.filter(edition=assessment.edition).values_list("pk", flat=True)
        )
        scored = {
            s.standard_id for s in assessment.scores.all() if s.level is not None and s.evidence
        }
        assert scored == standards, assessment


def test_every_plan_keeps_its_budget_cap_and_prerequisites(shared_demo: Demo):
    plans = TrainingPlan.objects.select_related("program").prefetch_related(
        "items__course__prerequisites"
    )
    assert plans.exists()
    for plan in plans:
        program = plan.program
        items = list(plan.items.all())
        assert sum((i.estimated_cost for i in items), Decimal(0)) <= program.budget
        per_quarter = Counter((i.fiscal_year, i.quarter) for i in items)
        assert max(per_quarter.values(), default=0) <= program.max_deliveries_per_quarter
        slot = {i.course_id: (i.fiscal_year, i.quarter) for i in items}
        done = _done_courses(program)
        for item in items:
            for prerequisite in item.course.prerequisites.all():
                if prerequisite.pk in done:
                    continue
                assert prerequisite.pk in slot, (plan, item.course, prerequisite)
                assert slot[prerequisite.pk] < (item.fiscal_year, item.quarter), (
                    item,
                    prerequisite,
                )
