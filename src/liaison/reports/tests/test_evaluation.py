"""The evaluation page: each level beside the others, grouped as asked, over the deliveries the
reader may see, and the same table as a file."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.catalog.models import Course, FundingSource, Venue
from liaison.catalog.services import reference_catalog_load
from liaison.people.models import Person
from liaison.training.models import Delivery, DeliveryStatus, Enrollment

pytestmark = pytest.mark.django_db

URL = reverse("reports:evaluation")


def _delivery(
    venue: str, starts_on: date, course: str = "LBI-101", status: str = DeliveryStatus.DELIVERED
) -> Delivery:
    place = Venue.objects.get(code=venue)
    return Delivery.objects.create(
        course=Course.objects.get(code=course),
        venue=place,
        country=place.country,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=4),
        funding_source=FundingSource.objects.get(code="INL"),
        capacity=20,
        status=status,
    )


def _tested(delivery: Delivery, person: Person, pre: int, post: int) -> None:
    Enrollment.objects.create(
        delivery=delivery, person=person, status="attended", pre_score=pre, post_score=post
    )


@pytest.fixture
def deliveries(reference: None, make_person) -> dict[str, Delivery]:
    reference_catalog_load()
    salvador = _delivery("ILEA-SAL", date(2025, 3, 2))  # FY2025, the Western Hemisphere
    bangkok = _delivery("ILEA-BKK", date(2025, 11, 3), course="SCS-101")  # FY2026, Asia
    cancelled = _delivery("ILEA-SAL", date(2025, 4, 6), status=DeliveryStatus.CANCELLED)
    _tested(salvador, make_person("Ana", "Quispe", nationality="PE"), 40, 80)
    _tested(salvador, make_person("Luz", "Mamani", nationality="PE"), 60, 90)
    _tested(bangkok, make_person("Somchai", "Dee", nationality="TH"), 50, 60)
    _tested(cancelled, make_person("Eva", "Rojas", nationality="CL"), 0, 100)
    return {"salvador": salvador, "bangkok": bangkok}


def _rows(client, **query: object) -> list[list[str]]:
    response = client.get(URL, {**query, "format": "csv"})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_each_level_beside_the_others_by_course_country_and_year(client, users, deliveries):
    client.force_login(users[Role.PROGRAM_MANAGER])
    page = client.get(URL)
    html = page.content.decode()
    assert "Level 2 · learning" in html and "Level 4 · results (SAFE)" in html
    assert "No assessment either side" in html
    by_course = {row[1]: row[1:] for row in _rows(client)[1:] if row[0] == "Training"}
    assert set(by_course) == {
        "LBI-101 " + Course.objects.get(code="LBI-101").title,
        "SCS-101 " + Course.objects.get(code="SCS-101").title,
    }
    lbi = by_course["LBI-101 " + Course.objects.get(code="LBI-101").title]
    # Deliveries, then level 2: tested, pre, post, gain (no survey: level 1 blank).
    assert lbi[1] == "1" and lbi[5:9] == ["2", "50.0", "85.0", "35.0"], "cancelled counts not"
    by_country = {row[1]: [row[2], row[6]] for row in _rows(client, group="country")[1:]}
    assert by_country == {"Peru": ["1", "2"], "Thailand": ["1", "1"]}
    by_year = {row[1]: row[2] for row in _rows(client, group="fiscal_year")[1:]}
    assert by_year == {"FY2025": "1", "FY2026": "1"}
    only_2026 = _rows(client, group="delivery", fiscal_year="2026")[1:]
    assert [row[1].split(" at ")[1] for row in only_2026] == [
        "International Law Enforcement Academy Bangkok, 3 Nov 2025"
    ]


def test_an_attache_reads_the_deliveries_of_their_region_only(client, users, deliveries):
    client.force_login(users[Role.ATTACHE])  # the Western Hemisphere
    assert [row[1] for row in _rows(client, group="country")[1:]] == ["Peru"]


@pytest.mark.parametrize("role", [Role.VETTING_OFFICER, Role.SITE_HOST, Role.SPONSOR])
def test_roles_outside_training_may_not_read_it(client, users, deliveries, role):
    client.force_login(users[role])
    assert client.get(URL).status_code == 403


def test_a_filter_that_cannot_be_read_is_dropped_and_said(client, users, deliveries):
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = client.get(URL, {"group": "planet", "fiscal_year": "soon"}, follow=True)
    assert response.status_code == 200
    assert "could not be read: fiscal_year, group" in response.content.decode()
