"""Training lists and rosters read a fixed number of queries, however many rows they show."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.partners.models import Country
from liaison.training import services
from liaison.training.models import DeliveryStatus

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "training:delivery_list",
    "training:request_list",
    "training:follow_up_list",
    "training:blocked",
]
# Pages of one delivery that list its participants.
ROSTER_PAGES = [
    "training:delivery_roster",
    "training:delivery_attendance",
    "training:delivery_results",
    "training:delivery_costs",
]


@pytest.fixture
def grow(manager, make_delivery, make_person):
    """Add ``count`` deliveries, each with a request, a blocked nominee and a follow-up."""
    counter = iter(range(10_000))

    def add(count: int) -> None:
        for _ in range(count):
            n = next(counter)
            request = services.training_request_file(
                actor=manager,
                country=Country.objects.get(code="PE"),
                need=f"Need {n}",
                justification="Port of Callao",
            )
            delivery = make_delivery(starts_on=date.today() + timedelta(days=30 + 20 * n))
            delivery.request = request
            delivery.save()
            services.enrollment_nominate(
                actor=manager, delivery=delivery, person=make_person(f"G{n}", f"F{n}")
            )

    return add


@pytest.mark.parametrize("name", LIST_PAGES)
def test_training_lists_do_not_grow_with_rows(client, users, grow, name):
    client.force_login(users[Role.ADMINISTRATOR])
    grow(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    grow(12)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse(name)).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


@pytest.mark.parametrize("name", ROSTER_PAGES)
def test_roster_pages_do_not_grow_with_participants(
    client, manager, make_delivery, make_person, approve_vetting, name
):
    delivery = make_delivery(DeliveryStatus.IN_PROGRESS, people=[make_person("A", "One")])
    client.force_login(manager)

    def add(count: int, start: int) -> None:
        """Half stay nominated and unvetted; half are confirmed, marked, scored and costed."""
        for n in range(start, start + count):
            person = make_person("P", f"Family{n}")
            enrollment = services.enrollment_nominate(
                actor=manager, delivery=delivery, person=person
            )
            if n % 2:
                continue
            approve_vetting(person, delivery.ends_on)
            services.enrollment_confirm(actor=manager, enrollment=enrollment)
            services.attendance_record(
                actor=manager, enrollment=enrollment, day=delivery.starts_on, mark="present"
            )
            services.scores_record(actor=manager, enrollment=enrollment, pre_score=1, post_score=99)
            services.cost_line_add(
                actor=manager,
                delivery=delivery,
                kind="actual",
                category="travel",
                amount=Decimal(10),
            )

    add(2, 0)
    url = reverse(name, args=[delivery.pk])
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(14, 2)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
