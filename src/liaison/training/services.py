"""Training rules: requests, deliveries and their transitions, instructors, the roster with its
vetting gate and waiting list, attendance, scores, certificates, costs and reports.

Every write checks the permission and the rule here, so pages, imports and the API agree.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from liaison.audit.services import apply_changes, audit_log, audit_log_many, create_with_history
from liaison.audit.transitions import transition
from liaison.catalog.models import Course, Venue
from liaison.core.access import require_perm
from liaison.core.formats import date_span
from liaison.core.workflows import Move
from liaison.people.models import Person, Staff
from liaison.postings.selectors import staff_away
from liaison.training.models import (
    ATTENDING,
    MAX_DELIVERY_DAYS,
    SEATED,
    AfterActionReport,
    Assignment,
    Attendance,
    AttendanceMark,
    CalendarFeed,
    Certificate,
    CostLine,
    Delivery,
    DeliveryStatus,
    Enrollment,
    EnrollmentStatus,
    FollowUp,
    InstructorRole,
    RequestStatus,
    TrainingRequest,
)
from liaison.training.workflows import DELIVERY, ENROLLMENT, TRAINING_REQUEST
from liaison.vetting.models import Purpose, VettingStatus
from liaison.vetting.services import vetting_gate_refusal, vetting_submit


def _state(obj: Delivery | Enrollment) -> str:
    """A status as it reads inside a sentence: "cancelled", "on the waiting list"."""
    if obj.status == EnrollmentStatus.WAITLISTED:
        return "on the waiting list"
    return str(obj.get_status_display()).lower()


# --- requests -------------------------------------------------------------------------------

REQUEST_FIELDS = (
    "country",
    "agency",
    "course",
    "need",
    "preferred_start",
    "preferred_end",
    "participants_expected",
    "funding_source",
    "justification",
)


def request_refusals(request: TrainingRequest) -> dict[str, str]:
    """What in the request breaks the rules, field by field (empty when nothing does): the
    checks filing it makes besides the model's own, so existing requests can be held to them."""
    errors: dict[str, str] = {}
    if request.course_id is None and not request.need.strip():
        errors["need"] = "Choose a course or describe the need."
    if request.agency_id and request.agency and request.agency.country_id != request.country_id:
        errors["agency"] = f"{request.agency} is not an agency of {request.country}."
    if (
        request.preferred_start
        and request.preferred_end
        and request.preferred_end < request.preferred_start
    ):
        errors["preferred_end"] = "The preferred end comes before the preferred start."
    return errors


def _validate_request(request: TrainingRequest) -> None:
    errors = request_refusals(request)
    if errors:
        raise ValidationError(errors)
    request.full_clean()


@transaction.atomic
def training_request_file(*, actor: Any, **values: Any) -> TrainingRequest:
    request = TrainingRequest(requested_by=actor, **values)
    require_perm(actor, "training.file_request", request)
    _validate_request(request)
    request.save()
    audit_log(actor=actor, action="training_request.filed", obj=request)
    return request


def _decide(
    request: TrainingRequest,
    to: str,
    *,
    actor: Any,
    note: str,
    check: Callable[[], None] | None = None,
) -> None:
    """Move the request by the TRAINING_REQUEST workflow: only a submitted one is decided."""
    transition(
        actor=actor,
        obj=request,
        workflow=TRAINING_REQUEST,
        to=to,
        why=note,
        fields={"decision_note": note, "decided_at": timezone.now()},
        audited=("decision_note",) if note else (),
        check=check,
        refused=lambda: (
            f"This request is already {request.get_status_display().lower()}; "
            "only a submitted request can be decided."
        ),
    )


@transaction.atomic
def training_request_decline(
    *, actor: Any, request: TrainingRequest, reason: str
) -> TrainingRequest:
    def check() -> None:
        if not reason.strip():
            raise ValidationError({"decision_note": "Say why the request is declined."})

    _decide(request, RequestStatus.DECLINED, actor=actor, note=reason.strip(), check=check)
    return request


@transaction.atomic
def training_request_withdraw(*, actor: Any, request: TrainingRequest) -> TrainingRequest:
    _decide(request, RequestStatus.WITHDRAWN, actor=actor, note="")
    return request


