"""Reminders go through the task queue: each invitation queues its first reminder for the
survey's gap after the invitation; a reminder goes out only when still due (not answered, not
opted out, under the maximum, a full gap after the last message) and queues the next."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from liaison.conftest import NOW
from liaison.surveys import selectors, services
from liaison.surveys.models import Invitation

# The queue is read by the worker after the invitations commit: real transactions, as in use.
pytestmark = pytest.mark.django_db(transaction=True)


def _work(days: float) -> None:
    # In UTC (8 March 2026 moves the agency's clock), an hour after the invitations went out.
    with time_machine.travel(NOW.astimezone(UTC) + timedelta(days=days, hours=1), tick=True):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@pytest.fixture
def invited(manager, make_survey, graduates):
    graduates(2, language="fr")
    survey = make_survey(max_reminders=2, reminder_gap_days=7)
    services.survey_invite(actor=manager, survey=survey, seed=1)
    return survey


def test_reminders_stop_at_the_maximum_and_keep_the_gap(invited):
    _work(0)
    assert len(mail.outbox) == 2  # the invitations
    assert all(m.subject.startswith("Une brève enquête") for m in mail.outbox)
    _work(6)  # before the gap: nothing
    assert len(mail.outbox) == 2
    _work(7)
    assert len(mail.outbox) == 4
    assert all(m.subject.startswith("Rappel :") for m in mail.outbox[2:])
    _work(10)  # only 3 days after the first reminder
    assert len(mail.outbox) == 4
    _work(14.1)  # a full gap after the first reminder (sent an hour into day 7)
    assert len(mail.outbox) == 6
    _work(40)  # the maximum (2) is reached: no third reminder ever
    assert len(mail.outbox) == 6
    assert set(Invitation.objects.values_list("reminders_sent", flat=True)) == {2}
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_no_reminder_after_an_answer_or_an_opt_out(invited):
    _work(0)
    answered, declined = Invitation.objects.order_by("pk")
    likert, useful, *_ = selectors.questions_of(version=selectors.version_published(survey=invited))
    services.response_submit(
        invitation=answered, answers={f"q{likert.pk}": "5", f"q{useful.pk}": "yes"}
    )
    services.invitation_opt_out(invitation=declined, everywhere=False)
    _work(7)
    _work(14)
    assert len(mail.outbox) == 2
