"""The training demo: five fiscal years whose FY2015 matches the published figures, and data
that keeps every rule the services enforce."""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from liaison.accounts.models import User
from liaison.audit.models import AuditEntry
from liaison.catalog.models import Course
from liaison.conftest import DEMO_SCALE, DEMO_SEED, Demo
from liaison.core.fiscal import FiscalYear
from liaison.demo.build import DemoResult, build_demo
from liaison.demo.training import YEARS
from liaison.training.models import (
    ATTENDING,
    SEATED,
    AfterActionReport,
    Assignment,
    Attendance,
    Certificate,
    Delivery,
    DeliveryStatus,
    Enrollment,
    EnrollmentStatus,
    FollowUp,
    InstructorRole,
    RequestStatus,
    TrainingRequest,
)
from liaison.training.report import training_figures
from liaison.training.rules import ATTENDANCE_STATES, ON_ROSTER, completion_of
from liaison.training.selectors import (
    blocked_deliveries,
    enrollment_completion,
    gate_refusals,
    graduates_of,
    instructor_conflict,
)
from liaison.training.services import (
    CODE_ALPHABET,
    CODE_LENGTH,
    delivery_refusals,
    request_refusals,
)
from liaison.vetting.models import Purpose, VettingRecord, VettingStatus

pytestmark = pytest.mark.django_db

SCALE, SEED = DEMO_SCALE, DEMO_SEED  # 80 officials: the delivery plan is the same at every scale


@pytest.fixture
def demo(shared_demo: Demo) -> DemoResult:
    """The run's demo, built once for every test that reads it."""
    return shared_demo.result


def _held(year: int) -> Any:
    fy = FiscalYear(year)
    return Delivery.objects.filter(starts_on__gte=fy.start, starts_on__lte=fy.end).exclude(
        status=DeliveryStatus.CANCELLED
    )


def test_fy2015_reproduces_the_published_figures(demo):
    figures = training_figures(FiscalYear(2015))
    assert figures["deliveries"] == 222
    assert figures["delivery_countries"] == 52
    assert figures["ilea_deliveries"] == 22
    assert 0 < figures["participants"] <= figures["enrollments"]
    fy = FiscalYear(2015)
    cancelled = Delivery.objects.filter(
        status=DeliveryStatus.CANCELLED, starts_on__range=(fy.start, fy.end)
    )
    assert cancelled.count() == YEARS[2015].cancelled, "cancelled ones exist and are left out"


def test_each_year_fy2013_to_fy2017_is_planned_and_closed(demo):
    for year, plan in YEARS.items():
        held = _held(year)
        assert held.count() == plan.deliveries
        assert held.values("country").distinct().count() == plan.countries
        assert set(held.values_list("status", flat=True)) == {DeliveryStatus.CLOSED}
        assert not held.filter(after_action_report__isnull=True).exists()
        assert not held.exclude(assignments__role=InstructorRole.LEAD).exists()
        assert not held.filter(cost_lines__isnull=True).exists()
    assert AfterActionReport.objects.filter(delivery__status=DeliveryStatus.CLOSED).count() == sum(
        plan.deliveries for plan in YEARS.values()
    )
    assert FollowUp.objects.filter(graduates__isnull=False).exists()


def test_nobody_is_confirmed_or_attends_without_an_approval_through_the_last_day(demo):
    records = {r.person_id: r for r in VettingRecord.objects.filter(purpose=Purpose.LEAHY)}
    on_roster = Enrollment.objects.filter(
        status__in=(
            EnrollmentStatus.CONFIRMED,
            EnrollmentStatus.ATTENDED,
            EnrollmentStatus.NO_SHOW,
        )
    ).select_related("delivery")
    assert on_roster.count() > 1000
    for enrollment in on_roster:
        record = records.get(enrollment.person_id)
        assert record is not None and record.is_valid_through(enrollment.delivery.ends_on), (
            enrollment
        )


