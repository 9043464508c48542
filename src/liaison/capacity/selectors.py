"""Reads of capacity building for pages, the API and the pages where programs meet; every
list scoped by ``capacity.permissions``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import altair as alt
from django.db.models import Avg, Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from liaison.audit.models import AuditEntryQuerySet
from liaison.audit.selectors import audit_history
from liaison.capacity.models import (
    Assessment,
    AssessmentStatus,
    Attachment,
    Mentoring,
    PlanItem,
    Priority,
    Program,
    Score,
    Target,
    TrainingPlan,
)
from liaison.capacity.permissions import (
    scope_assessments,
    scope_editable_assessments,
    scope_programs,
)
from liaison.catalog.models import ACADEMY_KINDS, Course, SafeStandard
from liaison.core.access import get_for_user, require_perm
from liaison.core.charts import Chart, chart
from liaison.core.work import WorkItem, WorkList
from liaison.people.models import Person
from liaison.training.models import Delivery, DeliveryStatus, Enrollment

DELIVERED = (DeliveryStatus.DELIVERED, DeliveryStatus.CLOSED)


# --- programs ------------------------------------------------------------------------------


def _programs() -> QuerySet[Program]:
    return Program.objects.select_related("country", "agency", "sponsor", "edition", "manager")


def program_list(*, user: Any, search: str = "", country: str = "") -> QuerySet[Program]:
    require_perm(user, "capacity.browse")
    programs = scope_programs(user, _programs())
    if search:
        programs = programs.filter(
            Q(agency__name__icontains=search)
            | Q(agency__acronym__iexact=search)
            | Q(country__name__icontains=search)
        )
    if country:
        programs = programs.filter(country__code=country.upper())
    latest = Assessment.objects.filter(status=AssessmentStatus.APPROVED)
    return programs.annotate(
        assessment_count=Count("assessments", filter=Q(assessments__in=latest), distinct=True)
    ).order_by("country__name", "agency__name")


def program_get(*, user: Any, pk: int, perm: str = "capacity.view_program") -> Program:
    return get_for_user(_programs(), user, perm, pk=pk)


def program_history(*, program: Program) -> AuditEntryQuerySet:
    return audit_history(object_type="capacity.program", object_ids=[str(program.pk)])


def standards_of(*, edition_id: int) -> list[SafeStandard]:
    return list(
        SafeStandard.objects.filter(edition_id=edition_id)
        .select_related("pillar", "edition")
        .order_by("pillar__number", "number")
    )


def targets_of(*, program: Program) -> dict[int, Target]:
    """The program's targets by standard id."""
    return {t.standard_id: t for t in program.targets.all()}


# --- assessments ---------------------------------------------------------------------------


def _assessments() -> QuerySet[Assessment]:
    return Assessment.objects.select_related(
        "program__country", "program__agency", "edition", "submitted_by"
    ).prefetch_related("assessors")


def assessment_list(*, user: Any, program: Program) -> list[Assessment]:
    return list(
        scope_assessments(user, _assessments().filter(program=program))
        .prefetch_related("participants")
        .order_by("ends_on", "pk")
    )


def assessment_get(*, user: Any, pk: int, perm: str = "capacity.view_assessment") -> Assessment:
    return get_for_user(_assessments(), user, perm, pk=pk)


def assessment_assessors(*, assessment: Assessment) -> list[Any]:
    return list(assessment.assessors.all())


def plan_item_codes(*, item: PlanItem) -> list[str]:
    """The codes of the gap standards the item closes (prefetched by ``plan_items``)."""
    return [s.code for s in item.standards.all()]


def assessment_scores(*, assessment: Assessment) -> list[Score]:
    return list(
        assessment.scores.select_related("standard__pillar", "standard__edition").order_by(
            "standard__pillar__number", "standard__number"
        )
    )


def assessment_attachments(*, assessment: Assessment) -> list[Attachment]:
    """The evidence files, without their bytes."""
    return list(
        assessment.attachments.defer("payload")
        .select_related("standard__pillar", "uploaded_by")
        .order_by("uploaded_at", "pk")
    )


