"""The training plan's page reads the deliveries every unlinked item may link to in one query,
so a longer plan costs no more queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.capacity import services
from liaison.capacity.models import PlanItem
from liaison.capacity.tests.conftest import World, approved, set_targets
from liaison.catalog.models import Course, FundingSource, Venue
from liaison.core.fiscal import FiscalQuarter
from liaison.training.models import Delivery

pytestmark = pytest.mark.django_db


def _scheduled(course: Course, starts_on: date) -> Delivery:
    venue = Venue.objects.get(code="ILEA-SAL")
    return Delivery.objects.create(
        course=course,
        venue=venue,
        country=venue.country,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=4),
        funding_source=FundingSource.objects.get(code="INL"),
        capacity=20,
    )


def _page_queries(client: Client, world: World) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("capacity:plan_detail", args=[world.program.pk]))
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


def test_a_longer_plan_with_more_deliveries_to_link_costs_no_more_queries(world: World):
    set_targets(world, {"1.4": (4, 1)})
    approved(world, {"1.4": 0})
    services.plan_generate(actor=world.manager, program=world.program, deterministic=True)
    plan = world.program.plan
    for item in PlanItem.objects.filter(plan=plan).select_related("course"):
        _scheduled(item.course, date(2026, 6, 1))
    client = Client()
    client.force_login(world.manager)
    before, html = _page_queries(client, world)
    assert "Link a delivery of SCS-101" in html

    taken = {(i.fiscal_year, i.quarter) for i in PlanItem.objects.filter(plan=plan)}
    free = [
        q
        for q in (FiscalQuarter(2028, n) for n in (1, 2, 3, 4))
        if (q.year, q.quarter) not in taken
    ]
    for code, quarter in zip(("NII-101", "CCT-101", "INT-101"), free, strict=False):
        course = Course.objects.get(code=code)
        services.plan_item_add(actor=world.manager, plan=plan, course=course, quarter=quarter)
        _scheduled(course, date(2027, 1, 11))
        _scheduled(course, date(2027, 2, 8))
    assert PlanItem.objects.filter(plan=plan, delivery__isnull=True).count() >= len(taken) + 3
    after, html = _page_queries(client, world)
    assert "Link a delivery of NII-101" in html and "Link a delivery of INT-101" in html
    assert after == before
