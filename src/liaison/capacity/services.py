"""Every change to capacity building: programs and targets, assessments and their workflow,
evidence files, the training plan (generated and edited), mentoring."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from liaison.audit.services import apply_changes, audit_log, diff, snapshot
from liaison.audit.transitions import transition
from liaison.capacity import planner
from liaison.capacity.models import (
    MATURITY,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    Attachment,
    Mentoring,
    PlanItem,
    Program,
    Score,
    Target,
    TrainingPlan,
)
from liaison.capacity.selectors import DELIVERED, approved_assessments, gap_rows
from liaison.capacity.workflows import ASSESSMENT
from liaison.catalog.models import Course, SafeStandard
from liaison.core.access import require_perm
from liaison.core.attachments import attachment_check, seal, unseal
from liaison.core.fiscal import FiscalQuarter, fiscal_quarter_of, fiscal_quarters
from liaison.people.models import Person, Staff
from liaison.training.models import Delivery, DeliveryStatus

PROGRAM_FIELDS = (
    "country",
    "agency",
    "sponsor",
    "edition",
    "starts_on",
    "planned_end",
    "manager",
    "budget",
    "max_deliveries_per_quarter",
    "objectives",
)
ASSESSMENT_FIELDS = (
    "kind",
    "edition",
    "starts_on",
    "ends_on",
    "summary",
    "self_assessment_received_on",
)
MENTORING_FIELDS = ("advisor", "starts_on", "ends_on", "topics", "notes")


# --- programs ------------------------------------------------------------------------------


def _check_program(program: Program) -> None:
    errors: dict[str, str] = {}
    if program.agency_id and program.country_id and program.agency.country_id != program.country_id:
        errors["agency"] = f"{program.agency.name} is not an agency of {program.country.name}."
    if program.manager_id and not program.manager.has_perm("capacity.manage_program"):
        errors["manager"] = "The program manager must be someone at headquarters who runs programs."
    if errors:
        raise ValidationError(errors)
    program.full_clean()


@transaction.atomic
def program_create(*, actor: Any, **values: Any) -> Program:
    require_perm(actor, "capacity.manage_program")
    if "agency" in values and Program.objects.filter(agency=values["agency"]).exists():
        raise ValidationError({"agency": f"{values['agency'].name} already has a SAFE program."})
    program = Program(**values)
    _check_program(program)
    program.save()
    TrainingPlan.objects.create(program=program)
    audit_log(
        actor=actor,
        action="safe_program.created",
        obj=program,
        changes=diff({}, snapshot(program, PROGRAM_FIELDS)),
    )
    return program


@transaction.atomic
def program_update(*, actor: Any, program: Program, **changes: Any) -> Program:
    require_perm(actor, "capacity.manage_program", program)
    apply_changes(
        actor=actor,
        obj=program,
        changes=changes,
        fields=PROGRAM_FIELDS,
        action="safe_program.updated",
        validate=_check_program,
    )
    return program


@transaction.atomic
def program_set_targets(
    *, actor: Any, program: Program, targets: dict[SafeStandard, tuple[int | None, int]]
) -> Program:
    """Target level and priority per standard of the program's edition (a level of None
    removes the standard's target)."""
    require_perm(actor, "capacity.manage_program", program)
    existing = {t.standard_id: t for t in program.targets.all()}
    changes: dict[str, list[Any]] = {}
    for standard, (level, priority) in targets.items():
        if standard.edition_id != program.edition_id:
            raise ValidationError(f"{standard} is not a standard of the program's edition.")
        if level is not None and level not in MATURITY:
            raise ValidationError(f"A target level is from 0 to 4 ({standard.code}).")
        before = existing.get(standard.pk)
        old = (before.level, before.priority) if before else None
        if level is None:
            if before:
                before.delete()
        elif before:
            before.level, before.priority = level, priority
            before.full_clean()
            before.save()
        else:
            Target(program=program, standard=standard, level=level, priority=priority).save()
        new = (level, priority) if level is not None else None
        if old != new:
            changes[standard.code] = [_target_text(old), _target_text(new)]
    if changes:
        audit_log(actor=actor, action="safe_program.targets_changed", obj=program, changes=changes)
    return program


def _target_text(value: tuple[int | None, int] | None) -> str | None:
    return None if value is None else f"level {value[0]}, priority {value[1]}"


# --- assessments ---------------------------------------------------------------------------