@transaction.atomic
def training_request_approve(
    *, actor: Any, request: TrainingRequest, note: str = "", **delivery: Any
) -> Delivery:
    """Approve a request into a planned delivery (course, venue, dates, funding, capacity).

    The request is approved first (so a decided one is refused before anything is planned),
    then its delivery is created; a delivery that breaks a rule undoes both."""
    _decide(request, RequestStatus.APPROVED, actor=actor, note=note)
    delivery.setdefault("course", request.course)
    delivery.setdefault("funding_source", request.funding_source)
    return delivery_create(actor=actor, request=request, **delivery)


# --- deliveries -----------------------------------------------------------------------------

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


def _seated_count(delivery: Delivery) -> int:
    return delivery.enrollments.filter(status__in=SEATED).count() if delivery.pk else 0


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
    errors = delivery_refusals(delivery, seated=_seated_count(delivery))
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
        raise ValidationError(f"This delivery is {_state(delivery)}; it can no longer be changed.")

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


def delivery_blocker(delivery: Delivery, to: str) -> str | None:
    """What in the delivery's own data still stops the move to ``to`` (not the user's input
    nor their permission), or None. The move's service refuses with it; the delivery page
    shows it in place of the button."""
    if (
        to == DeliveryStatus.CONFIRMED
        and not delivery.assignments.filter(role=InstructorRole.LEAD).exists()
    ):
        return "Assign a lead instructor before confirming the delivery."
    if (
        to == DeliveryStatus.IN_PROGRESS
        and not delivery.enrollments.filter(status=EnrollmentStatus.CONFIRMED).exists()
    ):
        return "No participant is confirmed: confirm the roster before starting."
    if (
        to == DeliveryStatus.CLOSED
        and not AfterActionReport.objects.filter(delivery=delivery).exists()
    ):
        return "Write the after-action report before closing the delivery."
    return None


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
            f"This delivery is {_state(delivery)}; it cannot become "
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


@dataclass(frozen=True)
class Offer:
    """A move a page offers: ``blocker`` says what still stops it (then it is not offered)."""

    move: Move
    blocker: str | None = None


def delivery_offers(*, user: Any, delivery: Delivery) -> list[Offer]:
    """The delivery's moves ``user`` may make now, each with what still blocks it."""
    return [
        Offer(move, delivery_blocker(delivery, move.target))
        for move in DELIVERY.available(user, delivery)
    ]


# --- instructors ----------------------------------------------------------------------------


def instructor_conflict(staff: Staff, delivery: Delivery) -> str | None:
    """Why ``staff`` cannot teach ``delivery`` on its dates, naming the clash; or None."""
    clash = (
        Assignment.objects.filter(
            staff=staff,
            delivery__starts_on__lte=delivery.ends_on,
            delivery__ends_on__gte=delivery.starts_on,
        )
        .exclude(delivery=delivery)
        .exclude(delivery__status=DeliveryStatus.CANCELLED)
        .select_related("delivery__course", "delivery__venue")
        .first()
    )
    if clash is not None:
        other = clash.delivery
        return (
            f"{staff} is already teaching {other.course.code} {other.course.title} at "
            f"{other.venue.name}, {date_span(other.starts_on, other.ends_on)}."
        )
    # Deployed, or posted away from the delivery's country: postings says (and words it).
    return staff_away(
        staff=staff,
        starts_on=delivery.starts_on,
        ends_on=delivery.ends_on,
        country_id=delivery.country_id,
    )


@transaction.atomic
def instructor_assign(
    *, actor: Any, delivery: Delivery, staff: Staff, role: str = InstructorRole.CO
) -> Assignment:
    require_perm(actor, "training.manage_delivery", delivery)
    if not delivery.is_open:
        raise ValidationError(
            f"This delivery is {_state(delivery)}; its instructors cannot change."
        )
    if role not in InstructorRole.values:
        raise ValidationError({"role": f"“{role}” is not lead or co."})
    if not staff.active:
        raise ValidationError({"staff": f"{staff} is no longer active."})
    if delivery.assignments.filter(staff=staff).exists():
        raise ValidationError({"staff": f"{staff} already teaches this delivery."})
    if not delivery.course.qualified_instructors.filter(pk=staff.pk).exists():
        raise ValidationError(
            {"staff": f"{staff} is not qualified to teach {delivery.course.code}."}
        )
    if role == InstructorRole.LEAD and delivery.assignments.filter(role=role).exists():
        lead = delivery.assignments.get(role=role)
        raise ValidationError({"role": f"{lead.staff} is already the lead instructor."})
    conflict = instructor_conflict(staff, delivery)
    if conflict:
        raise ValidationError({"staff": conflict})
    assignment = Assignment.objects.create(delivery=delivery, staff=staff, role=role)
    audit_log(
        actor=actor,
        action="delivery.instructor_assigned",
        obj=delivery,
        changes={"instructor": [None, f"{staff} ({assignment.get_role_display()})"]},
    )
    return assignment