def attachment_get(*, user: Any, pk: int) -> Attachment:
    """An evidence file (its bytes deferred) for someone who may read the assessment's
    evidence, or 404/403."""
    found = (
        Attachment.objects.defer("payload")
        .select_related("assessment__program")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such attachment.")
    require_perm(user, "capacity.view_assessment", found.assessment)
    require_perm(user, "capacity.view_attachments", found.assessment)
    return found


def assessment_history(*, assessment: Assessment) -> AuditEntryQuerySet:
    return audit_history(object_type="capacity.assessment", object_ids=[str(assessment.pk)])


# --- the gap view --------------------------------------------------------------------------


@dataclass
class Point:
    assessment: Assessment
    level: int | None
    self_level: int | None
    comparable: bool  # the assessment scored this standard (same code and title)


@dataclass
class GapRow:
    standard: SafeStandard
    target: int | None
    priority: int | None
    points: list[Point]
    current: int | None = None
    self_level: int | None = None
    gap: int | None = None
    change: int | None = None  # since the previous comparable score
    note: str = ""
    trained: list[Trained] = field(default_factory=list)

    @property
    def priority_label(self) -> str:
        return Priority(self.priority).label if self.priority else "—"

    @property
    def trend(self) -> str:
        if self.note:
            return self.note
        if self.change is None:
            return "—" if self.current is None else "first score"
        if self.change == 0:
            return "no change"
        return f"{'+' if self.change > 0 else '-'}{abs(self.change)}"


@dataclass
class Trained:
    """★ Between two approved assessments, for one standard: the administration's officials
    who completed a course mapped to it (a valid certificate of a delivery that ended in
    between), and how many of them are still in post."""

    before: Assessment
    after: Assessment
    level_before: int | None
    level_after: int | None
    officials: int
    in_post: int


def approved_assessments(*, program: Program) -> list[Assessment]:
    """The approved assessments in time order, their scores read in one query."""
    return list(
        program.assessments.filter(status=AssessmentStatus.APPROVED)
        .select_related("edition")
        .prefetch_related(
            Prefetch("scores", queryset=Score.objects.select_related("standard__pillar"))
        )
        .order_by("ends_on", "pk")
    )


def gap_rows(*, program: Program, with_trained: bool = True) -> list[GapRow]:
    """Target, current, gap and trend per standard of the program's edition, across the
    approved assessments; a score of another edition counts only where that edition has the
    same standard (code and title), else the row says the editions are not comparable."""
    standards = standards_of(edition_id=program.edition_id)
    targets = {t.standard_id: t for t in Target.objects.filter(program=program)}
    assessments = approved_assessments(program=program)
    rows = []
    for standard in standards:
        target = targets.get(standard.pk)
        points = []
        for assessment in assessments:
            score = next(
                (s for s in assessment.scores.all() if s.standard.comparable_with(standard)), None
            )
            points.append(
                Point(
                    assessment,
                    score.level if score else None,
                    score.self_level if score else None,
                    score is not None,
                )
            )
        row = GapRow(
            standard, target.level if target else None, target.priority if target else None, points
        )
        scored = [p for p in points if p.comparable and p.level is not None]
        if points and not points[-1].comparable:
            row.note = f"not in the {points[-1].assessment.edition.code} edition scored last"
        if scored:
            row.current = scored[-1].level
            row.self_level = scored[-1].self_level
            if len(scored) > 1:
                row.change = scored[-1].level - scored[-2].level  # type: ignore[operator]
        if row.target is not None and row.current is not None:
            row.gap = max(0, row.target - row.current)
        rows.append(row)
    if with_trained and len(assessments) > 1:
        _add_trained(program, assessments, rows)
    return rows


def _add_trained(program: Program, assessments: list[Assessment], rows: list[GapRow]) -> None:
    """★ For each row and each pair of consecutive approved assessments: officials of the
    administration (its officials now, or by their record's history) holding a valid
    certificate of a course mapped to the standard (by code, any edition), from a delivery
    that ended after the first mission and by the start of the second. Two queries."""
    history = Person.history.model.objects.filter(agency_id=program.agency_id).values("id")
    completions = list(
        Person.objects.filter(
            Q(agency_id=program.agency_id) | Q(pk__in=history),
            merged_into__isnull=True,
            enrollments__certificate__isnull=False,
            enrollments__certificate__revoked_at__isnull=True,
            enrollments__delivery__ends_on__gt=assessments[0].ends_on,
            enrollments__delivery__ends_on__lte=assessments[-1].starts_on,
        ).values_list(
            "pk",
            "agency_id",
            "left_post_on",
            "enrollments__delivery__ends_on",
            "enrollments__delivery__course_id",
        )
    )
    course_ids = {row[4] for row in completions}
    codes: dict[int, set[str]] = defaultdict(set)
    for course_id, pillar, number in Course.standards.through.objects.filter(
        course_id__in=course_ids
    ).values_list("course_id", "safestandard__pillar__number", "safestandard__number"):
        codes[course_id].add(f"{pillar}.{number}")
    for row in rows:
        code = row.standard.code
        for before, after in zip(row.points, row.points[1:], strict=False):
            people: dict[int, bool] = {}
            for pk, agency_id, left_on, ended, course_id in completions:
                between = before.assessment.ends_on < ended <= after.assessment.starts_on
                if between and code in codes[course_id]:
                    # Still in post: with the administration today, no departure reported.
                    people[pk] = agency_id == program.agency_id and left_on is None
            row.trained.append(
                Trained(
                    before.assessment,
                    after.assessment,
                    before.level if before.comparable else None,
                    after.level if after.comparable else None,
                    len(people),
                    sum(people.values()),
                )
            )


def _assessment_label(assessment: Assessment) -> str:
    return f"{assessment.ends_on:%Y-%m-%d} {assessment.get_kind_display().lower()}"


def trend_chart(*, program: Program, rows: list[GapRow]) -> Chart:
    """Each standard's score across the approved assessments, beside its target."""
    values = []
    table = []
    for row in rows:
        for point in row.points:
            if point.comparable and point.level is not None:
                values.append(
                    {
                        "standard": f"{row.standard.code} {row.standard.title}",
                        "assessment": _assessment_label(point.assessment),
                        "level": point.level,
                    }
                )
        table.append(
            [
                f"{row.standard.code} {row.standard.title}",
                *[
                    (p.level if p.level is not None else "—") if p.comparable else "not comparable"
                    for p in row.points
                ],
                row.target if row.target is not None else "—",
            ]
        )
    assessments = rows[0].points if rows else []
    figure = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=True)
        .encode(
            x=alt.X("assessment:O", title="Approved assessment"),
            y=alt.Y("level:Q", title="Maturity (0 to 4)", scale=alt.Scale(domain=[0, 4])),
            color=alt.Color("standard:N", title="Standard"),
            tooltip=["standard:N", "assessment:O", "level:Q"],
        )
        .properties(height=320)
    )
    return chart(
        key=f"safe-trend-{program.pk}",
        caption=f"Maturity trend of {program.agency.name}, per standard",
        figure=figure,
        columns=[
            "Standard",
            *[
                f"{p.assessment.get_kind_display()} {p.assessment.ends_on:%b %Y}"
                for p in assessments
            ],
            "Target",
        ],
        rows=table,
    )


