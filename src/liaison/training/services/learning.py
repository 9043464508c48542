"""Learning: each day's attendance, the pre- and post-test scores, the outcome of each
participant once the delivery is delivered, and refresher or mentoring follow-ups for graduates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.audit.services import apply_changes, audit_log
from liaison.core.access import require_perm
from liaison.people.models import Person
from liaison.training.models import (
    ATTENDING,
    Attendance,
    AttendanceMark,
    Delivery,
    DeliveryStatus,
    Enrollment,
    EnrollmentStatus,
    FollowUp,
)
from liaison.training.rules import ATTENDANCE_STATES, ON_ROSTER, SCORE_STATES, status_phrase
from liaison.training.selectors.learning import graduates_of
from liaison.training.services.roster import _enrollment_move
from liaison.vetting.selectors import vetting_gate_refusal

NOT_CONFIRMED_IN_TIME = "Not confirmed before the delivery ended."


def _record_outcome(
    enrollment: Enrollment, *, actor: Any, attended: bool | None = None
) -> Enrollment:
    delivery = enrollment.delivery

    def check() -> None:
        if delivery.status != DeliveryStatus.DELIVERED:
            raise ValidationError(
                f"Outcomes are recorded once the delivery is delivered; this one is "
                f"{status_phrase(delivery)}."
            )

    def refused() -> str:
        return f"{enrollment.person} is {status_phrase(enrollment)}; there is no outcome to record."

    if enrollment.status in (EnrollmentStatus.NOMINATED, EnrollmentStatus.WAITLISTED):
        return _enrollment_move(
            enrollment,
            EnrollmentStatus.WITHDRAWN,
            actor=actor,
            move="lapsed",
            why=NOT_CONFIRMED_IN_TIME,
            check=check,
            refused=refused,
            withdrawn_reason=NOT_CONFIRMED_IN_TIME,
            waitlist_position=None,
        )
    if attended is None:
        attended = enrollment.attendance.filter(mark__in=ATTENDING).exists()
    outcome = EnrollmentStatus.ATTENDED if attended else EnrollmentStatus.NO_SHOW
    if enrollment.status == outcome:
        return enrollment
    return _enrollment_move(enrollment, outcome, actor=actor, check=check, refused=refused)


@transaction.atomic
def enrollment_record_outcome(*, actor: Any, enrollment: Enrollment) -> Enrollment:
    """Once the delivery is delivered: a confirmed participant attended (present or late on
    a day) or was a no-show, and a corrected mark moves them between the two; a nominee or a
    waiting participant never took part, so is withdrawn. Finishing the delivery records
    everyone's; a mark corrected afterwards records that participant's again."""
    return _record_outcome(enrollment, actor=actor)


# --- attendance and scores ------------------------------------------------------------------


@transaction.atomic
def attendance_record(*, actor: Any, enrollment: Enrollment, day: date, mark: str) -> Attendance:
    """Mark one participant for one day. Present or late passes the vetting gate again."""
    delivery = enrollment.delivery
    require_perm(actor, "training.take_attendance", delivery)
    if delivery.status not in ATTENDANCE_STATES:
        raise ValidationError(
            f"Attendance is taken on a confirmed or running delivery; this one is "
            f"{status_phrase(delivery)}."
        )
    if enrollment.status not in ON_ROSTER:
        raise ValidationError(f"{enrollment.person} is {status_phrase(enrollment)}, not confirmed.")
    if day not in delivery.days:
        raise ValidationError({"day": f"{day:%Y-%m-%d} is not a day of this delivery."})
    if mark not in AttendanceMark.values:
        raise ValidationError({"mark": f"“{mark}” is not present, late or absent."})
    if mark in ATTENDING:
        refusal = vetting_gate_refusal(enrollment.person, delivery.ends_on)
        if refusal:
            raise ValidationError(refusal)
    attendance = Attendance.objects.filter(enrollment=enrollment, day=day).first()
    before = attendance.mark if attendance else None
    if attendance is None:
        attendance = Attendance(enrollment=enrollment, day=day)
    attendance.mark = mark
    attendance.recorded_at = timezone.now()
    attendance.save()
    if before != mark:
        audit_log(
            actor=actor,
            action="attendance.recorded",
            obj=enrollment,
            changes={f"attendance {day:%Y-%m-%d}": [before, mark]},
        )
    if delivery.status == DeliveryStatus.DELIVERED:
        # A mark corrected after the end moves the participant between attended and no-show.
        _record_outcome(enrollment, actor=actor)
    return attendance


@dataclass(frozen=True)
class MarkResult:
    marked: int
    blocked: list[tuple[Enrollment, str]]


def attendance_mark_unmarked(
    *, actor: Any, delivery: Delivery, day: date, mark: str = AttendanceMark.PRESENT
) -> MarkResult:
    """Give everyone not yet marked on ``day`` the same mark (the usual case: all present);
    the gate still refuses whoever it must, and says why."""
    require_perm(actor, "training.take_attendance", delivery)
    marked_already = set(
        Attendance.objects.filter(enrollment__delivery=delivery, day=day).values_list(
            "enrollment_id", flat=True
        )
    )
    marked = 0
    blocked: list[tuple[Enrollment, str]] = []
    for enrollment in delivery.enrollments.filter(status__in=ON_ROSTER).select_related(
        "person", "delivery"
    ):
        if enrollment.pk in marked_already:
            continue
        try:
            attendance_record(actor=actor, enrollment=enrollment, day=day, mark=mark)
        except ValidationError as error:
            blocked.append((enrollment, " ".join(error.messages)))
        else:
            marked += 1
    return MarkResult(marked, blocked)


@transaction.atomic
def scores_record(
    *, actor: Any, enrollment: Enrollment, pre_score: int | None, post_score: int | None
) -> Enrollment:
    delivery = enrollment.delivery
    require_perm(actor, "training.take_attendance", delivery)
    if delivery.status not in SCORE_STATES:
        raise ValidationError("Scores are entered while the delivery runs or once it is delivered.")
    if enrollment.status not in ON_ROSTER:
        raise ValidationError(f"{enrollment.person} is {status_phrase(enrollment)}, not confirmed.")
    for name, value in (("pre_score", pre_score), ("post_score", post_score)):
        if value is not None and not 0 <= value <= 100:
            raise ValidationError({name: "A score is from 0 to 100."})
    apply_changes(
        actor=actor,
        obj=enrollment,
        changes={"pre_score": pre_score, "post_score": post_score},
        fields=("pre_score", "post_score"),
        action="enrollment.scored",
        validate=lambda changed: changed.full_clean(),
    )
    return enrollment


# --- follow-ups -----------------------------------------------------------------------------


@transaction.atomic
def follow_up_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    starts_on: date,
    source_deliveries: list[Delivery],
    graduates: list[Person] | None = None,
    ends_on: date | None = None,
    notes: str = "",
) -> FollowUp:
    """A refresher or mentoring engagement for graduates; by default all of them."""
    require_perm(actor, "training.manage_follow_ups")
    if not source_deliveries:
        raise ValidationError({"source_deliveries": "Choose the deliveries it follows up."})
    eligible = {person.pk: person for person in graduates_of(source_deliveries)}
    if not eligible:
        raise ValidationError(
            {"source_deliveries": "Those deliveries have no graduates with a valid certificate."}
        )
    chosen = graduates if graduates is not None else list(eligible.values())
    strangers = [person for person in chosen if person.pk not in eligible]
    if strangers:
        names = ", ".join(str(person) for person in strangers)
        raise ValidationError({"graduates": f"Not graduates of those deliveries: {names}."})
    follow_up = FollowUp(kind=kind, title=title, starts_on=starts_on, ends_on=ends_on, notes=notes)
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": "The follow-up ends before it starts."})
    follow_up.full_clean()
    follow_up.save()
    follow_up.source_deliveries.set(source_deliveries)
    follow_up.graduates.set(chosen)
    audit_log(
        actor=actor,
        action="follow_up.created",
        obj=follow_up,
        changes={"graduates": [None, str(len(chosen))]},
    )
    return follow_up