@transaction.atomic
def instructor_remove(*, actor: Any, assignment: Assignment) -> None:
    delivery = assignment.delivery
    require_perm(actor, "training.manage_delivery", delivery)
    if delivery.status not in (DeliveryStatus.PLANNED, DeliveryStatus.APPROVED):
        raise ValidationError(
            "Instructors of a confirmed delivery stay; cancel or re-plan it instead."
        )
    label = f"{assignment.staff} ({assignment.get_role_display()})"
    assignment.delete()
    audit_log(
        actor=actor,
        action="delivery.instructor_removed",
        obj=delivery,
        changes={"instructor": [label, None]},
    )


def calendar_feed_for(*, actor: Any, staff: Staff | None) -> CalendarFeed:
    """The secret feed of ``staff``'s deliveries (None: all deliveries), made on first use."""
    require_perm(actor, "training.view_instructor_feed")
    # An advisor sees only their own deliveries; anyone else's feed, or all, is headquarters'.
    if staff is None or staff.user_id != actor.pk:
        require_perm(actor, "training.manage_delivery")
    feed = CalendarFeed.objects.filter(staff=staff).first()
    if feed is None:
        feed = CalendarFeed.objects.create(staff=staff, token=secrets.token_urlsafe(32))
        audit_log(actor=actor, action="calendar_feed.created", obj=feed)
    return feed


@transaction.atomic
def calendar_feed_reset(*, actor: Any, feed: CalendarFeed) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    calendar_feed_for(actor=actor, staff=feed.staff)
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token"])
    audit_log(actor=actor, action="calendar_feed.reset", obj=feed)
    return feed


# --- the roster -----------------------------------------------------------------------------

NOMINATION_STATES = (
    DeliveryStatus.PLANNED,
    DeliveryStatus.APPROVED,
    DeliveryStatus.CONFIRMED,
    DeliveryStatus.IN_PROGRESS,
)


def _next_waitlist_position(delivery: Delivery) -> int:
    top = delivery.enrollments.filter(status=EnrollmentStatus.WAITLISTED).aggregate(
        top=Max("waitlist_position")
    )["top"]
    return (top or 0) + 1


def _nomination_refusal(delivery: Delivery, person: Person) -> str | None:
    if delivery.status not in NOMINATION_STATES:
        return f"This delivery is {_state(delivery)}; it takes no more nominations."
    if person.is_merged:
        return f"{person} was merged into another record; nominate that record instead."
    existing = delivery.enrollments.filter(person=person).first()
    if existing is not None:
        return f"{person} is already on this roster ({_state(existing)})."
    return None


@transaction.atomic
def enrollment_nominate(
    *, actor: Any, delivery: Delivery, person: Person, nominated_by: str = ""
) -> Enrollment:
    """Add a participant: a free seat makes them nominated, a full delivery waitlists them."""
    require_perm(actor, "training.manage_roster", delivery)
    Delivery.objects.select_for_update().filter(pk=delivery.pk).first()
    refusal = _nomination_refusal(delivery, person)
    if refusal:
        raise ValidationError({"person": refusal})
    enrollment = Enrollment(delivery=delivery, person=person, nominated_by=nominated_by)
    if _seated_count(delivery) >= delivery.capacity:
        enrollment.status = EnrollmentStatus.WAITLISTED
        enrollment.waitlist_position = _next_waitlist_position(delivery)
    enrollment.full_clean()
    enrollment.save()
    audit_log(
        actor=actor,
        action="enrollment.nominated",
        obj=enrollment,
        changes={"status": [None, enrollment.status]},
    )
    return enrollment