def _check_assessment(assessment: Assessment) -> None:
    program = assessment.program
    errors: dict[str, str] = {}
    if assessment.starts_on and assessment.starts_on < program.starts_on:
        errors["starts_on"] = "The mission starts before the program does."
    others = program.assessments.exclude(pk=assessment.pk)
    initial = others.filter(kind=AssessmentKind.INITIAL).first()
    if assessment.kind == AssessmentKind.INITIAL and initial is not None:
        errors["kind"] = "The program already has its initial assessment."
    elif assessment.kind != AssessmentKind.INITIAL:
        if initial is None:
            errors["kind"] = "The initial assessment comes first."
        elif assessment.starts_on and assessment.starts_on <= initial.ends_on:
            errors["starts_on"] = "A monitoring or final assessment comes after the initial one."
    if (
        assessment.kind == AssessmentKind.FINAL
        and others.filter(kind=AssessmentKind.FINAL).exists()
    ):
        errors["kind"] = "The program already has its final assessment."
    if errors:
        raise ValidationError(errors)
    assessment.full_clean()


def _check_assessors(assessors: list[Staff]) -> None:
    if not assessors:
        raise ValidationError({"assessors": "Name at least one assessor."})


def _check_participants(participants: list[Person]) -> None:
    merged = [str(p) for p in participants if p.is_merged]
    if merged:
        raise ValidationError(
            {"participants": f"{', '.join(merged)}: merged into another record; name that one."}
        )


def _names(people: Iterable[Any]) -> str:
    return ", ".join(sorted(str(p) for p in people))


@transaction.atomic
def assessment_create(
    *,
    actor: Any,
    program: Program,
    kind: str,
    starts_on: date,
    ends_on: date,
    assessors: Iterable[Staff],
    participants: Iterable[Person] = (),
    edition: Any = None,
    summary: str = "",
    self_assessment_received_on: date | None = None,
) -> Assessment:
    """A draft assessment with an empty score for every standard of its edition (the
    program's, unless another is named), by its assessors, with the administration's officials
    who took part."""
    require_perm(actor, "capacity.manage_program", program)
    chosen = list(assessors)
    _check_assessors(chosen)
    officials = list(participants)
    _check_participants(officials)
    assessment = Assessment(
        program=program,
        kind=kind,
        edition=edition or program.edition,
        starts_on=starts_on,
        ends_on=ends_on,
        summary=summary,
        self_assessment_received_on=self_assessment_received_on,
    )
    _check_assessment(assessment)
    assessment.save()
    assessment.assessors.set(chosen)
    assessment.participants.set(officials)
    Score.objects.bulk_create(
        Score(assessment=assessment, standard=standard)
        for standard in SafeStandard.objects.filter(edition=assessment.edition)
    )
    audit_log(
        actor=actor,
        action="assessment.created",
        obj=assessment,
        changes={
            **diff({}, snapshot(assessment, ASSESSMENT_FIELDS)),
            "assessors": [None, ", ".join(str(s) for s in chosen)],
            **({"participants": [None, _names(officials)]} if officials else {}),
        },
    )
    return assessment


def _draft(assessment: Assessment) -> None:
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(
            f"The assessment is {assessment.get_status_display().lower()}: only a draft changes "
            "(a reviewer can return it to its assessors)."
        )


@transaction.atomic
def assessment_update(
    *,
    actor: Any,
    assessment: Assessment,
    assessors: Iterable[Staff] | None = None,
    participants: Iterable[Person] | None = None,
    **changes: Any,
) -> Assessment:
    require_perm(actor, "capacity.edit_assessment", assessment)
    _draft(assessment)
    if "kind" in changes or "edition" in changes:
        raise ValidationError("The kind and edition of an assessment are set when it is created.")
    apply_changes(
        actor=actor,
        obj=assessment,
        changes=changes,
        fields=ASSESSMENT_FIELDS,
        action="assessment.updated",
        validate=_check_assessment,
    )
    if assessors is not None:
        chosen = list(assessors)
        _check_assessors(chosen)
        before = sorted(str(s) for s in assessment.assessors.all())
        assessment.assessors.set(chosen)
        after = sorted(str(s) for s in chosen)
        if before != after:
            audit_log(
                actor=actor,
                action="assessment.assessors_changed",
                obj=assessment,
                changes={"assessors": [", ".join(before), ", ".join(after)]},
            )
    if participants is not None:
        officials = list(participants)
        _check_participants(officials)
        was = _names(assessment.participants.all())
        assessment.participants.set(officials)
        now = _names(officials)
        if was != now:
            audit_log(
                actor=actor,
                action="assessment.participants_changed",
                obj=assessment,
                changes={"participants": [was, now]},
            )
    return assessment


