"""Attendance behind the vetting gate, scores, the completion rule, certificates, costs, the
after-action report and follow-ups for graduates."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.training import rules, selectors, services
from liaison.training.models import (
    AfterActionReport,
    Attendance,
    CostLine,
    DeliveryStatus,
    EnrollmentStatus,
)
from liaison.training.tests.refusal import refused
from liaison.vetting.models import VettingRecord
from liaison.vetting.services import (
    vetting_approve,
    vetting_deny,
    vetting_submit,
    vetting_suspend,
)

pytestmark = pytest.mark.django_db

PRESENT, LATE, ABSENT = "present", "late", "absent"


@pytest.fixture
def running(make_delivery, make_person, make_instructor):
    """An LBI-101 delivery (five days) in progress with a confirmed participant per family
    name; returns the delivery and the enrollments by family name."""

    def make(*families: str, instructor=None, status=DeliveryStatus.IN_PROGRESS):
        people = [make_person("Ana", family) for family in families]
        delivery = make_delivery(status, people=people, instructor=instructor)
        enrollments = {
            e.person.family_name: e for e in delivery.enrollments.select_related("person")
        }
        return delivery, enrollments

    return make


def _attend(actor, enrollment, marks: str) -> None:
    """Mark one day per letter: P present, L late, A absent, '.' not taken."""
    letters = {"P": PRESENT, "L": LATE, "A": ABSENT}
    for day, letter in zip(enrollment.delivery.days, marks, strict=True):
        if letter != ".":
            services.attendance_record(
                actor=actor, enrollment=enrollment, day=day, mark=letters[letter]
            )


def _finish(manager, delivery, outcomes: dict[str, tuple[str, int | None]], enrollments):
    """Record each participant's marks and post-test, then end the delivery."""
    for family, (marks, post) in outcomes.items():
        _attend(manager, enrollments[family], marks)
        if post is not None:
            services.scores_record(
                actor=manager, enrollment=enrollments[family], pre_score=30, post_score=post
            )
    services.delivery_finish(actor=manager, delivery=delivery)
    for enrollment in enrollments.values():
        enrollment.refresh_from_db()
    delivery.refresh_from_db()


# --- attendance and the vetting gate ----------------------------------------------------------


def test_attendance_is_one_mark_a_day_and_each_change_is_audited(manager, running):
    delivery, enrollments = running("Quispe")
    enrollment = enrollments["Quispe"]
    first, second = delivery.days[:2]
    services.attendance_record(actor=manager, enrollment=enrollment, day=first, mark=PRESENT)
    services.attendance_record(actor=manager, enrollment=enrollment, day=second, mark=LATE)
    services.attendance_record(actor=manager, enrollment=enrollment, day=first, mark=ABSENT)
    services.attendance_record(actor=manager, enrollment=enrollment, day=first, mark=ABSENT)
    assert dict(enrollment.attendance.values_list("day", "mark")) == {first: ABSENT, second: LATE}
    changes = [
        e.changes for e in AuditEntry.objects.filter(action="attendance.recorded").order_by("id")
    ]
    day = f"attendance {first:%Y-%m-%d}"
    assert changes == [
        {day: [None, PRESENT]},
        {f"attendance {second:%Y-%m-%d}": [None, LATE]},
        {day: [PRESENT, ABSENT]},
    ]


@pytest.fixture
def lapse(users):
    """Take a confirmed participant's Leahy approval into ``state`` after confirmation."""
    officer = users[Role.VETTING_OFFICER]

    def arrange(person, state, last_day):
        record = VettingRecord.objects.get(person=person)
        if state == "never submitted":
            # No service forgets a vetting; only a record that never existed reads so.
            record.delete()
        elif state == "suspended":
            vetting_suspend(actor=officer, record=record, reason="Under review.")
        else:
            record = vetting_submit(actor=officer, person=person)
            if state == "denied":
                vetting_deny(actor=officer, record=record, reason="Credible report.")
            elif state == "ends before the last day":
                vetting_approve(actor=officer, record=record, valid_until=last_day - timedelta(1))

    return arrange