@transaction.atomic
def enrollment_nominate_many(
    *, actor: Any, delivery: Delivery, nominees: list[tuple[Person, str]]
) -> list[Enrollment]:
    """Nominate many people in file order (a roster import) under the rules of
    :func:`enrollment_nominate`: free seats first, then the waiting list, nobody twice.

    ``nominees`` pairs each person with who nominated them (their agency, usually).
    """
    require_perm(actor, "training.manage_roster", delivery)
    Delivery.objects.select_for_update().filter(pk=delivery.pk).first()
    if delivery.status not in NOMINATION_STATES:
        raise ValidationError(f"This delivery is {_state(delivery)}; it takes no more nominations.")
    already = dict(
        delivery.enrollments.filter(person__in=[p for p, _ in nominees]).values_list(
            "person_id", "status"
        )
    )
    free = max(0, delivery.capacity - _seated_count(delivery))
    position = _next_waitlist_position(delivery)
    enrollments = []
    seen: set[int] = set()
    for person, nominated_by in nominees:
        if person.is_merged:
            raise ValidationError(
                {"person": f"{person} was merged into another record; nominate that record."}
            )
        if person.pk in already or person.pk in seen:
            raise ValidationError({"person": f"{person} is already on this roster."})
        seen.add(person.pk)
        enrollment = Enrollment(delivery=delivery, person=person, nominated_by=nominated_by)
        if free:
            free -= 1
        else:
            enrollment.status = EnrollmentStatus.WAITLISTED
            enrollment.waitlist_position = position
            position += 1
        enrollment.clean_fields(exclude=["delivery", "person", "pre_score", "post_score"])
        enrollments.append(enrollment)
    enrollments = create_with_history(Enrollment, enrollments, actor=actor)
    audit_log_many(
        actor=actor,
        action="enrollment.nominated",
        entries=((e, {"status": [None, e.status]}) for e in enrollments),
    )
    return enrollments


def _roster_settled(delivery: Delivery) -> str | None:
    """Why nobody on the delivery's roster moves any more (it ended or was cancelled)."""
    if delivery.status not in NOMINATION_STATES:
        return f"This delivery is {_state(delivery)}; its roster is settled."
    return None


def _enrollment_move(
    enrollment: Enrollment,
    to: str,
    *,
    actor: Any,
    move: str = "",
    why: str = "",
    check: Callable[[], None] | None = None,
    refused: Callable[[], str] | None = None,
    **fields: Any,
) -> Enrollment:
    """Move the enrollment by the ENROLLMENT workflow (the permission is on its delivery)."""
    transition(
        actor=actor,
        obj=enrollment,
        workflow=ENROLLMENT,
        to=to,
        move=move,
        why=why,
        fields=fields,
        check=check,
        refused=refused,
    )
    return enrollment


@transaction.atomic
def enrollment_confirm(*, actor: Any, enrollment: Enrollment) -> Enrollment:
    """The vetting gate: only an approval valid through the last day confirms a seat."""
    delivery = enrollment.delivery

    def check() -> None:
        refusal = _roster_settled(delivery) or vetting_gate_refusal(
            enrollment.person, delivery.ends_on
        )
        if refusal:
            raise ValidationError(refusal)

    return _enrollment_move(
        enrollment,
        EnrollmentStatus.CONFIRMED,
        actor=actor,
        check=check,
        refused=lambda: (
            f"{enrollment.person} is {_state(enrollment)}; "
            "only a nominated participant can be confirmed."
        ),
        confirmed_at=timezone.now(),
    )


@dataclass(frozen=True)
class ConfirmResult:
    confirmed: list[Enrollment]
    blocked: list[tuple[Enrollment, str]]


def enrollment_confirm_all(*, actor: Any, delivery: Delivery) -> ConfirmResult:
    """Confirm every nominated participant the gate lets through; say who it stopped and why."""
    require_perm(actor, "training.manage_roster", delivery)
    confirmed: list[Enrollment] = []
    blocked: list[tuple[Enrollment, str]] = []
    nominated = delivery.enrollments.filter(status=EnrollmentStatus.NOMINATED).select_related(
        "person", "delivery"
    )
    for enrollment in nominated:
        try:
            confirmed.append(enrollment_confirm(actor=actor, enrollment=enrollment))
        except ValidationError as error:
            blocked.append((enrollment, " ".join(error.messages)))
    return ConfirmResult(confirmed, blocked)


