"""Home on the demo: each role sees the work waiting on it, with the true totals, and never a
list of work it may not do."""

from __future__ import annotations

import pytest
from django.utils import timezone

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.agreements.models import OPEN, AssistanceRequest
from liaison.agreements.selectors import work_for as agreement_work
from liaison.conftest import Demo
from liaison.home.work import SHOWN, WorkList, work_for
from liaison.postings.selectors import work_for as posting_work
from liaison.training.models import DeliveryStatus, RequestStatus, TrainingRequest
from liaison.training.selectors import delivery_list
from liaison.vetting.models import VettingRecord, VettingStatus

pytestmark = pytest.mark.django_db


def _user(role: Role) -> User:
    user = User.objects.filter(role=role, is_active=True).order_by("pk").first()
    assert user is not None
    return user


def _lists(user: User) -> dict[str, WorkList]:
    return {w.key: w for w in work_for(user=user)}


def test_the_manager_sees_requests_to_decide_and_deliveries_to_approve(client, shared_demo: Demo):
    manager = _user(Role.PROGRAM_MANAGER)
    lists = _lists(manager)

    requests = lists["requests"]
    assert requests.total == TrainingRequest.objects.filter(status=RequestStatus.SUBMITTED).count()
    planned = delivery_list(user=manager, status=DeliveryStatus.PLANNED)
    assert lists[f"deliveries-{DeliveryStatus.PLANNED}"].total == planned.count()
    assert len(lists[f"deliveries-{DeliveryStatus.PLANNED}"].items) == min(SHOWN, planned.count())

    client.force_login(manager)
    html = client.get("/").content.decode()
    assert requests.total > 0, "the demo keeps some requests waiting"
    assert "Training requests to decide" in html
    assert requests.items[0].url in html


def test_the_vetting_officer_sees_the_queue_and_nothing_of_training(shared_demo: Demo):
    lists = _lists(_user(Role.VETTING_OFFICER))

    queue = VettingRecord.objects.filter(status=VettingStatus.SUBMITTED).count()
    assert lists["vetting"].total == queue
    assert not {"requests", "blocked", "visit-requests"} & set(lists)


def test_an_attache_sees_the_region_and_no_headquarters_decision(shared_demo: Demo):
    attache = _user(Role.ATTACHE)
    lists = _lists(attache)

    assert {"region-requests", "region-deliveries", "region-visits"} <= set(lists)
    assert not {"requests", "blocked", "vetting", "visit-requests"} & set(lists)
    in_region = TrainingRequest.objects.filter(
        status=RequestStatus.SUBMITTED, country__region=attache.region
    ).count()
    assert lists["region-requests"].total == in_region


@pytest.mark.parametrize("role", list(Role))
def test_home_answers_every_role_in_a_bounded_number_of_queries(
    client, shared_demo: Demo, role: Role, django_assert_max_num_queries
):
    client.force_login(_user(role))  # the demo has an account of every role
    with django_assert_max_num_queries(45):
        assert client.get("/").status_code == 200


def test_home_gathers_the_new_programs_work(shared_demo: Demo):
    """Overdue assistance requests, SAFE assessments to review and tours to act on reach home
    from each app's own ``work_for``, with their totals."""
    manager = _user(Role.PROGRAM_MANAGER)
    lists = _lists(manager)

    overdue = AssistanceRequest.objects.filter(
        status__in=OPEN, due_on__lt=timezone.localdate()
    ).count()
    assert overdue > SHOWN, "the demo keeps more requests overdue than home shows"
    # Headquarters follows every overdue request: home counts them all, beyond those it shows.
    assert lists["requests-overdue"].total == overdue
    assert len(lists["requests-overdue"].items) == SHOWN
    assert lists["requests-overdue"].items == agreement_work(user=manager)[0].items
    assert "safe-review" not in lists, "the manager submitted the one awaiting review"
    # A second person reviews: the administrator finds it waiting.
    assert "safe-review" in _lists(_user(Role.ADMINISTRATOR))
    assert {w.key for w in posting_work(user=manager)} <= set(lists)
