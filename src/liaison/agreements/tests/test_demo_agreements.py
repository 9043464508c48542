"""The agreements demo: FY2015 as published (76 in force at its end, five signed that year with
Costa Rica, Gabon, Malaysia, Senegal and Singapore), every agreement saying its data is
generated, and requests in both directions that keep every rule the services enforce."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from liaison.agreements import services
from liaison.agreements.models import (
    OPEN,
    Agreement,
    AgreementStatus,
    AssistanceRequest,
    Direction,
    Document,
    DocumentKind,
    RequestStatus,
)
from liaison.agreements.report import agreement_figures
from liaison.conftest import Demo
from liaison.core.attachments import attachment_check, unseal
from liaison.core.fiscal import FiscalYear, fiscal_year_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(shared_demo: Demo) -> None:
    """The run's demo, built once for every test that reads it."""


def test_fy2015_gives_the_published_figures(demo):
    figures = agreement_figures(FiscalYear(2015))
    assert figures["cmaas_in_force"] == 76
    assert figures["cmaas_signed"] == 5
    assert figures["cmaas_signed_countries"] == ["CR", "GA", "MY", "SG", "SN"]
    assert figures["assistance_requests"] > 100


def test_the_report_command_carries_the_agreement_figures(demo, capsys):
    call_command("report", fy=2015, json=True)
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["cmaas_in_force"] == 76
    assert figures["cmaas_signed"] == 5
    assert figures["cmaas_signed_countries"] == ["CR", "GA", "MY", "SG", "SN"]
    assert (
        figures["assistance_requests"] == agreement_figures(FiscalYear(2015))["assistance_requests"]
    )


def test_every_agreement_says_its_data_is_generated_and_where_its_facts_come_from(demo):
    agreements = list(Agreement.objects.select_related("country"))
    assert agreements and all(a.generated and a.source for a in agreements)
    published = {str(a.country.code): a for a in agreements if a.source.startswith("Published")}
    assert set(published) == {"CR", "GA", "MY", "SG", "SN"}
    assert all(a.signed_on in FiscalYear(2015) for a in published.values())
    for agreement in agreements:
        if str(agreement.country.code) not in published:
            assert agreement.source.startswith("Generated for the demo")
    statuses = Counter(a.status for a in agreements)
    assert set(statuses) == set(AgreementStatus.values)


def test_agreements_keep_their_rules(demo):
    today = timezone.localdate()
    for agreement in Agreement.objects.select_related("country", "counterpart"):
        services._check_counterpart(agreement.country, agreement.counterpart)
        services._check_agreement_dates(agreement)
        for person in agreement.their_contacts.all():
            assert person.nationality_id == agreement.country_id
        assert not (agreement.signed_on and agreement.signed_on > today)


def test_requests_in_both_directions_over_several_years_some_overdue_some_refused(demo):
    requests = AssistanceRequest.objects.all()
    years = Counter(fiscal_year_of(r.received_on).year for r in requests if r.received_on)
    assert {2013, 2014, 2015, 2016, 2017} <= set(years)
    assert {d for d in requests.values_list("direction", flat=True)} == set(Direction.values)
    today = timezone.localdate()
    overdue = requests.filter(status__in=OPEN, due_on__lt=today)
    assert overdue.filter(direction=Direction.INCOMING).exists()
    assert requests.filter(status=RequestStatus.REFUSED, direction=Direction.INCOMING).exists()
    assert requests.filter(status=RequestStatus.REFUSED, direction=Direction.OUTGOING).exists()
    assert requests.filter(status=RequestStatus.DRAFT).exists()
    assert requests.filter(status=RequestStatus.IN_PROGRESS).exists()


def test_every_request_keeps_the_rules_the_services_enforce(demo):
    today = timezone.localdate()
    prefixes: Counter[str] = Counter()
    for request in AssistanceRequest.objects.select_related("agreement__country", "owner"):
        agreement = request.agreement
        if request.status != RequestStatus.DRAFT:
            assert request.received_on is not None and request.received_on <= today
            in_force = Agreement.objects.in_force_on(request.received_on).filter(pk=agreement.pk)
            assert in_force.exists(), request.reference
            assert request.due_on is not None and request.due_on >= request.received_on
        if request.status in OPEN and request.direction == Direction.OUTGOING:
            assert agreement.status == AgreementStatus.IN_FORCE
        if request.answered_on is not None:
            assert request.received_on <= request.answered_on <= today
            assert request.answer_summary
        if request.status == RequestStatus.REFUSED:
            assert request.status_reason
        assert request.owner is not None
        services._check_owner(request, request.owner)
        prefix = services.reference_prefix(
            str(agreement.country.code), request.direction, request.received_on or today
        )
        assert request.reference.startswith(prefix)
        prefixes[prefix] += 1
        if request.direction == Direction.OUTGOING and request.status != RequestStatus.DRAFT:
            # It was sent: its checklist was complete, but for the deadline, which may pass.
            missing = {i.key for i in services.send_checklist(request) if not i.done} - {
                "due_on",
                "agreement",
            }
            assert missing == set(), (request.reference, missing)
    assert (
        AssistanceRequest.objects.count()
        == AssistanceRequest.objects.values("reference").distinct().count()
    )


def test_documents_are_real_checked_pdfs_stored_encrypted(demo):
    documents = Document.objects.all()
    assert documents.filter(kind=DocumentKind.AGREEMENT_TEXT).exists()
    assert documents.filter(kind=DocumentKind.REQUEST_LETTER).exists()
    sample = documents.order_by("pk")[:5]
    for document in sample:
        assert b"%PDF" not in bytes(document.payload)
        data = unseal(document.payload)
        checked = attachment_check(filename=document.filename, data=data)
        assert (checked.sha256, checked.size) == (document.sha256, document.size)


def test_the_demo_attache_and_manager_have_work_now(demo):
    from liaison.accounts.models import User
    from liaison.agreements.selectors import work_for

    manager, attache = User.objects.get(username="manager"), User.objects.get(username="attache")
    assert work_for(user=manager)
    assert AssistanceRequest.objects.filter(owner=attache).exists()


def test_agreement_health_shows_the_partners_safe_maturity_beside_its_requests(shared_demo):
    from liaison.accounts.models import User
    from liaison.agreements.selectors import agreement_health
    from liaison.capacity.selectors import country_capacity_summary

    manager = User.objects.get(username="manager")
    rows = agreement_health(user=manager)
    with_maturity = [h for h in rows if h.safe_maturity is not None]
    assert with_maturity, "a demo partner with a SAFE program has an agreement in force"
    for health in with_maturity:
        summary = country_capacity_summary(user=manager, country=health.agreement.country)
        assert summary is not None
        assert health.safe_maturity in summary.current.values()