# --- the training plan ---------------------------------------------------------------------


def plan_get(*, user: Any, program: Program) -> TrainingPlan:
    require_perm(user, "capacity.view_program", program)
    plan, _ = TrainingPlan.objects.get_or_create(program=program)
    return plan


def plan_items(*, plan: TrainingPlan) -> list[PlanItem]:
    return list(
        plan.items.select_related("course", "delivery__venue", "delivery__country")
        .prefetch_related(
            Prefetch("standards", queryset=SafeStandard.objects.select_related("pillar"))
        )
        .order_by("fiscal_year", "quarter", "pk")
    )


def plan_item_get(*, user: Any, pk: int, perm: str = "capacity.manage_program") -> PlanItem:
    item = (
        PlanItem.objects.select_related("plan__program", "course", "delivery").filter(pk=pk).first()
    )
    if item is None:
        raise Http404("No such plan item.")
    require_perm(user, perm, item.plan.program)
    return item


@dataclass
class QuarterProgress:
    label: str
    planned: int
    scheduled: int
    delivered: int
    cost: Decimal


def plan_progress(*, items: list[PlanItem]) -> list[QuarterProgress]:
    """Planned against delivered per fiscal quarter (the items' own quarters)."""
    by_slot: dict[tuple[int, int], QuarterProgress] = {}
    for item in items:
        progress = by_slot.setdefault(
            item.slot,
            QuarterProgress(f"FY{item.fiscal_year} Q{item.quarter}", 0, 0, 0, Decimal(0)),
        )
        progress.planned += 1
        progress.cost += item.estimated_cost
        if item.delivery_id and item.delivery and item.delivery.status != DeliveryStatus.CANCELLED:
            progress.scheduled += 1
            if item.delivery.status in DELIVERED:
                progress.delivered += 1
    return [by_slot[slot] for slot in sorted(by_slot)]