@dataclass(frozen=True)
class ScoreInput:
    level: int | None
    evidence: str = ""
    self_level: int | None = None


@transaction.atomic
def assessment_record_scores(
    *, actor: Any, assessment: Assessment, scores: dict[int, ScoreInput]
) -> Assessment:
    """Scores by standard id: our level and its evidence, and the partner's own level. A
    level needs its evidence."""
    require_perm(actor, "capacity.edit_assessment", assessment)
    _draft(assessment)
    rows = {s.standard_id: s for s in assessment.scores.select_related("standard__pillar")}
    errors: dict[str, str] = {}
    changes: dict[str, list[Any]] = {}
    changed: list[Score] = []
    for standard_id, given in scores.items():
        row = rows.get(standard_id)
        if row is None:
            raise ValidationError("That standard is not in the assessment's edition.")
        for level in (given.level, given.self_level):
            if level is not None and level not in MATURITY:
                errors[row.standard.code] = "A score is from 0 (absent) to 4 (sustained)."
        evidence = given.evidence.strip()
        if given.level is not None and not evidence:
            errors[row.standard.code] = (
                f"{row.standard.code}: say what the score rests on (evidence)."
            )
        before = (row.level, row.evidence, row.self_level)
        after = (given.level, evidence, given.self_level)
        if before != after:
            row.level, row.evidence, row.self_level = after
            changed.append(row)
            changes[row.standard.code] = [_score_text(*before), _score_text(*after)]
    if errors:
        raise ValidationError(errors)
    for row in changed:
        row.full_clean()
        row.save()
    if changes:
        audit_log(actor=actor, action="assessment.scored", obj=assessment, changes=changes)
    return assessment


def _score_text(level: int | None, evidence: str, self_level: int | None) -> str:
    ours = "—" if level is None else str(level)
    theirs = "" if self_level is None else f" (self {self_level})"
    return f"{ours}{theirs}: {evidence[:60]}" if evidence else f"{ours}{theirs}"


def _every_standard_scored(assessment: Assessment) -> None:
    missing = [
        s.standard.code
        for s in assessment.scores.select_related("standard__pillar")
        if s.level is None or not s.evidence.strip()
    ]
    if missing:
        raise ValidationError(
            "Score every standard with its evidence before submitting: "
            f"{', '.join(sorted(missing))} {'is' if len(missing) == 1 else 'are'} not scored."
        )


@transaction.atomic
def assessment_submit(*, actor: Any, assessment: Assessment, why: str = "") -> Assessment:
    transition(
        actor=actor,
        obj=assessment,
        workflow=ASSESSMENT,
        move="submitted",
        why=why,
        fields={"submitted_by": actor},
        check=lambda: _every_standard_scored(assessment),
    )
    return assessment


def _second_person(actor: Any, assessment: Assessment) -> None:
    if assessment.submitted_by_id is not None and assessment.submitted_by_id == actor.pk:
        raise ValidationError("A second person reviews an assessment: you submitted this one.")


@transaction.atomic
def assessment_review(*, actor: Any, assessment: Assessment, why: str = "") -> Assessment:
    transition(
        actor=actor,
        obj=assessment,
        workflow=ASSESSMENT,
        move="reviewed",
        why=why,
        check=lambda: _second_person(actor, assessment),
    )
    return assessment


@transaction.atomic
def assessment_approve(*, actor: Any, assessment: Assessment, why: str = "") -> Assessment:
    transition(actor=actor, obj=assessment, workflow=ASSESSMENT, move="approved", why=why)
    return assessment


@transaction.atomic
def assessment_return(*, actor: Any, assessment: Assessment, why: str = "") -> Assessment:
    def needs_reason() -> None:
        if not why.strip():
            raise ValidationError({"why": "Tell the assessors what to change."})

    transition(
        actor=actor,
        obj=assessment,
        workflow=ASSESSMENT,
        move="returned",
        why=why.strip(),
        check=needs_reason,
    )
    return assessment


