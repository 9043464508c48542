"""Reads of learning: attendance sheets, results and completion, follow-ups and graduates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet

from liaison.core.access import get_for_user, require_perm
from liaison.core.fiscal import fiscal_year_of_field
from liaison.people.models import Person
from liaison.training.models import (
    ATTENDING,
    Attendance,
    Certificate,
    Delivery,
    DeliveryStatus,
    Enrollment,
    EnrollmentStatus,
    FollowUp,
)
from liaison.training.permissions import scope_follow_ups
from liaison.training.rules import Completion, completion_of
from liaison.training.selectors.deliveries import _scoped_deliveries

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


def enrollment_completion(enrollment: Enrollment) -> Completion:
    delivery = enrollment.delivery
    attended = enrollment.attendance.filter(mark__in=ATTENDING).count()
    return completion_of(
        days_attended=attended,
        days=len(delivery.days),
        post_score=enrollment.post_score,
        min_percent=delivery.min_attendance_percent,
        pass_mark=delivery.effective_pass_mark,
    )


# --- learning (evaluation level 2) -----------------------------------------------------------

# What learning can be grouped by: a delivery, its course, the participants' country, the
# fiscal year the delivery began in.
LEARNING_GROUPS: dict[str, Any] = {
    "delivery": F("delivery_id"),
    "course": F("delivery__course_id"),
    "country": F("person__nationality_id"),
    "fiscal_year": fiscal_year_of_field("delivery__starts_on"),
}


@dataclass(frozen=True)
class Learning:
    """Pre- and post-test means of the participants tested both times (0-100)."""

    tested: int
    pre: float
    post: float

    @property
    def gain(self) -> float:
        return self.post - self.pre


def learning_by(*, deliveries: QuerySet[Delivery], group: str) -> dict[Any, Learning]:
    """Level 2 of the evaluation: for each group (``LEARNING_GROUPS``) of the deliveries'
    participants who sat both tests, how many and their mean scores. One query."""
    rows = (
        Enrollment.objects.filter(
            delivery__in=deliveries.exclude(status=DeliveryStatus.CANCELLED),
            pre_score__isnull=False,
            post_score__isnull=False,
        )
        .annotate(key=LEARNING_GROUPS[group])
        .values("key")
        .annotate(tested=Count("pk"), pre=Avg("pre_score"), post=Avg("post_score"))
        .order_by()
    )
    return {r["key"]: Learning(r["tested"], float(r["pre"]), float(r["post"])) for r in rows}


# --- follow-ups -------------------------------------------------------------------------------


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


def graduates_of(deliveries: Iterable[Delivery]) -> list[Person]:
    """People holding a valid certificate from any of ``deliveries``."""
    return list(
        Person.objects.filter(
            enrollments__delivery__in=list(deliveries),
            enrollments__certificate__isnull=False,
            enrollments__certificate__revoked_at__isnull=True,
        ).distinct()
    )


def follow_up_sources_listed(*, follow_up: FollowUp) -> list[Delivery]:
    """The deliveries a follow-up of :func:`follow_up_list` follows, from its prefetch."""
    return list(follow_up.source_deliveries.all())


def follow_up_source_deliveries(*, follow_up: FollowUp) -> QuerySet[Delivery]:
    """The deliveries a follow-up follows, newest first, as its page lists them."""
    return follow_up.source_deliveries.select_related("course", "venue", "country").order_by(
        "-starts_on", "-pk"
    )


def follow_up_graduates(*, follow_up: FollowUp) -> QuerySet[Person]:
    """The graduates a follow-up is for, by name."""
    return follow_up.graduates.select_related("nationality", "agency").order_by(
        "family_name", "given_name", "pk"
    )