GATE_REFUSALS = [
    ("never submitted", "vetting: it was never submitted"),
    ("submitted", "vetting is submitted, not approved"),
    ("denied", "vetting is denied, not approved"),
    ("suspended", "vetting is suspended, not approved"),
    ("ends before the last day", "approval ends on {day_before}, before the last day, {last}"),
]


@pytest.mark.parametrize(("state", "says"), GATE_REFUSALS, ids=[s for s, _ in GATE_REFUSALS])
def test_nobody_is_marked_attending_without_an_approval_through_the_last_day(
    manager, running, lapse, state, says
):
    delivery, enrollments = running("Quispe")
    enrollment = enrollments["Quispe"]
    lapse(enrollment.person, state, delivery.ends_on)
    says = says.format(
        day_before=f"{delivery.ends_on - timedelta(1):%Y-%m-%d}",
        last=f"{delivery.ends_on:%Y-%m-%d}",
    )
    day = delivery.days[0]
    for mark in (PRESENT, LATE):
        with refused(ValidationError, says, enrollment):
            services.attendance_record(actor=manager, enrollment=enrollment, day=day, mark=mark)
    # Absent needs no clearance: recording that someone was not there is always allowed.
    services.attendance_record(actor=manager, enrollment=enrollment, day=day, mark=ABSENT)
    assert enrollment.attendance.get().mark == ABSENT


def test_attendance_is_taken_on_the_delivery_days_for_confirmed_participants_only(
    manager, running, make_person
):
    delivery, enrollments = running("Quispe")
    enrollment = enrollments["Quispe"]
    for day in (delivery.starts_on - timedelta(1), delivery.ends_on + timedelta(1)):
        with refused(ValidationError, f"{day:%Y-%m-%d} is not a day of this delivery"):
            services.attendance_record(actor=manager, enrollment=enrollment, day=day, mark=PRESENT)
    with refused(ValidationError, "“excused” is not present, late or absent"):
        services.attendance_record(
            actor=manager, enrollment=enrollment, day=delivery.starts_on, mark="excused"
        )
    nominee = services.enrollment_nominate(
        actor=manager, delivery=delivery, person=make_person("Rosa", "Mamani")
    )
    with refused(ValidationError, "is nominated, not confirmed"):
        services.attendance_record(
            actor=manager, enrollment=nominee, day=delivery.starts_on, mark=ABSENT
        )
    approved, early = running("Apaza", status=DeliveryStatus.APPROVED)
    with refused(ValidationError, "Attendance is taken on a confirmed or running delivery"):
        services.attendance_record(
            actor=manager, enrollment=early["Apaza"], day=approved.starts_on, mark=ABSENT
        )


def test_an_advisor_takes_attendance_only_on_a_delivery_they_teach(users, running, make_instructor):
    advisor = users[Role.TRAINING_ADVISOR]
    theirs, mine = running("Quispe")
    ours, taught = running("Mamani", instructor=make_instructor(user=advisor))
    for role in (Role.TRAINING_ADVISOR, Role.ATTACHE, Role.SPONSOR, Role.VETTING_OFFICER):
        with refused(PermissionDenied, "training.take_attendance"):
            services.attendance_record(
                actor=users[role], enrollment=mine["Quispe"], day=theirs.starts_on, mark=PRESENT
            )
    services.attendance_record(
        actor=advisor, enrollment=taught["Mamani"], day=ours.starts_on, mark=PRESENT
    )
    assert AuditEntry.objects.get(action="attendance.recorded").actor == advisor