def assessment_move(*, actor: Any, assessment: Assessment, move: str, why: str = "") -> Assessment:
    """Make the workflow move named ``move`` through its service (pages and the API)."""
    names = {m.name for m in ASSESSMENT.moves}
    if move not in names:
        raise ValidationError({"move": f"No such move: choose one of {', '.join(sorted(names))}."})
    service = ASSESSMENT.service(ASSESSMENT.named(move))
    result: Assessment = service(actor=actor, assessment=assessment, why=why)
    return result


# --- evidence files ------------------------------------------------------------------------


@transaction.atomic
def attachment_add(
    *,
    actor: Any,
    assessment: Assessment,
    filename: str,
    data: bytes,
    standard: SafeStandard | None = None,
    description: str = "",
) -> Attachment:
    """Keep an evidence file: its type and size checked by its content, its name made safe,
    its bytes encrypted in the database. Not on an approved assessment."""
    require_perm(actor, "capacity.edit_assessment", assessment)
    if assessment.status == AssessmentStatus.APPROVED:
        raise ValidationError("The assessment is approved: its evidence is closed.")
    if standard is not None and standard.edition_id != assessment.edition_id:
        raise ValidationError({"standard": "That standard is not in the assessment's edition."})
    checked = attachment_check(filename=filename, data=data)
    attachment = Attachment.objects.create(
        assessment=assessment,
        standard=standard,
        name=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        payload=seal(data),
        description=description.strip()[:200],
        uploaded_by=actor,
    )
    audit_log(
        actor=actor,
        action="assessment.attachment_added",
        obj=assessment,
        changes={
            "attachment": [
                None,
                f"{checked.filename} ({checked.size} bytes, {checked.sha256[:12]})",
            ]
        },
    )
    return attachment


@transaction.atomic
def attachment_download(*, actor: Any, attachment: Attachment) -> bytes:
    """The file's bytes for someone who may read the assessment's evidence; every download is
    recorded."""
    require_perm(actor, "capacity.view_attachments", attachment.assessment)
    data = unseal(Attachment.objects.values_list("payload", flat=True).get(pk=attachment.pk))
    audit_log(
        actor=actor,
        action="assessment.attachment_downloaded",
        obj=attachment.assessment,
        changes={"attachment": [None, attachment.name]},
    )
    return data


# --- the training plan ---------------------------------------------------------------------


def _slots(program: Program, today: date) -> tuple[list[FiscalQuarter], int]:
    """The program's fiscal quarters, and the index of the first one not yet begun... or
    under way (today's quarter is still open to plan)."""
    quarters = fiscal_quarters(program.starts_on, program.planned_end)
    now = fiscal_quarter_of(today)
    first_open = next((i for i, q in enumerate(quarters) if q >= now), len(quarters))
    return quarters, first_open


def _done_courses(program: Program) -> set[int]:
    """Courses the partner already had: delivered in its country, or linked to the plan and
    delivered wherever it was."""
    return set(
        Delivery.objects.filter(status__in=DELIVERED)
        .filter(Q(country_id=program.country_id) | Q(safe_plan_item__plan__program=program))
        .values_list("course_id", flat=True)
    )


@dataclass(frozen=True)
class Generated:
    plan: TrainingPlan
    status: str
    placed: int
    left_out: list[str]


