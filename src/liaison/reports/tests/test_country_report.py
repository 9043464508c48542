"""A country report: one partner's fiscal year across the programs, as a page and a PDF, for
headquarters and the attaché of the country's region only; its PDF downloads are recorded."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdf
import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.agreements import services as agreement_services
from liaison.audit.models import AuditEntry
from liaison.catalog.models import Course, FundingSource, Venue
from liaison.catalog.services import reference_catalog_load
from liaison.partners.models import Country
from liaison.reports.country import country_report
from liaison.training.models import Delivery, Enrollment
from liaison.training.services import delivery_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def peru_agreement(users, make_agency, frozen_today):
    """Peru's CMAA, signed on 4 May 2015 (FY2015) and in force from 1 October 2015 (FY2016)."""
    manager = users[Role.PROGRAM_MANAGER]
    agency = make_agency("PE")
    agreement = agreement_services.agreement_create(
        actor=manager, country=agency.country, counterpart=agency
    )
    agreement_services.agreement_sign(actor=manager, agreement=agreement, on=date(2015, 5, 4))
    agreement_services.agreement_enter_into_force(
        actor=manager, agreement=agreement, on=date(2015, 10, 1)
    )
    return agreement


def test_the_agreement_activity_is_that_of_the_year_asked_for(users, peru_agreement):
    peru = Country.objects.get(code="PE")
    manager = users[Role.PROGRAM_MANAGER]
    fy2015 = country_report(user=manager, country=peru, fiscal_year=2015)
    assert fy2015.agreements is not None
    assert fy2015.agreements.events == [(date(2015, 5, 4), "Signed")]
    assert "signed on 4 May 2015" in " ".join(fy2015.summary)
    fy2016 = country_report(user=manager, country=peru, fiscal_year=2016)
    assert fy2016.agreements is not None
    assert fy2016.agreements.events == [(date(2015, 10, 1), "Entered into force")]


def test_an_attache_reads_the_countries_of_their_region_only(client, users, make_user, reference):
    client.force_login(users[Role.ATTACHE])  # Western Hemisphere
    assert client.get(reverse("reports:country_report", args=["PE"])).status_code == 200
    assert client.get(reverse("reports:country_report", args=["FR"])).status_code == 403
    client.force_login(users[Role.SPONSOR])
    assert client.get(reverse("reports:country_report", args=["PE"])).status_code == 403


def test_a_year_that_cannot_be_read_shows_the_last_closed_one_and_says_so(
    client, users, frozen_today
):
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = client.get(reverse("reports:country_report", args=["PE"]) + "?fy=20x5")
    assert response.status_code == 200
    assert "No report for fiscal year “20X5”: showing FY2025 instead." in response.content.decode()


def test_the_country_page_links_to_the_report_with_a_fiscal_year_picker(
    client, users, frozen_today
):
    client.force_login(users[Role.PROGRAM_MANAGER])
    page = client.get(reverse("partners:country_detail", args=["PE"])).content.decode()
    assert f'action="{reverse("reports:country_report", args=["PE"])}"' in page
    assert '<option value="2015">FY2015</option>' in page
    client.force_login(users[Role.SPONSOR])
    page = client.get(reverse("partners:country_detail", args=["PE"])).content.decode()
    assert "Open the country report" not in page


def test_the_pdf_holds_the_year_and_its_download_is_recorded(client, users, peru_agreement):
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = client.get(reverse("reports:country_report_pdf", args=["PE"]) + "?fy=2015")
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Peru: Fiscal Year 2015" in text
    assert "Signed on 4 May 2015" in text
    entry = AuditEntry.objects.get(action="country_report.downloaded")
    assert entry.changes["file"][1] == "country-report-PE-fy2015.pdf"


def _delivery_in_fy2015(manager):
    """A delivery at ILEA San Salvador, moved to March 2015 once planned."""
    course = Course.objects.get(code="LBI-101")
    starts_on = date.today() + timedelta(days=30)
    delivery = delivery_create(
        actor=manager,
        course=course,
        venue=Venue.objects.get(code="ILEA-SAL"),
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=4),
        funding_source=FundingSource.objects.get(code="INL"),
        capacity=20,
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        starts_on=date(2015, 3, 3), ends_on=date(2015, 3, 7)
    )


def _queries(user, country):
    with CaptureQueriesContext(connection) as captured:
        report = country_report(user=user, country=country, fiscal_year=2015)
        render_to_string("reports/country_report.html", {"report": report, "years": [2015]})
    return len(captured.captured_queries), report


def test_the_report_takes_as_many_queries_however_many_sessions_the_year_held(users, frozen_today):
    reference_catalog_load()
    manager = users[Role.PROGRAM_MANAGER]
    salvador = Country.objects.get(code="SV")
    _delivery_in_fy2015(manager)
    few, report = _queries(manager, salvador)
    assert report.training is not None and len(report.training.hosted) == 1
    for _ in range(3):
        _delivery_in_fy2015(manager)
    many, report = _queries(manager, salvador)
    assert report.training is not None and len(report.training.hosted) == 4
    assert many == few
    assert "El Salvador hosted four training sessions" in " ".join(report.summary)


def test_the_report_evaluates_the_country_s_officials_training(users, frozen_today, make_person):
    reference_catalog_load()
    manager = users[Role.PROGRAM_MANAGER]
    _delivery_in_fy2015(manager)
    delivery = Delivery.objects.get()
    for given, pre, post in (("Ana", 40, 80), ("Luz", 60, 90)):
        Enrollment.objects.create(
            delivery=delivery,
            person=make_person(given, "Quispe", nationality="PE"),
            status="attended",
            pre_score=pre,
            post_score=post,
        )
    report = country_report(user=manager, country=Country.objects.get(code="PE"), fiscal_year=2015)
    assert report.evaluation is not None and report.evaluation.training is not None
    html = render_to_string("reports/country_report.html", {"report": report, "years": [2015]})
    section = html.split('id="cr-evaluation"', 1)[1]
    assert (
        "Learning (level 2): 2 tested before and after, from 50.0 to 85.0, a gain of 35.0 points"
        in section
    )
    assert "no end-of-course survey" in section
    # The attaché of the region reads the same, through training's own scope of deliveries.
    attache = country_report(
        user=users[Role.ATTACHE], country=Country.objects.get(code="PE"), fiscal_year=2015
    )
    assert attache.evaluation is not None and attache.evaluation.training is not None
