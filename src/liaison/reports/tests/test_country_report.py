"""A country report: one partner's fiscal year across the programs, as a page and a PDF, for
headquarters and the attaché of the country's region only; its PDF downloads are recorded."""

from __future__ import annotations

import io
from datetime import date

import pypdf
import pytest
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.agreements import services as agreement_services
from liaison.audit.models import AuditEntry
from liaison.partners.models import Country
from liaison.reports.country import country_report

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