@transaction.atomic
def plan_generate(
    *, actor: Any, program: Program, time_limit: float = 5.0, deterministic: bool = False
) -> Generated:
    """Generate the plan from the latest approved assessment's gaps (CP-SAT: see
    ``capacity.planner``). Items the manager placed or linked to a delivery stay; the others
    are replaced."""
    require_perm(actor, "capacity.manage_program", program)
    assessments = approved_assessments(program=program)
    if not assessments:
        raise ValidationError(
            "Generate the plan from an approved assessment: none is approved yet."
        )
    rows = gap_rows(program=program, with_trained=False)
    gaps = {r.standard.code: (r.gap, r.priority or 2) for r in rows if r.gap}
    if not gaps:
        raise ValidationError("No standard is below its target: there is no gap to plan for.")
    plan, _ = TrainingPlan.objects.select_for_update().get_or_create(program=program)
    kept = list(
        plan.items.filter(Q(kept=True) | Q(delivery__isnull=False)).select_related("course")
    )
    plan.items.exclude(pk__in=[i.pk for i in kept]).delete()
    quarters, first_open = _slots(program, timezone.localdate())
    index = {(q.year, q.quarter): i for i, q in enumerate(quarters)}
    courses = {
        c.pk: c
        for c in Course.objects.filter(active=True).prefetch_related(
            "standards__pillar", "prerequisites"
        )
    }
    values: dict[int, int] = {}
    for course in courses.values():
        values[course.pk] = sum(
            gap * planner.PRIORITY_WEIGHT[priority]
            for code, (gap, priority) in gaps.items()
            if any(s.code == code for s in course.standards.all())
        )
    wanted = {cid for cid, value in values.items() if value > 0}
    done = _done_courses(program)
    # Prerequisites of wanted courses are candidates too (transitively).
    todo = list(wanted)
    while todo:
        for prerequisite in courses[todo.pop()].prerequisites.all():
            if (
                prerequisite.pk not in wanted
                and prerequisite.pk not in done
                and prerequisite.pk in courses
            ):
                wanted.add(prerequisite.pk)
                todo.append(prerequisite.pk)
    notes: list[str] = []
    candidates = []
    kept_ids = {i.course_id for i in kept}
    for cid in sorted(wanted, key=lambda c: courses[c].code):
        course = courses[cid]
        if cid in kept_ids:
            continue
        if course.estimated_cost is None:
            notes.append(f"{course.code}: no estimated cost in the catalog, so not planned")
            continue
        candidates.append(
            planner.Candidate(
                course_id=cid,
                code=course.code,
                cost=int(course.estimated_cost),
                value=values[cid],
                prerequisites=tuple(p.pk for p in course.prerequisites.all()),
            )
        )
    fixed: dict[int, int] = {}
    for item in kept:
        slot = index.get(item.slot)
        if slot is None:  # outside the program's quarters (its dates changed): counted as had
            done.add(item.course_id)
            continue
        # A kept item stays where the manager put it (its prerequisites were checked then).
        fixed[item.course_id] = slot
        candidates.append(
            planner.Candidate(
                course_id=item.course_id,
                code=item.course.code,
                cost=int(item.estimated_cost),
                value=values.get(item.course_id, 0),
            )
        )
    problem = planner.Problem(
        slots=len(quarters),
        first_open=first_open,
        candidates=tuple(candidates),
        budget=int(program.budget),
        cap=program.max_deliveries_per_quarter,
        done=frozenset(done),
        fixed=fixed,
    )
    result = planner.solve(problem, time_limit=time_limit, deterministic=deterministic)
    if result.status == "infeasible":
        raise ValidationError(
            "The items kept in the plan already exceed its budget or a quarter's cap: move or "
            "remove some, or raise the budget."
        )
    by_code = {r.standard.code: r.standard for r in rows}
    created = []
    for cid, slot in sorted(result.placed.items(), key=lambda kv: (kv[1], courses[kv[0]].code)):
        if cid in fixed:
            continue
        course = courses[cid]
        quarter = quarters[slot]
        item = PlanItem.objects.create(
            plan=plan,
            course=course,
            fiscal_year=quarter.year,
            quarter=quarter.quarter,
            estimated_cost=course.estimated_cost or Decimal(0),
        )
        item.standards.set(
            [
                by_code[s.code]
                for s in course.standards.all()
                if s.code in gaps and s.code in by_code
            ]
        )
        created.append(item)
    for cid, why in sorted(result.left_out.items(), key=lambda kv: courses[kv[0]].code):
        if cid not in fixed:
            notes.append(f"{courses[cid].code}: {why}")
    plan.based_on = assessments[-1]
    plan.generated_at = timezone.now()
    plan.generated_by = actor
    plan.solver_status = result.status
    plan.notes = notes
    plan.save()
    audit_log(
        actor=actor,
        action="training_plan.generated",
        obj=program,
        changes={
            "plan": [
                None,
                f"{len(created)} course(s) planned, {len(kept)} kept, from the "
                f"{plan.based_on} ({result.status})",
            ]
        },
    )
    return Generated(plan, result.status, len(created), notes)


