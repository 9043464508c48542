"""Reads of training, scoped to the user: deliveries, requests, rosters, results and costs."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from liaison.audit.models import AuditEntryQuerySet
from liaison.audit.selectors import audit_history
from liaison.core.access import get_for_user, require_perm
from liaison.people.models import Person
from liaison.training.models import (
    ATTENDING,
    SEATED,
    Attendance,
    Certificate,
    CostCategory,
    CostKind,
    CostLine,
    Delivery,
    DeliveryStatus,
    Enrollment,
    EnrollmentStatus,
    FollowUp,
    TrainingRequest,
)
from liaison.training.permissions import scope_deliveries, scope_follow_ups, scope_requests
from liaison.training.services import NOMINATION_STATES, Completion, completion_of
from liaison.vetting.models import Purpose, VettingRecord
from liaison.vetting.services import gate_refusal


def _deliveries() -> QuerySet[Delivery]:
    return Delivery.objects.select_related(
        "course", "venue", "country", "funding_source", "request__country"
    )


def _scoped_deliveries(user: Any) -> QuerySet[Delivery]:
    return scope_deliveries(user, _deliveries())


def delivery_list(
    *,
    user: Any,
    search: str = "",
    status: str = "",
    fiscal_year: int | None = None,
    country: str = "",
    venue_kind: str = "",
) -> QuerySet[Delivery]:
    require_perm(user, "training.browse")
    deliveries = _scoped_deliveries(user).annotate(
        seated=Count("enrollments", filter=Q(enrollments__status__in=SEATED), distinct=True)
    )
    if search:
        deliveries = deliveries.filter(
            Q(course__code__icontains=search)
            | Q(course__title__icontains=search)
            | Q(venue__name__icontains=search)
            | Q(venue__city__icontains=search)
        )
    if status:
        deliveries = deliveries.filter(status=status)
    if fiscal_year:
        deliveries = deliveries.filter(
            starts_on__gte=date(fiscal_year - 1, 10, 1), starts_on__lte=date(fiscal_year, 9, 30)
        )
    if country:
        deliveries = deliveries.filter(country__code=country)
    if venue_kind:
        deliveries = deliveries.filter(venue__kind=venue_kind)
    return deliveries.order_by("-starts_on", "-pk")


def delivery_get(*, user: Any, pk: int, perm: str = "training.view_delivery") -> Delivery:
    """The delivery, or 404; 403 when it lies outside the user's scope."""
    return get_for_user(_deliveries(), user, perm, pk=pk)


def delivery_history(*, delivery: Delivery) -> AuditEntryQuerySet:
    return audit_history(object_type="training.delivery", object_ids=[str(delivery.pk)])


def deliveries_of_staff(*, staff_id: int | None) -> QuerySet[Delivery]:
    """Deliveries for a calendar feed: one instructor's, or all (``None``); never cancelled."""
    deliveries = Delivery.objects.exclude(status=DeliveryStatus.CANCELLED).select_related(
        "course", "venue", "country"
    )
    if staff_id is not None:
        deliveries = deliveries.filter(assignments__staff_id=staff_id)
    return deliveries.prefetch_related("assignments__staff").order_by("starts_on")


def roster(*, delivery: Delivery) -> QuerySet[Enrollment]:
    return delivery.enrollments.select_related(
        "person", "person__nationality", "person__agency", "certificate"
    ).order_by("status", "waitlist_position", "person__family_name", "person__given_name", "pk")


def enrollments_of_person(*, user: Any, person: Any) -> QuerySet[Enrollment]:
    """A person's training record, limited to the deliveries the user may see."""
    if not user.has_perm("training.browse"):
        return Enrollment.objects.none()
    return (
        Enrollment.objects.filter(person=person, delivery__in=_scoped_deliveries(user))
        .select_related("delivery__course", "delivery__venue", "delivery__country", "certificate")
        .order_by("-delivery__starts_on")
    )


def enrollment_get(*, user: Any, pk: int, perm: str = "training.view_delivery") -> Enrollment:
    enrollment = get_for_user(
        Enrollment.objects.select_related("delivery__course", "delivery__venue", "person"),
        user,
        "training.browse",
        pk=pk,
    )
    require_perm(user, perm, enrollment.delivery)
    return enrollment


def roster_counts(*, delivery: Delivery) -> dict[str, int]:
    counts = dict(
        delivery.enrollments.values_list("status").annotate(n=Count("pk")).order_by("status")
    )
    return {status: counts.get(status, 0) for status in EnrollmentStatus.values} | {
        "seated": sum(counts.get(status, 0) for status in SEATED),
        "free": max(0, delivery.capacity - sum(counts.get(status, 0) for status in SEATED)),
    }


# --- the vetting gate, seen from the roster ----------------------------------------------------


@dataclass(frozen=True)
class Blocker:
    enrollment: Enrollment
    reason: str


def _leahy_records(person_ids: list[int]) -> dict[int, VettingRecord]:
    return {
        record.person_id: record
        for record in VettingRecord.objects.filter(person_id__in=person_ids, purpose=Purpose.LEAHY)
    }