def roster_submit_for_vetting(*, actor: Any, delivery: Delivery) -> list[Person]:
    """Submit every nominee who has never been submitted (or was denied and is nominated
    again) for Leahy vetting, so the vetting office gets the whole roster in one file."""
    require_perm(actor, "training.manage_roster", delivery)
    submitted = []
    for enrollment in delivery.enrollments.filter(
        status__in=(EnrollmentStatus.NOMINATED, EnrollmentStatus.WAITLISTED)
    ).select_related("person"):
        record = enrollment.person.vetting_records.filter(purpose=Purpose.LEAHY).first()
        if record is None or record.status in (VettingStatus.NOT_SUBMITTED, VettingStatus.DENIED):
            vetting_submit(actor=actor, person=enrollment.person)
            submitted.append(enrollment.person)
    return submitted


def _first_waiting(delivery: Delivery) -> Enrollment | None:
    return (
        delivery.enrollments.filter(status=EnrollmentStatus.WAITLISTED)
        .order_by("waitlist_position", "id")
        .first()
    )


def _renumber_waitlist(delivery: Delivery) -> None:
    """Close the gaps in the waiting list."""
    for position, waiting in enumerate(
        delivery.enrollments.filter(status=EnrollmentStatus.WAITLISTED).order_by(
            "waitlist_position", "id"
        ),
        start=1,
    ):
        if waiting.waitlist_position != position:
            waiting.waitlist_position = position
            waiting.save(update_fields=["waitlist_position"])


def _move_up(enrollment: Enrollment, *, actor: Any) -> Enrollment:
    delivery = enrollment.delivery

    def check() -> None:
        settled = _roster_settled(delivery)
        if settled:
            raise ValidationError(settled)
        if _seated_count(delivery) >= delivery.capacity:
            raise ValidationError("Every seat is taken; nobody moves up from the waiting list.")
        first = _first_waiting(delivery)
        if first is not None and first.pk != enrollment.pk:
            raise ValidationError(f"{first.person} is ahead on the waiting list.")

    return _enrollment_move(
        enrollment,
        EnrollmentStatus.NOMINATED,
        actor=actor,
        check=check,
        refused=lambda: (
            f"{enrollment.person} is {_state(enrollment)}; only someone on the waiting list "
            "moves up."
        ),
        waitlist_position=None,
    )


@transaction.atomic
def enrollment_move_up(*, actor: Any, enrollment: Enrollment) -> Enrollment:
    """Give a free seat to the first on the waiting list; those behind move up a place.
    Withdrawals and a larger capacity do this by themselves."""
    delivery = enrollment.delivery
    Delivery.objects.select_for_update().filter(pk=delivery.pk).first()
    _move_up(enrollment, actor=actor)
    _renumber_waitlist(delivery)
    return enrollment


def _promote_waitlist(delivery: Delivery, *, actor: Any) -> Enrollment | None:
    """Give a free seat to the first in line, then close the gaps in the waiting list (also
    when someone left the list itself)."""
    first = None
    if _seated_count(delivery) < delivery.capacity:
        first = _first_waiting(delivery)
    if first is not None:
        _move_up(first, actor=actor)
    _renumber_waitlist(delivery)
    return first


@transaction.atomic
def enrollment_withdraw(*, actor: Any, enrollment: Enrollment, reason: str) -> Enrollment:
    """Withdraw a participant; the first on the waiting list takes the freed seat."""
    delivery = enrollment.delivery
    Delivery.objects.select_for_update().filter(pk=delivery.pk).first()

    def check() -> None:
        settled = _roster_settled(delivery)
        if settled:
            raise ValidationError(settled)
        if not reason.strip():
            raise ValidationError({"withdrawn_reason": "Say why the participant is withdrawn."})

    _enrollment_move(
        enrollment,
        EnrollmentStatus.WITHDRAWN,
        actor=actor,
        move="withdrawn",
        why=reason.strip(),
        check=check,
        refused=lambda: f"{enrollment.person} is {_state(enrollment)} and cannot be withdrawn.",
        withdrawn_reason=reason.strip(),
        waitlist_position=None,
    )
    _promote_waitlist(delivery, actor=actor)
    return enrollment


