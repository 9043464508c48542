from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.catalog import services
from liaison.catalog.models import Course, FundingSource, Level, ProgramArea, Venue, VenueKind
from liaison.people.models import Staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(reference):
    services.reference_catalog_load()


def test_reference_catalog_loads_the_shipped_facts_once(catalog):
    assert ProgramArea.objects.count() == 6
    assert Course.objects.count() == 30
    assert FundingSource.objects.filter(code="INL").exists()
    ileas = Venue.objects.filter(kind=VenueKind.ILEA)
    assert set(ileas.values_list("city", flat=True)) == {
        "Budapest",
        "Bangkok",
        "Gaborone",
        "San Salvador",
        "Roswell",
    }
    assert Course.objects.get(code="ICD-201").co_delivered_with == "DEA"
    assert Course.objects.get(code="TTT-301").level == Level.TRAIN_THE_TRAINER
    assert Course.objects.get(code="GBP-101").length_days == 10
    services.reference_catalog_load()
    assert Course.objects.count() == 30


def test_course_length_must_be_three_to_ten_days(users, catalog):
    area = ProgramArea.objects.get(code="WCO")
    with pytest.raises(ValidationError) as caught:
        services.course_create(
            actor=users[Role.PROGRAM_MANAGER],
            code="X-1",
            title="Too long",
            area=area,
            length_days=12,
        )
    assert "length_days" in caught.value.message_dict
    assert not Course.objects.filter(code="X-1").exists()


@pytest.mark.parametrize(
    "role", [Role.TRAINING_ADVISOR, Role.ATTACHE, Role.SPONSOR, Role.VETTING_OFFICER]
)
def test_only_headquarters_edits_the_catalog(users, catalog, role):
    course = Course.objects.get(code="LBI-101")
    with pytest.raises(PermissionDenied):
        services.course_update(actor=users[role], course=course, pass_mark=90)
    assert Course.objects.get(pk=course.pk).pass_mark == 70


def test_course_changes_and_qualified_instructors_are_audited(users, catalog):
    manager = users[Role.PROGRAM_MANAGER]
    course = Course.objects.get(code="LBI-101")
    services.course_update(actor=manager, course=course, pass_mark=75)
    instructor = Staff.objects.create(kind="instructor", given_name="Norman", family_name="Roy")
    services.course_set_qualified_instructors(
        actor=manager, course=course, instructors=[instructor]
    )
    actions = list(
        AuditEntry.objects.filter(object_id=str(course.pk)).values_list("action", flat=True)
    )
    assert set(actions) == {"course.updated", "course.instructors_changed"}
    assert list(course.qualified_instructors.all()) == [instructor]


def test_venue_capacity_must_be_positive(users, catalog, country):
    with pytest.raises(ValidationError):
        services.venue_create(
            actor=users[Role.PROGRAM_MANAGER],
            code="LIM-1",
            name="Callao port",
            kind=VenueKind.FOREIGN_SITE,
            city="Callao",
            country=country("PE"),
            capacity=0,
        )
