"""A delivery list shows exactly the deliveries whose page the user may open."""

from __future__ import annotations

import pytest

from liaison.accounts.roles import Role
from liaison.core.tests.test_rules_in_one_place import agree
from liaison.training.models import Delivery
from liaison.training.permissions import scope_deliveries

pytestmark = pytest.mark.django_db


def test_the_delivery_list_shows_exactly_the_deliveries_their_pages_open(
    users, make_user, make_delivery, make_instructor
):
    advisor = users[Role.TRAINING_ADVISOR]
    taught = make_delivery(instructor=make_instructor(user=advisor), status="approved")
    make_delivery(venue="ILEA-BKK")  # Thailand: outside the WHA attaché's region
    make_delivery(venue="ILEA-SAL")
    users = {**users, "EAP attaché": make_user(Role.ATTACHE, region="EAP")}
    agree(users, scope_deliveries, "training.view_delivery", Delivery.objects.all())
    assert set(scope_deliveries(advisor, Delivery.objects.all())) == {taught}