# The moves a roster page offers on each participant; the others follow from other actions
# (a freed seat moves the waiting list up; finishing the delivery records the outcomes).
ROSTER_MOVES = ("confirmed", "withdrawn")


def roster_offers(
    *,
    user: Any,
    delivery: Delivery,
    enrollments: Sequence[Enrollment],
    gate_refusals: dict[int, str],
) -> list[list[Move]]:
    """For each of ``enrollments`` (on ``delivery``'s roster), the roster moves ``user`` may
    make now that their services would accept: none once the roster is settled, and no
    confirmation the vetting gate refuses (``gate_refusals``, by enrollment id, as
    :func:`liaison.training.selectors.gate_refusals` gives them for the nominated)."""
    if _roster_settled(delivery):
        return [[] for _ in enrollments]
    offered = ENROLLMENT.available_many(user, enrollments, only=ROSTER_MOVES)
    return [
        [m for m in moves if not (m.name == "confirmed" and e.pk in gate_refusals)]
        for e, moves in zip(enrollments, offered, strict=True)
    ]


NOT_CONFIRMED_IN_TIME = "Not confirmed before the delivery ended."


def _record_outcome(
    enrollment: Enrollment, *, actor: Any, attended: bool | None = None
) -> Enrollment:
    delivery = enrollment.delivery

    def check() -> None:
        if delivery.status != DeliveryStatus.DELIVERED:
            raise ValidationError(
                f"Outcomes are recorded once the delivery is delivered; this one is "
                f"{_state(delivery)}."
            )

    def refused() -> str:
        return f"{enrollment.person} is {_state(enrollment)}; there is no outcome to record."

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

ATTENDANCE_STATES = (DeliveryStatus.CONFIRMED, DeliveryStatus.IN_PROGRESS, DeliveryStatus.DELIVERED)
ON_ROSTER = (EnrollmentStatus.CONFIRMED, EnrollmentStatus.ATTENDED, EnrollmentStatus.NO_SHOW)


@transaction.atomic
def attendance_record(*, actor: Any, enrollment: Enrollment, day: date, mark: str) -> Attendance:
    """Mark one participant for one day. Present or late passes the vetting gate again."""
    delivery = enrollment.delivery
    require_perm(actor, "training.take_attendance", delivery)
    if delivery.status not in ATTENDANCE_STATES:
        raise ValidationError(
            f"Attendance is taken on a confirmed or running delivery; this one is "
            f"{_state(delivery)}."
        )
    if enrollment.status not in ON_ROSTER:
        raise ValidationError(f"{enrollment.person} is {_state(enrollment)}, not confirmed.")
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


SCORE_STATES = (DeliveryStatus.IN_PROGRESS, DeliveryStatus.DELIVERED)


@transaction.atomic
def scores_record(
    *, actor: Any, enrollment: Enrollment, pre_score: int | None, post_score: int | None
) -> Enrollment:
    delivery = enrollment.delivery
    require_perm(actor, "training.take_attendance", delivery)
    if delivery.status not in SCORE_STATES:
        raise ValidationError("Scores are entered while the delivery runs or once it is delivered.")
    if enrollment.status not in ON_ROSTER:
        raise ValidationError(f"{enrollment.person} is {_state(enrollment)}, not confirmed.")
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


@dataclass(frozen=True)
class Completion:
    days_attended: int
    days: int
    attendance_percent: int
    completed: bool
    reason: str


def completion_of(
    *, days_attended: int, days: int, post_score: int | None, min_percent: int, pass_mark: int
) -> Completion:
    """The completion rule: attendance of at least ``min_percent`` of the days and a post-test
    score of at least ``pass_mark``. Late counts as attending."""
    percent = round(100 * days_attended / days) if days else 0
    if 100 * days_attended < min_percent * days:
        reason = f"attended {days_attended} of {days} days ({percent}%), under {min_percent}%"
    elif post_score is None:
        reason = "no post-test score"
    elif post_score < pass_mark:
        reason = f"post-test {post_score}, under the pass mark of {pass_mark}"
    else:
        return Completion(days_attended, days, percent, True, "completed")
    return Completion(days_attended, days, percent, False, reason)


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


# --- certificates ---------------------------------------------------------------------------