def gate_refusals(*, enrollments: list[Enrollment]) -> dict[int, str]:
    """Enrollment id → why the vetting gate stops it; two queries however long the roster."""
    records = _leahy_records([enrollment.person_id for enrollment in enrollments])
    refusals = {}
    for enrollment in enrollments:
        reason = gate_refusal(
            enrollment.person, records.get(enrollment.person_id), enrollment.delivery.ends_on
        )
        if reason:
            refusals[enrollment.pk] = reason
    return refusals


@dataclass
class DeliveryBlockers:
    delivery: Delivery
    blockers: list[Blocker] = field(default_factory=list)


def blocked_deliveries(*, user: Any) -> list[DeliveryBlockers]:
    """For each delivery still taking its roster, the nominees the vetting gate stops."""
    require_perm(user, "training.browse")
    nominated = list(
        Enrollment.objects.filter(
            status=EnrollmentStatus.NOMINATED,
            delivery__status__in=NOMINATION_STATES,
            delivery__in=_scoped_deliveries(user),
        )
        .select_related("person", "delivery__course", "delivery__venue")
        .order_by("delivery__starts_on", "delivery_id", "person__family_name", "pk")
    )
    refusals = gate_refusals(enrollments=nominated)
    grouped: dict[int, DeliveryBlockers] = {}
    for enrollment in nominated:
        reason = refusals.get(enrollment.pk)
        if reason:
            group = grouped.setdefault(
                enrollment.delivery_id, DeliveryBlockers(enrollment.delivery)
            )
            group.blockers.append(Blocker(enrollment, reason))
    return list(grouped.values())


# --- attendance and results ------------------------------------------------------------------


def attendance_sheet(*, delivery: Delivery, day: date) -> list[tuple[Enrollment, str | None]]:
    """Each participant on the roster, with their mark for ``day`` (None: not yet taken)."""
    enrollments = list(
        delivery.enrollments.filter(
            status__in=(
                EnrollmentStatus.CONFIRMED,
                EnrollmentStatus.ATTENDED,
                EnrollmentStatus.NO_SHOW,
            )
        )
        .select_related("person", "delivery")
        .order_by("person__family_name", "person__given_name", "pk")
    )
    marks = dict(
        Attendance.objects.filter(enrollment__delivery=delivery, day=day).values_list(
            "enrollment_id", "mark"
        )
    )
    return [(enrollment, marks.get(enrollment.pk)) for enrollment in enrollments]


