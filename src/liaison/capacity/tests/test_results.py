"""Level 4 of the evaluation: the change in the SAFE scores of the standards a course builds,
in the programs of the administrations whose officials completed it, between the approved
assessments either side of the delivery."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from liaison.capacity import selectors
from liaison.capacity.tests.conftest import World, approved
from liaison.catalog.models import Course, FundingSource, Venue
from liaison.conftest import create_agency, create_person
from liaison.people.models import Person
from liaison.training.models import Certificate, Delivery, Enrollment

pytestmark = pytest.mark.django_db


def _delivery(course: str, ends_on: date) -> Delivery:
    venue = Venue.objects.get(code="ILEA-SAL")
    return Delivery.objects.create(
        course=Course.objects.get(code=course),
        venue=venue,
        country=venue.country,
        starts_on=ends_on - timedelta(days=4),
        ends_on=ends_on,
        funding_source=FundingSource.objects.get(code="INL"),
        capacity=20,
    )


def _graduate(delivery: Delivery, person: Person, certified: bool = True) -> None:
    enrollment = Enrollment.objects.create(delivery=delivery, person=person, status="attended")
    if certified:
        Certificate.objects.create(enrollment=enrollment, code=f"C{person.pk}{delivery.pk}")


def test_a_course_is_credited_with_the_change_of_the_standards_it_builds(
    world: World, django_assert_max_num_queries
):
    official = create_person("Ana", "Quispe", agency=world.program.agency)
    approved(world, {"1.4": 1, "1.10": 2}, starts_on=date(2025, 10, 6))
    trm = _delivery("TRM-201", date(2025, 12, 12))  # builds 1.4, 1.5 and 1.7, not 1.10
    _graduate(trm, official)
    approved(world, {"1.4": 3, "1.10": 4}, kind="monitoring", starts_on=date(2026, 2, 2))
    with django_assert_max_num_queries(4):
        changes = selectors.standard_changes_after(deliveries=[trm])
    assert [(c.code, c.before, c.after, c.change) for c in changes] == [
        ("1.4", 1, 3, 2),
        ("1.5", 3, 3, 0),  # scored 3 both times
        ("1.7", 3, 3, 0),
    ]
    assert {(c.delivery_id, c.program_id, c.country_id) for c in changes} == {
        (trm.pk, world.program.pk, world.program.country_id)
    }


def test_no_change_is_claimed_without_a_graduate_or_an_assessment_on_both_sides(world: World):
    official = create_person("Ana", "Quispe", agency=world.program.agency)
    outsider = create_person("Eva", "Rojas", agency=create_agency("PE", name="Ministry"))
    approved(world, {"1.4": 1}, starts_on=date(2025, 10, 6))
    not_certified = _delivery("TRM-201", date(2025, 12, 12))
    _graduate(not_certified, official, certified=False)
    other_agency = _delivery("TRM-201", date(2025, 12, 19))
    _graduate(other_agency, outsider)
    approved(world, {"1.4": 3}, kind="monitoring", starts_on=date(2026, 2, 2))
    after_the_last = _delivery("TRM-201", date(2026, 3, 1))
    _graduate(after_the_last, official)
    assert (
        selectors.standard_changes_after(deliveries=[not_certified, other_agency, after_the_last])
        == []
    )