# How many deliveries a plan item offers to link (soonest first).
LINK_CHOICES = 50


def deliveries_to_link(*, user: Any, items: list[PlanItem]) -> dict[int, list[Delivery]]:
    """For each of a plan's items without a delivery, the deliveries of its course it may link
    to: not cancelled, not linked to another item, in the program's country or at an ILEA (a
    regional course). One query for the whole plan, however many items."""
    unlinked = [item for item in items if not item.delivery_id]
    if not unlinked:
        return {}
    program = unlinked[0].plan.program
    require_perm(user, "capacity.manage_program", program)
    candidates = (
        Delivery.objects.filter(course_id__in={item.course_id for item in unlinked})
        .exclude(status=DeliveryStatus.CANCELLED)
        .filter(safe_plan_item__isnull=True)
        .filter(Q(country_id=program.country_id) | Q(venue__kind__in=ACADEMY_KINDS))
        .select_related("venue", "country")
        .order_by("starts_on", "pk")
    )
    by_course: dict[int, list[Delivery]] = defaultdict(list)
    for delivery in candidates:
        by_course[delivery.course_id].append(delivery)
    return {item.pk: by_course[item.course_id][:LINK_CHOICES] for item in unlinked}


def courses_to_add(*, user: Any, plan: TrainingPlan) -> list[Course]:
    require_perm(user, "capacity.manage_program", plan.program)
    return list(
        Course.objects.filter(active=True)
        .exclude(pk__in=plan.items.values("course_id"))
        .order_by("code")
    )


# --- mentoring -----------------------------------------------------------------------------


def mentoring_list(*, program: Program) -> list[Mentoring]:
    return list(
        program.mentoring.select_related("advisor")
        .prefetch_related(
            Prefetch("standards", queryset=SafeStandard.objects.select_related("pillar"))
        )
        .order_by("-starts_on", "-pk")
    )


def mentoring_get(*, user: Any, pk: int, perm: str = "capacity.manage_program") -> Mentoring:
    found = Mentoring.objects.select_related("program", "advisor").filter(pk=pk).first()
    if found is None:
        raise Http404("No such mentoring engagement.")
    require_perm(user, perm, found.program)
    return found


# --- where the programs meet (the country page, a person's page, home) --------------------


@dataclass
class CountrySummary:
    programs: list[Program]
    current: dict[int, float | None]  # program id → mean current maturity (approved scores)
    link: str


