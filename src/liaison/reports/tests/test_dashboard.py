"""The fiscal-year dashboard: its figures, filters (page and htmx fragment), charts and maps
each beside a table, in a number of queries that does not grow with the data; headquarters
read everything, a sponsor only their own funding source."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.catalog.models import FundingSource

pytestmark = pytest.mark.django_db

URL = reverse("reports:dashboard")


def _spec(html: str, key: str) -> dict:
    start = html.index(f'id="{key}-spec"')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


def _map_ids(html: str, key: str) -> set[str]:
    """The countries a world map shades (world-atlas ids): its lookup's inline data, which
    Altair keeps among the specification's datasets."""
    spec = _spec(html, key)
    data = spec["layer"][1]["transform"][0]["from"]["data"]
    rows = data["values"] if "values" in data else spec["datasets"][data["name"]]
    return {row["id"] for row in rows}


@pytest.fixture
def year(make_delivery, seat, make_visit, crowd):
    ana, luz, eva = crowd(3)
    salvador = make_delivery(funding="INL", budget=10000, actual=9000)  # El Salvador, WHA
    bangkok = make_delivery(venue="ILEA-BKK", funding="DOD", course="SCS-101")  # Thailand
    seat(salvador, ana, scores=(40, 80), certified=True)
    seat(bangkok, ana)
    seat(bangkok, luz)
    make_delivery(starts_on=date(2016, 1, 4))  # FY2016
    make_visit(country="PE", sponsor="INL", delegates=[eva])


def test_the_dashboard_shows_the_years_figures_with_charts_maps_and_tables(client, users, year):
    client.force_login(users[Role.PROGRAM_MANAGER])
    html = client.get(URL, {"fiscal_year": 2015}).content.decode()
    assert "FY2015, the whole agency" in html
    assert 'data-figure="deliveries"><strong>2</strong>' in html
    assert 'data-figure="participants-people"><strong>2</strong>' in html
    assert 'data-figure="seats-taken"><strong>3</strong>' in html
    assert 'data-figure="budget"><strong>$10,000</strong>' in html
    assert _map_ids(html, "deliveries-map") == {"222", "764"}  # El Salvador, Thailand
    assert _map_ids(html, "visits-map") == {"604"}  # Peru
    # Each chart has its table: the countries, the program areas, the costs.
    assert '<th scope="row">El Salvador</th><td>1</td><td>1</td>' in html
    assert '<th scope="row">Travel</th><td>$10,000</td><td>$9,000</td>' in html


def test_filtering_changes_the_figures_charts_and_map_in_an_htmx_fragment(client, users, year):
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = client.get(
        URL, {"fiscal_year": 2015, "region": "eap"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html, "htmx gets the results fragment only"
    assert "FY2015, bureau EAP" in html
    assert 'data-figure="deliveries"><strong>1</strong>' in html
    assert _map_ids(html, "deliveries-map") == {"764"}
    assert _map_ids(html, "visits-map") == set()


def test_a_figure_the_filter_cannot_narrow_says_so(client, users, year):
    client.force_login(users[Role.PROGRAM_MANAGER])
    html = client.get(URL, {"fiscal_year": 2015, "program_area": "WCO"}).content.decode()
    assert 'data-figure="deliveries"><strong>1</strong>' in html
    assert 'data-figure="visits"><span class="text-base">Not shown</span>' in html
    assert "Not recorded by program area" in html
    assert 'id="not-narrowed"' in html
    assert "visits-map" not in html


def test_an_unreadable_filter_is_dropped_and_named_not_a_500(client, users, year):
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = client.get(URL, {"fiscal_year": "twenty", "country": "X" * 50})
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("fiscal_year" in m and "country" in m for m in messages)


def test_a_sponsor_reads_only_their_own_funding_source(client, users, year):
    sponsor = users[Role.SPONSOR]
    client.force_login(sponsor)
    assert client.get(URL).status_code == 403, "a sponsor naming no funding source reads nothing"
    sponsor.funding_source = FundingSource.objects.get(code="DOD")
    sponsor.save()
    html = client.get(URL, {"fiscal_year": 2015, "funding_source": "INL"}).content.decode()
    assert "funding source DOD" in html
    assert 'data-figure="deliveries"><strong>1</strong>' in html
    assert _map_ids(html, "deliveries-map") == {"764"}
    assert '<option value="INL"' not in html


@pytest.mark.parametrize("role", [Role.TRAINING_ADVISOR, Role.ATTACHE, Role.SITE_HOST])
def test_other_roles_are_refused(client, users, role):
    client.force_login(users[role])
    assert client.get(URL).status_code == 403


def test_the_dashboard_reads_in_a_number_of_queries_that_does_not_grow(
    client, users, make_delivery, seat, make_visit, crowd, django_assert_num_queries
):
    client.force_login(users[Role.PROGRAM_MANAGER])
    query = {"fiscal_year": 2015, "region": "WHA", "funding_source": "INL"}
    ana, luz = crowd(2)
    seat(make_delivery(budget=1000, actual=900), ana, scores=(40, 80))
    make_visit(delegates=[luz])
    client.get(URL, query)  # sessions and caches warmed
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL, query).status_code == 200
    officials = crowd(30, prefix="Eva")
    for n, person in enumerate(officials):
        delivery = make_delivery(
            venue=("ILEA-SAL", "RTC-LIM")[n % 2],
            course=("LBI-101", "INT-101", "TFI-201")[n % 3],
            budget=1000,
            actual=1100,
        )
        seat(delivery, person, scores=(50, 70), certified=True)
        make_visit(country=("PE", "SV", "MX")[n % 3], delegates=[person])
    with django_assert_num_queries(len(small.captured_queries)):
        html = client.get(URL, query).content.decode()
    assert 'data-figure="deliveries"><strong>31</strong>' in html


def test_reading_the_dashboard_and_the_sponsor_report_writes_nothing(client, users, year):
    client.force_login(users[Role.PROGRAM_MANAGER])
    sponsor_url = reverse("reports:sponsor")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"fiscal_year": 2015, "region": "WHA"}).status_code == 200
        assert client.get(sponsor_url, {"funding_source": "INL"}).status_code == 200
        query = {"funding_source": "INL", "format": "xlsx"}
        assert client.get(sponsor_url, query).status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]
    assert writes == []
