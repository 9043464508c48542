"""A visit list shows exactly the visits whose page the user may open."""

from __future__ import annotations

import pytest

from liaison.accounts.roles import Role
from liaison.core.tests.test_rules_in_one_place import agree
from liaison.visits.models import Visit
from liaison.visits.permissions import scope_visits

pytestmark = pytest.mark.django_db


def test_the_visit_list_shows_exactly_the_visits_their_pages_open(users, make_user, make_visit):
    make_visit(code="PE"), make_visit(code="MX"), make_visit(code="KE")
    users = {**users, "AF attaché": make_user(Role.ATTACHE, region="AF")}
    agree(users, scope_visits, "visits.view_visit", Visit.objects.all())
    assert scope_visits(users["AF attaché"], Visit.objects.all()).count() == 1
