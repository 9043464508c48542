"""Deliveries: created and changed under the course's and the venue's rules, moved through the
DELIVERY workflow, and the after-action report that closing one needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.audit.services import apply_changes, audit_log
from liaison.audit.transitions import transition
from liaison.catalog.models import Course, Venue
from liaison.core.access import require_perm
from liaison.training.models import (
    ATTENDING,
    MAX_DELIVERY_DAYS,
    AfterActionReport,
    Attendance,
    Delivery,
    DeliveryStatus,
    EnrollmentStatus,
)
from liaison.training.rules import REPORT_STATES, status_phrase
from liaison.training.selectors.deliveries import delivery_blocker
from liaison.training.selectors.instructors import instructor_conflict
from liaison.training.selectors.roster import seated_count
from liaison.training.services.learning import _record_outcome
from liaison.training.services.roster import _promote_waitlist
from liaison.training.workflows import DELIVERY

DELIVERY_FIELDS = (
    "course",
    "venue",
    "starts_on",
    "ends_on",
    "funding_source",
    "capacity",
    "min_attendance_percent",
    "pass_mark",
    "notes",
)


def delivery_refusals(delivery: Delivery, *, seated: int) -> dict[str, str]:
    """What in the delivery breaks the rules, field by field (empty when nothing does): an
    active course, dates that give the course its days and at most MAX_DELIVERY_DAYS, a
    capacity the venue seats and that holds the ``seated`` participants. The checks creating
    or changing it make besides the model's own, so existing deliveries can be held to them."""
    errors: dict[str, str] = {}
    course: Course | None = delivery.course if delivery.course_id else None
    venue: Venue | None = delivery.venue if delivery.venue_id else None
    if course is not None and not course.active:
        errors["course"] = f"{course} is no longer offered."
    if delivery.starts_on and delivery.ends_on:
        span = (delivery.ends_on - delivery.starts_on).days + 1
        if span < 1:
            errors["ends_on"] = "The last day comes before the first."
        elif span > MAX_DELIVERY_DAYS:
            errors["ends_on"] = f"A delivery lasts at most {MAX_DELIVERY_DAYS} days."
        elif course is not None and span < course.length_days:
            errors["ends_on"] = (
                f"{course.code} takes {course.length_days} days; these dates give {span}."
            )
    if venue is not None and delivery.capacity and delivery.capacity > venue.capacity:
        errors["capacity"] = f"{venue} seats {venue.capacity}; the capacity cannot be larger."
    if delivery.capacity and seated > delivery.capacity:
        errors["capacity"] = (
            f"{seated} participants already hold seats; withdraw some before lowering "
            f"the capacity to {delivery.capacity}."
        )
    return errors


def _validate_delivery(delivery: Delivery) -> None:
    errors = delivery_refusals(delivery, seated=seated_count(delivery))
    if errors:
        raise ValidationError(errors)
    delivery.full_clean()


@transaction.atomic
def delivery_create(*, actor: Any, **values: Any) -> Delivery:
    require_perm(actor, "training.manage_delivery")
    delivery = Delivery(**values)
    if delivery.venue_id:
        delivery.country = delivery.venue.country
    _validate_delivery(delivery)
    delivery.save()
    audit_log(actor=actor, action="delivery.created", obj=delivery)
    return delivery


@transaction.atomic
def delivery_update(*, actor: Any, delivery: Delivery, **changes: Any) -> Delivery:
    require_perm(actor, "training.manage_delivery", delivery)
    if not delivery.is_open:
        raise ValidationError(
            f"This delivery is {status_phrase(delivery)}; it can no longer be changed."
        )

    def validate(changed: Delivery) -> None:
        changed.country = changed.venue.country
        _validate_delivery(changed)
        for assignment in changed.assignments.select_related("staff"):
            conflict = instructor_conflict(assignment.staff, changed)
            if conflict:
                raise ValidationError({"starts_on": conflict})

    apply_changes(
        actor=actor,
        obj=delivery,
        changes=changes,
        fields=DELIVERY_FIELDS,
        action="delivery.updated",
        validate=validate,
    )
    # More seats: the waiting list moves up into them.
    while _promote_waitlist(delivery, actor=actor):
        pass
    return delivery


