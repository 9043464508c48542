"""Who sees which possible duplicates, and which of the reasons: birth dates are personal data."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.accounts.services import api_token_create
from liaison.people import selectors
from liaison.people.matching import Match

pytestmark = pytest.mark.django_db

BORN = date(1979, 3, 14)
BIRTH_DATE_WORDS = ("same birth date", "birth date close", "different birth date", "unknown")


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


@pytest.fixture
def trio(make_person):
    """An official, their duplicate in the same region (Peru, WHA) and one in Jordan (NEA)."""
    person = make_person("Ana", "Quispe", nationality="PE", birth_date=BORN)
    same_region = make_person("Anna", "Quispe", nationality="PE", birth_date=BORN)
    other_region = make_person("Ana", "Quispe", nationality="JO", birth_date=BORN)
    return person, same_region, other_region


def reveals_birth_date(reasons):
    return any(word in reason for reason in reasons for word in BIRTH_DATE_WORDS)


# --- the one function -------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.PROGRAM_MANAGER, Role.VETTING_OFFICER, Role.ADMINISTRATOR])
def test_who_may_see_birth_dates_reads_every_reason(users, role):
    reasons = ["same name", "birth date close (day and month swapped)", "same nationality"]
    assert selectors.visible_match_reasons(users[role], reasons) == reasons


@pytest.mark.parametrize("role", [Role.TRAINING_ADVISOR, Role.ATTACHE, Role.SPONSOR])
@pytest.mark.parametrize(
    "birth_date_reason",
    [
        "same birth date",
        "birth date close (day and month swapped)",
        "birth date close (one digit differs)",
        "different birth date",
        "birth date unknown on one side",
    ],
)
def test_birth_date_reasons_become_one_neutral_word_for_others(users, role, birth_date_reason):
    reasons = ["name 95% similar (transliteration)", birth_date_reason, "same nationality"]
    assert selectors.visible_match_reasons(users[role], reasons) == [
        "name 95% similar (transliteration)",
        "birth date checked",
        "same nationality",
    ]


# --- pages ------------------------------------------------------------------------------------


def test_person_page_hides_birth_date_reasons_from_a_training_advisor(client, users, trio):
    person, same_region, _ = trio
    url = reverse("people:person_detail", args=[person.pk])
    client.force_login(users[Role.PROGRAM_MANAGER])
    page = client.get(url).content.decode("utf-8-sig")
    assert f"#{same_region.pk} " in page and "same birth date" in page
    client.force_login(users[Role.TRAINING_ADVISOR])
    page = client.get(url).content.decode("utf-8-sig")
    assert f"#{same_region.pk} " in page  # the duplicate is still shown...
    assert "birth date checked" in page and "same birth date" not in page  # ...not why


def test_live_duplicate_check_hides_birth_date_reasons_from_an_attache(client, users, trio):
    client.force_login(users[Role.ATTACHE])
    response = client.post(
        reverse("people:person_duplicate_check"),
        {"given_name": "Ana", "family_name": "Quispe", "birth_date": "1979-03-14"},
    )
    page = response.content.decode("utf-8-sig")
    assert "Quispe" in page and "birth date checked" in page
    assert "same birth date" not in page


# --- the API ----------------------------------------------------------------------------------


def test_api_duplicates_hide_birth_date_reasons_from_a_training_advisor(api, trio):
    person, same_region, _ = trio
    path = f"/people/{person.pk}/possible-duplicates"
    shown = api("get", path, role=Role.PROGRAM_MANAGER).json()
    assert "same birth date" in shown[0]["reasons"]
    hidden = api("get", path, role=Role.TRAINING_ADVISOR).json()
    assert same_region.pk in [m["person_id"] for m in hidden]
    assert all(not reveals_birth_date(m["reasons"]) for m in hidden)
    assert all("birth date checked" in m["reasons"] for m in hidden)


def test_api_duplicates_list_only_people_in_the_callers_scope(api, trio):
    person, same_region, other_region = trio
    path = f"/people/{person.pk}/possible-duplicates"
    everyone = {m["person_id"] for m in api("get", path, role=Role.PROGRAM_MANAGER).json()}
    assert everyone == {same_region.pk, other_region.pk}
    # The attaché covers the Western Hemisphere: the Jordanian namesake is not theirs to see.
    in_region = {m["person_id"] for m in api("get", path, role=Role.ATTACHE).json()}
    assert in_region == {same_region.pk}


@pytest.mark.parametrize("role", [Role.SPONSOR, Role.SITE_HOST])
def test_roles_that_may_not_see_people_get_no_duplicates(api, users, trio, role):
    person, same_region, other_region = trio
    response = api("get", f"/people/{person.pk}/possible-duplicates", role=role)
    assert response.status_code == 403
    # Nor through the selector other code calls with matches it found itself.
    matches = [Match(p.pk, 1.0, ("same name",)) for p in (same_region, other_region)]
    assert selectors.matches_with_people(user=users[role], matches=matches) == []


def test_api_duplicate_refusal_lists_only_visible_people_and_reasons(api, trio):
    person, same_region, other_region = trio
    body = {"given_name": "Ana", "family_name": "Quispe", "birth_date": "1979-03-14"}
    everyone = api("post", "/people", role=Role.PROGRAM_MANAGER, nationality="PE", **body)
    assert {m["person_id"] for m in everyone.json()["matches"]} == {
        person.pk,
        same_region.pk,
        other_region.pk,
    }
    response = api("post", "/people", role=Role.ATTACHE, nationality="PE", **body)
    assert response.status_code == 409
    matches = response.json()["matches"]
    assert {m["person_id"] for m in matches} == {person.pk, same_region.pk}
    assert all(not reveals_birth_date(m["reasons"]) for m in matches)