def attendance_mark_of(*, enrollment: Enrollment, day: date) -> str | None:
    return (
        Attendance.objects.filter(enrollment=enrollment, day=day)
        .values_list("mark", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Result:
    enrollment: Enrollment
    completion: Completion
    certificate: Certificate | None


def delivery_results(*, delivery: Delivery) -> list[Result]:
    """Every participant who was confirmed, with days attended, scores and completion."""
    enrollments = list(
        delivery.enrollments.filter(
            status__in=(
                EnrollmentStatus.CONFIRMED,
                EnrollmentStatus.ATTENDED,
                EnrollmentStatus.NO_SHOW,
            )
        )
        .select_related("person", "certificate")
        .annotate(days_attended=Count("attendance", filter=Q(attendance__mark__in=ATTENDING)))
        .order_by("person__family_name", "person__given_name", "pk")
    )
    days = len(delivery.days)
    results = []
    for enrollment in enrollments:
        completion = completion_of(
            days_attended=enrollment.days_attended,
            days=days,
            post_score=enrollment.post_score,
            min_percent=delivery.min_attendance_percent,
            pass_mark=delivery.effective_pass_mark,
        )
        certificate = getattr(enrollment, "certificate", None)
        results.append(Result(enrollment, completion, certificate))
    return results


# --- costs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CostRow:
    category: str
    label: str
    budget: Decimal
    actual: Decimal

    @property
    def variance(self) -> Decimal:
        """Actual minus budget: positive is an overrun."""
        return self.actual - self.budget


@dataclass(frozen=True)
class CostSummary:
    rows: list[CostRow]
    budget: Decimal
    actual: Decimal
    participants: int
    lines: list[CostLine]

    @property
    def variance(self) -> Decimal:
        return self.actual - self.budget

    @property
    def per_participant(self) -> Decimal | None:
        """Actual cost per participant who attended (or is confirmed, before the end)."""
        if not self.participants:
            return None
        return (self.actual / self.participants).quantize(Decimal("0.01"))


def cost_summary(*, delivery: Delivery) -> CostSummary:
    lines = list(delivery.cost_lines.order_by("category", "kind", "pk"))
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for line in lines:
        totals[(line.category, line.kind)] += line.amount
    rows = [
        CostRow(
            category,
            label,
            totals[(category, CostKind.BUDGET)],
            totals[(category, CostKind.ACTUAL)],
        )
        for category, label in CostCategory.choices
    ]
    if delivery.status in (DeliveryStatus.DELIVERED, DeliveryStatus.CLOSED):
        counted: tuple[str, ...] = (EnrollmentStatus.ATTENDED,)
    else:
        counted = (EnrollmentStatus.CONFIRMED,)
    participants = delivery.enrollments.filter(status__in=counted).count()
    return CostSummary(
        rows,
        sum((row.budget for row in rows), Decimal("0")),
        sum((row.actual for row in rows), Decimal("0")),
        participants,
        lines,
    )


# --- requests, certificates, follow-ups --------------------------------------------------------


def _scoped_requests(user: Any) -> QuerySet[TrainingRequest]:
    requests = TrainingRequest.objects.select_related(
        "country", "agency", "course", "funding_source", "requested_by"
    )
    return scope_requests(user, requests)


def request_list(
    *, user: Any, status: str = "", search: str = "", country: str = ""
) -> QuerySet[TrainingRequest]:
    require_perm(user, "training.browse_requests")
    requests = _scoped_requests(user)
    if status:
        requests = requests.filter(status=status)
    if country:
        requests = requests.filter(country__code=country)
    if search:
        requests = requests.filter(
            Q(need__icontains=search)
            | Q(justification__icontains=search)
            | Q(course__title__icontains=search)
            | Q(course__code__icontains=search)
        )
    return requests.order_by("-created_at", "-pk")


def request_get(*, user: Any, pk: int, perm: str = "training.view_request") -> TrainingRequest:
    require_perm(user, "training.browse_requests")  # 403 for roles without requests at all
    return get_for_user(_scoped_requests(user), user, perm, pk=pk)


def certificate_by_code(*, code: str) -> Certificate | None:
    """The public check: anyone holding a code may see that one certificate."""
    return (
        Certificate.objects.select_related(
            "enrollment__person", "enrollment__delivery__course", "enrollment__delivery__venue"
        )
        .filter(code=code.strip().upper())
        .first()
    )


def certificate_get(*, user: Any, pk: int, perm: str = "training.view_delivery") -> Certificate:
    """The certificate, or 404; 403 unless ``user`` holds ``perm`` on its delivery."""
    certificate = get_for_user(
        Certificate.objects.select_related(
            "enrollment__person",
            "enrollment__delivery__course",
            "enrollment__delivery__venue",
            "enrollment__delivery__country",
            "enrollment__delivery__request",
        ),
        user,
        "training.browse",
        pk=pk,
    )
    require_perm(user, perm, certificate.enrollment.delivery)
    return certificate


def request_history(*, request: TrainingRequest) -> AuditEntryQuerySet:
    return audit_history(object_type="training.trainingrequest", object_ids=[str(request.pk)])


def _scoped_follow_ups(user: Any) -> QuerySet[FollowUp]:
    """Follow-ups of deliveries the user may see: graduates' names stay in their scope."""
    return scope_follow_ups(user, FollowUp.objects.all())


def follow_up_list(*, user: Any, search: str = "", kind: str = "") -> QuerySet[FollowUp]:
    require_perm(user, "training.browse")
    follow_ups = (
        _scoped_follow_ups(user)
        .annotate(graduate_count=Count("graduates", distinct=True))
        .prefetch_related("source_deliveries__course")
    )
    if search:
        follow_ups = follow_ups.filter(Q(title__icontains=search) | Q(notes__icontains=search))
    if kind:
        follow_ups = follow_ups.filter(kind=kind)
    return follow_ups.order_by("-starts_on", "-pk")


def follow_up_get(*, user: Any, pk: int) -> FollowUp:
    require_perm(user, "training.browse")  # 403 for roles outside training; else 404 out of scope
    return get_for_user(_scoped_follow_ups(user), user, "training.browse", pk=pk)


# A graduate: holds a certificate from the delivery that is not revoked.
GRADUATED = Q(enrollments__certificate__isnull=False) & Q(
    enrollments__certificate__revoked_at__isnull=True
)


def follow_up_sources(
    *, user: Any, country: str = "", course: str = "", ids: list[int] | None = None
) -> QuerySet[Delivery]:
    """Deliveries a follow-up may follow: delivered or closed, with their graduate counts."""
    require_perm(user, "training.manage_follow_ups")
    deliveries = (
        _scoped_deliveries(user)
        .filter(status__in=(DeliveryStatus.DELIVERED, DeliveryStatus.CLOSED))
        .annotate(graduate_count=Count("enrollments", filter=GRADUATED, distinct=True))
    )
    if ids is not None:
        deliveries = deliveries.filter(pk__in=ids)
    if country:
        deliveries = deliveries.filter(country__code=country)
    if course:
        deliveries = deliveries.filter(
            Q(course__code__icontains=course) | Q(course__title__icontains=course)
        )
    return deliveries.order_by("-starts_on", "-pk")


def graduates_of_deliveries(*, deliveries: Any) -> QuerySet[Person]:
    """People holding a valid certificate from any of ``deliveries`` (ids or a queryset)."""
    return (
        Person.objects.filter(GRADUATED, enrollments__delivery__in=deliveries)
        .select_related("nationality", "agency")
        .distinct()
        .order_by("family_name", "given_name", "pk")
    )