def _latest_maturity(programs: list[Program]) -> dict[int, tuple[Assessment, float | None]]:
    """Each program's latest approved assessment and its mean score: two queries."""
    latest: dict[int, Assessment] = {}
    for assessment in Assessment.objects.filter(
        program__in=[p.pk for p in programs], status=AssessmentStatus.APPROVED
    ).order_by("ends_on", "pk"):
        latest[assessment.program_id] = assessment
    means = {
        row["assessment_id"]: row["mean"]
        for row in Score.objects.filter(
            assessment__in=[a.pk for a in latest.values()], level__isnull=False
        )
        .values("assessment_id")
        .annotate(mean=Avg("level"))
    }
    return {
        program_id: (a, round(means[a.pk], 1) if a.pk in means else None)
        for program_id, a in latest.items()
    }


def country_capacity_summary(*, user: Any, country: Any) -> CountrySummary | None:
    """The country's SAFE programs the user may see, with each one's mean maturity in its
    latest approved assessment: three queries, whatever the number of programs."""
    if not user.has_perm("capacity.browse"):
        return None
    programs = list(scope_programs(user, _programs().filter(country=country)))
    latest = _latest_maturity(programs)
    return CountrySummary(
        programs,
        {p.pk: latest[p.pk][1] if p.pk in latest else None for p in programs},
        reverse("capacity:program_list") + f"?country={country.code}",
    )


def maturity_by_country(*, user: Any, countries: Iterable[int]) -> dict[int, float | None]:
    """Each country's SAFE maturity as its most recent approved assessment scored it (the mean
    level, 0 to 4), for the countries' programs the user may see; a country with no approved
    assessment is left out. Three queries."""
    if not user.has_perm("capacity.browse"):
        return {}
    programs = list(scope_programs(user, _programs().filter(country__in=list(countries))))
    by_program = {p.pk: p.country_id for p in programs}
    found: dict[int, tuple[Any, float | None]] = {}
    for program_id, (assessment, mean) in _latest_maturity(programs).items():
        country = by_program[program_id]
        if country not in found or found[country][0] < (assessment.ends_on, assessment.pk):
            found[country] = ((assessment.ends_on, assessment.pk), mean)
    return {country: mean for country, (_, mean) in found.items()}


def person_assessments(*, user: Any, person: Person) -> list[Assessment] | None:
    """The SAFE assessments a partner official took part in, newest first, of the programs the
    user may see; None when the user does not follow SAFE programs at all."""
    if not user.has_perm("capacity.browse"):
        return None
    return list(
        scope_assessments(user, _assessments().filter(participants=person)).order_by(
            "-ends_on", "-pk"
        )
    )


def assessment_participants(*, assessment: Assessment) -> list[Person]:
    return list(assessment.participants.select_related("agency").order_by("family_name", "pk"))


def participant_choices(*, program: Program) -> QuerySet[Person]:
    """Who may be named as taking part: the administration's registered officials."""
    return (
        Person.objects.active()
        .filter(agency_id=program.agency_id)
        .order_by("family_name", "given_name", "pk")
    )


# How many of each kind of waiting assessment home shows (the program list holds the rest).
WORK_SHOWN = 5


def work_for(*, user: Any) -> list[WorkList]:
    """What needs this user now: drafts they may score, assessments waiting for review (by a
    second person: not what the user submitted) or approval. Each kind holds its first
    WORK_SHOWN assessments and its true total; two queries a kind at most."""
    if not user.has_perm("capacity.browse"):
        return []
    assessments = scope_assessments(user, _assessments())
    kinds = [
        (
            "safe-drafts",
            "SAFE assessments to score and submit",
            "Score each standard with its evidence, then submit for review.",
            "Score and submit",
            scope_editable_assessments(user, assessments.filter(status=AssessmentStatus.DRAFT)),
        ),
    ]
    if user.has_perm("capacity.review_assessment"):
        kinds.append(
            (
                "safe-review",
                "SAFE assessments to review",
                "A second person checks the scores against the evidence.",
                "Review",
                assessments.filter(status=AssessmentStatus.SUBMITTED).exclude(submitted_by=user),
            )
        )
    if user.has_perm("capacity.approve_assessment"):
        kinds.append(
            (
                "safe-approve",
                "SAFE assessments to approve",
                "Approve the reviewed scores; the program's gaps and plan follow them.",
                "Approve",
                assessments.filter(status=AssessmentStatus.REVIEWED),
            )
        )
    lists = []
    for key, title, why, verb, waiting in kinds:
        waiting = waiting.order_by("ends_on", "pk")
        first = [
            WorkItem(
                f"{verb}: {a} of {a.program.agency.name}",
                reverse("capacity:assessment_detail", args=[a.pk]),
                f"ended {a.ends_on:%-d %b %Y}",
            )
            for a in waiting[:WORK_SHOWN]
        ]
        if first:
            total = len(first) if len(first) < WORK_SHOWN else waiting.count()
            lists.append(WorkList(key, title, why, first, total, reverse("capacity:program_list")))
    return lists


