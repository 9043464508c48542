"""The vetting workflow is declared once: the service enforces it, the pages offer exactly
the moves it allows the user, and every move records who, when and why."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.core.workflows import Move, Workflow
from liaison.people.models import Person
from liaison.vetting import services
from liaison.vetting.models import Purpose, VettingRecord, VettingStatus
from liaison.vetting.workflows import VETTING

pytestmark = pytest.mark.django_db

STORED_STATES = [s for s in VettingStatus.values if s != VettingStatus.EXPIRED]


def _record_in(state: str, person: Person) -> VettingRecord:
    """A record put in ``state`` directly (set-up, not a user action)."""
    return VettingRecord.objects.create(
        person=person,
        status=state,
        valid_until=timezone.localdate() + timedelta(days=90)
        if state in (VettingStatus.APPROVED, VettingStatus.SUSPENDED)
        else None,
    )


def _offered_decisions(client, record: VettingRecord) -> set[str]:
    page = client.get(reverse("vetting:record_detail", args=[record.pk])).content.decode()
    select = re.search(r'<select name="decision".*?</select>', page, re.S)
    return set(re.findall(r'<option value="(\w+)"', select.group(0))) if select else set()


def _service_accepts(user, record: VettingRecord, decision: str) -> bool:
    try:
        with transaction.atomic():
            services.vetting_decide(
                actor=user,
                record=VettingRecord.objects.get(pk=record.pk),
                decision=decision,
                valid_until=timezone.localdate() + timedelta(days=30),
                notes="Reason given",
            )
            transaction.set_rollback(True)
    except (ValidationError, PermissionDenied):
        return False
    return True


@pytest.mark.parametrize("state", STORED_STATES)
@pytest.mark.parametrize("role", [Role.VETTING_OFFICER, Role.ADMINISTRATOR, Role.PROGRAM_MANAGER])
def test_the_record_page_offers_exactly_the_decisions_the_service_accepts(
    client, users, make_person, role, state
):
    record = _record_in(state, make_person())
    client.force_login(users[role])
    offered = _offered_decisions(client, record)
    accepted = {d for d in services.DECISION_MOVES if _service_accepts(users[role], record, d)}
    assert offered == accepted
    assert offered == {m.target for m in VETTING.available(users[role], record)} - {"submitted"}


def test_an_approved_access_clearance_leaves_the_leahy_button_on_the_person_page(
    client, users, make_person
):
    """The person page once hid "Submit for Leahy vetting" when any record of any purpose
    was submitted or approved; it now reads the Leahy record's own workflow."""
    person = make_person()
    VettingRecord.objects.create(
        person=person,
        purpose=Purpose.ACCESS,
        status=VettingStatus.APPROVED,
        valid_until=timezone.localdate() + timedelta(days=90),
    )
    manager = users[Role.PROGRAM_MANAGER]
    client.force_login(manager)
    page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "Submit for vetting: human-rights (leahy) vetting" in page
    response = client.post(
        reverse("vetting:person_submit", args=[person.pk]), {"purpose": Purpose.LEAHY}
    )
    assert response.status_code == 302
    leahy = VettingRecord.objects.get(person=person, purpose=Purpose.LEAHY)
    assert leahy.status == VettingStatus.SUBMITTED
    page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "human-rights (leahy) vetting</button>" not in page  # submitted: nothing to offer


def test_the_person_page_offers_resubmission_of_an_approved_leahy_record(
    client, users, make_person
):
    person = make_person()
    _record_in(VettingStatus.APPROVED, person)
    client.force_login(users[Role.PROGRAM_MANAGER])
    page = client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "Resubmit: human-rights (leahy) vetting" in page


def test_roles_that_may_not_submit_see_no_button_and_the_service_refuses_them(
    client, users, make_person
):
    person = make_person()
    sponsor = users[Role.SPONSOR]
    client.force_login(users[Role.VETTING_OFFICER])  # sees the page, may submit
    assert (
        "human-rights (leahy) vetting</button>"
        in client.get(reverse("people:person_detail", args=[person.pk])).content.decode()
    )
    with pytest.raises(PermissionDenied):
        services.vetting_submit(actor=sponsor, person=person)
    assert not VettingRecord.objects.filter(person=person).exists()


def test_a_merged_person_cannot_be_submitted(users, make_person):
    survivor, duplicate = make_person(), make_person(given="Anna")
    duplicate.merged_into = survivor
    duplicate.save()
    with pytest.raises(ValidationError, match="merged into another record"):
        services.vetting_submit(actor=users[Role.PROGRAM_MANAGER], person=duplicate)


def test_every_move_records_who_when_and_why(users, make_person):
    officer = users[Role.VETTING_OFFICER]
    record = _record_in(VettingStatus.APPROVED, make_person())
    services.vetting_suspend(actor=officer, record=record, reason="New allegation")
    latest = record.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (officer, "New allegation")
    entry = AuditEntry.objects.filter(action="vetting.suspended").get()
    assert entry.actor == officer
    assert entry.changes == {
        "status": ["approved", "suspended"],
        "reason": [None, "New allegation"],
    }


def test_a_move_the_workflow_does_not_declare_is_refused_before_anything_changes(
    users, make_person
):
    record = _record_in(VettingStatus.DENIED, make_person())
    with pytest.raises(ValidationError, match="denied cannot become suspended"):
        services.vetting_suspend(actor=users[Role.VETTING_OFFICER], record=record, reason="x")
    record.refresh_from_db()
    assert record.status == VettingStatus.DENIED
    assert not AuditEntry.objects.filter(action="vetting.suspended").exists()


def test_a_declaration_naming_an_unknown_state_is_refused():
    with pytest.raises(ValueError, match="unknown states"):
        Workflow(
            name="broken",
            field="status",
            states=VettingStatus,
            services_module="liaison.vetting.services",
            moves=(Move("x", ("nowhere",), VettingStatus.APPROVED, "p", "X", "vetting_approve"),),
        )


def test_each_declared_move_names_a_service_that_exists():
    for move in VETTING.moves:
        assert callable(VETTING.service(move)), move.name