def _plan_rules(
    plan: TrainingPlan,
    program: Program,
    moving: PlanItem | None,
    course: Course,
    quarter: FiscalQuarter,
    cost: Decimal,
) -> None:
    """The plan's rules for an item of ``course`` placed in ``quarter`` (``moving`` is the
    item itself when it is moved): inside the program, not in a quarter that has ended, under
    the quarterly cap and the budget, after its prerequisites and before what needs it."""
    quarters, first_open = _slots(program, timezone.localdate())
    if quarter not in quarters:
        raise ValidationError(
            {"quarter": f"{quarter} is outside the program ({quarters[0]} to {quarters[-1]})."}
        )
    if quarters.index(quarter) < first_open:
        raise ValidationError({"quarter": f"{quarter} has ended: plan in this quarter or later."})
    others = [i for i in plan.items.select_related("course") if moving is None or i.pk != moving.pk]
    in_quarter = [i for i in others if i.slot == (quarter.year, quarter.quarter)]
    if len(in_quarter) >= program.max_deliveries_per_quarter:
        raise ValidationError(
            {
                "quarter": f"{quarter} already holds {len(in_quarter)} course(s), the "
                f"program's cap of {program.max_deliveries_per_quarter} a quarter."
            }
        )
    total = sum((i.estimated_cost for i in others), Decimal(0)) + cost
    if total > program.budget:
        raise ValidationError(
            f"That would plan ${total:,.0f}, over the program's budget of ${program.budget:,.0f}."
        )
    slot = (quarter.year, quarter.quarter)
    planned = {i.course_id: i for i in others}
    done = _done_courses(program)
    for prerequisite in course.prerequisites.all():
        item = planned.get(prerequisite.pk)
        if prerequisite.pk in done:
            continue
        if item is None:
            raise ValidationError(
                {"quarter": f"{course.code} needs {prerequisite.code} first: plan it before."}
            )
        if item.slot >= slot:
            raise ValidationError(
                {
                    "quarter": f"{course.code} needs {prerequisite.code} first, planned in "
                    f"FY{item.fiscal_year} Q{item.quarter}: plan {course.code} after it."
                }
            )
    for item in others:
        if course in item.course.prerequisites.all() and item.slot <= slot:
            raise ValidationError(
                {
                    "quarter": f"{item.course.code} (FY{item.fiscal_year} Q{item.quarter}) needs "
                    f"{course.code} first: plan {course.code} before it."
                }
            )


@transaction.atomic
def plan_item_move(*, actor: Any, item: PlanItem, quarter: FiscalQuarter) -> PlanItem:
    program = item.plan.program
    require_perm(actor, "capacity.manage_program", program)
    if item.delivery_id:
        raise ValidationError("The item has its delivery: its dates are the delivery's.")
    _plan_rules(item.plan, program, item, item.course, quarter, item.estimated_cost)
    before = f"FY{item.fiscal_year} Q{item.quarter}"
    item.fiscal_year, item.quarter, item.kept = quarter.year, quarter.quarter, True
    item.save()
    audit_log(
        actor=actor,
        action="training_plan.item_moved",
        obj=program,
        changes={item.course.code: [before, str(quarter)]},
    )
    return item


@transaction.atomic
def plan_item_add(
    *, actor: Any, plan: TrainingPlan, course: Course, quarter: FiscalQuarter
) -> PlanItem:
    program = plan.program
    require_perm(actor, "capacity.manage_program", program)
    if plan.items.filter(course=course).exists():
        raise ValidationError({"course": f"{course.code} is already in the plan."})
    if course.estimated_cost is None:
        raise ValidationError(
            {"course": f"{course.code} has no estimated cost: set one in the catalog first."}
        )
    _plan_rules(plan, program, None, course, quarter, course.estimated_cost)
    item = PlanItem.objects.create(
        plan=plan,
        course=course,
        fiscal_year=quarter.year,
        quarter=quarter.quarter,
        estimated_cost=course.estimated_cost,
        kept=True,
    )
    gap_codes = {
        r.standard.code: r.standard for r in gap_rows(program=program, with_trained=False) if r.gap
    }
    item.standards.set(
        [
            gap_codes[s.code]
            for s in course.standards.select_related("pillar")
            if s.code in gap_codes
        ]
    )
    audit_log(
        actor=actor,
        action="training_plan.item_added",
        obj=program,
        changes={course.code: [None, str(quarter)]},
    )
    return item