def _move(
    delivery: Delivery,
    to: str,
    *,
    actor: Any,
    why: str = "",
    check: Callable[[], None] | None = None,
    **fields: Any,
) -> Delivery:
    """Move the delivery by the DELIVERY workflow, once nothing blocks the move."""

    def checks() -> None:
        blocker = delivery_blocker(delivery, to)
        if blocker:
            raise ValidationError(blocker)
        if check is not None:
            check()

    transition(
        actor=actor,
        obj=delivery,
        workflow=DELIVERY,
        to=to,
        why=why,
        fields=fields,
        audited=tuple(fields),
        check=checks,
        refused=lambda: (
            f"This delivery is {status_phrase(delivery)}; it cannot become "
            f"{DeliveryStatus(to).label.lower()}."
        ),
    )
    return delivery


@transaction.atomic
def delivery_approve(*, actor: Any, delivery: Delivery) -> Delivery:
    return _move(delivery, DeliveryStatus.APPROVED, actor=actor)


@transaction.atomic
def delivery_confirm(*, actor: Any, delivery: Delivery) -> Delivery:
    """Dates, venue and teaching team are settled: it needs a lead instructor."""
    return _move(delivery, DeliveryStatus.CONFIRMED, actor=actor)


@transaction.atomic
def delivery_start(*, actor: Any, delivery: Delivery) -> Delivery:
    """It needs a confirmed participant."""
    return _move(delivery, DeliveryStatus.IN_PROGRESS, actor=actor)


@transaction.atomic
def delivery_finish(*, actor: Any, delivery: Delivery) -> Delivery:
    """The course is over: confirmed participants become attended or no-shows; the
    nominated and waiting never took part, so they are withdrawn."""
    _move(delivery, DeliveryStatus.DELIVERED, actor=actor)
    attended = set(
        Attendance.objects.filter(enrollment__delivery=delivery, mark__in=ATTENDING).values_list(
            "enrollment_id", flat=True
        )
    )
    for enrollment in delivery.enrollments.filter(
        status__in=(
            EnrollmentStatus.CONFIRMED,
            EnrollmentStatus.NOMINATED,
            EnrollmentStatus.WAITLISTED,
        )
    ):
        _record_outcome(enrollment, actor=actor, attended=enrollment.pk in attended)
    return delivery


@transaction.atomic
def delivery_close(*, actor: Any, delivery: Delivery) -> Delivery:
    """Closing files the delivery away: the after-action report must be written first."""
    return _move(delivery, DeliveryStatus.CLOSED, actor=actor)


@transaction.atomic
def delivery_cancel(*, actor: Any, delivery: Delivery, reason: str) -> Delivery:
    def check() -> None:
        if not reason.strip():
            raise ValidationError({"cancel_reason": "Say why the delivery is cancelled."})

    return _move(
        delivery,
        DeliveryStatus.CANCELLED,
        actor=actor,
        why=reason.strip(),
        check=check,
        cancel_reason=reason.strip(),
    )


@transaction.atomic
def delivery_move(*, actor: Any, delivery: Delivery, to: str, reason: str = "") -> Delivery:
    """A move as the delivery page and the API ask for it (the state to move to), made by
    its move's service; cancelling also takes the reason."""
    move = next((m for m in DELIVERY.moves if m.target == to), None)
    if move is None:
        states = ", ".join(m.target for m in DELIVERY.moves)
        raise ValidationError({"to": f"“{to}” is not a state to move to: use {states}."})
    arguments = {"reason": reason} if move.name == "cancelled" else {}
    moved: Delivery = DELIVERY.service(move)(actor=actor, delivery=delivery, **arguments)
    return moved


# --- the after-action report --------------------------------------------------------------------


@transaction.atomic
def after_action_report_save(
    *, actor: Any, delivery: Delivery, summary: str, issues: str = "", recommendations: str = ""
) -> AfterActionReport:
    require_perm(actor, "training.write_report", delivery)
    if delivery.status not in REPORT_STATES:
        raise ValidationError(
            "The after-action report is written once the delivery has started, before it closes."
        )
    if not summary.strip():
        raise ValidationError({"summary": "Write a summary."})
    report = AfterActionReport.objects.filter(delivery=delivery).first()
    if report is None:
        report = AfterActionReport.objects.create(
            delivery=delivery,
            summary=summary,
            issues=issues,
            recommendations=recommendations,
            author=actor,
        )
        audit_log(actor=actor, action="after_action_report.written", obj=report)
        return report
    report.author = actor
    report.updated_at = timezone.now()
    apply_changes(
        actor=actor,
        obj=report,
        changes={"summary": summary, "issues": issues, "recommendations": recommendations},
        fields=("summary", "issues", "recommendations"),
        action="after_action_report.updated",
        validate=lambda changed: changed.full_clean(),
    )
    return report
