"""List pages read a fixed number of rows' worth of queries, however many records exist."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.catalog.models import Course, FundingSource, ProgramArea, Venue
from liaison.people.models import Staff
from liaison.vetting.models import VettingRecord

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "partners:region_list",
    "partners:country_list",
    "partners:agency_list",
    "people:person_list",
    "people:staff_list",
    "audit:search",
    "accounts:user_list",
    "catalog:course_list",
    "catalog:venue_list",
    "catalog:funding_source_list",
    "vetting:record_list",
]


def _grow(make_person, make_agency, start: int, count: int) -> None:
    area = ProgramArea.objects.get_or_create(code="WCO", defaults={"name": "WCO"})[0]
    for i in range(start, start + count):
        agency = make_agency("PE", name=f"Agency {i}")
        person = make_person(f"Given{i}", f"Family{i}", agency=agency)
        VettingRecord.objects.create(person=person, status="submitted")
        Staff.objects.create(kind="instructor", given_name=f"S{i}", family_name=f"T{i}")
        Course.objects.create(code=f"C-{i}", title=f"Course {i}", area=area, length_days=5)
        Venue.objects.create(
            code=f"V-{i}",
            name=f"Venue {i}",
            kind="foreign_site",
            city="Lima",
            country=agency.country,
        )
        FundingSource.objects.create(code=f"F-{i}", name=f"Sponsor {i}")


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_page_queries_do_not_grow_with_rows(client, users, make_person, make_agency, name):
    client.force_login(users[Role.ADMINISTRATOR])
    _grow(make_person, make_agency, 0, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    _grow(make_person, make_agency, 2, 20)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(name)).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
