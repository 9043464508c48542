"""Level 2 of the evaluation: what participants learned, as their pre- and post-test means,
grouped by delivery, course, country or fiscal year; cancelled deliveries and anyone tested
only once leave no mark."""

from __future__ import annotations

from datetime import date

import pytest

from liaison.partners.models import Country
from liaison.people.models import Person
from liaison.training.models import Delivery, DeliveryStatus, Enrollment
from liaison.training.selectors import learning_by

pytestmark = pytest.mark.django_db


def _scored(delivery: Delivery, person: Person, pre: int | None, post: int | None) -> None:
    Enrollment.objects.create(
        delivery=delivery, person=person, status="attended", pre_score=pre, post_score=post
    )


def test_learning_is_the_mean_of_those_tested_twice_by_group(make_delivery, make_person):
    september = make_delivery(starts_on=date(2026, 9, 28))  # FY2026
    october = make_delivery(starts_on=date(2026, 10, 5), course="SCS-101")  # FY2027
    cancelled = make_delivery(starts_on=date(2026, 10, 12))
    Delivery.objects.filter(pk=cancelled.pk).update(status=DeliveryStatus.CANCELLED)
    peru, chile = Country.objects.get(code="PE"), Country.objects.get(code="CL")
    ana = make_person("Ana", "Quispe", nationality="PE")
    luz = make_person("Luz", "Mamani", nationality="PE")
    eva = make_person("Eva", "Rojas", nationality="CL")
    _scored(september, ana, 40, 80)
    _scored(september, luz, 60, 90)
    _scored(september, eva, 50, None)  # no post-test: not counted
    _scored(october, eva, 30, 70)
    _scored(cancelled, ana, 0, 100)
    deliveries = Delivery.objects.all()

    by_delivery = learning_by(deliveries=deliveries, group="delivery")
    assert set(by_delivery) == {september.pk, october.pk}
    assert (by_delivery[september.pk].tested, by_delivery[september.pk].pre) == (2, 50.0)
    assert (by_delivery[september.pk].post, by_delivery[september.pk].gain) == (85.0, 35.0)
    by_country = learning_by(deliveries=deliveries, group="country")
    assert {k: v.gain for k, v in by_country.items()} == {peru.pk: 35.0, chile.pk: 40.0}
    by_year = learning_by(deliveries=deliveries, group="fiscal_year")
    assert {k: v.tested for k, v in by_year.items()} == {2026: 2, 2027: 1}
    by_course = learning_by(deliveries=deliveries, group="course")
    assert {k: v.tested for k, v in by_course.items()} == {
        september.course_id: 2,
        october.course_id: 1,
    }
