"""The evaluation on the demo: FY2015's deliveries measured at level 2 from their tests, and
level 4 where the SAFE program's administration sent officials between two assessments."""

from __future__ import annotations

import pytest

from liaison.accounts.models import User
from liaison.capacity.selectors import standard_changes_after
from liaison.conftest import Demo
from liaison.reports.evaluation import evaluation, training_evaluation
from liaison.training.models import Delivery

pytestmark = pytest.mark.django_db


def test_fy2015_is_measured_at_levels_2_and_4(shared_demo: Demo):
    manager = User.objects.get(username="manager")
    (year,) = training_evaluation(user=manager, fiscal_year=2015, group="fiscal_year")
    assert (year.label, year.deliveries) == ("FY2015", 222)  # the published sessions
    assert year.learning is not None and year.learning.gain > 0
    by_delivery = training_evaluation(user=manager, fiscal_year=2015, group="delivery")
    measured = [row for row in by_delivery if row.results]
    assert measured, "the SAFE program's officials trained between its assessments"
    for row in measured:
        changes = standard_changes_after(deliveries=[Delivery.objects.get(pk=row.key)])
        assert row.results is not None and row.results.measured == len(changes)
    assert year.results is not None
    assert year.results.measured == sum(r.results.measured for r in measured if r.results)


def test_the_page_answers_in_a_bounded_number_of_queries(
    client, shared_demo: Demo, django_assert_max_num_queries
):
    client.force_login(User.objects.get(username="manager"))
    for group in ("delivery", "course", "country", "fiscal_year"):
        with django_assert_max_num_queries(20):
            response = client.get("/reports/evaluation/", {"group": group})
        assert response.status_code == 200


def test_the_demo_surveys_reach_levels_1_and_3_and_the_visits(shared_demo: Demo):
    manager = User.objects.get(username="manager")
    found = evaluation(user=manager, group="delivery")
    rows = found.training or []
    assert any(r.reaction and r.reaction.answered for r in rows), "end-of-course answers"
    assert any(r.behaviour and r.behaviour.answered for r in rows), "the follow-up's answers"
    visits = evaluation(user=manager, group="visit").visits or []
    assert any(v.reaction.answered for v in visits), "end-of-visit answers"
