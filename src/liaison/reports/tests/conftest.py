"""Records the reports' tests count: deliveries, seats, costs and visits built directly (the
figures read what is stored; the services that write them are tested in their apps)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest

from liaison.catalog.models import Course, FundingSource, Venue
from liaison.catalog.services import reference_catalog_load
from liaison.partners.models import Country
from liaison.people.models import Person
from liaison.training.models import (
    Certificate,
    CostLine,
    Delivery,
    DeliveryStatus,
    Enrollment,
    EnrollmentStatus,
)
from liaison.visits.models import Delegate, Visit, VisitStatus


@pytest.fixture
def catalog(reference: None) -> None:
    reference_catalog_load()


@pytest.fixture
def make_delivery(catalog: None) -> Callable[..., Delivery]:
    def make(
        venue: str = "ILEA-SAL",
        starts_on: date = date(2015, 3, 2),
        course: str = "LBI-101",
        funding: str = "INL",
        status: str = DeliveryStatus.DELIVERED,
        budget: int | None = None,
        actual: int | None = None,
    ) -> Delivery:
        place = Venue.objects.get(code=venue)
        delivery = Delivery.objects.create(
            course=Course.objects.get(code=course),
            venue=place,
            country=place.country,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=4),
            funding_source=FundingSource.objects.get(code=funding),
            capacity=20,
            status=status,
        )
        for kind, amount in (("budget", budget), ("actual", actual)):
            if amount is not None:
                CostLine.objects.create(
                    delivery=delivery, kind=kind, category="travel", amount=Decimal(amount)
                )
        return delivery

    return make


@pytest.fixture
def seat() -> Callable[..., Enrollment]:
    def make(
        delivery: Delivery,
        person: Person,
        status: str = EnrollmentStatus.ATTENDED,
        scores: tuple[int, int] | None = None,
        certified: bool = False,
    ) -> Enrollment:
        enrollment = Enrollment.objects.create(
            delivery=delivery,
            person=person,
            status=status,
            pre_score=scores[0] if scores else None,
            post_score=scores[1] if scores else None,
        )
        if certified:
            Certificate.objects.create(enrollment=enrollment, code=f"C{enrollment.pk:06d}")
        return enrollment

    return make


@pytest.fixture
def make_visit(catalog: None) -> Callable[..., Visit]:
    def make(
        country: str = "PE",
        starts_on: date = date(2015, 5, 4),
        sponsor: str = "INL",
        delegates: list[Person] | None = None,
        status: str = VisitStatus.COMPLETED,
    ) -> Visit:
        visit = Visit.objects.create(
            country=Country.objects.get(code=country),
            sponsor=FundingSource.objects.get(code=sponsor),
            purpose="Study visit",
            earliest_start=starts_on,
            latest_end=starts_on + timedelta(days=10),
            length_days=5,
            delegation_size=max(1, len(delegates or [])),
            status=status,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=4),
        )
        for person in delegates or []:
            Delegate.objects.create(visit=visit, person=person)
        return visit

    return make


@pytest.fixture
def crowd(make_person: Callable[..., Person]) -> Callable[..., list[Person]]:
    """``n`` distinct people."""

    def make(n: int, prefix: str = "Ana") -> list[Person]:
        return [
            make_person(f"{prefix}{chr(65 + i // 26)}{chr(65 + i % 26)}", "Quispe")
            for i in range(n)
        ]

    return make
