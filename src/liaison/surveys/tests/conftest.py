"""Surveys' test records: a delivery of LBI-101 whose participants attended and a visit from
Peru with its delegates, set up directly (the training and visit workflows are tested in their
apps); a published survey builder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from liaison.accounts.roles import Role
from liaison.catalog.models import Course, FundingSource, Venue
from liaison.catalog.services import reference_catalog_load
from liaison.conftest import TODAY, create_person
from liaison.partners.models import Country
from liaison.people.models import Person
from liaison.surveys import services
from liaison.surveys.models import Purpose, QuestionKind, Survey
from liaison.surveys.services import OptionInput
from liaison.training.models import Delivery, DeliveryStatus, Enrollment, EnrollmentStatus
from liaison.visits.models import Delegate, Visit


@pytest.fixture(autouse=True)
def _today(frozen_today: date) -> None:
    """Every rule here reads today (link expiry, the no-repeat window, reminder gaps)."""


@pytest.fixture
def manager(users):
    return users[Role.PROGRAM_MANAGER]


@pytest.fixture
def people(reference) -> Callable[..., list[Person]]:
    def make(count: int, prefix: str = "P", language: str = "") -> list[Person]:
        return [
            create_person(
                f"{prefix}{i}",
                "Test",
                email=f"{prefix.lower()}{i}@partner.example",
                preferred_language=language,
            )
            for i in range(count)
        ]

    return make


@pytest.fixture
def catalog(reference) -> None:
    reference_catalog_load()


@pytest.fixture
def delivery(catalog) -> Delivery:
    venue = Venue.objects.get(code="ILEA-SAL")
    return Delivery.objects.create(
        course=Course.objects.get(code="LBI-101"),
        venue=venue,
        country=venue.country,
        starts_on=TODAY - timedelta(days=10),
        ends_on=TODAY - timedelta(days=6),
        funding_source=FundingSource.objects.get(code="INL"),
        capacity=2000,
        status=DeliveryStatus.DELIVERED,
    )


@pytest.fixture
def graduates(delivery, people) -> Callable[..., list[Person]]:
    def make(count: int, language: str = "", prefix: str = "G") -> list[Person]:
        group = people(count, prefix=prefix, language=language)
        Enrollment.objects.bulk_create(
            Enrollment(delivery=delivery, person=p, status=EnrollmentStatus.ATTENDED) for p in group
        )
        return group

    return make


@pytest.fixture
def visit(catalog) -> Visit:
    return Visit.objects.create(
        country=Country.objects.get(code="PE"),
        sponsor=FundingSource.objects.get(code="INL"),
        purpose="Risk management",
        earliest_start=TODAY - timedelta(days=20),
        latest_end=TODAY - timedelta(days=10),
        length_days=5,
        delegation_size=3,
    )


@pytest.fixture
def delegates(visit) -> Callable[[list[Person]], None]:
    def add(group: list[Person]) -> None:
        for person in group:
            Delegate.objects.create(visit=visit, person=person)

    return add


@pytest.fixture
def make_survey(manager, delivery) -> Callable[..., Survey]:
    """A published end-of-course survey: a Likert question, a yes/no question, a free-text
    question shown only when the answer is "no", and an optional 0-10 rating."""

    def make(publish: bool = True, **extra: Any) -> Survey:
        values: dict[str, Any] = {
            "title": "LBI-101 end of course",
            "purpose": Purpose.END_OF_COURSE,
            "delivery": delivery,
            "closes_on": TODAY + timedelta(days=60),
            **extra,
        }
        survey = services.survey_create(actor=manager, **values)
        services.question_add(
            actor=manager,
            survey=survey,
            kind=QuestionKind.LIKERT,
            text="The course met its objectives.",
            translations={"es": "El curso cumplió sus objetivos.", "ar": "حقق البرنامج أهدافه."},
        )
        useful = services.question_add(
            actor=manager,
            survey=survey,
            kind=QuestionKind.SINGLE,
            text="Will you use what you learned?",
            translations={"es": "¿Usará lo que aprendió?", "ar": "هل ستستخدم ما تعلمته؟"},
            options=[
                OptionInput("yes", "Yes", {"es": "Sí", "ar": "نعم"}),
                OptionInput("no", "No", {"es": "No", "ar": "لا"}),
            ],
        )
        services.question_add(
            actor=manager,
            survey=survey,
            kind=QuestionKind.TEXT,
            text="Why not?",
            translations={"es": "¿Por qué no?", "ar": "لماذا لا؟"},
            shown_if=useful,
            shown_value="no",
        )
        services.question_add(
            actor=manager,
            survey=survey,
            kind=QuestionKind.RATING,
            text="How likely are you to recommend it?",
            translations={"es": "¿Qué probabilidad hay de que lo recomiende?"},
            required=False,
        )
        if publish:
            services.survey_publish(actor=manager, survey=survey)
        return survey

    return make
