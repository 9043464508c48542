"""Fixtures for training tests: the catalog, an instructor, deliveries in any state, vetting;
today is TODAY for every training test (the vetting gate, attendance days and feeds depend on
it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.catalog.models import Course, FundingSource, Venue
from liaison.catalog.services import reference_catalog_load
from liaison.people.models import Person, Staff
from liaison.training import services
from liaison.training.models import Delivery, DeliveryStatus, InstructorRole
from liaison.vetting.services import vetting_approve, vetting_submit

# The order in which a delivery reaches each state.
PATH: list[str] = [
    DeliveryStatus.APPROVED,
    DeliveryStatus.CONFIRMED,
    DeliveryStatus.IN_PROGRESS,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.CLOSED,
]


@pytest.fixture(autouse=True)
def _today(frozen_today: date) -> None:
    pass


@pytest.fixture
def catalog(reference: None) -> None:
    reference_catalog_load()


@pytest.fixture
def manager(users: dict[Role, User]) -> User:
    return users[Role.PROGRAM_MANAGER]


@pytest.fixture
def make_instructor(catalog: None) -> Callable[..., Staff]:
    """An active instructor qualified for ``course`` (LBI-101 by default)."""
    counter = iter(range(1000))

    def make(course: str = "LBI-101", user: User | None = None, **extra: Any) -> Staff:
        n = next(counter)
        staff = Staff.objects.create(
            kind="instructor",
            given_name=extra.pop("given_name", f"Instructor{n}"),
            family_name=extra.pop("family_name", f"Teacher{n}"),
            user=user,
            **extra,
        )
        Course.objects.get(code=course).qualified_instructors.add(staff)
        return staff

    return make


@pytest.fixture
def approve_vetting(users: dict[Role, User]) -> Callable[..., None]:
    """Record an approved Leahy vetting for ``person`` valid until ``until``."""

    def approve(person: Person, until: date) -> None:
        officer = users[Role.VETTING_OFFICER]
        record = vetting_submit(actor=officer, person=person)
        vetting_approve(actor=officer, record=record, valid_until=until)

    return approve


@pytest.fixture
def make_delivery(
    catalog: None, manager: User, make_instructor: Callable[..., Staff]
) -> Callable[..., Delivery]:
    """A delivery of LBI-101 at ILEA San Salvador, a month from today, moved to ``status``.

    Reaching ``in_progress`` needs a confirmed participant, so pass ``people`` (vetted
    through the last day here) for any state past ``confirmed``.
    """

    def make(
        status: str = DeliveryStatus.PLANNED,
        *,
        starts_on: date | None = None,
        capacity: int = 20,
        people: list[Person] | None = None,
        instructor: Staff | None = None,
        course: str = "LBI-101",
        venue: str = "ILEA-SAL",
    ) -> Delivery:
        course_obj = Course.objects.get(code=course)
        starts_on = starts_on or date.today() + timedelta(days=30)
        delivery = services.delivery_create(
            actor=manager,
            course=course_obj,
            venue=Venue.objects.get(code=venue),
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=course_obj.length_days - 1),
            funding_source=FundingSource.objects.get(code="INL"),
            capacity=capacity,
        )
        if status == DeliveryStatus.PLANNED:
            return delivery
        if status == DeliveryStatus.CANCELLED:
            return services.delivery_cancel(actor=manager, delivery=delivery, reason="Test")
        services.instructor_assign(
            actor=manager,
            delivery=delivery,
            staff=instructor or make_instructor(course),
            role=InstructorRole.LEAD,
        )
        for person in people or []:
            enrollment = services.enrollment_nominate(
                actor=manager, delivery=delivery, person=person
            )
            officer = User.objects.filter(role=Role.VETTING_OFFICER).first() or manager
            if not person.vetting_records.exists():
                record = vetting_submit(actor=officer, person=person)
                vetting_approve(
                    actor=officer,
                    record=record,
                    valid_until=delivery.ends_on + timedelta(days=365),
                )
            if PATH.index(status) >= PATH.index(DeliveryStatus.CONFIRMED):
                services.enrollment_confirm(actor=manager, enrollment=enrollment)
        moves: dict[str, Callable[..., Delivery]] = {
            DeliveryStatus.APPROVED: services.delivery_approve,
            DeliveryStatus.CONFIRMED: services.delivery_confirm,
            DeliveryStatus.IN_PROGRESS: services.delivery_start,
            DeliveryStatus.DELIVERED: services.delivery_finish,
        }
        for step in PATH[: PATH.index(status) + 1]:
            if step == DeliveryStatus.CLOSED:
                services.after_action_report_save(actor=manager, delivery=delivery, summary="Done.")
                services.delivery_close(actor=manager, delivery=delivery)
            else:
                moves[step](actor=manager, delivery=delivery)
        delivery.refresh_from_db()
        return delivery

    return make
