"""The training demo: five fiscal years whose FY2015 matches the published figures, and data
that keeps every rule the services enforce."""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import call_command

from liaison.accounts.models import User
from liaison.audit.models import AuditEntry
from liaison.conftest import DEMO_SCALE, DEMO_SEED, Demo
from liaison.core.demo import DemoResult, build_demo
from liaison.core.fiscal import FiscalYear
from liaison.training.demo import YEARS
from liaison.training.models import (
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
from liaison.training.selectors import blocked_deliveries
from liaison.training.services import CODE_ALPHABET, CODE_LENGTH, enrollment_completion
from liaison.vetting.models import Purpose, VettingRecord

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
