"""A list page and its API list read their filters through one declaration: the same names,
the same trimming and case, the same allowed values (core.filters)."""

from __future__ import annotations

import pytest

from liaison.accounts.roles import Role
from liaison.accounts.services import api_token_create
from liaison.catalog.filters import CourseFilters

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_get(client, users):
    _, raw = api_token_create(actor=users[Role.PROGRAM_MANAGER], name="test")

    def get(path: str):
        return client.get(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {raw}")

    return get


def test_page_and_api_trim_and_upper_case_a_country_code_alike(client, users, make_agency, api_get):
    peru = make_agency(code="PE", name="Superintendencia Nacional de Aduanas")
    make_agency(code="CO", name="Dirección de Impuestos y Aduanas Nacionales")
    client.force_login(users[Role.PROGRAM_MANAGER])

    page = client.get("/partners/agencies/", {"country": " pe "}).content.decode()
    listed = api_get("/agencies?country=%20pe%20").json()["items"]

    assert "Superintendencia Nacional de Aduanas" in page
    assert "Dirección de Impuestos" not in page
    assert [item["id"] for item in listed] == [peru.pk]


def test_an_unknown_choice_is_refused_by_the_api_and_dropped_with_a_message_on_the_page(
    client, users, make_agency, api_get
):
    make_agency(code="PE", name="Superintendencia Nacional de Aduanas")
    client.force_login(users[Role.PROGRAM_MANAGER])

    refused = api_get("/agencies?kind=navy")
    page = client.get("/partners/agencies/", {"kind": "navy"}, follow=True)

    assert refused.status_code == 422
    assert "kind" in refused.content.decode()
    assert page.status_code == 200
    assert "Superintendencia Nacional de Aduanas" in page.content.decode()
    assert "could not be read: kind" in page.content.decode()


def test_search_is_read_from_q_on_pages_and_in_the_api(rf):
    request = rf.get("/catalog/courses/", {"q": "  risk  ", "environment": "seaport", "level": "x"})

    filters = CourseFilters.from_request(request)

    assert filters.selector_kwargs() == {
        "search": "risk",
        "area": "",
        "environment": "seaport",
        "level": "",
    }
    assert filters.ignored == ["level"]
    assert CourseFilters.model_validate({"q": "risk"}).search == "risk"
