"""Assistance requests: made under an agreement in force, filed by headquarters or the region's
attaché, owned by someone who may work them, numbered per direction, country and fiscal year;
an outgoing one is sent only once complete; answers and refusals say when and why."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison.accounts.roles import Role
from liaison.agreements import services
from liaison.agreements.models import AssistanceRequest, Direction, RequestStatus
from liaison.audit.models import AuditEntry
from liaison.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_an_incoming_request_is_received_numbered_and_due_45_days_on(users, peru, make_request):
    received = TODAY - timedelta(days=3)
    request = make_request(peru, received_on=received)
    assert request.status == RequestStatus.RECEIVED
    assert request.reference == "IN-PE-2026-001"
    assert request.due_on == received + timedelta(days=45)
    assert request.owner == users[Role.PROGRAM_MANAGER]
    second = make_request(peru, received_on=date(2015, 9, 30))
    assert second.reference == "IN-PE-2015-001"
    assert make_request(peru).reference == "IN-PE-2026-002"
    entry = AuditEntry.objects.get(action="assistance_request.filed", object_id=str(request.pk))
    assert entry.changes["direction"] == [None, "incoming"]


def test_an_outgoing_request_starts_as_a_draft(peru, make_request):
    draft = make_request(peru, Direction.OUTGOING)
    assert draft.status == RequestStatus.DRAFT and draft.received_on is None
    assert draft.reference == "OUT-PE-2026-001"


def test_a_request_is_made_only_under_an_agreement_in_force(users, make_agreement, make_request):
    signed = make_agreement("CO", status="signed")
    with pytest.raises(ValidationError, match="was not in force on"):
        make_request(signed)
    peru = make_agreement("PE", in_force=date(2012, 1, 1), signed=date(2011, 6, 1))
    with pytest.raises(ValidationError, match="was not in force on 31 December 2011"):
        make_request(peru, received_on=date(2011, 12, 31))
    assert make_request(peru, received_on=date(2012, 1, 1)).status == RequestStatus.RECEIVED
    suspended = make_agreement("CL", status="suspended")
    with pytest.raises(ValidationError, match="is suspended: no request can be sent"):
        make_request(suspended, Direction.OUTGOING)
    # An incoming request received before the suspension may still be recorded.
    assert make_request(suspended, received_on=TODAY - timedelta(days=30)).pk
    assert not AssistanceRequest.objects.filter(agreement=signed).exists()


def test_the_attache_files_for_their_region_only(users, peru, jordan, make_request):
    attache = users[Role.ATTACHE]
    filed = make_request(peru, actor=attache)
    assert filed.owner == attache
    with pytest.raises(PermissionDenied):
        make_request(jordan, actor=attache)
    for role in (Role.TRAINING_ADVISOR, Role.IVP_COORDINATOR, Role.VETTING_OFFICER, Role.SPONSOR):
        with pytest.raises(PermissionDenied):
            make_request(peru, actor=users[role])


def test_the_owner_may_work_requests_under_the_agreement(
    users, make_user, peru, jordan, make_request
):
    with pytest.raises(ValidationError, match="may not work requests under the CMAA with Jordan"):
        make_request(jordan, owner=users[Role.ATTACHE])  # WHA's attaché, Jordan is NEA
    with pytest.raises(ValidationError, match="may not work requests"):
        make_request(peru, owner=users[Role.TRAINING_ADVISOR])
    request = make_request(jordan, owner=make_user(Role.ATTACHE, region="NEA"))
    services.assistance_request_assign(
        actor=users[Role.PROGRAM_MANAGER], request=request, owner=users[Role.ADMINISTRATOR]
    )
    assert request.owner == users[Role.ADMINISTRATOR]
    assert AuditEntry.objects.filter(action="assistance_request.assigned").exists()


def test_a_request_is_not_received_in_the_future_nor_due_before(peru, make_request):
    with pytest.raises(ValidationError, match="received in the future"):
        make_request(peru, received_on=TODAY + timedelta(days=1))
    with pytest.raises(ValidationError, match="due before it was received"):
        make_request(peru, due_on=TODAY - timedelta(days=11))


# --- sending: the checklist -------------------------------------------------------------------


def test_an_incomplete_outgoing_request_is_refused_with_what_is_missing(users, peru, make_request):
    draft = make_request(peru, Direction.OUTGOING, legal_basis="")
    with pytest.raises(ValidationError) as refused:
        services.assistance_request_send(actor=users[Role.PROGRAM_MANAGER], request=draft)
    assert refused.value.messages == [
        "Give the article of the agreement the request is made under.",
        "Name at least one person or company the request concerns.",
        "Attach the signed request letter.",
        "Set a deadline for the partner's answer, today or later.",
        "Name the partner's designated contact on the CMAA with Peru first: the request goes "
        "to them.",
    ]
    draft.refresh_from_db()
    assert draft.status == RequestStatus.DRAFT and draft.received_on is None
    assert {i.key for i in services.send_checklist(draft) if i.done} == {
        "agreement",
        "subject",
        "owner",
    }


def test_a_complete_outgoing_request_is_sent_and_its_deadline_runs(users, ready_to_send):
    assert all(item.done for item in services.send_checklist(ready_to_send))
    services.assistance_request_send(actor=users[Role.ATTACHE], request=ready_to_send)
    ready_to_send.refresh_from_db()
    assert ready_to_send.status == RequestStatus.RECEIVED
    assert ready_to_send.received_on == TODAY
    assert ready_to_send.status_label == "Sent"
    assert AuditEntry.objects.get(action="assistance_request.sent").actor == users[Role.ATTACHE]


def test_a_past_deadline_blocks_sending(users, ready_to_send):
    ready_to_send.due_on = TODAY - timedelta(days=1)
    ready_to_send.save()
    with pytest.raises(ValidationError, match="Set a deadline"):
        services.assistance_request_send(actor=users[Role.PROGRAM_MANAGER], request=ready_to_send)


# --- answering, refusing, closing -------------------------------------------------------------


def test_an_incoming_request_is_worked_answered_and_closed(users, peru, make_request):
    attache = users[Role.ATTACHE]
    request = make_request(peru, actor=attache)
    with pytest.raises(ValidationError, match="received; it cannot become answered"):
        services.assistance_request_answer(actor=attache, request=request, answer_summary="x")
    services.assistance_request_start(actor=attache, request=request)
    with pytest.raises(ValidationError, match="Say what the answer was"):
        services.assistance_request_answer(actor=attache, request=request, answer_summary=" ")
    with pytest.raises(ValidationError, match="before the request was received"):
        services.assistance_request_answer(
            actor=attache, request=request, answer_summary="Sent", answered_on=date(2020, 1, 1)
        )
    services.assistance_request_answer(
        actor=attache, request=request, answer_summary="Records sent.", answered_on=TODAY
    )
    request.refresh_from_db()
    assert (request.status, request.answered_on, request.days_to_answer) == (
        RequestStatus.ANSWERED,
        TODAY,
        10,
    )
    services.assistance_request_close(actor=attache, request=request)
    assert request.status == RequestStatus.CLOSED
    with pytest.raises(ValidationError, match="closed: its companies are settled"):
        services.assistance_request_company_add(actor=attache, request=request, name="X Ltd")


def test_only_headquarters_refuses_a_partners_request_and_says_why(users, peru, make_request):
    request = make_request(peru)
    with pytest.raises(PermissionDenied):
        services.assistance_request_refuse(
            actor=users[Role.ATTACHE], request=request, reason="Ongoing investigation"
        )
    with pytest.raises(ValidationError, match="Say why it is refused"):
        services.assistance_request_refuse(
            actor=users[Role.PROGRAM_MANAGER], request=request, reason=""
        )
    services.assistance_request_refuse(
        actor=users[Role.PROGRAM_MANAGER], request=request, reason="Ongoing investigation"
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert request.status_reason == "Ongoing investigation"
    entry = AuditEntry.objects.get(action="assistance_request.refused")
    assert entry.changes["reason"] == [None, "Ongoing investigation"]


def test_the_attache_records_the_partners_refusal_of_ours(users, ready_to_send):
    attache = users[Role.ATTACHE]
    services.assistance_request_send(actor=attache, request=ready_to_send)
    services.assistance_request_refuse(
        actor=attache, request=ready_to_send, reason="Bank secrecy law"
    )
    assert ready_to_send.status == RequestStatus.REFUSED


def test_the_wrong_region_and_roles_cannot_work_a_request(users, make_user, jordan, make_request):
    request = make_request(jordan)
    for user in (
        users[Role.ATTACHE],
        users[Role.TRAINING_ADVISOR],
        users[Role.SPONSOR],
        users[Role.SITE_HOST],
    ):
        with pytest.raises(PermissionDenied):
            services.assistance_request_start(actor=user, request=request)
    services.assistance_request_start(actor=make_user(Role.ATTACHE, region="NEA"), request=request)
    assert request.status == RequestStatus.IN_PROGRESS


def test_persons_and_companies_concerned(users, peru, make_request, make_person):
    manager = users[Role.PROGRAM_MANAGER]
    request = make_request(peru)
    person = make_person("Luis", "Paredes", nationality="EC")
    link = services.assistance_request_person_add(
        actor=manager, request=request, person=person, role="subject"
    )
    with pytest.raises(ValidationError, match="already named"):
        services.assistance_request_person_add(actor=manager, request=request, person=person)
    with pytest.raises(ValidationError, match="is not a role"):
        services.assistance_request_person_add(
            actor=manager, request=request, person=make_person("Eva"), role="boss"
        )
    company = services.assistance_request_company_add(
        actor=manager, request=request, name="  Andes   Trading SAC ", role="exporter"
    )
    assert company.name == "Andes Trading SAC"
    with pytest.raises(ValidationError, match="already named"):
        services.assistance_request_company_add(
            actor=manager, request=request, name="andes trading sac"
        )
    services.assistance_request_person_remove(actor=manager, link=link)
    services.assistance_request_company_remove(actor=manager, company=company)
    assert not request.person_links.exists() and not request.companies.exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "assistance_request.person_added",
        "assistance_request.person_removed",
        "assistance_request.company_added",
        "assistance_request.company_removed",
    } <= actions


def test_updating_an_open_request(users, peru, make_request):
    manager = users[Role.PROGRAM_MANAGER]
    request = make_request(peru)
    services.assistance_request_update(
        actor=manager, request=request, subject="New subject", due_on=TODAY + timedelta(days=5)
    )
    request.refresh_from_db()
    assert request.subject == "New subject" and request.due_on == TODAY + timedelta(days=5)
    with pytest.raises(ValidationError, match="not in force on that date"):
        services.assistance_request_update(
            actor=manager, request=request, received_on=date(2009, 1, 1)
        )
    request.refresh_from_db()
    assert request.received_on == TODAY - timedelta(days=10)
    with pytest.raises(ValidationError, match="needs its deadline"):
        services.assistance_request_update(actor=manager, request=request, due_on=None)


def test_an_outgoing_requests_date_is_the_day_it_is_sent(users, peru, make_request):
    draft = make_request(peru, Direction.OUTGOING)
    with pytest.raises(ValidationError, match="the day it is sent"):
        services.assistance_request_update(
            actor=users[Role.PROGRAM_MANAGER], request=draft, received_on=TODAY
        )


def test_a_move_by_name_is_made_by_its_service(users, peru, make_request):
    manager = users[Role.PROGRAM_MANAGER]
    request = make_request(peru)
    with pytest.raises(ValidationError, match="has no move “sent”"):
        services.assistance_request_move(actor=manager, request=request, move="sent")
    services.assistance_request_move(actor=manager, request=request, move="started")
    services.assistance_request_move(
        actor=manager, request=request, move="answered", answer_summary="Done"
    )
    assert request.status == RequestStatus.ANSWERED and request.answered_on == TODAY
