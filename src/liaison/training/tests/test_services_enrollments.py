"""The roster: capacity and the waiting list, the Leahy vetting gate on confirmation, the
gate as the vetting office sees it, and who may change a roster."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.training import selectors, services
from liaison.training.models import DeliveryStatus, EnrollmentStatus
from liaison.training.tests.refusal import refused
from liaison.vetting.models import VettingRecord, VettingStatus
from liaison.vetting.services import (
    vetting_approve,
    vetting_deny,
    vetting_submit,
    vetting_suspend,
)

pytestmark = pytest.mark.django_db


def _statuses(delivery) -> dict[str, tuple[str, int | None]]:
    return {
        e.person.family_name: (e.status, e.waitlist_position)
        for e in delivery.enrollments.select_related("person")
    }


@pytest.fixture
def leahy(users):
    """Put ``person``'s Leahy vetting into ``state`` through the vetting services, for a
    delivery whose last day is ``last_day``."""
    officer = users[Role.VETTING_OFFICER]

    def arrange(person, state, last_day):
        if state == "never submitted":
            return
        record = vetting_submit(actor=officer, person=person)
        if state == "denied":
            vetting_deny(actor=officer, record=record, reason="Credible report.")
        elif state == "suspended":
            vetting_approve(actor=officer, record=record, valid_until=last_day)
            vetting_suspend(actor=officer, record=record, reason="Under review.")
        elif state == "ends before the last day":
            vetting_approve(actor=officer, record=record, valid_until=last_day - timedelta(1))
        elif state == "valid through the last day":
            vetting_approve(actor=officer, record=record, valid_until=last_day)

    return arrange


# Each way the gate refuses, and the words that say so.
GATE_REFUSALS = [
    ("never submitted", "has no human-rights (Leahy) vetting: it was never submitted"),
    ("submitted", "vetting is submitted, not approved"),
    ("denied", "vetting is denied, not approved"),
    ("suspended", "vetting is suspended, not approved"),
    ("ends before the last day", "approval ends on {day_before}, before the last day, {last}"),
]


# --- capacity and the waiting list ------------------------------------------------------------


def test_a_full_delivery_waitlists_in_order(manager, make_delivery, make_person):
    delivery = make_delivery(capacity=2)
    for name in ("Apaza", "Bravo", "Choque", "Delgado"):
        services.enrollment_nominate(
            actor=manager, delivery=delivery, person=make_person(family=name), nominated_by="PNP"
        )
    assert _statuses(delivery) == {
        "Apaza": ("nominated", None),
        "Bravo": ("nominated", None),
        "Choque": ("waitlisted", 1),
        "Delgado": ("waitlisted", 2),
    }
    nominated = AuditEntry.objects.filter(action="enrollment.nominated").order_by("id")
    assert [e.changes["status"][1] for e in nominated] == [
        "nominated",
        "nominated",
        "waitlisted",
        "waitlisted",
    ]
    counts = selectors.roster_counts(delivery=delivery)
    assert (counts["seated"], counts["free"], counts["waitlisted"]) == (2, 0, 2)


def test_a_withdrawal_moves_the_waiting_list_up(manager, make_delivery, make_person):
    delivery = make_delivery(DeliveryStatus.CONFIRMED, capacity=2)
    people = [make_person(family=name) for name in ("Apaza", "Bravo", "Choque", "Delgado")]
    enrollments = [
        services.enrollment_nominate(actor=manager, delivery=delivery, person=person)
        for person in people
    ]
    services.enrollment_withdraw(actor=manager, enrollment=enrollments[0], reason="Sick leave.")
    assert _statuses(delivery) == {
        "Apaza": ("withdrawn", None),
        "Bravo": ("nominated", None),
        "Choque": ("nominated", None),
        "Delgado": ("waitlisted", 1),
    }
    moved = AuditEntry.objects.get(action="enrollment.moved_up")
    assert moved.object_id == str(enrollments[2].pk)
    withdrawn = AuditEntry.objects.get(action="enrollment.withdrawn")
    assert withdrawn.changes["reason"] == [None, "Sick leave."]
    enrollments[0].refresh_from_db()
    assert enrollments[0].withdrawn_reason == "Sick leave."


def test_leaving_the_waiting_list_moves_those_behind_up(manager, make_delivery, make_person):
    delivery = make_delivery(capacity=1)
    enrollments = [
        services.enrollment_nominate(actor=manager, delivery=delivery, person=make_person(family=n))
        for n in ("Apaza", "Bravo", "Choque", "Delgado")
    ]
    services.enrollment_withdraw(actor=manager, enrollment=enrollments[1], reason="Transferred.")
    assert _statuses(delivery) == {
        "Apaza": ("nominated", None),
        "Bravo": ("withdrawn", None),
        "Choque": ("waitlisted", 1),
        "Delgado": ("waitlisted", 2),
    }


def test_a_withdrawal_needs_a_reason_and_happens_once(manager, make_delivery, make_person):
    delivery = make_delivery()
    enrollment = services.enrollment_nominate(
        actor=manager, delivery=delivery, person=make_person()
    )
    with refused(ValidationError, "Say why the participant is withdrawn", enrollment):
        services.enrollment_withdraw(actor=manager, enrollment=enrollment, reason=" ")
    services.enrollment_withdraw(actor=manager, enrollment=enrollment, reason="Retired.")
    with refused(ValidationError, "is withdrawn and cannot be withdrawn", enrollment):
        services.enrollment_withdraw(actor=manager, enrollment=enrollment, reason="Again.")


def test_a_person_is_on_a_roster_once_and_only_while_it_is_open(
    manager, make_delivery, make_person
):
    person = make_person()
    delivery = make_delivery()
    services.enrollment_nominate(actor=manager, delivery=delivery, person=person)
    with refused(ValidationError, f"{person} is already on this roster (nominated)"):
        services.enrollment_nominate(actor=manager, delivery=delivery, person=person)
    delivered = make_delivery(DeliveryStatus.DELIVERED, people=[make_person("Rosa")])
    with refused(ValidationError, "This delivery is delivered; it takes no more nominations"):
        services.enrollment_nominate(actor=manager, delivery=delivered, person=person)


def test_the_capacity_cannot_drop_below_the_seats_taken(manager, make_delivery, make_person):
    delivery = make_delivery(capacity=3)
    for name in ("Apaza", "Bravo", "Choque"):
        services.enrollment_nominate(
            actor=manager, delivery=delivery, person=make_person(family=name)
        )
    with refused(ValidationError, "3 participants already hold seats", delivery):
        services.delivery_update(actor=manager, delivery=delivery, capacity=2)


# --- the vetting gate on confirmation --------------------------------------------------------


@pytest.mark.parametrize(("state", "says"), GATE_REFUSALS, ids=[s for s, _ in GATE_REFUSALS])
def test_the_gate_refuses_to_confirm_without_an_approval_valid_through_the_last_day(
    manager, make_delivery, make_person, leahy, state, says
):
    delivery = make_delivery(DeliveryStatus.APPROVED)
    person = make_person()
    leahy(person, state, delivery.ends_on)
    enrollment = services.enrollment_nominate(actor=manager, delivery=delivery, person=person)
    says = says.format(
        day_before=f"{delivery.ends_on - timedelta(1):%Y-%m-%d}",
        last=f"{delivery.ends_on:%Y-%m-%d}",
    )
    with refused(ValidationError, says, enrollment, delivery):
        services.enrollment_confirm(actor=manager, enrollment=enrollment)
    assert not AuditEntry.objects.filter(action="enrollment.confirmed").exists()


def test_an_approval_valid_through_the_last_day_confirms(
    manager, make_delivery, make_person, leahy
):
    delivery = make_delivery(DeliveryStatus.APPROVED)
    person = make_person()
    leahy(person, "valid through the last day", delivery.ends_on)
    enrollment = services.enrollment_nominate(actor=manager, delivery=delivery, person=person)
    services.enrollment_confirm(actor=manager, enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.CONFIRMED
    assert enrollment.confirmed_at is not None
    entry = AuditEntry.objects.get(action="enrollment.confirmed")
    assert (entry.actor, entry.changes) == (manager, {"status": ["nominated", "confirmed"]})


def test_only_a_nominee_of_an_open_delivery_is_confirmed(manager, make_delivery, make_person):
    delivery = make_delivery(capacity=1)
    services.enrollment_nominate(actor=manager, delivery=delivery, person=make_person())
    waiting = services.enrollment_nominate(
        actor=manager, delivery=delivery, person=make_person("Rosa")
    )
    with refused(ValidationError, "is on the waiting list; only a nominated participant", waiting):
        services.enrollment_confirm(actor=manager, enrollment=waiting)


def test_confirming_the_roster_confirms_whom_the_gate_lets_through_and_says_why_not(
    manager, make_delivery, make_person, leahy
):
    delivery = make_delivery(DeliveryStatus.APPROVED)
    cleared = make_person(family="Apaza")
    pending = make_person(family="Bravo")
    leahy(cleared, "valid through the last day", delivery.ends_on)
    leahy(pending, "submitted", delivery.ends_on)
    for person in (cleared, pending):
        services.enrollment_nominate(actor=manager, delivery=delivery, person=person)
    result = services.enrollment_confirm_all(actor=manager, delivery=delivery)
    assert [e.person for e in result.confirmed] == [cleared]
    assert [(e.person, reason) for e, reason in result.blocked] == [
        (pending, f"{pending}'s human-rights (Leahy) vetting is submitted, not approved.")
    ]
    assert _statuses(delivery) == {
        "Apaza": ("confirmed", None),
        "Bravo": ("nominated", None),
    }


def test_submitting_the_roster_sends_the_never_submitted_and_the_denied(
    manager, users, make_delivery, make_person, leahy
):
    delivery = make_delivery()
    people = {state: make_person(family=state.title()) for state in ("never", "denied", "pending")}
    leahy(people["denied"], "denied", delivery.ends_on)
    leahy(people["pending"], "submitted", delivery.ends_on)
    for person in people.values():
        services.enrollment_nominate(actor=manager, delivery=delivery, person=person)
    with refused(PermissionDenied, "training.manage_roster"):
        services.roster_submit_for_vetting(actor=users[Role.ATTACHE], delivery=delivery)
    submitted = services.roster_submit_for_vetting(actor=manager, delivery=delivery)
    assert {p.family_name for p in submitted} == {"Never", "Denied"}
    assert set(VettingRecord.objects.values_list("status", flat=True)) == {VettingStatus.SUBMITTED}


# --- the gate as the vetting office and headquarters see it ----------------------------------


def test_blocked_deliveries_lists_each_stopped_nominee_with_the_reason(
    manager, users, make_delivery, make_person, make_instructor, leahy
):
    advisor = users[Role.TRAINING_ADVISOR]
    mine = make_delivery(DeliveryStatus.APPROVED, instructor=make_instructor(user=advisor))
    other = make_delivery(DeliveryStatus.APPROVED, venue="ILEA-BKK")
    clear = make_delivery(DeliveryStatus.APPROVED)
    denied = make_person(family="Apaza")
    unsent = make_person(family="Bravo")
    late = make_person(family="Choque")
    cleared = make_person(family="Delgado")
    leahy(denied, "denied", mine.ends_on)
    leahy(late, "ends before the last day", other.ends_on)
    leahy(cleared, "valid through the last day", mine.ends_on)
    for delivery, person in ((mine, denied), (mine, unsent), (other, late), (clear, cleared)):
        services.enrollment_nominate(actor=manager, delivery=delivery, person=person)

    def seen(role: Role) -> dict[int, list[tuple[str, str]]]:
        return {
            group.delivery.pk: [(b.enrollment.person.family_name, b.reason) for b in group.blockers]
            for group in selectors.blocked_deliveries(user=users[role])
        }

    mine_blocked = [
        ("Apaza", f"{denied}'s human-rights (Leahy) vetting is denied, not approved."),
        ("Bravo", f"{unsent} has no human-rights (Leahy) vetting: it was never submitted."),
    ]
    other_blocked = [
        (
            "Choque",
            f"{late}'s human-rights (Leahy) vetting approval ends on "
            f"{other.ends_on - timedelta(1):%Y-%m-%d}, before the last day, "
            f"{other.ends_on:%Y-%m-%d}.",
        )
    ]
    assert seen(Role.VETTING_OFFICER) == {mine.pk: mine_blocked, other.pk: other_blocked}
    assert seen(Role.PROGRAM_MANAGER) == seen(Role.VETTING_OFFICER)
    assert seen(Role.TRAINING_ADVISOR) == {mine.pk: mine_blocked}
    assert seen(Role.ATTACHE) == {mine.pk: mine_blocked}
    with pytest.raises(PermissionDenied):
        selectors.blocked_deliveries(user=users[Role.SPONSOR])


def test_blocked_deliveries_forgets_deliveries_past_taking_their_roster(
    manager, users, make_delivery, make_person
):
    delivery = make_delivery(DeliveryStatus.CONFIRMED)
    services.enrollment_nominate(actor=manager, delivery=delivery, person=make_person())
    assert len(selectors.blocked_deliveries(user=manager)) == 1
    services.delivery_cancel(actor=manager, delivery=delivery, reason="Postponed.")
    assert selectors.blocked_deliveries(user=manager) == []


# --- who may change a roster ------------------------------------------------------------------


def test_the_advisor_who_teaches_it_runs_the_roster(
    users, make_delivery, make_person, make_instructor, leahy
):
    advisor = users[Role.TRAINING_ADVISOR]
    delivery = make_delivery(DeliveryStatus.APPROVED, instructor=make_instructor(user=advisor))
    person = make_person()
    leahy(person, "valid through the last day", delivery.ends_on)
    enrollment = services.enrollment_nominate(actor=advisor, delivery=delivery, person=person)
    services.enrollment_confirm(actor=advisor, enrollment=enrollment)
    assert AuditEntry.objects.get(action="enrollment.confirmed").actor == advisor


def test_others_cannot_change_the_roster(
    manager, users, make_delivery, make_person, make_instructor, leahy
):
    advisor = users[Role.TRAINING_ADVISOR]
    # The advisor teaches another delivery, not this one.
    make_delivery(DeliveryStatus.APPROVED, instructor=make_instructor(user=advisor))
    delivery = make_delivery(DeliveryStatus.APPROVED)
    person = make_person()
    leahy(person, "valid through the last day", delivery.ends_on)
    enrollment = services.enrollment_nominate(actor=manager, delivery=delivery, person=person)
    newcomer = make_person("Rosa")
    for actor in (advisor, users[Role.ATTACHE], users[Role.SPONSOR]):
        with refused(PermissionDenied, "training.manage_roster", enrollment):
            services.enrollment_nominate(actor=actor, delivery=delivery, person=newcomer)
        with refused(PermissionDenied, "training.manage_roster", enrollment):
            services.enrollment_confirm(actor=actor, enrollment=enrollment)
        with refused(PermissionDenied, "training.manage_roster", enrollment):
            services.enrollment_confirm_all(actor=actor, delivery=delivery)
        with refused(PermissionDenied, "training.manage_roster", enrollment):
            services.enrollment_withdraw(actor=actor, enrollment=enrollment, reason="No.")
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.NOMINATED
    assert not delivery.enrollments.filter(person=newcomer).exists()
