from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.conftest import TODAY
from liaison.core.imports import import_file_decide, import_file_store
from liaison.core.models import ImportFile
from liaison.vetting import services
from liaison.vetting.models import VettingRecord, VettingStatus
from liaison.vetting.selectors import vetting_expiring, vetting_gate_refusal, vetting_list

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


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
    assert "never submitted" in vetting_gate_refusal(person, last_day)
    record = services.vetting_submit(actor=users[Role.TRAINING_ADVISOR], person=person)
    assert "submitted, not approved" in vetting_gate_refusal(person, last_day)
    services.vetting_approve(
        actor=users[Role.VETTING_OFFICER], record=record, valid_until=last_day - timedelta(days=1)
    )
    assert "before the last day" in vetting_gate_refusal(person, last_day)
    record = services.vetting_submit(actor=users[Role.TRAINING_ADVISOR], person=person)
    services.vetting_approve(actor=users[Role.VETTING_OFFICER], record=record, valid_until=last_day)
    assert vetting_gate_refusal(person, last_day) is None


def test_denied_and_suspended_people_are_refused(users, approved):
    record = approved(TODAY + timedelta(days=300))
    services.vetting_suspend(
        actor=users[Role.VETTING_OFFICER], record=record, reason="New allegation"
    )
    assert "suspended" in vetting_gate_refusal(record.person, TODAY)


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


def _stored(officer: Any, text: str, name: str = "r.csv", **decisions: Any) -> ImportFile:
    upload = import_file_store(
        owner=officer, kind=services.KIND_RESULTS, filename=name, data=text.encode()
    )
    import_file_decide(upload, decisions)
    return upload


def test_results_import_applies_all_rows_or_none(users, make_person):
    officer = users[Role.VETTING_OFFICER]
    first = services.vetting_submit(actor=officer, person=make_person(given="A"))
    second = services.vetting_submit(actor=officer, person=make_person(given="B"))
    until = (TODAY + timedelta(days=365)).isoformat()
    bad = (
        f"record_id,decision,valid_until\n{first.pk},approved,{until}\n"
        f"{second.pk},approved,\n999999,denied,\n"
    )
    preview = services.vetting_results_preview(actor=officer, data=bad.encode(), filename="r.csv")
    assert [(e.row, e.column) for e in preview.errors] == [(3, "valid_until"), (4, "record_id")]
    with pytest.raises(ValidationError):
        services.vetting_results_apply(actor=officer, upload=_stored(officer, bad))
    assert VettingRecord.objects.get(pk=first.pk).status == VettingStatus.SUBMITTED
    good = (
        f"Record ID;Result;Expires;Ref\n{first.pk};Approved;{until};C-1\n{second.pk};denied;;C-2\n"
    )
    upload = _stored(officer, good)
    assert services.vetting_results_apply(actor=officer, upload=upload) == 2
    assert VettingRecord.objects.get(pk=first.pk).status == VettingStatus.APPROVED
    assert VettingRecord.objects.get(pk=second.pk).status == VettingStatus.DENIED
    upload.refresh_from_db()
    assert not upload.payload


def test_results_dates_that_read_both_ways_wait_for_the_date_order(users, make_person):
    officer = users[Role.VETTING_OFFICER]
    record = services.vetting_submit(actor=officer, person=make_person(given="A"))
    year = TODAY.year + 2
    text = f"record_id,decision,valid_until\n{record.pk},approved,07/03/{year}\n"
    preview = services.vetting_results_preview(actor=officer, data=text.encode(), filename="r.csv")
    assert not preview.can_apply and [e.row for e in preview.ambiguous_dates] == [2]
    with pytest.raises(ValidationError):
        services.vetting_results_apply(actor=officer, upload=_stored(officer, text))
    services.vetting_results_apply(actor=officer, upload=_stored(officer, text, date_order="mdy"))
    assert VettingRecord.objects.get(pk=record.pk).valid_until == date(year, 7, 3)


def test_the_results_page_keeps_the_file_encrypted_for_its_uploader(client, users, make_person):
    officer = users[Role.VETTING_OFFICER]
    record = services.vetting_submit(actor=officer, person=make_person(given="A"))
    until = (TODAY + timedelta(days=30)).isoformat()
    client.force_login(officer)
    response = client.post(
        reverse("vetting:results_import"),
        {
            "file": SimpleUploadedFile(
                "r.csv",
                f"record_id,decision,valid_until,reference\n{record.pk},approved,{until},SECRET-REF\n".encode(),
            )
        },
    )
    upload = ImportFile.objects.get()
    assert response.url == reverse("vetting:results_preview", args=[upload.pk])
    assert b"SECRET-REF" not in bytes(upload.payload)
    page = client.get(response.url)
    assert (
        "Apply 1 result" in page.content.decode("utf-8-sig") and "no-store" in page["Cache-Control"]
    )
    other = users[Role.ADMINISTRATOR]
    client.force_login(other)
    assert client.get(response.url).status_code in (403, 404)
    client.force_login(officer)
    assert client.post(response.url, {"action": "apply"}).status_code == 302
    assert VettingRecord.objects.get(pk=record.pk).status == VettingStatus.APPROVED


def test_results_file_must_be_csv_or_xlsx(users):
    preview = services.vetting_results_preview(
        actor=users[Role.VETTING_OFFICER], data=b"%PDF-1.4 x", filename="r.pdf"
    )
    assert not preview.can_apply and "CSV" in preview.errors[0].message
