"""The posting and deployment workflows are declared once (``postings.workflows``): the services
enforce them, the posting page and the API offer exactly the moves the services accept, for
each role and state, and every move records who made it, when and why."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.accounts.services import api_token_create
from liaison.audit.models import AuditEntry
from liaison.people.models import StaffKind
from liaison.postings import services
from liaison.postings.models import DeploymentStatus, Posting, PostingStatus
from liaison.postings.workflows import DEPLOYMENT, POSTING

pytestmark = pytest.mark.django_db

STATES = list(PostingStatus.values)
# Who opens the posting's page (the attaché: the post is in their region), and who may not.
READERS = [
    Role.ADMINISTRATOR,
    Role.PROGRAM_MANAGER,
    Role.ATTACHE,
    Role.TRAINING_ADVISOR,
    Role.IVP_COORDINATOR,
]
OTHERS = [Role.VETTING_OFFICER, Role.SITE_HOST, Role.SPONSOR]


def _offered(client, posting: Posting) -> set[str]:
    page = client.get(reverse("postings:posting_detail", args=[posting.pk])).content.decode()
    return set(re.findall(r'<input type="hidden" name="move" value="(\w+)">', page))


def _accepted(user, posting: Posting, move: str) -> bool:
    try:
        with transaction.atomic():
            services.posting_move(
                actor=user,
                posting=Posting.objects.get(pk=posting.pk),
                move=move,
                reference="26 STATE 77",
                reason="Because.",
            )
            transaction.set_rollback(True)
    except (ValidationError, PermissionDenied):
        return False
    return True


def test_the_graph_is_as_declared():
    graph = {(source, move.target) for move in POSTING.moves for source in move.sources}
    assert graph == {
        ("proposed", "approved"),
        ("approved", "active"),
        ("active", "ended"),
        ("proposed", "cancelled"),
        ("approved", "cancelled"),
    }
    assert {(s, m.target) for m in DEPLOYMENT.moves for s in m.sources} == {
        ("scheduled", "cancelled")
    }


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", READERS)
def test_the_posting_page_offers_exactly_the_moves_the_service_accepts(
    client, users, make_posting, role, state
):
    posting = make_posting(state)
    user = users[role]
    client.force_login(user)
    offered = _offered(client, posting)
    accepted = {name for name in services.MOVE_INPUTS if _accepted(user, posting, name)}
    assert offered == accepted
    assert offered == {m.name for m in POSTING.available(user, posting)}


@pytest.mark.parametrize("state", [PostingStatus.PROPOSED, PostingStatus.APPROVED])
def test_headquarters_and_the_regions_attache_each_have_their_moves(
    client, users, make_posting, state
):
    posting = make_posting(state)
    moves = {role: {m.name for m in POSTING.available(users[role], posting)} for role in Role}
    if state == PostingStatus.PROPOSED:
        hq = {"approved", "withdrawn"}
        attache: set[str] = set()
    else:
        hq = {"arrived", "cancelled"}
        attache = {"arrived"}
    assert moves[Role.PROGRAM_MANAGER] == moves[Role.ADMINISTRATOR] == hq
    assert moves[Role.ATTACHE] == attache
    for role in (*OTHERS, Role.TRAINING_ADVISOR, Role.IVP_COORDINATOR):
        assert moves[role] == set()


@pytest.mark.parametrize("role", OTHERS)
def test_roles_without_postings_are_refused_the_page_and_every_move(
    client, users, make_posting, role
):
    posting = make_posting(PostingStatus.APPROVED)
    client.force_login(users[role])
    assert client.get(reverse("postings:posting_detail", args=[posting.pk])).status_code == 403
    assert not any(_accepted(users[role], posting, name) for name in services.MOVE_INPUTS)


def test_an_attache_of_another_region_neither_sees_nor_moves_the_tour(
    client, make_user, make_posting
):
    posting = make_posting(PostingStatus.APPROVED)
    europe = make_user(Role.ATTACHE, region="EUR")
    client.force_login(europe)
    assert client.get(reverse("postings:posting_detail", args=[posting.pk])).status_code == 404
    response = client.post(reverse("postings:posting_move", args=[posting.pk]), {"move": "arrived"})
    assert response.status_code == 404
    assert not _accepted(europe, posting, "arrived")


@pytest.mark.parametrize("state", STATES)
def test_the_api_makes_exactly_the_moves_the_workflow_offers(client, users, make_posting, state):
    for role in (Role.PROGRAM_MANAGER, Role.ATTACHE, Role.IVP_COORDINATOR):
        user = users[role]
        _, raw = api_token_create(actor=user, name="moves")
        for name in services.MOVE_INPUTS:
            posting = make_posting(state)
            offered = name in {m.name for m in POSTING.available(user, posting)}
            response = client.post(
                reverse("api-v1:move_posting", args=[posting.pk]),
                {"move": name, "reference": "26 STATE 8", "reason": "Because."},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {raw}",
            )
            assert (response.status_code == 200) == offered, (role, state, name, response.json())
            if offered:
                assert response.json()["status"] == POSTING.named(name).target


def test_every_move_records_who_made_it_and_why(client, manager, make_posting):
    posting = make_posting(PostingStatus.APPROVED)
    client.force_login(manager)
    response = client.post(
        reverse("postings:posting_move", args=[posting.pk]),
        {"move": "cancelled", "cancelled-reason": "The post closes."},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="posting.cancelled", object_id=str(posting.pk))
    assert entry.actor == manager
    assert entry.changes["status"] == ["approved", "cancelled"]
    assert entry.changes["reason"] == [None, "The post closes."]
    history = posting.history.order_by("-history_date").first()
    assert (history.history_user, history.history_change_reason) == (manager, "The post closes.")


def test_a_refused_move_comes_back_with_its_reason_on_the_form(client, manager, make_posting):
    posting = make_posting(PostingStatus.PROPOSED)
    client.force_login(manager)
    response = client.post(
        reverse("postings:posting_move", args=[posting.pk]),
        {"move": "approved", "approved-reference": ""},
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    posting.refresh_from_db()
    assert posting.status == PostingStatus.PROPOSED


def test_a_deployments_cancellation_is_offered_to_headquarters_only(
    client, users, make_staff, today
):
    deployment = services.deployment_create(
        actor=users[Role.PROGRAM_MANAGER],
        staff=make_staff(StaffKind.INSTRUCTOR),
        starts_on=today,
        ends_on=today,
        description="TDY",
    )
    for role in Role:
        offered = {m.name for m in DEPLOYMENT.available(users[role], deployment)}
        hq = role in (Role.ADMINISTRATOR, Role.PROGRAM_MANAGER)
        assert offered == ({"cancelled"} if hq else set())
    client.force_login(users[Role.PROGRAM_MANAGER])
    page = client.get(reverse("postings:deployment_list")).content.decode()
    assert reverse("postings:deployment_cancel", args=[deployment.pk]) in page
    client.post(
        reverse("postings:deployment_cancel", args=[deployment.pk]),
        {"reason": "Not needed.", "next": "/postings/deployments/"},
    )
    deployment.refresh_from_db()
    assert deployment.status == DeploymentStatus.CANCELLED
    page = client.get(reverse("postings:deployment_list")).content.decode()
    assert reverse("postings:deployment_cancel", args=[deployment.pk]) not in page