def test_marking_everyone_present_skips_the_marked_and_names_whom_the_gate_stops(
    manager, users, running, lapse
):
    delivery, enrollments = running("Apaza", "Bravo", "Choque")
    day = delivery.days[0]
    services.attendance_record(actor=manager, enrollment=enrollments["Apaza"], day=day, mark=ABSENT)
    lapse(enrollments["Choque"].person, "suspended", delivery.ends_on)
    result = services.attendance_mark_unmarked(actor=manager, delivery=delivery, day=day)
    assert result.marked == 1
    assert [(e.person.family_name, reason) for e, reason in result.blocked] == [
        ("Choque", "Ana Choque's human-rights (Leahy) vetting is suspended, not approved.")
    ]
    assert dict(
        Attendance.objects.filter(day=day).values_list("enrollment__person__family_name", "mark")
    ) == {"Apaza": ABSENT, "Bravo": PRESENT}
    with refused(PermissionDenied, "training.take_attendance"):
        services.attendance_mark_unmarked(actor=users[Role.ATTACHE], delivery=delivery, day=day)


# --- scores -----------------------------------------------------------------------------------


def test_scores_run_from_0_to_100(manager, running):
    _, enrollments = running("Quispe")
    enrollment = enrollments["Quispe"]
    services.scores_record(actor=manager, enrollment=enrollment, pre_score=0, post_score=100)
    enrollment.refresh_from_db()
    assert (enrollment.pre_score, enrollment.post_score) == (0, 100)
    assert AuditEntry.objects.get(action="enrollment.scored").changes == {
        "pre_score": [None, 0],
        "post_score": [None, 100],
    }
    for pre, post, field in ((-1, 50, "pre_score"), (40, 101, "post_score")):
        with refused(ValidationError, "A score is from 0 to 100", enrollment) as caught:
            services.scores_record(
                actor=manager, enrollment=enrollment, pre_score=pre, post_score=post
            )
        assert list(caught.value.message_dict) == [field]


def test_scores_wait_for_the_delivery_to_start_and_for_the_right_person(users, manager, running):
    _, enrollments = running("Quispe", status=DeliveryStatus.CONFIRMED)
    enrollment = enrollments["Quispe"]
    with refused(ValidationError, "Scores are entered while the delivery runs", enrollment):
        services.scores_record(actor=manager, enrollment=enrollment, pre_score=10, post_score=90)
    for role in (Role.TRAINING_ADVISOR, Role.ATTACHE, Role.SPONSOR):
        with refused(PermissionDenied, "training.take_attendance", enrollment):
            services.scores_record(
                actor=users[role], enrollment=enrollment, pre_score=10, post_score=90
            )


# --- the completion rule ----------------------------------------------------------------------


def test_completion_needs_80_percent_of_days_and_the_pass_mark():
    rule = {"days": 5, "min_percent": 80, "pass_mark": 70}
    exactly = rules.completion_of(days_attended=4, post_score=70, **rule)
    assert (exactly.completed, exactly.attendance_percent) == (True, 80)
    short = rules.completion_of(days_attended=3, post_score=100, **rule)
    assert not short.completed
    assert short.reason == "attended 3 of 5 days (60%), under 80%"
    failed = rules.completion_of(days_attended=5, post_score=69, **rule)
    assert (failed.completed, failed.reason) == (False, "post-test 69, under the pass mark of 70")
    untested = rules.completion_of(days_attended=5, post_score=None, **rule)
    assert (untested.completed, untested.reason) == (False, "no post-test score")
    # Ten days: 8 is exactly 80%, 7 one day below.
    assert rules.completion_of(days_attended=8, post_score=70, **(rule | {"days": 10})).completed
    assert not rules.completion_of(
        days_attended=7, post_score=70, **(rule | {"days": 10})
    ).completed


