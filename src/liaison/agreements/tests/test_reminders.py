"""Deadline reminders go through the task queue: filing a request queues, on commit, a reminder
a week before it is due and one the morning after, each for its own time; the worker sends
them to the owner unless the request was answered or its deadline moved meanwhile. The mail
never names the persons or companies concerned."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from liaison.accounts.roles import Role
from liaison.agreements import services
from liaison.audit.models import AuditEntry

# The queue is read by the worker after the request commits: real transactions, as in use.
pytestmark = pytest.mark.django_db(transaction=True)

EASTERN = ZoneInfo("America/New_York")
DUE = date(2026, 3, 20)


def _work() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=EASTERN)


@pytest.fixture
def owner(users):
    manager = users[Role.PROGRAM_MANAGER]
    manager.email = "pat@agency.example"
    manager.save()
    return manager


@pytest.fixture
def filed(owner, peru, make_request, make_person):
    request = make_request(peru, received_on=date(2026, 2, 20), due_on=DUE, subject="ACME Ltd")
    services.assistance_request_person_add(
        actor=owner, request=request, person=make_person("Luis", "Paredes")
    )
    return request


def test_filing_queues_two_reminders_for_their_own_times(filed):
    queued = {row.args_kwargs["kwargs"]["reminder"]: row for row in DBTaskResult.objects.all()}
    assert set(queued) == {"due_soon", "overdue"}
    assert queued["due_soon"].run_after == _at(DUE - timedelta(days=7), 8)
    assert queued["overdue"].run_after == _at(DUE + timedelta(days=1), 8)
    assert {r.task_path for r in queued.values()} == {
        "liaison.agreements.tasks.assistance_request_reminder"
    }
    _work()  # today is 4 March: neither is due yet
    assert mail.outbox == []


def test_the_owner_is_reminded_a_week_before_and_the_morning_after(filed):
    with time_machine.travel(_at(DUE - timedelta(days=7)), tick=True):
        _work()
    assert len(mail.outbox) == 1
    soon = mail.outbox[0]
    assert soon.to == ["pat@agency.example"]
    assert soon.subject == (f"Due in 7 days: incoming assistance request {filed.reference} (Peru)")
    assert "Friday 20 March 2026" in soon.body
    with time_machine.travel(_at(DUE + timedelta(days=1)), tick=True):
        _work()
    assert len(mail.outbox) == 2
    late = mail.outbox[1]
    assert late.subject.startswith(f"Overdue: incoming assistance request {filed.reference}")
    for message in mail.outbox:
        text = message.subject + message.body
        for secret in ("ACME", "Paredes", "Luis", "textiles"):
            assert secret not in text
    assert AuditEntry.objects.filter(action="assistance_request.reminded").count() == 2


def test_no_reminder_once_answered(owner, filed):
    services.assistance_request_start(actor=owner, request=filed)
    services.assistance_request_answer(actor=owner, request=filed, answer_summary="Sent")
    with time_machine.travel(_at(DUE + timedelta(days=2)), tick=True):
        _work()
    assert mail.outbox == []
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_a_moved_deadline_silences_the_old_reminders_and_queues_new_ones(owner, filed):
    later = DUE + timedelta(days=30)
    services.assistance_request_update(actor=owner, request=filed, due_on=later)
    assert DBTaskResult.objects.count() == 4
    with time_machine.travel(_at(DUE + timedelta(days=1)), tick=True):
        _work()
    assert mail.outbox == []  # the old ones ran and found the deadline moved
    with time_machine.travel(_at(later + timedelta(days=1)), tick=True):
        _work()
    # The worker was idle until after the new deadline: "due soon" is no longer said.
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Overdue"]


def test_a_new_owner_gets_the_reminders(users, owner, filed, make_user):
    attache = users[Role.ATTACHE]
    attache.email = "kh@agency.example"
    attache.save()
    services.assistance_request_assign(actor=owner, request=filed, owner=attache)
    with time_machine.travel(_at(DUE + timedelta(days=1)), tick=True):
        _work()
    assert {tuple(m.to) for m in mail.outbox} == {("kh@agency.example",)}


def test_a_request_filed_overdue_is_reminded_at_once(owner, peru, make_request):
    make_request(peru, received_on=date(2026, 1, 2), due_on=date(2026, 2, 1))
    _work()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Overdue"]


def test_a_rolled_back_filing_queues_nothing(owner, peru, make_request):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_request(peru, due_on=DUE)
        raise RuntimeError("the page failed after the service")
    assert not DBTaskResult.objects.exists()