# --- results (evaluation level 4) -------------------------------------------------------------


@dataclass(frozen=True)
class StandardChange:
    """Level 4 of the evaluation, for one delivery: a SAFE standard its course builds, in the
    program of an administration whose officials completed it, scored at the last approved
    assessment before the delivery and at the latest approved one after it."""

    delivery_id: int
    program_id: int
    country_id: int
    code: str
    before: int
    after: int

    @property
    def change(self) -> int:
        return self.after - self.before


def standard_changes_after(*, deliveries: Iterable[Delivery]) -> list[StandardChange]:
    """Level 4 for each delivery: the change of every standard its course maps to, in each
    SAFE program of its graduates' administrations (a valid certificate; their agency today),
    between the approved assessments either side of it. A standard counts where both scored it
    (same code and title, so across editions only when comparable). Four queries."""
    deliveries = list(deliveries)
    graduates = (
        Enrollment.objects.filter(
            delivery__in=[d.pk for d in deliveries],
            certificate__isnull=False,
            certificate__revoked_at__isnull=True,
            person__agency__safe_program__isnull=False,
        )
        .values_list("delivery_id", "person__agency__safe_program", "person__agency__country_id")
        .distinct()
    )
    programs_of: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for delivery_id, program_id, country_id in graduates:
        programs_of[delivery_id].add((program_id, country_id))
    if not programs_of:
        return []
    standards_of_course: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for course_id, pillar, number, title in Course.standards.through.objects.filter(
        course_id__in={d.course_id for d in deliveries}
    ).values_list(
        "course_id", "safestandard__pillar__number", "safestandard__number", "safestandard__title"
    ):
        standards_of_course[course_id].add((f"{pillar}.{number}", title))
    # Each program's approved assessments, in time order, with their scores by standard.
    missions: dict[int, dict[int, tuple[date, date, dict[tuple[str, str], int]]]] = defaultdict(
        dict
    )
    for program_id, assessment_id, starts_on, ends_on, pillar, number, title, level in (
        Score.objects.filter(
            assessment__program_id__in={p for found in programs_of.values() for p, _ in found},
            assessment__status=AssessmentStatus.APPROVED,
            level__isnull=False,
        )
        .order_by("assessment__ends_on", "assessment_id")
        .values_list(
            "assessment__program_id",
            "assessment_id",
            "assessment__starts_on",
            "assessment__ends_on",
            "standard__pillar__number",
            "standard__number",
            "standard__title",
            "level",
        )
    ):
        mission = missions[program_id].setdefault(assessment_id, (starts_on, ends_on, {}))
        if level is not None:  # (filtered out above; the column itself may be null)
            mission[2][(f"{pillar}.{number}", title)] = level
    changes = []
    for delivery in deliveries:
        wanted = standards_of_course[delivery.course_id]
        for program_id, country_id in sorted(programs_of[delivery.pk]):
            timeline = list(missions[program_id].values())
            before = [m for m in timeline if m[1] <= delivery.starts_on]
            after = [m for m in timeline if m[0] >= delivery.ends_on]
            if not before or not after:
                continue
            first, last = before[-1][2], after[-1][2]
            for standard in sorted(wanted & first.keys() & last.keys()):
                changes.append(
                    StandardChange(
                        delivery.pk,
                        program_id,
                        country_id,
                        standard[0],
                        first[standard],
                        last[standard],
                    )
                )
    return changes