@transaction.atomic
def plan_item_remove(*, actor: Any, item: PlanItem) -> None:
    program = item.plan.program
    require_perm(actor, "capacity.manage_program", program)
    if item.delivery_id:
        raise ValidationError("The item has its delivery: unlink the delivery first.")
    needing = [
        i.course.code
        for i in item.plan.items.select_related("course").exclude(pk=item.pk)
        if item.course in i.course.prerequisites.all()
    ]
    if needing and item.course_id not in _done_courses(program):
        raise ValidationError(
            f"{', '.join(needing)} need(s) {item.course.code} first: remove them first."
        )
    audit_log(
        actor=actor,
        action="training_plan.item_removed",
        obj=program,
        changes={item.course.code: [f"FY{item.fiscal_year} Q{item.quarter}", None]},
    )
    item.delete()


@transaction.atomic
def plan_item_link_delivery(*, actor: Any, item: PlanItem, delivery: Delivery) -> PlanItem:
    """The real delivery of a planned course: the same course, not cancelled, in the
    program's country or at an ILEA, not already another item's."""
    program = item.plan.program
    require_perm(actor, "capacity.manage_program", program)
    if delivery.course_id != item.course_id:
        raise ValidationError(
            {"delivery": f"That delivery is of {delivery.course.code}, not {item.course.code}."}
        )
    if delivery.status == DeliveryStatus.CANCELLED:
        raise ValidationError({"delivery": "That delivery is cancelled."})
    if delivery.country_id != program.country_id and not delivery.venue.is_ilea:
        raise ValidationError(
            {
                "delivery": f"That delivery is in {delivery.country.name}, neither the program's "
                "country nor an ILEA."
            }
        )
    taken = (
        PlanItem.objects.filter(delivery=delivery)
        .exclude(pk=item.pk)
        .select_related("plan__program")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            {"delivery": f"That delivery is already linked to the {taken.plan.program}."}
        )
    item.delivery, item.kept = delivery, True
    item.save()
    audit_log(
        actor=actor,
        action="training_plan.delivery_linked",
        obj=program,
        changes={item.course.code: [None, str(delivery)]},
    )
    return item


@transaction.atomic
def plan_item_unlink(*, actor: Any, item: PlanItem) -> PlanItem:
    program = item.plan.program
    require_perm(actor, "capacity.manage_program", program)
    if item.delivery_id is None:
        raise ValidationError("The item has no delivery linked.")
    before = str(item.delivery)
    item.delivery = None
    item.save()
    audit_log(
        actor=actor,
        action="training_plan.delivery_unlinked",
        obj=program,
        changes={item.course.code: [before, None]},
    )
    return item


# --- mentoring -----------------------------------------------------------------------------


def _check_mentoring(engagement: Mentoring) -> None:
    if engagement.advisor_id and not engagement.advisor.active:
        raise ValidationError({"advisor": f"{engagement.advisor} is no longer active."})
    engagement.full_clean()


def _set_standards(engagement: Mentoring, standards: Iterable[SafeStandard]) -> list[str]:
    chosen = list(standards)
    if any(s.edition_id != engagement.program.edition_id for s in chosen):
        raise ValidationError({"standards": "Choose standards of the program's edition."})
    engagement.standards.set(chosen)
    return sorted(s.code for s in chosen)


@transaction.atomic
def mentoring_create(
    *, actor: Any, program: Program, standards: Iterable[SafeStandard] = (), **values: Any
) -> Mentoring:
    require_perm(actor, "capacity.manage_program", program)
    engagement = Mentoring(program=program, **values)
    _check_mentoring(engagement)
    engagement.save()
    codes = _set_standards(engagement, standards)
    audit_log(
        actor=actor,
        action="mentoring.created",
        obj=program,
        changes={
            **diff({}, snapshot(engagement, MENTORING_FIELDS)),
            "standards": [None, ", ".join(codes)],
        },
    )
    return engagement


@transaction.atomic
def mentoring_update(
    *,
    actor: Any,
    engagement: Mentoring,
    standards: Iterable[SafeStandard] | None = None,
    **changes: Any,
) -> Mentoring:
    require_perm(actor, "capacity.manage_program", engagement.program)
    apply_changes(
        actor=actor,
        obj=engagement,
        changes=changes,
        fields=MENTORING_FIELDS,
        action="mentoring.updated",
        validate=_check_mentoring,
    )
    if standards is not None:
        _set_standards(engagement, standards)
    return engagement


def plan_budget_used(*, plan: TrainingPlan) -> Decimal:
    return plan.items.aggregate(total=Sum("estimated_cost"))["total"] or Decimal(0)
