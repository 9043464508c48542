"""The sponsor report: one funding source's year per country (activities, number trained with a
student counted once per country and once in the total, budget and actual cost, visits), as a
page and an inert CSV/XLSX file; a sponsor reads only their own source."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from liaison.accounts.roles import Role
from liaison.catalog.models import FundingSource
from liaison.core.fiscal import FiscalYear
from liaison.reports.sponsor import sponsor_report
from liaison.training.models import DeliveryStatus

pytestmark = pytest.mark.django_db

URL = reverse("reports:sponsor")


@pytest.fixture
def inl_year(make_delivery, seat, make_visit, crowd):
    ana, luz, eva = crowd(3)
    first = make_delivery(funding="INL", budget=10000, actual=9000)  # El Salvador
    second = make_delivery(funding="INL", budget=5000, actual=6000, course="INT-101")
    lima = make_delivery(venue="RTC-LIM", funding="INL", budget=2000)  # Peru
    for delivery in (first, second):
        seat(delivery, ana)  # trained twice in El Salvador: counted once there
    seat(lima, ana)  # and once in Peru; once in the total
    seat(first, luz)
    make_delivery(funding="INL", status=DeliveryStatus.CANCELLED, budget=99999)
    make_delivery(funding="DOD", budget=77777)  # another source's
    make_delivery(funding="INL", starts_on=date(2015, 10, 1), budget=55555)  # FY2016
    make_visit(country="PE", sponsor="INL", delegates=[eva])
    make_visit(country="PE", sponsor="DOD", delegates=[luz])


def test_per_country_a_student_counted_once_and_costs(users, inl_year):
    manager = users[Role.PROGRAM_MANAGER]
    inl = FundingSource.objects.get(code="INL")
    report = sponsor_report(user=manager, fy=FiscalYear(2015), source=inl)
    rows = {r.code: r for r in report.rows}
    assert set(rows) == {"SV", "PE"}
    salvador, peru = rows["SV"], rows["PE"]
    assert (salvador.deliveries, salvador.trained) == (2, 2)
    assert (salvador.budget, salvador.actual) == (15000, 15000)
    assert (peru.deliveries, peru.trained, peru.budget, peru.visits, peru.officials) == (
        1,
        1,
        2000,
        1,
        1,
    )
    assert (report.deliveries, report.trained, report.budget, report.actual) == (3, 2, 17000, 15000)


def test_the_page_and_its_files(client, users, inl_year):
    client.force_login(users[Role.PROGRAM_MANAGER])
    page = client.get(URL, {"fiscal_year": 2015, "funding_source": "INL"})
    html = page.content.decode()
    assert '<th scope="row">El Salvador</th><td>2</td><td>2</td><td>$15,000</td>' in html
    assert "3 training activities for 2 people trained" in html
    file = client.get(URL, {"fiscal_year": 2015, "funding_source": "INL", "format": "csv"})
    assert file["Content-Disposition"].endswith('sponsor-INL-FY2015.csv"')
    rows = list(csv.reader(io.StringIO(file.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Country", "ISO code", "Training activities", "Number trained"]
    assert ["El Salvador", "SV", "2", "2", "15000", "15000", "0", "0"] in [
        [cell.removesuffix(".00") for cell in row] for row in rows[1:]
    ]
    book = client.get(URL, {"fiscal_year": 2015, "funding_source": "INL", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert [c.value for c in sheet[1]][:2] == ["Country", "ISO code"]
    assert sheet.max_row == 3


def test_headquarters_choose_a_source_first(client, users, inl_year):
    client.force_login(users[Role.ADMINISTRATOR])
    html = client.get(URL).content.decode()
    assert "Choose a funding source to see what it paid for." in html
    assert client.get(URL, {"funding_source": "NOPE"}).status_code == 404


def test_a_sponsor_reads_their_own_source_and_is_refused_another(client, users, inl_year):
    sponsor = users[Role.SPONSOR]
    sponsor.funding_source = FundingSource.objects.get(code="INL")
    sponsor.save()
    client.force_login(sponsor)
    html = client.get(URL, {"fiscal_year": 2015}).content.decode()
    assert "INL — " in html and "El Salvador" in html
    assert client.get(URL, {"funding_source": "DOD"}).status_code == 403
    assert client.get(URL, {"funding_source": "DOD", "format": "csv"}).status_code == 403


def test_a_source_that_paid_for_nothing_says_so(client, users, inl_year):
    client.force_login(users[Role.PROGRAM_MANAGER])
    html = client.get(URL, {"fiscal_year": 2015, "funding_source": "USAID"}).content.decode()
    assert "USAID paid for no training or visit in FY2015." in html