# No 0/O or 1/I: the code is read off paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def new_certificate_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Certificate.objects.filter(code=code).exists():
            return code


@transaction.atomic
def certificate_issue(*, actor: Any, enrollment: Enrollment) -> Certificate:
    delivery = enrollment.delivery
    require_perm(actor, "training.issue_certificate", delivery)
    if delivery.status not in (DeliveryStatus.DELIVERED, DeliveryStatus.CLOSED):
        raise ValidationError("Certificates are issued once the delivery is delivered.")
    if Certificate.objects.filter(enrollment=enrollment).exists():
        raise ValidationError(f"{enrollment.person} already has a certificate for this delivery.")
    if enrollment.status != EnrollmentStatus.ATTENDED:
        raise ValidationError(f"{enrollment.person} is {_state(enrollment)}, not attended.")
    completion = enrollment_completion(enrollment)
    if not completion.completed:
        raise ValidationError(f"{enrollment.person} did not complete: {completion.reason}.")
    certificate = Certificate.objects.create(enrollment=enrollment, code=new_certificate_code())
    audit_log(
        actor=actor,
        action="certificate.issued",
        obj=certificate,
        changes={"code": [None, certificate.code]},
    )
    return certificate


@transaction.atomic
def certificates_issue_all(*, actor: Any, delivery: Delivery) -> list[Certificate]:
    """A certificate for every completer who has none yet."""
    require_perm(actor, "training.issue_certificate", delivery)
    if delivery.status not in (DeliveryStatus.DELIVERED, DeliveryStatus.CLOSED):
        raise ValidationError("Certificates are issued once the delivery is delivered.")
    issued = []
    for enrollment in delivery.enrollments.filter(
        status=EnrollmentStatus.ATTENDED, certificate__isnull=True
    ).select_related("person", "delivery__course"):
        if enrollment_completion(enrollment).completed:
            issued.append(certificate_issue(actor=actor, enrollment=enrollment))
    return issued


@transaction.atomic
def certificate_revoke(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    require_perm(actor, "training.revoke_certificate", certificate.enrollment.delivery)
    if certificate.revoked_at is not None:
        raise ValidationError("This certificate is already revoked.")
    if not reason.strip():
        raise ValidationError({"revoked_reason": "Say why the certificate is revoked."})
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason.strip()
    certificate.save()
    audit_log(
        actor=actor,
        action="certificate.revoked",
        obj=certificate,
        changes={"revoked_reason": [None, certificate.revoked_reason]},
    )
    return certificate


# --- costs, the after-action report, follow-ups ---------------------------------------------


@transaction.atomic
def cost_line_add(
    *,
    actor: Any,
    delivery: Delivery,
    kind: str,
    category: str,
    amount: Decimal,
    description: str = "",
) -> CostLine:
    require_perm(actor, "training.manage_costs", delivery)
    if delivery.status == DeliveryStatus.CLOSED:
        raise ValidationError("A closed delivery's costs are final.")
    line = CostLine(
        delivery=delivery, kind=kind, category=category, amount=amount, description=description
    )
    line.full_clean()
    line.save()
    audit_log(
        actor=actor,
        action="delivery.cost_added",
        obj=delivery,
        changes={f"{kind} {category}": [None, str(amount)]},
    )
    return line


@transaction.atomic
def cost_line_remove(*, actor: Any, line: CostLine) -> None:
    delivery = line.delivery
    require_perm(actor, "training.manage_costs", delivery)
    if delivery.status == DeliveryStatus.CLOSED:
        raise ValidationError("A closed delivery's costs are final.")
    label = f"{line.kind} {line.category}"
    amount = str(line.amount)
    line.delete()
    audit_log(
        actor=actor, action="delivery.cost_removed", obj=delivery, changes={label: [amount, None]}
    )


REPORT_STATES = (DeliveryStatus.IN_PROGRESS, DeliveryStatus.DELIVERED)


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


def graduates_of(deliveries: Iterable[Delivery]) -> list[Person]:
    """People holding a valid certificate from any of ``deliveries``."""
    return list(
        Person.objects.filter(
            enrollments__delivery__in=list(deliveries),
            enrollments__certificate__isnull=False,
            enrollments__certificate__revoked_at__isnull=True,
        ).distinct()
    )


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
