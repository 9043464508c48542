"""An attaché is refused the records of other regions (the URL matrix, in test_url_auth, gives
every role one set of records; this starts from an empty registry)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from liaison.accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_attache_is_refused_records_outside_their_region(client, users, make_person, make_agency):
    jordanian = make_person("Mohammed", "Al-Rashid", nationality="JO")
    agency = make_agency("JO")
    client.force_login(users[Role.ATTACHE])  # covers WHA
    for url in (
        reverse("people:person_detail", args=[jordanian.pk]),
        reverse("people:person_update", args=[jordanian.pk]),
        reverse("partners:agency_detail", args=[agency.pk]),
        reverse("partners:agency_update", args=[agency.pk]),
        reverse("partners:country_detail", args=["JO"]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("people:person_list")).context["page_obj"].paginator.count == 0
