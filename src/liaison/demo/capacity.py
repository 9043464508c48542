"""SAFE capacity-building programs for the demo, written through the services (every rule
they enforce holds: targets of the program's edition, assessments in order with evidence, a
second person reviewing, the plan within budget, cap and prerequisites).

Generated, not real: the agency names are the reference agencies', but which administrations
have a program, their scores and targets are drawn from the seed. The courses' estimated
costs are derived from the demo's own budget lines (the mean budget of the course's
deliveries), so the plan's costs match what the demo's deliveries cost.

- a finished program (FY2014 to FY2017) for the first country: initial (2012 edition),
  monitoring and final (2015 edition) assessments, approved, so the trend crosses editions
  and the officials trained in between are counted from the demo's rosters;
- running programs for the next ones, started two years before ``today``: an approved
  initial assessment, a monitoring assessment in review, the generated plan with the
  deliveries of planned courses already held in the country linked, and mentoring.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from liaison.accounts.models import User
from liaison.capacity import services
from liaison.capacity.models import PlanItem, Program
from liaison.catalog.models import Course, FundingSource, SafeEdition, SafeStandard
from liaison.catalog.services import course_update
from liaison.partners.models import Agency, AgencyKind
from liaison.people.models import Person, Staff, StaffKind
from liaison.training.models import CostKind, Delivery, DeliveryStatus

COUNTRIES = ("SV", "PE", "GH", "TH", "CR")
RUNNING = 3  # programs besides the finished one


@dataclass(frozen=True)
class CapacityDemoResult:
    programs: int
    assessments: int
    plan_items: int


def _cost_courses(manager: User) -> None:
    """Each course's estimated cost: the mean budget of its demo deliveries (if it has any)."""
    totals = (
        Delivery.objects.filter(cost_lines__kind=CostKind.BUDGET)
        .values("course_id", "pk")
        .annotate(total=Sum("cost_lines__amount"))
    )
    per_course: dict[int, list[Decimal]] = {}
    for row in totals:
        per_course.setdefault(row["course_id"], []).append(row["total"])
    for course in Course.objects.filter(pk__in=per_course, estimated_cost__isnull=True):
        amounts = per_course[course.pk]
        mean = (sum(amounts, Decimal(0)) / len(amounts)).quantize(Decimal("1"))
        course_update(actor=manager, course=course, estimated_cost=mean)


def _scores(
    rng: random.Random, standards: list[SafeStandard], base: dict[str, int], lift: int
) -> dict[int, services.ScoreInput]:
    scores = {}
    for standard in standards:
        level = min(4, base.get(standard.code, 2) + (rng.randint(0, lift) if lift else 0))
        scores[standard.pk] = services.ScoreInput(
            level,
            f"Mission interviews and document review for {standard.code} (demo).",
            self_level=min(4, level + rng.randint(0, 1)),
        )
    return scores


def _participants(program: Program, kind: str) -> list[Person]:
    """Up to three of the administration's registered officials, met on the mission (drawn
    from a generator of their own, so the rest of the demo draws as before)."""
    officials = list(Person.objects.active().filter(agency_id=program.agency_id).order_by("pk"))
    rng = random.Random(f"{program.agency.name} {kind}")
    return rng.sample(officials, min(3, len(officials)))


def _assess(
    *,
    manager: User,
    admin: User,
    program: Program,
    kind: str,
    starts_on: date,
    assessors: list[Staff],
    scores: dict[str, int] | None,
    rng: random.Random,
    lift: int = 0,
    edition: SafeEdition | None = None,
    through: str = "approved",
):
    assessment = services.assessment_create(
        actor=manager,
        program=program,
        kind=kind,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=4),
        assessors=assessors,
        participants=_participants(program, kind),
        edition=edition,
        self_assessment_received_on=starts_on - timedelta(days=14),
        summary="Generated for the demo.",
    )
    standards = list(
        SafeStandard.objects.filter(edition=assessment.edition).select_related("pillar")
    )
    services.assessment_record_scores(
        actor=manager, assessment=assessment, scores=_scores(rng, standards, scores or {}, lift)
    )
    services.assessment_submit(actor=manager, assessment=assessment)
    if through in ("reviewed", "approved"):
        services.assessment_review(actor=admin, assessment=assessment)
    if through == "approved":
        services.assessment_approve(actor=admin, assessment=assessment)
    return assessment


