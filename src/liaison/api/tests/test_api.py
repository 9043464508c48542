from __future__ import annotations

from datetime import date

import pytest

from liaison.accounts.models import ApiToken
from liaison.accounts.roles import Role
from liaison.accounts.services import api_token_create, api_token_revoke
from liaison.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, users):
    def call(method, path, role=Role.PROGRAM_MANAGER, **body):
        _, raw = api_token_create(actor=users[role], name="test")
        return getattr(client, method)(
            f"/api/v1{path}",
            data=body or None,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {raw}",
        )

    return call


def test_tokens_are_stored_hashed_and_stop_working_when_revoked(client, users):
    token, raw = api_token_create(actor=users[Role.PROGRAM_MANAGER], name="script")
    assert raw not in token.digest and ApiToken.objects.filter(digest=ApiToken.hash(raw)).exists()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/countries", **auth).status_code == 200
    api_token_revoke(actor=users[Role.PROGRAM_MANAGER], token=token)
    response = client.get("/api/v1/countries", **auth)
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_lists_are_paginated(api):
    body = api("get", "/countries?page=2").json()
    assert set(body) == {"items", "count"}
    assert body["count"] > 190 and len(body["items"]) == 50


def test_attache_lists_only_people_of_their_region(api, make_person):
    make_person("Ana", "Quispe", nationality="PE")
    make_person("Mohammed", "Al-Rashid", nationality="JO")
    body = api("get", "/people", role=Role.ATTACHE).json()
    assert [p["family_name"] for p in body["items"]] == ["Quispe"]
    assert api("get", "/people", role=Role.PROGRAM_MANAGER).json()["count"] == 2


def test_possible_duplicate_is_a_409_with_the_candidates(api, make_person):
    existing = make_person("Mohammed", "Al-Rashid", nationality="JO", birth_date=date(1979, 3, 14))
    response = api(
        "post",
        "/people",
        given_name="Muhammad",
        family_name="Alrashid",
        birth_date="1979-03-14",
        nationality="JO",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "possible_duplicates"
    assert body["matches"][0]["person_id"] == existing.pk
    created = api(
        "post",
        "/people",
        given_name="Muhammad",
        family_name="Alrashid",
        birth_date="1979-03-14",
        nationality="JO",
        allow_duplicates=True,
    )
    assert created.status_code == 201 and created.json()["nationality"] == "JO"


def test_invalid_input_is_a_json_error_with_a_code(api):
    response = api("post", "/people", given_name="No family name")
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    response = api("post", "/people", family_name="Quispe", birth_date="2999-01-01")
    assert response.status_code == 400
    assert "birth_date" in response.json()["fields"]
    assert api("get", "/people/999999").json()["code"] == "not_found"


def test_personal_data_through_the_api_is_logged_and_scoped(api, make_person):
    person = make_person(passport_number="P-1", birth_date=date(1980, 1, 2))
    body = api("get", f"/people/{person.pk}/personal-data", role=Role.VETTING_OFFICER).json()
    assert body == {"birth_date": "1980-01-02", "passport_number": "P-1"}
    entry = AuditEntry.objects.get(action="person.personal_data_viewed")
    assert entry.channel == "api"
    assert "passport_number" not in api("get", f"/people/{person.pk}").json()


def test_merge_through_the_api(api, make_person):
    first, second = make_person("Ana", "Quispe"), make_person("Anna", "Quispe")
    response = api("post", f"/people/{first.pk}/merge", duplicate_id=second.pk)
    assert response.status_code == 200
    assert api("get", f"/people/{second.pk}").json()["merged_into_id"] == first.pk


def test_openapi_schema_is_published(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/people" in schema["paths"]