@settings(max_examples=100, deadline=None, database=None)
@given(
    days=st.integers(min_value=1, max_value=14),
    min_percent=st.integers(min_value=0, max_value=100),
    pass_mark=st.integers(min_value=0, max_value=100),
)
def test_the_fewest_days_that_complete_are_the_minimum_share_rounded_up(
    days, min_percent, pass_mark
):
    """No rounding lets anyone through on a day less than the share asks for."""
    needed = -(-min_percent * days // 100)  # ceil(min_percent% of days)
    enough = rules.completion_of(
        days_attended=needed,
        days=days,
        post_score=pass_mark,
        min_percent=min_percent,
        pass_mark=pass_mark,
    )
    assert enough.completed
    if needed:
        short = rules.completion_of(
            days_attended=needed - 1,
            days=days,
            post_score=100,
            min_percent=min_percent,
            pass_mark=pass_mark,
        )
        assert not short.completed and f"under {min_percent}%" in short.reason
    if pass_mark:
        below = rules.completion_of(
            days_attended=days,
            days=days,
            post_score=pass_mark - 1,
            min_percent=min_percent,
            pass_mark=pass_mark,
        )
        assert not below.completed


def test_late_counts_as_attending_and_each_delivery_may_raise_the_bar(manager, running):
    delivery, enrollments = running("Quispe", status=DeliveryStatus.CONFIRMED)
    enrollment = enrollments["Quispe"]
    services.delivery_start(actor=manager, delivery=delivery)
    _attend(manager, enrollment, "LLLLA")
    services.scores_record(actor=manager, enrollment=enrollment, pre_score=40, post_score=85)
    completion = selectors.enrollment_completion(enrollment)
    assert (completion.days_attended, completion.completed) == (4, True)
    services.delivery_update(actor=manager, delivery=delivery, pass_mark=90)
    enrollment.refresh_from_db()
    assert selectors.enrollment_completion(enrollment).reason == (
        "post-test 85, under the pass mark of 90"
    )
    services.delivery_update(actor=manager, delivery=delivery, pass_mark=None)
    services.delivery_update(actor=manager, delivery=delivery, min_attendance_percent=100)
    enrollment.refresh_from_db()
    assert selectors.enrollment_completion(enrollment).reason == (
        "attended 4 of 5 days (80%), under 100%"
    )


def test_finishing_records_who_attended_and_withdraws_who_never_got_a_seat(
    manager, running, make_person
):
    delivery, enrollments = running("Apaza", "Bravo", "Choque")
    nominee = services.enrollment_nominate(
        actor=manager, delivery=delivery, person=make_person("Rosa", "Delgado")
    )
    _attend(manager, enrollments["Apaza"], "PAAAA")
    _attend(manager, enrollments["Bravo"], "AAAAA")
    services.delivery_finish(actor=manager, delivery=delivery)
    outcome = dict(delivery.enrollments.values_list("person__family_name", "status"))
    assert outcome == {
        "Apaza": EnrollmentStatus.ATTENDED,
        "Bravo": EnrollmentStatus.NO_SHOW,
        "Choque": EnrollmentStatus.NO_SHOW,
        "Delgado": EnrollmentStatus.WITHDRAWN,
    }
    nominee.refresh_from_db()
    assert nominee.withdrawn_reason == "Not confirmed before the delivery ended."
    assert AuditEntry.objects.filter(action="enrollment.outcome_recorded").count() == 4


def test_a_mark_corrected_after_the_end_corrects_the_outcome(manager, running):
    delivery, enrollments = running("Apaza", "Bravo")
    _finish(manager, delivery, {"Apaza": ("P....", None), "Bravo": (".....", None)}, enrollments)
    apaza, bravo = enrollments["Apaza"], enrollments["Bravo"]
    assert (apaza.status, bravo.status) == (EnrollmentStatus.ATTENDED, EnrollmentStatus.NO_SHOW)
    # The sheet for Bravo turns up late: present every day, and passed.
    _attend(manager, bravo, "PPPPP")
    services.scores_record(actor=manager, enrollment=bravo, pre_score=50, post_score=90)
    services.attendance_record(actor=manager, enrollment=apaza, day=delivery.starts_on, mark=ABSENT)
    apaza.refresh_from_db()
    bravo.refresh_from_db()
    assert (apaza.status, bravo.status) == (EnrollmentStatus.NO_SHOW, EnrollmentStatus.ATTENDED)
    assert services.certificate_issue(actor=manager, enrollment=bravo).is_valid
    corrected = AuditEntry.objects.filter(action="enrollment.outcome_recorded").order_by("-id")
    assert [e.changes["status"] for e in corrected[:2]] == [
        ["attended", "no_show"],
        ["no_show", "attended"],
    ]


# --- certificates -----------------------------------------------------------------------------


def test_certificates_go_once_to_completers_of_a_delivered_delivery(manager, running):
    delivery, enrollments = running("Apaza", "Bravo", "Choque", "Delgado")
    with refused(ValidationError, "once the delivery is delivered"):
        services.certificate_issue(actor=manager, enrollment=enrollments["Apaza"])
    _finish(
        manager,
        delivery,
        {
            "Apaza": ("PPPPA", 70),  # exactly 80% and exactly the pass mark
            "Bravo": ("PPPAA", 95),  # one day short
            "Choque": ("PPPPP", 69),  # one point short
            "Delgado": ("AAAAA", None),
        },
        enrollments,
    )
    certificate = services.certificate_issue(actor=manager, enrollment=enrollments["Apaza"])
    assert len(certificate.code) == 10
    assert set(certificate.code) <= set(services.CODE_ALPHABET)
    assert AuditEntry.objects.get(action="certificate.issued").changes == {
        "code": [None, certificate.code]
    }
    with refused(ValidationError, "Ana Apaza already has a certificate"):
        services.certificate_issue(actor=manager, enrollment=enrollments["Apaza"])
    with refused(ValidationError, "did not complete: attended 3 of 5 days (60%), under 80%"):
        services.certificate_issue(actor=manager, enrollment=enrollments["Bravo"])
    with refused(ValidationError, "did not complete: post-test 69, under the pass mark of 70"):
        services.certificate_issue(actor=manager, enrollment=enrollments["Choque"])
    with refused(ValidationError, "Ana Delgado is no-show, not attended"):
        services.certificate_issue(actor=manager, enrollment=enrollments["Delgado"])
    assert services.certificates_issue_all(actor=manager, delivery=delivery) == []


def test_issuing_them_all_gives_each_completer_a_distinct_code(
    users, manager, running, make_instructor
):
    advisor = users[Role.TRAINING_ADVISOR]
    delivery, enrollments = running(
        "Apaza", "Bravo", "Choque", instructor=make_instructor(user=advisor)
    )
    _finish(
        manager,
        delivery,
        {"Apaza": ("PPPPP", 90), "Bravo": ("PLPLP", 80), "Choque": ("PPAAA", 90)},
        enrollments,
    )
    for role in (Role.ATTACHE, Role.SPONSOR, Role.VETTING_OFFICER):
        with refused(PermissionDenied, "training.issue_certificate"):
            services.certificates_issue_all(actor=users[role], delivery=delivery)
    issued = services.certificates_issue_all(actor=advisor, delivery=delivery)
    assert sorted(c.enrollment.person.family_name for c in issued) == ["Apaza", "Bravo"]
    assert len({c.code for c in issued}) == 2
    found = selectors.certificate_by_code(code=f" {issued[0].code.lower()} ")
    assert found == issued[0]


def test_only_headquarters_revokes_a_certificate_and_says_why(users, manager, running):
    delivery, enrollments = running("Apaza", "Bravo")
    _finish(manager, delivery, {"Apaza": ("PPPPP", 90), "Bravo": ("PPPPP", 90)}, enrollments)
    first, second = services.certificates_issue_all(actor=manager, delivery=delivery)
    for role in (Role.TRAINING_ADVISOR, Role.ATTACHE, Role.SPONSOR):
        with refused(PermissionDenied, "training.revoke_certificate", first):
            services.certificate_revoke(actor=users[role], certificate=first, reason="Fraud.")
    with refused(ValidationError, "Say why the certificate is revoked", first):
        services.certificate_revoke(actor=manager, certificate=first, reason=" ")
    services.certificate_revoke(actor=manager, certificate=first, reason="Exam misconduct.")
    first.refresh_from_db()
    assert not first.is_valid and first.revoked_reason == "Exam misconduct."
    with refused(ValidationError, "already revoked", first):
        services.certificate_revoke(actor=manager, certificate=first, reason="Again.")
    assert selectors.graduates_of([delivery]) == [second.enrollment.person]


# --- costs ------------------------------------------------------------------------------------


def test_the_cost_summary_totals_budget_and_actual_by_category(manager, running):
    delivery, enrollments = running("Apaza", "Bravo", "Choque")
    lines = [
        ("budget", "travel", "1000.00"),
        ("budget", "lodging", "500.00"),
        ("actual", "travel", "700.00"),
        ("actual", "travel", "500.00"),
        ("actual", "lodging", "400.00"),
        ("actual", "materials", "50.30"),
    ]
    for kind, category, amount in lines:
        services.cost_line_add(
            actor=manager, delivery=delivery, kind=kind, category=category, amount=Decimal(amount)
        )
    summary = selectors.cost_summary(delivery=delivery)
    rows = {row.category: (row.budget, row.actual, row.variance) for row in summary.rows}
    assert rows["travel"] == (Decimal("1000"), Decimal("1200"), Decimal("200"))
    assert rows["lodging"] == (Decimal("500"), Decimal("400"), Decimal("-100"))
    assert rows["materials"] == (Decimal("0"), Decimal("50.30"), Decimal("50.30"))
    assert rows["per_diem"] == (0, 0, 0)
    assert (summary.budget, summary.actual, summary.variance) == (
        Decimal("1500"),
        Decimal("1650.30"),
        Decimal("150.30"),
    )
    # While it runs, the confirmed count; once delivered, only those who attended.
    assert (summary.participants, summary.per_participant) == (3, Decimal("550.10"))
    _finish(manager, delivery, {"Apaza": ("PPPPP", 90), "Bravo": ("P....", None)}, enrollments)
    summary = selectors.cost_summary(delivery=delivery)
    assert (summary.participants, summary.per_participant) == (2, Decimal("825.15"))
    assert AuditEntry.objects.filter(action="delivery.cost_added").count() == len(lines)


def test_cost_lines_are_refused_to_other_roles_below_zero_and_once_closed(
    users, manager, running, make_instructor
):
    advisor = users[Role.TRAINING_ADVISOR]
    delivery, _ = running("Quispe", instructor=make_instructor(user=advisor))
    for role in (Role.TRAINING_ADVISOR, Role.ATTACHE, Role.SPONSOR):
        with refused(PermissionDenied, "training.manage_costs"):
            services.cost_line_add(
                actor=users[role],
                delivery=delivery,
                kind="actual",
                category="travel",
                amount=Decimal("10"),
            )
    with refused(ValidationError, "greater than or equal to 0"):
        services.cost_line_add(
            actor=manager,
            delivery=delivery,
            kind="actual",
            category="travel",
            amount=Decimal("-1"),
        )
    with refused(ValidationError, "is not a valid choice"):
        services.cost_line_add(
            actor=manager,
            delivery=delivery,
            kind="actual",
            category="bribes",
            amount=Decimal("1"),
        )
    line = services.cost_line_add(
        actor=manager, delivery=delivery, kind="budget", category="venue", amount=Decimal("300.00")
    )
    services.cost_line_remove(actor=manager, line=line)
    assert not CostLine.objects.exists()
    assert AuditEntry.objects.get(action="delivery.cost_removed").changes == {
        "budget venue": ["300.00", None]
    }
    line = services.cost_line_add(
        actor=manager, delivery=delivery, kind="budget", category="venue", amount=Decimal("300")
    )
    services.delivery_finish(actor=manager, delivery=delivery)
    services.after_action_report_save(actor=manager, delivery=delivery, summary="Done.")
    services.delivery_close(actor=manager, delivery=delivery)
    with refused(ValidationError, "A closed delivery's costs are final"):
        services.cost_line_add(
            actor=manager, delivery=delivery, kind="actual", category="venue", amount=Decimal("1")
        )
    with refused(ValidationError, "A closed delivery's costs are final", line):
        services.cost_line_remove(actor=manager, line=line)


# --- the after-action report ------------------------------------------------------------------


def test_the_after_action_report_is_written_while_it_runs_or_once_delivered(
    users, manager, make_delivery, running, make_instructor
):
    planned = make_delivery()
    with refused(ValidationError, "once the delivery has started"):
        services.after_action_report_save(actor=manager, delivery=planned, summary="Early.")
    advisor = users[Role.TRAINING_ADVISOR]
    delivery, _ = running("Quispe", instructor=make_instructor(user=advisor))
    with refused(ValidationError, "Write a summary"):
        services.after_action_report_save(actor=advisor, delivery=delivery, summary="  ")
    for role in (Role.ATTACHE, Role.SPONSOR, Role.VETTING_OFFICER):
        with refused(PermissionDenied, "training.write_report"):
            services.after_action_report_save(actor=users[role], delivery=delivery, summary="x")
    report = services.after_action_report_save(
        actor=advisor, delivery=delivery, summary="Day one went well."
    )
    services.after_action_report_save(
        actor=manager, delivery=delivery, summary="All five days went well.", issues="Heat."
    )
    report.refresh_from_db()
    assert (report.summary, report.issues, report.author) == (
        "All five days went well.",
        "Heat.",
        manager,
    )
    assert AfterActionReport.objects.count() == 1
    updated = AuditEntry.objects.get(action="after_action_report.updated")
    assert updated.changes["issues"] == ["", "Heat."]
    assert AuditEntry.objects.get(action="after_action_report.written").actor == advisor


# --- follow-ups -------------------------------------------------------------------------------


def test_follow_ups_link_only_graduates_holding_a_valid_certificate(
    users, manager, running, make_person
):
    delivery, enrollments = running("Apaza", "Bravo", "Choque")
    _finish(
        manager,
        delivery,
        {"Apaza": ("PPPPP", 90), "Bravo": ("PPPPP", 90), "Choque": ("PPPPP", 10)},
        enrollments,
    )
    revoked, kept = services.certificates_issue_all(actor=manager, delivery=delivery)
    services.certificate_revoke(actor=manager, certificate=revoked, reason="Misconduct.")
    start = delivery.ends_on + timedelta(days=180)
    plan = {"kind": "refresher", "title": "LBI refresher", "starts_on": start}
    with refused(PermissionDenied, "training.manage_follow_ups"):
        services.follow_up_create(actor=users[Role.ATTACHE], source_deliveries=[delivery], **plan)
    with refused(ValidationError, "Choose the deliveries it follows up"):
        services.follow_up_create(actor=manager, source_deliveries=[], **plan)
    for stranger in (revoked.enrollment.person, enrollments["Choque"].person, make_person()):
        with refused(ValidationError, f"Not graduates of those deliveries: {stranger}"):
            services.follow_up_create(
                actor=manager, source_deliveries=[delivery], graduates=[stranger], **plan
            )
    with refused(ValidationError, "The follow-up ends before it starts"):
        services.follow_up_create(
            actor=manager, source_deliveries=[delivery], ends_on=start - timedelta(1), **plan
        )
    follow_up = services.follow_up_create(actor=manager, source_deliveries=[delivery], **plan)
    assert list(follow_up.graduates.all()) == [kept.enrollment.person]
    assert list(follow_up.source_deliveries.all()) == [delivery]
    assert AuditEntry.objects.get(action="follow_up.created").changes == {"graduates": [None, "1"]}
    services.certificate_revoke(actor=manager, certificate=kept, reason="Misconduct.")
    with refused(ValidationError, "no graduates with a valid certificate"):
        services.follow_up_create(actor=manager, source_deliveries=[delivery], **plan)
