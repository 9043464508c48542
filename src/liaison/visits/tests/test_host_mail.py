"""Asking the sites e-mails each host once, through the task queue: the request queues one task
per host on commit, and the worker sends the mail. The mail names the delegation by country,
agency and size, never a delegate's passport or birth date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.people.models import Staff
from liaison.visits import services
from liaison.visits.models import HostAnswer, Stop
from liaison.visits.tests.conftest import START

# The queue is read by the worker after the request commits: real transactions, as in use.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def planned(users, sites, make_visit, make_agency, make_user, make_person):
    """Peru's visit planned at headquarters (day 1), Laredo (day 2) and the targeting center
    (day 3). Lupe hosts headquarters and Laredo; Rosa (e-mail on her account only) hosts
    Laredo; nobody hosts the targeting center; a retired host of Laredo is inactive."""
    coordinator = users[Role.IVP_COORDINATOR]
    lupe = Staff.objects.create(
        kind="site_host",
        given_name="Lupe",
        family_name="Ortiz",
        email="lupe@example.gov",
        user=users[Role.SITE_HOST],
    )
    rosa = Staff.objects.create(
        kind="site_host",
        given_name="Rosa",
        family_name="Diaz",
        user=make_user(Role.SITE_HOST, email="rosa@example.gov"),
    )
    retired = Staff.objects.create(
        kind="site_host",
        given_name="Old",
        family_name="Host",
        email="old@example.gov",
        active=False,
    )
    lupe.hosted_sites.add(sites["hq"], sites["laredo"])
    rosa.hosted_sites.add(sites["laredo"])
    retired.hosted_sites.add(sites["laredo"])
    visit = make_visit(agency=make_agency("PE", "Customs Service"))
    head = make_person("Ana", "Quispe", passport_number="PX1234567", birth_date=date(1971, 3, 14))
    services.delegate_add(actor=coordinator, visit=visit, person=head, role="head")
    services.visit_start_planning(actor=coordinator, visit=visit)
    Stop.objects.create(visit=visit, site=sites["hq"], day=START)
    Stop.objects.create(visit=visit, site=sites["laredo"], day=START + timedelta(1))
    Stop.objects.create(visit=visit, site=sites["ntc"], day=START + timedelta(2))
    return visit


def _work() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def test_each_host_gets_one_mail_through_the_queue(users, planned, settings):
    settings.BASE_URL = "https://liaison.example.gov"
    services.visit_request_sites(actor=users[Role.IVP_COORDINATOR], visit=planned)

    queued = DBTaskResult.objects.order_by("enqueued_at")
    assert queued.count() == 2
    assert {row.task_path for row in queued} == {"liaison.visits.tasks.host_request_mail"}
    assert mail.outbox == []

    _work()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["lupe@example.gov", "rosa@example.gov"]
    assert len(mail.outbox) == 2

    lupe = by_address["lupe@example.gov"]
    assert lupe.subject == "Visit request: delegation from Peru, 2 stops at your sites"
    for fact in (
        f"Visit: {planned.pk}",
        "Peru, Customs Service of PE, 3 officials",
        f"{START:%A} {START.day} {START:%B %Y}: HQ (Washington, DC)",
        "POE-LRD (Laredo, TX)",
        "https://liaison.example.gov" + reverse("visits:host_inbox"),
    ):
        assert fact in lupe.body, fact
    assert "NTC" not in lupe.body

    rosa = by_address["rosa@example.gov"]
    day = START + timedelta(1)
    assert (
        rosa.subject == f"Visit request: delegation from Peru at POE-LRD on {day.day} {day:%b %Y}"
    )
    assert "HQ" not in rosa.body

    for message in mail.outbox:
        text = message.subject + message.body
        for secret in ("PX1234567", "1971", "Quispe", "Ana"):
            assert secret not in text
    assert AuditEntry.objects.filter(action="visit.host_mailed").count() == 2


def test_a_host_who_answered_before_the_mail_went_out_is_not_asked_again(users, planned):
    services.visit_request_sites(actor=users[Role.IVP_COORDINATOR], visit=planned)
    laredo = planned.stops.get(site__code="POE-LRD")
    services.stop_answer(actor=users[Role.SITE_HOST], stop=laredo, accept=True)
    _work()
    assert [message.to for message in mail.outbox] == [["lupe@example.gov"]]
    assert "POE-LRD" not in mail.outbox[0].body
    assert laredo.visit.stops.get(pk=laredo.pk).answer == HostAnswer.ACCEPTED


def test_a_request_rolled_back_queues_nothing(users, planned):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.visit_request_sites(actor=users[Role.IVP_COORDINATOR], visit=planned)
        raise RuntimeError("the page failed after the service")
    assert not DBTaskResult.objects.exists()
    _work()
    assert mail.outbox == []
