"""A request falls overdue at midnight after its due date in the agency's time zone (Eastern
time), not in UTC nor in the server's: tested with time frozen either side of the boundary."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.agreements import selectors, services
from liaison.agreements.models import Direction

pytestmark = pytest.mark.django_db

EASTERN = ZoneInfo("America/New_York")
DUE = date(2026, 3, 4)


@pytest.fixture
def due_on_the_4th(users, peru, make_request):
    """An incoming request and an outgoing one sent, both due on Wednesday 4 March 2026."""
    incoming = make_request(peru, received_on=date(2026, 2, 1), due_on=DUE)
    return incoming


def _overdue_refs(user) -> list[str]:
    return [r.reference for r in selectors.overdue_requests(user=user)]


@pytest.mark.parametrize(
    ("moment", "overdue"),
    [
        (datetime(2026, 3, 4, 0, 0, 0, tzinfo=EASTERN), False),
        (datetime(2026, 3, 4, 23, 59, 59, tzinfo=EASTERN), False),
        # Already the 5th in UTC (04:59), still the 4th in Washington: not overdue.
        (datetime(2026, 3, 5, 4, 59, 59, tzinfo=ZoneInfo("UTC")), False),
        (datetime(2026, 3, 5, 0, 0, 0, tzinfo=EASTERN), True),
        (datetime(2026, 3, 5, 5, 0, 0, tzinfo=ZoneInfo("UTC")), True),
    ],
)
def test_overdue_from_midnight_after_the_due_date_eastern_time(
    users, due_on_the_4th, moment, overdue
):
    manager = users[Role.PROGRAM_MANAGER]
    with time_machine.travel(moment, tick=False):
        today = selectors.today()
        assert due_on_the_4th.is_overdue(today) is overdue
        assert _overdue_refs(manager) == ([due_on_the_4th.reference] if overdue else [])
        assert selectors.request_list(user=manager, overdue=True).count() == int(overdue)


def test_an_answered_or_refused_request_is_never_overdue(users, peru, make_request):
    manager = users[Role.PROGRAM_MANAGER]
    answered = make_request(peru, received_on=date(2026, 1, 5), due_on=date(2026, 2, 1))
    refused = make_request(peru, received_on=date(2026, 1, 5), due_on=date(2026, 2, 1))
    waiting = make_request(peru, received_on=date(2026, 1, 5), due_on=date(2026, 2, 1))
    services.assistance_request_start(actor=manager, request=answered)
    services.assistance_request_answer(actor=manager, request=answered, answer_summary="Sent")
    services.assistance_request_refuse(actor=manager, request=refused, reason="Outside scope")
    assert _overdue_refs(manager) == [waiting.reference]


def test_outgoing_requests_are_overdue_when_the_partner_is_late(users, ready_to_send):
    manager = users[Role.PROGRAM_MANAGER]
    services.assistance_request_send(actor=manager, request=ready_to_send)
    with time_machine.travel(
        datetime.combine(ready_to_send.due_on + timedelta(days=1), datetime.min.time(), EASTERN),
        tick=False,
    ):
        assert _overdue_refs(manager) == [ready_to_send.reference]


def test_a_draft_is_never_overdue(users, peru, make_request):
    make_request(peru, Direction.OUTGOING, due_on=date(2026, 3, 5))
    with time_machine.travel(datetime(2026, 4, 1, 12, tzinfo=EASTERN), tick=False):
        assert _overdue_refs(users[Role.PROGRAM_MANAGER]) == []


def test_the_overdue_page_lists_them_oldest_deadline_first_in_the_users_scope(
    client, users, peru, jordan, make_request
):
    late = make_request(peru, received_on=date(2026, 1, 2), due_on=date(2026, 2, 2))
    later = make_request(peru, received_on=date(2026, 1, 2), due_on=date(2026, 1, 20))
    make_request(jordan, received_on=date(2026, 1, 2), due_on=date(2026, 1, 10))
    make_request(peru, received_on=date(2026, 2, 20))  # due in April
    client.force_login(users[Role.ATTACHE])
    response = client.get(reverse("agreements:overdue"))
    assert [r.reference for r in response.context["page_obj"]] == [
        later.reference,
        late.reference,
    ]
    assert "Overdue" in response.content.decode()
