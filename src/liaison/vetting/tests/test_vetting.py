from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.vetting import services
from liaison.vetting.models import VettingRecord, VettingStatus
from liaison.vetting.selectors import vetting_expiring, vetting_list

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def approved(users, make_person):
    def make(valid_until: date, **person: object) -> VettingRecord:
        record = services.vetting_submit(
            actor=users[Role.PROGRAM_MANAGER], person=make_person(**person)
        )
        return services.vetting_approve(
            actor=users[Role.VETTING_OFFICER], record=record, valid_until=valid_until
        )

    return make


def test_gate_refuses_until_an_approval_covers_the_last_day(users, make_person):
    person = make_person()
    last_day = TODAY + timedelta(days=30)
    assert "never submitted" in services.vetting_gate_refusal(person, last_day)
    record = services.vetting_submit(actor=users[Role.TRAINING_ADVISOR], person=person)
    assert "submitted, not approved" in services.vetting_gate_refusal(person, last_day)
    services.vetting_approve(
        actor=users[Role.VETTING_OFFICER], record=record, valid_until=last_day - timedelta(days=1)
    )
    assert "before the last day" in services.vetting_gate_refusal(person, last_day)
    record = services.vetting_submit(actor=users[Role.TRAINING_ADVISOR], person=person)
    services.vetting_approve(actor=users[Role.VETTING_OFFICER], record=record, valid_until=last_day)
    assert services.vetting_gate_refusal(person, last_day) is None


def test_denied_and_suspended_people_are_refused(users, approved):
    record = approved(TODAY + timedelta(days=300))
    services.vetting_suspend(
        actor=users[Role.VETTING_OFFICER], record=record, reason="New allegation"
    )
    assert "suspended" in services.vetting_gate_refusal(record.person, TODAY)


def test_an_approval_past_its_date_reads_as_expired(approved):
    record = approved(TODAY + timedelta(days=10))
    assert record.effective_status(TODAY + timedelta(days=11)) == VettingStatus.EXPIRED
    assert record.effective_status(TODAY) == VettingStatus.APPROVED


@pytest.mark.parametrize(
    "role", [Role.PROGRAM_MANAGER, Role.TRAINING_ADVISOR, Role.ATTACHE, Role.SPONSOR]
)
def test_only_vetting_officers_decide(users, make_person, role):
    record = services.vetting_submit(
        actor=users[Role.PROGRAM_MANAGER], person=make_person(nationality="CO")
    )
    with pytest.raises(PermissionDenied):
        services.vetting_approve(
            actor=users[role], record=record, valid_until=TODAY + timedelta(days=90)
        )
    assert VettingRecord.objects.get(pk=record.pk).status == VettingStatus.SUBMITTED


def test_illegal_moves_are_refused_with_the_reason(users, make_person):
    record = services.vetting_record_for(make_person())
    with pytest.raises(ValidationError, match="not submitted cannot become approved"):
        services.vetting_approve(
            actor=users[Role.VETTING_OFFICER], record=record, valid_until=TODAY + timedelta(days=5)
        )


def test_each_transition_is_audited(users, approved):
    approved(TODAY + timedelta(days=100))
    actions = list(
        AuditEntry.objects.filter(object_type="vetting.vettingrecord").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["vetting.approved", "vetting.submitted"]


def test_attache_submits_only_people_of_their_region(users, make_person):
    with pytest.raises(PermissionDenied):
        services.vetting_submit(actor=users[Role.ATTACHE], person=make_person(nationality="JO"))
    assert services.vetting_submit(
        actor=users[Role.ATTACHE], person=make_person(nationality="CO")
    ).pk
    assert [r.person.nationality.code for r in vetting_list(user=users[Role.ATTACHE])] == ["CO"]


def test_expiring_lists_approvals_ending_within_sixty_days(users, approved):
    soon = approved(TODAY + timedelta(days=20), given="Soon")
    approved(TODAY + timedelta(days=200), given="Later")
    assert list(vetting_expiring(user=users[Role.VETTING_OFFICER])) == [soon]


def _csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-8"))


def test_pending_export_has_what_the_vetting_office_needs_and_is_logged(client, users, make_person):
    person = make_person(passport_number="P123", birth_date=date(1980, 2, 3))
    services.vetting_submit(actor=users[Role.PROGRAM_MANAGER], person=person)
    client.force_login(users[Role.VETTING_OFFICER])
    response = client.get(reverse("vetting:record_list"), {"status": "submitted", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("record_id", "purpose", "family_name")
    assert "P123" in rows[1] and "1980-02-03" in rows[1]
    assert AuditEntry.objects.filter(action="vetting.pending_exported").exists()
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = client.get(reverse("vetting:record_list"), {"status": "submitted", "format": "xlsx"})
    assert response.status_code == 403


def test_results_import_applies_all_rows_or_none(users, make_person):
    officer = users[Role.VETTING_OFFICER]
    first = services.vetting_submit(actor=officer, person=make_person(given="A"))
    second = services.vetting_submit(actor=officer, person=make_person(given="B"))
    until = (TODAY + timedelta(days=365)).isoformat()
    bad = (
        f"record_id,decision,valid_until\n{first.pk},approved,{until}\n"
        f"{second.pk},approved,\n999999,denied,\n"
    )
    preview = services.vetting_results_preview(actor=officer, upload=_csv(bad), filename="r.csv")
    assert [(e.row, e.column) for e in preview.errors] == [(3, "valid_until"), (4, "record_id")]
    with pytest.raises(ValidationError):
        services.vetting_results_apply(actor=officer, upload=_csv(bad), filename="r.csv")
    assert VettingRecord.objects.get(pk=first.pk).status == VettingStatus.SUBMITTED
    good = (
        f"Record ID,Decision,Valid until,Reference\n{first.pk},Approved,{until},C-1\n"
        f"{second.pk},denied,,C-2\n"
    )
    assert services.vetting_results_apply(actor=officer, upload=_csv(good), filename="r.csv") == 2
    assert VettingRecord.objects.get(pk=first.pk).status == VettingStatus.APPROVED
    assert VettingRecord.objects.get(pk=second.pk).status == VettingStatus.DENIED


def test_results_file_must_be_csv_or_xlsx(users):
    preview = services.vetting_results_preview(
        actor=users[Role.VETTING_OFFICER], upload=_csv("x"), filename="r.pdf"
    )
    assert not preview.can_apply and "csv" in preview.errors[0].message