def test_attendance_covers_every_day_of_whoever_was_on_a_closed_roster(demo):
    closed = Enrollment.objects.filter(delivery__status=DeliveryStatus.CLOSED)
    for status in (EnrollmentStatus.ATTENDED, EnrollmentStatus.NO_SHOW):
        assert closed.filter(status=status).exists()
    assert not closed.filter(status=EnrollmentStatus.ATTENDED, attendance__isnull=True).exists()
    marked = {
        e.pk: e
        for e in closed.filter(
            status__in=(EnrollmentStatus.ATTENDED, EnrollmentStatus.NO_SHOW)
        ).select_related("delivery")[:300]
    }
    days: dict[int, set[Any]] = {}
    for enrollment_id, day in Attendance.objects.filter(enrollment__in=list(marked)).values_list(
        "enrollment_id", "day"
    ):
        days.setdefault(enrollment_id, set()).add(day)
    for pk, enrollment in marked.items():
        assert days[pk] == set(enrollment.delivery.days)
    assert not Attendance.objects.exclude(
        enrollment__status__in=(EnrollmentStatus.ATTENDED, EnrollmentStatus.NO_SHOW)
    ).exists()


def test_certificates_go_to_completers_and_only_to_them(demo):
    attended = (
        Enrollment.objects.filter(
            status=EnrollmentStatus.ATTENDED, delivery__status=DeliveryStatus.CLOSED
        )
        .select_related("delivery__course")
        .prefetch_related("attendance")
        .order_by("pk")[:600]
    )
    holders = set(Certificate.objects.values_list("enrollment_id", flat=True))
    outcomes = {enrollment_completion(e).completed for e in attended}
    assert outcomes == {True, False}, "some complete, some do not"
    for enrollment in attended:
        assert (enrollment.pk in holders) == enrollment_completion(enrollment).completed
    codes = list(Certificate.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    assert all(len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert not Certificate.objects.exclude(enrollment__status=EnrollmentStatus.ATTENDED).exists()


def test_instructors_are_qualified_and_never_teach_two_deliveries_at_once(demo):
    assignments = list(
        Assignment.objects.exclude(delivery__status=DeliveryStatus.CANCELLED).select_related(
            "delivery"
        )
    )
    qualified = set(Delivery.objects.values_list("course_id", "course__qualified_instructors"))
    by_staff: dict[int, list[Delivery]] = {}
    for assignment in assignments:
        assert (assignment.delivery.course_id, assignment.staff_id) in qualified
        by_staff.setdefault(assignment.staff_id, []).append(assignment.delivery)
    for deliveries in by_staff.values():
        deliveries.sort(key=lambda d: d.starts_on)
        for before, after in pairwise(deliveries):
            assert before.ends_on < after.starts_on, (before, after)


def test_requests_lead_to_deliveries_and_some_were_turned_down(demo):
    approved = Delivery.objects.filter(request__status=RequestStatus.APPROVED)
    assert approved.count() > 0.8 * Delivery.objects.count()
    statuses = set(TrainingRequest.objects.values_list("status", flat=True))
    assert statuses == set(RequestStatus.values)
    attache = User.objects.get(username="attache")
    assert TrainingRequest.objects.filter(
        requested_by=attache, country__region__code="WHA"
    ).exists()


def test_the_advisor_teaches_and_sees_who_the_vetting_gate_stops(demo):
    advisor = User.objects.get(username="advisor")
    taught = Delivery.objects.filter(assignments__staff__user=advisor)
    assert taught.filter(status=DeliveryStatus.CLOSED).exists()
    upcoming = taught.get(status=DeliveryStatus.CONFIRMED)
    assert upcoming.starts_on > FiscalYear(2017).end
    statuses = set(upcoming.enrollments.values_list("status", flat=True))
    assert statuses == {
        EnrollmentStatus.CONFIRMED,
        EnrollmentStatus.NOMINATED,
        EnrollmentStatus.WAITLISTED,
    }
    blocked = {group.delivery.pk: group.blockers for group in blocked_deliveries(user=advisor)}
    reasons = " ".join(b.reason for b in blocked[upcoming.pk])
    for why in ("never submitted", "denied", "submitted, not approved", "approval ends on"):
        assert why in reasons


def test_every_created_record_has_its_audit_entry(demo):
    for action, count in (
        ("delivery.created", Delivery.objects.count()),
        ("enrollment.nominated", Enrollment.objects.count()),
        ("certificate.issued", Certificate.objects.count()),
    ):
        assert AuditEntry.objects.filter(action=action).count() == count


def test_building_again_keeps_the_data(demo):
    again = build_demo(scale=SCALE, seed=SEED)
    assert not again.created
    assert again.deliveries == demo.deliveries == Delivery.objects.count()


def test_report_command_prints_the_training_figures(demo, capsys):
    call_command("report", fy=2015, json=True)
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {
        key: figures[key] for key in ("deliveries", "delivery_countries", "ilea_deliveries")
    } == {"deliveries": 222, "delivery_countries": 52, "ilea_deliveries": 22}
    assert 0 < figures["participants"] <= figures["enrollments"]
    call_command("report", fy=2012, json=True)
    earlier = json.loads(capsys.readouterr().out)
    assert earlier["deliveries"] == earlier["participants"] == earlier["enrollments"] == 0


# --- the demo held to the services' own rules --------------------------------------------------
# Each check names the service that refuses what it looks for; where the service has the rule
# as a function of its own (delivery_refusals, gate_refusals, instructor_conflict, completion_of,
# graduates_of, request_refusals), the check calls it.

# States a delivery reaches only through delivery_confirm (a lead instructor), delivery_start
# (a confirmed participant), delivery_finish (the roster settled) and delivery_close (the
# after-action report written).
CONFIRMED_OR_LATER = (
    DeliveryStatus.CONFIRMED,
    DeliveryStatus.IN_PROGRESS,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.CLOSED,
)
STARTED = (DeliveryStatus.IN_PROGRESS, DeliveryStatus.DELIVERED, DeliveryStatus.CLOSED)
FINISHED = (DeliveryStatus.DELIVERED, DeliveryStatus.CLOSED)
UNSETTLED = (EnrollmentStatus.NOMINATED, EnrollmentStatus.WAITLISTED, EnrollmentStatus.CONFIRMED)


def test_demo_deliveries_pass_the_delivery_checks_and_reached_their_state_by_its_moves(demo):
    deliveries = list(
        Delivery.objects.select_related("course", "venue")
        .prefetch_related("enrollments", "assignments", "cost_lines")
        .order_by("pk")
    )
    reported = set(AfterActionReport.objects.values_list("delivery_id", flat=True))
    marked = set(Attendance.objects.values_list("enrollment__delivery", flat=True))
    states = {d.status for d in deliveries}
    assert {DeliveryStatus.CLOSED, DeliveryStatus.CANCELLED, DeliveryStatus.CONFIRMED} <= states
    problems = []
    for delivery in deliveries:
        enrollments = list(delivery.enrollments.all())
        seated = sum(e.status in SEATED for e in enrollments)
        problems += [
            f"{delivery}: {why}"
            for why in delivery_refusals(delivery, seated=seated).values()  # create / update
        ]
        leads = [a for a in delivery.assignments.all() if a.role == InstructorRole.LEAD]
        if delivery.status in CONFIRMED_OR_LATER and not leads:
            problems.append(f"{delivery}: {delivery.status} without a lead instructor")
        if delivery.status in STARTED and not any(e.status in ON_ROSTER for e in enrollments):
            problems.append(f"{delivery}: {delivery.status} without a confirmed participant")
        if delivery.status in FINISHED and any(e.status in UNSETTLED for e in enrollments):
            problems.append(f"{delivery}: {delivery.status} with its roster unsettled")
        if delivery.status == DeliveryStatus.CLOSED and delivery.pk not in reported:
            problems.append(f"{delivery}: closed without an after-action report")
        if delivery.country_id != delivery.venue.country_id:  # delivery_create
            problems.append(f"{delivery}: not in its venue's country")
        if delivery.status == DeliveryStatus.CANCELLED and not delivery.cancel_reason.strip():
            problems.append(f"{delivery}: cancelled without a reason")
        if delivery.pk in marked and delivery.status not in (
            *ATTENDANCE_STATES,
            DeliveryStatus.CLOSED,
        ):
            problems.append(f"{delivery}: attendance taken while {delivery.status}")
        for line in delivery.cost_lines.all():  # cost_line_add: the model's validation
            if line.amount < 0 or line.kind not in ("budget", "actual"):
                problems.append(f"{delivery}: cost line {line}")
    assert problems == []


def test_demo_rosters_keep_the_vetting_gate_the_waiting_list_and_the_outcomes(demo):
    enrollments = list(
        Enrollment.objects.select_related("person", "delivery__course").order_by("pk")
    )
    marks: dict[int, list[tuple[Any, str]]] = {}
    for enrollment_id, day, mark in Attendance.objects.values_list("enrollment", "day", "mark"):
        marks.setdefault(enrollment_id, []).append((day, mark))
    problems = []
    # enrollment_confirm and attendance_record: the gate, for everyone who was confirmed.
    on_roster = [e for e in enrollments if e.status in ON_ROSTER]
    assert len(on_roster) > 1000
    problems += list(gate_refusals(enrollments=on_roster).values())
    # …at the time of the confirmation: the record keeps only the latest decision, so this
    # is checked where that decision is the only one that can have let them in, on rosters of
    # deliveries still to come (the approvals of FY2013-FY2017 ran out long ago).
    records = {r.person_id: r for r in VettingRecord.objects.filter(purpose=Purpose.LEAHY)}
    today = timezone.localdate()
    upcoming = [e for e in on_roster if e.delivery.ends_on >= today]
    assert upcoming
    for e in upcoming:
        decided = records[e.person_id].decided_at
        if e.confirmed_at is None or decided is None or decided > e.confirmed_at:
            problems.append(f"{e}: confirmed {e.confirmed_at}, approval decided {decided}")
    # vetting_submit, vetting_approve, vetting_deny: submitted, then decided; an approval
    # valid until a date after its decision.
    for record in records.values():
        submitted, decided = record.submitted_at, record.decided_at
        if record.status != VettingStatus.NOT_SUBMITTED and submitted is None:
            problems.append(f"{record}: {record.status} but never submitted")
        if decided is not None and (submitted is None or decided < submitted):
            problems.append(f"{record}: decided {decided} before it was submitted")
        if record.status == VettingStatus.APPROVED and (
            decided is None or record.valid_until is None or record.valid_until < decided.date()
        ):
            problems.append(f"{record}: approved {decided}, valid until {record.valid_until}")
    by_delivery: dict[int, list[Enrollment]] = {}
    for e in enrollments:
        by_delivery.setdefault(e.delivery_id, []).append(e)
        delivery = e.delivery
        if e.person.is_merged:  # enrollment_nominate
            problems.append(f"{e}: a merged record nominated")
        if e.status in ON_ROSTER and (e.confirmed_at is None or e.confirmed_at < e.created_at):
            problems.append(f"{e}: {e.status} without a confirmation after the nomination")
        if e.status == EnrollmentStatus.WITHDRAWN and not e.withdrawn_reason.strip():
            problems.append(f"{e}: withdrawn without a reason")
        scored = e.pre_score is not None or e.post_score is not None
        if scored and e.status not in ON_ROSTER:  # scores_record
            problems.append(f"{e}: scored while {e.status}")
        days = set(delivery.days)
        if e.pk in marks and (
            e.status not in ON_ROSTER or not {day for day, _ in marks[e.pk]} <= days
        ):
            problems.append(f"{e}: attendance off the roster or off the delivery's days")
        if delivery.status in FINISHED and e.status in (
            EnrollmentStatus.ATTENDED,
            EnrollmentStatus.NO_SHOW,
        ):
            attended = any(mark in ATTENDING for _, mark in marks.get(e.pk, []))
            if attended != (e.status == EnrollmentStatus.ATTENDED):  # delivery_finish
                problems.append(f"{e}: {e.status} against its attendance")
    # enrollment_nominate and _promote_waitlist: nobody waits while a seat is free, and the
    # waiting list counts 1, 2, 3…
    waitlisted = 0
    for roster in by_delivery.values():
        delivery = roster[0].delivery
        seated = sum(e.status in SEATED for e in roster)
        waiting = sorted(
            e.waitlist_position or 0 for e in roster if e.status == EnrollmentStatus.WAITLISTED
        )
        waitlisted += len(waiting)
        if waiting and seated < delivery.capacity:
            problems.append(f"{delivery}: {len(waiting)} wait with a seat free")
        if waiting != list(range(1, len(waiting) + 1)):
            problems.append(f"{delivery}: waiting list {waiting}")
        if any(
            e.waitlist_position is not None
            for e in roster
            if e.status != EnrollmentStatus.WAITLISTED
        ):
            problems.append(f"{delivery}: a place on the waiting list for someone not waiting")
    assert waitlisted > 0
    assert problems == []


def test_demo_instructors_pass_the_assignment_checks(demo):
    assignments = list(
        Assignment.objects.exclude(delivery__status=DeliveryStatus.CANCELLED)
        .select_related("staff", "delivery__course", "delivery__venue")
        .order_by("pk")
    )
    assert assignments
    qualified = set(Course.qualified_instructors.through.objects.values_list("course", "staff"))
    problems = []
    for assignment in assignments:  # instructor_assign
        staff, delivery = assignment.staff, assignment.delivery
        if not staff.active or (delivery.course_id, staff.pk) not in qualified:
            problems.append(f"{staff} is inactive or not qualified for {delivery}")
        conflict = instructor_conflict(staff, delivery)
        if conflict:
            problems.append(f"{delivery}: {conflict}")
    assert problems == []


def test_demo_certificates_follow_ups_and_requests_pass_the_services_checks(demo):
    problems = []
    # certificate_issue: an attended participant of a delivered delivery who completed.
    certified = set(Certificate.objects.values_list("enrollment", flat=True))
    attended = list(
        Enrollment.objects.filter(pk__in=certified)
        .select_related("delivery__course")
        .prefetch_related("attendance")
    )
    assert len(attended) == len(certified) > 500
    for enrollment in attended:
        delivery = enrollment.delivery
        completion = completion_of(
            days_attended=sum(a.mark in ATTENDING for a in enrollment.attendance.all()),
            days=len(delivery.days),
            post_score=enrollment.post_score,
            min_percent=delivery.min_attendance_percent,
            pass_mark=delivery.effective_pass_mark,
        )
        if (
            enrollment.status != EnrollmentStatus.ATTENDED
            or delivery.status not in FINISHED
            or not completion.completed
        ):
            problems.append(f"certificate for {enrollment}: {completion.reason}")
    issued_early = Certificate.objects.filter(
        issued_at__date__lt=F("enrollment__delivery__ends_on")
    )
    problems += [f"{c} issued before its delivery ended" for c in issued_early]
    # follow_up_create: graduates of its deliveries, dates in order.
    for follow_up in FollowUp.objects.prefetch_related("source_deliveries", "graduates"):
        eligible = {p.pk for p in graduates_of(follow_up.source_deliveries.all())}
        if not {p.pk for p in follow_up.graduates.all()} <= eligible or not eligible:
            problems.append(f"{follow_up}: graduates of other deliveries")
        if follow_up.ends_on and follow_up.ends_on < follow_up.starts_on:
            problems.append(f"{follow_up}: ends before it starts")
    # training_request_file, _decide, training_request_approve.
    with_delivery = set(Delivery.objects.values_list("request", flat=True))
    requests = list(TrainingRequest.objects.select_related("agency", "country", "course"))
    assert len({r.status for r in requests}) == len(RequestStatus.values)
    for request in requests:
        problems += [f"{request}: {why}" for why in request_refusals(request).values()]
        decided = request.status != RequestStatus.SUBMITTED
        if decided != (request.decided_at is not None) or (
            request.decided_at and request.decided_at < request.created_at
        ):
            problems.append(f"{request}: {request.status}, decided at {request.decided_at}")
        if request.status == RequestStatus.DECLINED and not request.decision_note.strip():
            problems.append(f"{request}: declined without a reason")
        if (request.status == RequestStatus.APPROVED) != (request.pk in with_delivery):
            problems.append(f"{request}: {request.status}, with or without a delivery")
    assert problems == []