def build_capacity_demo(*, seed: int, today: date | None = None) -> CapacityDemoResult:
    """Needs the training demo (its deliveries, cost lines and rosters) and the demo accounts."""
    today = today or timezone.localdate()
    rng = random.Random(f"capacity-{seed}")
    users = {u.username: u for u in User.objects.filter(username__in=["manager", "admin"])}
    manager, admin = users.get("manager"), users.get("admin")
    if manager is None or admin is None:
        return CapacityDemoResult(0, 0, 0)
    _cost_courses(manager)
    agencies = [
        a
        for code in COUNTRIES
        for a in Agency.objects.filter(country__code=code, kind=AgencyKind.CUSTOMS)
        .select_related("country")
        .order_by("pk")[:1]
    ]
    assessors = list(
        Staff.objects.filter(
            kind__in=(StaffKind.ADVISOR, StaffKind.INSTRUCTOR), active=True
        ).order_by("pk")[:6]
    )
    if not agencies or len(assessors) < 2:
        return CapacityDemoResult(0, 0, 0)
    editions = {e.code: e for e in SafeEdition.objects.all()}
    sponsor = FundingSource.objects.order_by("code").first()
    standards = list(SafeStandard.objects.filter(edition=editions["2015"]).select_related("pillar"))
    programs = assessments = 0
    for index, agency in enumerate(agencies[: RUNNING + 1]):
        finished = index == 0
        starts_on = date(2013, 10, 1) if finished else today - timedelta(days=730)
        program = services.program_create(
            actor=manager,
            country=agency.country,
            agency=agency,
            sponsor=sponsor,
            edition=editions["2015"],
            starts_on=starts_on,
            planned_end=date(2017, 9, 30) if finished else today + timedelta(days=1095),
            manager=manager,
            budget=Decimal(rng.choice((250000, 400000, 600000))),
            max_deliveries_per_quarter=rng.choice((1, 2, 2, 3)),
            objectives="Implement the SAFE Framework's Customs-to-Customs and Customs-to-"
            "Business standards (generated for the demo).",
        )
        programs += 1
        base = {s.code: rng.choice((0, 1, 1, 2, 2, 3)) for s in standards}
        services.program_set_targets(
            actor=manager,
            program=program,
            targets={
                s: (min(4, max(3, base[s.code] + 1)), rng.choice((1, 2, 2, 3))) for s in standards
            },
        )
        team = rng.sample(assessors, 2)
        if finished:
            _assess(
                manager=manager,
                admin=admin,
                program=program,
                kind="initial",
                starts_on=date(2014, 1, 13),
                assessors=team,
                scores=base,
                rng=rng,
                edition=editions["2012"],
            )
            _assess(
                manager=manager,
                admin=admin,
                program=program,
                kind="monitoring",
                starts_on=date(2015, 11, 2),
                assessors=team,
                scores=base,
                rng=rng,
                lift=1,
            )
            _assess(
                manager=manager,
                admin=admin,
                program=program,
                kind="final",
                starts_on=date(2017, 8, 7),
                assessors=team,
                scores=base,
                rng=rng,
                lift=2,
            )
            assessments += 3
            continue
        _assess(
            manager=manager,
            admin=admin,
            program=program,
            kind="initial",
            starts_on=starts_on + timedelta(days=45),
            assessors=team,
            scores=base,
            rng=rng,
        )
        services.plan_generate(actor=manager, program=program, deterministic=True, time_limit=2)
        for item in PlanItem.objects.filter(plan__program=program).select_related("course"):
            delivery = (
                Delivery.objects.filter(
                    course=item.course,
                    country=program.country,
                    safe_plan_item__isnull=True,
                    starts_on__gte=program.starts_on,
                )
                .exclude(status=DeliveryStatus.CANCELLED)
                .order_by("starts_on")
                .first()
            )
            if delivery is not None:
                services.plan_item_link_delivery(actor=manager, item=item, delivery=delivery)
        _assess(
            manager=manager,
            admin=admin,
            program=program,
            kind="monitoring",
            starts_on=today - timedelta(days=40),
            assessors=team,
            scores=base,
            rng=rng,
            lift=1,
            through="submitted",
        )
        assessments += 2
        services.mentoring_create(
            actor=manager,
            program=program,
            advisor=team[0],
            starts_on=starts_on + timedelta(days=200),
            ends_on=starts_on + timedelta(days=260),
            topics="Risk-management committee and targeting unit",
            standards=[s for s in standards if s.code in ("1.4", "1.7")],
            notes="Generated for the demo.",
        )
    items = PlanItem.objects.count()
    return CapacityDemoResult(programs, assessments, items)
