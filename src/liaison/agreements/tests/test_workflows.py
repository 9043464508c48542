"""The agreements' workflows are declared once (``agreements.workflows``): the services enforce
them, the pages and the API offer exactly the moves the services accept, for each role, state
and direction, and every move records who made it, when and why."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.accounts.services import api_token_create
from liaison.agreements import services
from liaison.agreements.models import AgreementStatus, AssistanceRequest, Direction, RequestStatus
from liaison.agreements.workflows import AGREEMENT, INCOMING, OUTGOING, request_workflow
from liaison.audit.models import AuditEntry
from liaison.conftest import TODAY

pytestmark = pytest.mark.django_db

ROLES = list(Role)
# The arguments each request move is tried with: enough for the service to accept it.
REQUEST_ARGUMENTS = {
    "sent": {},
    "started": {},
    "answered": {"answer_summary": "Records sent."},
    "closed": {},
    "refused": {"reason": "Outside the agreement."},
}
AGREEMENT_ARGUMENTS = {
    "signed": {"on": TODAY},
    "in_force": {"on": TODAY},
    "suspended": {"on": TODAY, "reason": "Review"},
    "resumed": {},
    "terminated": {"on": TODAY, "reason": "Ended"},
}


def _offered(client: Any, url: str) -> set[str] | None:
    """The moves whose form the page shows (its hidden ``move`` field); None when refused."""
    response = client.get(url)
    if response.status_code == 403:
        return None
    assert response.status_code == 200
    page = response.content.decode()
    return {
        name
        for name in {*REQUEST_ARGUMENTS, *AGREEMENT_ARGUMENTS}
        if f'name="move" value="{name}"' in page
    }


def _accepts(call: Any) -> bool:
    try:
        with transaction.atomic():
            call()
            transaction.set_rollback(True)
    except (ValidationError, PermissionDenied):
        return False
    return True


def _request_in(state: str, direction: str, ready_to_send: AssistanceRequest) -> AssistanceRequest:
    """The ready draft put in ``state`` directly (set-up, not a user action)."""
    request = ready_to_send
    request.direction = direction
    request.status = state
    if state != RequestStatus.DRAFT:
        request.received_on = TODAY - timedelta(days=5)
    if state in (RequestStatus.ANSWERED, RequestStatus.CLOSED):
        request.answered_on = TODAY
    request.save()
    return request


REQUEST_CASES = [
    (direction, state)
    for direction, workflow in ((Direction.INCOMING, INCOMING), (Direction.OUTGOING, OUTGOING))
    for state in RequestStatus.values
    if state != RequestStatus.DRAFT or direction == Direction.OUTGOING
]


@pytest.mark.parametrize(("direction", "state"), REQUEST_CASES)
def test_the_request_page_offers_exactly_the_moves_the_service_accepts(
    client, users, ready_to_send, direction, state
):
    request = _request_in(state, direction, ready_to_send)
    for role in ROLES:
        user = users[role]
        client.force_login(user)
        offered = _offered(client, reverse("agreements:request_detail", args=[request.pk]))
        accepted = {
            name
            for name, arguments in REQUEST_ARGUMENTS.items()
            if _accepts(
                lambda name=name, arguments=arguments, user=user: services.assistance_request_move(
                    actor=user,
                    request=AssistanceRequest.objects.get(pk=request.pk),
                    move=name,
                    **arguments,
                )
            )
        }
        if offered is None:
            assert accepted == set(), role
            continue
        assert offered == accepted, (role, direction, state)
        declared = {m.name for m in request_workflow(request).available(user, request)}
        assert accepted <= declared


def test_an_incomplete_draft_shows_the_checklist_not_the_send_button(
    client, users, peru, make_request
):
    draft = make_request(peru, Direction.OUTGOING)
    client.force_login(users[Role.PROGRAM_MANAGER])
    page = client.get(reverse("agreements:request_detail", args=[draft.pk])).content.decode()
    assert 'name="move" value="sent"' not in page
    assert "Missing:</strong> The signed request letter is attached" in page
    assert "Done:</strong> An owner to follow it up" in page
    # Posting the move anyway is refused by the service, with what is missing.
    response = client.post(
        reverse("agreements:request_transition", args=[draft.pk]), {"move": "sent"}
    )
    assert response.status_code == 400
    assert "Attach the signed request letter." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == RequestStatus.DRAFT


@pytest.mark.parametrize("state", AgreementStatus.values)
def test_the_agreement_page_offers_exactly_the_moves_the_service_accepts(
    client, users, make_agreement, state
):
    agreement = make_agreement("PE", status="negotiating")
    agreement.status = state
    if state != AgreementStatus.NEGOTIATING:
        agreement.signed_on = TODAY - timedelta(days=100)
    if state in (AgreementStatus.IN_FORCE, AgreementStatus.SUSPENDED):
        agreement.in_force_on = TODAY - timedelta(days=50)
    if state == AgreementStatus.SUSPENDED:
        agreement.suspended_on = TODAY - timedelta(days=10)
    if state == AgreementStatus.TERMINATED:
        agreement.terminated_on = TODAY - timedelta(days=1)
    agreement.save()
    for role in ROLES:
        user = users[role]
        client.force_login(user)
        offered = _offered(client, reverse("agreements:agreement_detail", args=[agreement.pk]))
        accepted = {
            name
            for name, arguments in AGREEMENT_ARGUMENTS.items()
            if _accepts(
                lambda name=name, arguments=arguments, user=user: services.agreement_move(
                    actor=user,
                    agreement=type(agreement).objects.get(pk=agreement.pk),
                    move=name,
                    **arguments,
                )
            )
        }
        if offered is None:
            assert accepted == set(), role
            continue
        assert offered == accepted, (role, state)


def test_the_api_makes_exactly_the_moves_the_workflow_offers(client, users, peru, make_request):
    request = make_request(peru)
    for role, allowed in ((Role.ATTACHE, False), (Role.PROGRAM_MANAGER, True)):
        _, token = api_token_create(actor=users[role], name="t")
        detail = client.get(
            f"/api/v1/agreements/requests/{request.pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
        ).json()
        assert ("refused" in detail["moves"]) is allowed
        with transaction.atomic():
            response = client.post(
                f"/api/v1/agreements/requests/{request.pk}/transition",
                {"move": "refused", "reason": "Not ours"},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            transaction.set_rollback(True)
        assert response.status_code == (200 if allowed else 403), role


def test_every_move_records_who_when_and_why(users, peru, make_request):
    manager = users[Role.PROGRAM_MANAGER]
    request = make_request(peru)
    services.assistance_request_refuse(actor=manager, request=request, reason="Tax matter")
    latest = request.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (manager, "Tax matter")
    entry = AuditEntry.objects.get(action="assistance_request.refused")
    assert entry.actor == manager
    assert entry.changes == {"status": ["received", "refused"], "reason": [None, "Tax matter"]}


def test_a_move_the_workflow_does_not_declare_is_refused_before_anything_changes(
    users, peru, make_request
):
    request = make_request(peru)
    services.assistance_request_refuse(
        actor=users[Role.PROGRAM_MANAGER], request=request, reason="x"
    )
    with pytest.raises(ValidationError, match="This request is refused; it cannot become closed"):
        services.assistance_request_close(actor=users[Role.PROGRAM_MANAGER], request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.REFUSED
    assert not AuditEntry.objects.filter(action="assistance_request.closed").exists()


def test_each_direction_has_its_own_moves():
    assert {m.name for m in INCOMING.moves} == {"started", "answered", "closed", "refused"}
    assert {m.name for m in OUTGOING.moves} == {"sent", "started", "answered", "closed", "refused"}
    graph = {(m.name, tuple(m.sources), m.target) for m in INCOMING.moves}
    assert ("refused", ("received", "in_progress"), "refused") in graph
    assert INCOMING.named("refused").perm == "agreements.refuse_request"
    assert OUTGOING.named("refused").perm == "agreements.work_request"


def test_each_declared_move_names_a_service_that_exists():
    for workflow in (AGREEMENT, INCOMING, OUTGOING):
        for move in workflow.moves:
            assert callable(workflow.service(move)), move.name
