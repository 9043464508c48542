"""The postings API: the same services and scopes as the pages, records named by their ids and
countries by their ISO codes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.accounts.services import api_token_create
from liaison.people.models import StaffKind
from liaison.postings.models import Deployment, DeploymentStatus, Posting, PostingStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def call(user: Any, method: str, name: str, *args: Any, body: Any = None, **query: Any):
        _, raw = api_token_create(actor=user, name="test")
        url = reverse(f"api-v1:{name}", args=args)
        if method == "get":
            return client.get(url, query, HTTP_AUTHORIZATION=f"Bearer {raw}")
        return getattr(client, method)(
            url, body or {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
        )

    return call


def test_a_tour_is_proposed_approved_and_followed_through_the_api(
    api, manager, attache, make_staff, make_post, today
):
    staff, post = make_staff(), make_post()
    body = {
        "staff_id": staff.pk,
        "role": "attache",
        "post_id": post.pk,
        "starts_on": (today - timedelta(days=5)).isoformat(),
        "ends_on": (today + timedelta(days=1090)).isoformat(),
        "primary": ["MX"],
        "secondary": ["GT", "BZ"],
    }
    response = api(manager, "post", "propose_posting", body=body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "proposed"
    assert created["coverage"] == [
        {"country": "MX", "kind": "primary"},
        {"country": "BZ", "kind": "secondary"},
        {"country": "GT", "kind": "secondary"},
    ]
    pk = created["id"]
    moved = api(
        manager, "post", "move_posting", pk, body={"move": "approved", "reference": "26 STATE 1"}
    )
    assert moved.json()["approval_reference"] == "26 STATE 1"
    arrived = api(attache, "post", "move_posting", pk, body={"move": "arrived"})
    assert arrived.status_code == 200 and arrived.json()["status"] == "active"
    extended = api(
        manager,
        "post",
        "change_posting_end",
        pk,
        body={"ends_on": (today + timedelta(days=1400)).isoformat(), "reason": "Extended."},
    )
    assert extended.json()["ends_on"] == (today + timedelta(days=1400)).isoformat()
    covering = api(attache, "get", "list_covering", country="GT")
    assert [(c["kind"], c["posting"]["id"]) for c in covering.json()] == [("secondary", pk)]


def test_the_api_refuses_what_the_services_refuse(
    api, manager, users, make_staff, make_post, today
):
    body = {
        "staff_id": make_staff(StaffKind.INSTRUCTOR).pk,
        "role": "attache",
        "post_id": make_post().pk,
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=700)).isoformat(),
        "primary": ["MX"],
    }
    refused = api(manager, "post", "propose_posting", body=body)
    assert refused.status_code == 400
    assert "who is not posted as an attaché" in refused.json()["fields"]["staff"][0]
    unknown = api(manager, "post", "propose_posting", body={**body, "primary": ["ZZ"]})
    assert unknown.json()["fields"] == {"primary": ["No country has the code “ZZ”."]}
    forbidden = api(users[Role.ATTACHE], "post", "propose_posting", body=body)
    assert forbidden.status_code == 403
    assert not Posting.objects.exists()


def test_lists_are_scoped_like_the_pages(api, users, make_user, make_posting, make_post):
    make_posting(PostingStatus.ACTIVE)
    make_posting(post=make_post("UA", "Kyiv"), primary=("UA",), secondary=())
    listed = api(users[Role.ATTACHE], "get", "list_postings").json()
    assert [p["post"]["country"] for p in listed["items"]] == ["MX"]
    assert api(users[Role.IVP_COORDINATOR], "get", "list_postings").json()["count"] == 2
    assert api(users[Role.SPONSOR], "get", "list_postings").status_code == 403
    europe = make_user(Role.ATTACHE, region="EUR")
    mexico = Posting.objects.get(post__country__code="MX")
    assert api(europe, "get", "get_posting", mexico.pk).status_code == 404
    ending = api(users[Role.PROGRAM_MANAGER], "get", "list_postings_ending", months=6)
    assert ending.json()["count"] == 0


def test_programs_and_deployments_through_the_api(api, manager, users, make_staff, today):
    program = api(
        manager,
        "post",
        "create_program",
        body={
            "name": "Border management advisory program",
            "country": "IQ",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=365)).isoformat(),
        },
    )
    assert program.status_code == 201
    staff = make_staff(StaffKind.ADVISOR)
    deployed = api(
        manager,
        "post",
        "create_deployment",
        body={
            "staff_id": staff.pk,
            "program_id": program.json()["id"],
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=13)).isoformat(),
            "description": "Assessment mission",
        },
    )
    assert deployed.status_code == 201 and deployed.json()["country"] == "IQ"
    clash = api(
        manager,
        "post",
        "create_deployment",
        body={
            "staff_id": staff.pk,
            "starts_on": (today + timedelta(days=5)).isoformat(),
            "ends_on": (today + timedelta(days=6)).isoformat(),
            "description": "TDY",
        },
    )
    assert clash.status_code == 400
    assert api(users[Role.ATTACHE], "get", "list_deployments").json()["count"] == 0  # Iraq: NEA
    assert api(users[Role.TRAINING_ADVISOR], "get", "list_deployments").json()["count"] == 1
    pk = deployed.json()["id"]
    assert (
        api(
            users[Role.TRAINING_ADVISOR], "post", "cancel_deployment", pk, body={"reason": "x"}
        ).status_code
        == 403
    )
    cancelled = api(manager, "post", "cancel_deployment", pk, body={"reason": "Postponed."})
    assert cancelled.json()["status"] == DeploymentStatus.CANCELLED
    assert Deployment.objects.get().cancel_reason == "Postponed."


def test_posts_through_the_api(api, manager, users):
    created = api(
        manager,
        "post",
        "create_post",
        body={"name": "U.S. Embassy Lima", "city": "Lima", "country": "PE"},
    )
    assert created.status_code == 201 and created.json()["kind"] == "embassy"
    assert api(users[Role.ATTACHE], "get", "list_posts").json()["count"] == 1  # Peru: WHA
    assert (
        api(
            users[Role.ATTACHE],
            "post",
            "create_post",
            body={"name": "X", "city": "Y", "country": "PE"},
        ).status_code
        == 403
    )


def test_the_api_answers_422_to_a_filter_it_cannot_read(api, manager):
    response = api(manager, "get", "list_postings", status="someday")
    assert response.status_code == 422
    assert api(manager, "get", "list_deployments", when="later").status_code == 422
    assert api(manager, "get", "list_postings", due="arrival", country="pe").status_code == 200
