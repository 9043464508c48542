"""On the demo: `liaison report --fy 2015` gives the published FY2015 figures (as JSON and as a
labelled table), the dashboard shows them, narrowed figures add up, and the sponsor report of
a funding source agrees with the dashboard narrowed to it."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.catalog.models import FundingSource
from liaison.conftest import Demo
from liaison.core.fiscal import FiscalYear
from liaison.core.reporting import ReportScope
from liaison.partners.models import Region
from liaison.reports.figures import fiscal_year_figures
from liaison.reports.sponsor import sponsor_report

pytestmark = pytest.mark.django_db

FY2015 = FiscalYear(2015)


@pytest.fixture
def demo(shared_demo: Demo) -> None:
    """The run's demo, built once for every test that reads it."""


def test_the_report_command_gives_the_published_fy2015_figures(demo, capsys):
    call_command("report", fy=2015, json=True)
    figures = json.loads(capsys.readouterr().out)
    assert figures["deliveries"] == 222
    assert figures["delivery_countries"] == 52
    assert figures["ilea_deliveries"] == 22
    assert figures["visits"] == 457
    assert 2500 <= figures["visit_officials"] <= 2600
    assert figures["visit_countries"] == 90
    assert figures["cmaas_in_force"] == 76
    assert figures["cmaas_signed"] == 5
    assert figures["cmaas_signed_countries"] == ["CR", "GA", "MY", "SG", "SN"]
    call_command("report", fy=2015)
    table = capsys.readouterr().out
    assert "Deliveries (training sessions)" in table
    rows = {line.rsplit("  ", 1)[0].strip(): line.split()[-1] for line in table.splitlines()[3:]}
    assert rows["Deliveries (training sessions)"] == "222"
    assert rows["Deliveries at ILEAs"] == "22"
    assert rows["Visits"] == "457"
    assert rows["CMAAs in force at year end"] == "76"


def test_the_bureaus_share_out_the_years_deliveries_and_visits(demo):
    whole = fiscal_year_figures(FY2015)
    by_bureau = [
        fiscal_year_figures(FY2015, ReportScope(region=str(code)))
        for code in Region.objects.values_list("code", flat=True)
    ]
    # Deliveries in the United States (ILEA Roswell, U.S. ports) belong to no bureau.
    us = fiscal_year_figures(FY2015, ReportScope(country="US"))
    assert sum(f["deliveries"] for f in by_bureau) + us["deliveries"] == whole["deliveries"]
    assert sum(f["visits"] for f in by_bureau) + (us["visits"] or 0) == whole["visits"]
    assert sum(f["cmaas_in_force"] for f in by_bureau) + us["cmaas_in_force"] == 76


def test_the_dashboard_shows_fy2015_and_a_sponsor_report_agrees_with_it(client, demo, users):
    client.force_login(users[Role.PROGRAM_MANAGER])
    html = client.get(reverse("reports:dashboard"), {"fiscal_year": 2015}).content.decode()
    assert 'data-figure="deliveries"><strong>222</strong>' in html
    assert 'data-figure="sessions-at-ileas"><strong>22</strong>' in html
    assert 'data-figure="visits"><strong>457</strong>' in html
    assert 'data-figure="cmaas-in-force"><strong>76</strong>' in html
    for source in FundingSource.objects.filter(code__in=["INL", "DOD"]):
        narrowed = fiscal_year_figures(FY2015, ReportScope(funding_source=str(source.code)))
        report = sponsor_report(user=users[Role.PROGRAM_MANAGER], fy=FY2015, source=source)
        assert report.deliveries == narrowed["deliveries"] > 0
        assert report.visits == narrowed["visits"]
        assert report.trained == narrowed["participants"]
        # A student trained in two countries counts in each, once in the total.
        assert sum(r.trained for r in report.rows) >= report.trained


def test_the_demo_sponsor_reads_the_dashboard_of_their_funding_source(client, demo):
    client.force_login(User.objects.get(username="sponsor"))
    html = client.get(reverse("reports:dashboard"), {"fiscal_year": 2015}).content.decode()
    assert "FY2015, funding source INL" in html
    narrowed = fiscal_year_figures(FY2015, ReportScope(funding_source="INL"))
    assert f'data-figure="deliveries"><strong>{narrowed["deliveries"]}</strong>' in html
