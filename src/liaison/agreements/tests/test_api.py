"""The agreements API applies the pages' services and scopes: an attaché files and works
requests of their region, is refused others, and sends a draft only once complete."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from liaison.accounts.roles import Role
from liaison.accounts.services import api_token_create
from liaison.agreements import services
from liaison.agreements.models import AssistanceRequest, RequestStatus
from liaison.agreements.tests.conftest import PDF
from liaison.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, users):
    def call(role: Role | Any, method: str, path: str, body: Any = None) -> Any:
        user = users[role] if isinstance(role, Role) else role
        _, token = api_token_create(actor=user, name="t")
        return getattr(client, method)(
            f"/api/v1/agreements{path}",
            data=body or {},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    return call


def test_the_agreement_list_and_detail_are_scoped(api, peru, jordan):
    listed = api(Role.ATTACHE, "get", "").json()
    assert [a["country"] for a in listed["items"]] == ["PE"]
    assert api(Role.ATTACHE, "get", f"/{jordan.pk}").status_code == 403
    detail = api(Role.PROGRAM_MANAGER, "get", f"/{peru.pk}").json()
    assert detail["status"] == "in_force" and set(detail["moves"]) == {"suspended", "terminated"}
    assert api(Role.SPONSOR, "get", "").status_code == 403


def test_headquarters_records_and_moves_an_agreement(api, make_agency):
    customs = make_agency("CL", "Servicio Nacional de Aduanas")
    created = api(Role.PROGRAM_MANAGER, "post", "", {"country": "cl", "counterpart_id": customs.pk})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    signed = api(
        Role.PROGRAM_MANAGER, "post", f"/{pk}/transition", {"move": "signed", "on": "2025-06-01"}
    )
    assert signed.json()["status"] == "signed"
    future = api(
        Role.PROGRAM_MANAGER,
        "post",
        f"/{pk}/transition",
        {"move": "in_force", "on": (TODAY + timedelta(days=2)).isoformat()},
    )
    assert future.status_code == 400 and "in the future" in future.json()["message"]
    assert (
        api(
            Role.ATTACHE, "post", f"/{pk}/transition", {"move": "in_force", "on": "2025-07-01"}
        ).status_code
        == 403
    )
    patched = api(Role.PROGRAM_MANAGER, "patch", f"/{pk}", {"binding": False})
    assert patched.json()["binding"] is False


def test_an_attache_files_and_answers_an_incoming_request(api, users, peru, jordan):
    body = {
        "agreement_id": peru.pk,
        "direction": "incoming",
        "subject": "Copper exports",
        "kind": "information",
        "received_on": (TODAY - timedelta(days=1)).isoformat(),
    }
    filed = api(Role.ATTACHE, "post", "/requests", body)
    assert filed.status_code == 201, filed.content
    data = filed.json()
    assert data["reference"] == "IN-PE-2026-001" and data["owner"] == users[Role.ATTACHE].username
    assert data["moves"] == ["started"]  # refusing is headquarters'
    pk = data["id"]
    assert (
        api(Role.ATTACHE, "post", "/requests", {**body, "agreement_id": jordan.pk}).status_code
        == 403
    )
    api(Role.ATTACHE, "post", f"/requests/{pk}/transition", {"move": "started"})
    answered = api(
        Role.ATTACHE,
        "post",
        f"/requests/{pk}/transition",
        {"move": "answered", "answer_summary": "Records sent."},
    ).json()
    assert answered["status"] == "answered" and answered["days_to_answer"] == 1
    listed = api(Role.ATTACHE, "get", "/requests?status=answered").json()
    assert [r["id"] for r in listed["items"]] == [pk]


def test_an_outgoing_draft_is_sent_only_once_complete(api, client, users, peru, make_person):
    draft = api(
        Role.PROGRAM_MANAGER,
        "post",
        "/requests",
        {
            "agreement_id": peru.pk,
            "direction": "outgoing",
            "subject": "Exports of gold",
            "kind": "documents",
            "details": "Copies of the export declarations.",
            "due_on": (TODAY + timedelta(days=60)).isoformat(),
        },
    ).json()
    assert draft["status"] == "draft"
    assert {i["key"] for i in draft["checklist"] if not i["done"]} == {
        "legal_basis",
        "concerns",
        "letter",
        "contact",
    }
    pk = draft["id"]
    refused = api(Role.PROGRAM_MANAGER, "post", f"/requests/{pk}/transition", {"move": "sent"})
    assert refused.status_code == 400
    assert "Attach the signed request letter." in refused.json()["message"]
    api(Role.PROGRAM_MANAGER, "patch", f"/requests/{pk}", {"legal_basis": "Article 6"})
    company = api(
        Role.PROGRAM_MANAGER,
        "post",
        f"/requests/{pk}/companies",
        {"name": "Oro Andino SAC", "role": "exporter", "country": "PE"},
    )
    assert company.status_code == 201 and company.json()["country"] == "PE"
    _, token = api_token_create(actor=users[Role.PROGRAM_MANAGER], name="t")
    letter = client.post(
        f"/api/v1/agreements/requests/{pk}/documents",
        {"kind": "request_letter", "file": SimpleUploadedFile("letter.pdf", PDF)},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert letter.status_code == 201
    person = make_person("Rosa", "Huaman", nationality="PE")
    agreement = api(Role.PROGRAM_MANAGER, "get", f"/{peru.pk}").json()
    assert agreement["their_contacts"] == []
    services.agreement_contact_add(actor=users[Role.PROGRAM_MANAGER], agreement=peru, person=person)
    sent = api(Role.PROGRAM_MANAGER, "post", f"/requests/{pk}/transition", {"move": "sent"})
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == "received" and sent.json()["received_on"] == TODAY.isoformat()
    assert AssistanceRequest.objects.get(pk=pk).status == RequestStatus.RECEIVED


def test_persons_and_the_owner_through_the_api(api, users, peru, make_person, make_user):
    pk = api(
        Role.PROGRAM_MANAGER,
        "post",
        "/requests",
        {"agreement_id": peru.pk, "direction": "incoming", "subject": "S", "kind": "information",
         "received_on": TODAY.isoformat()},
    ).json()["id"]  # fmt: skip
    person = make_person("Luis", "Paredes")
    added = api(Role.PROGRAM_MANAGER, "post", f"/requests/{pk}/persons", {"person_id": person.pk})
    assert added.status_code == 201 and added.json()["name"] == "Luis Paredes"
    detail = api(Role.PROGRAM_MANAGER, "get", f"/requests/{pk}").json()
    assert [p["person_id"] for p in detail["persons"]] == [person.pk]
    removed = api(Role.PROGRAM_MANAGER, "delete", f"/requests/{pk}/persons/{added.json()['id']}")
    assert removed.status_code == 204
    nea = make_user(Role.ATTACHE, region="NEA")
    wrong = api(Role.PROGRAM_MANAGER, "post", f"/requests/{pk}/assign", {"owner_id": nea.pk})
    assert wrong.status_code == 400 and wrong.json()["fields"] == {
        "owner_id": [f"User {nea.pk} may not own requests under this agreement."]
    }
    right = api(
        Role.PROGRAM_MANAGER, "post", f"/requests/{pk}/assign", {"owner_id": users[Role.ATTACHE].pk}
    )
    assert right.json()["owner"] == users[Role.ATTACHE].username


def test_overdue_and_health(api, peru, make_request):
    make_request(peru, received_on=TODAY - timedelta(days=60), due_on=TODAY - timedelta(days=1))
    overdue = api(Role.ATTACHE, "get", "/requests/overdue").json()
    assert overdue["count"] == 1 and overdue["items"][0]["overdue"] is True
    health = api(Role.ATTACHE, "get", "/health").json()
    assert health[0]["country"] == "PE" and health[0]["overdue_in"] == 1
    assert api(Role.TRAINING_ADVISOR, "get", "/health").status_code == 403
