"""A country's page on the demo: every program's section shows what that program holds about
the country (no "None yet" beside years of deliveries), counted by the fiscal-year rules."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db.models import Count
from django.utils import timezone

from liaison.accounts.models import User
from liaison.accounts.roles import Role
from liaison.agreements.models import Agreement, AgreementStatus
from liaison.agreements.selectors import country_agreements_summary
from liaison.capacity.models import Program
from liaison.conftest import Demo
from liaison.core.fiscal import fiscal_year_of, fiscal_year_of_field
from liaison.partners.models import Country
from liaison.postings.selectors import postings_covering
from liaison.training.models import Delivery, DeliveryStatus, Enrollment, EnrollmentStatus
from liaison.visits.models import Delegate, Visit
from liaison.visits.report import HELD

pytestmark = pytest.mark.django_db


def _sign_in(client, role: Role) -> User:
    user = User.objects.filter(role=role, is_active=True).order_by("pk").first()
    assert user is not None
    client.force_login(user)
    return user


def _row(html: str, fiscal_year: int) -> str:
    cell = f'<th scope="row">FY{fiscal_year}</th>'
    return html.split(cell, 1)[1].split("</tr>", 1)[0]


def test_el_salvador_shows_its_deliveries_and_officials_trained_by_fiscal_year(
    client, shared_demo: Demo
):
    _sign_in(client, Role.PROGRAM_MANAGER)
    html = client.get("/partners/countries/SV/").content.decode()

    salvador = Country.objects.get(code="SV")
    hosted = Counter(
        fiscal_year_of(d.starts_on).year
        for d in Delivery.objects.filter(country=salvador).exclude(status=DeliveryStatus.CANCELLED)
    )
    trained: dict[int, set[int]] = {}
    for e in (
        Enrollment.objects.filter(person__nationality=salvador, status=EnrollmentStatus.ATTENDED)
        .exclude(delivery__status=DeliveryStatus.CANCELLED)
        .select_related("delivery")
    ):
        trained.setdefault(fiscal_year_of(e.delivery.starts_on).year, set()).add(e.person_id)
    assert hosted[2015] > 0, "the demo holds ILEA San Salvador deliveries in FY2015"
    assert "None yet" not in html
    for year in set(hosted) | set(trained):
        cells = _row(html, year)
        figures = (hosted.get(year, 0), len(trained.get(year, ())))
        assert "".join(f'<td class="text-right">{n}</td>' for n in figures) in cells
    assert "All deliveries in El Salvador" in html


def test_a_countrys_visits_to_the_united_states_are_counted_by_fiscal_year(
    client, shared_demo: Demo
):
    country = Country.objects.filter(visits__status__in=HELD).order_by("code").distinct().first()
    assert country is not None
    _sign_in(client, Role.IVP_COORDINATOR)
    html = client.get(f"/partners/countries/{country.code}/").content.decode()

    held = Visit.objects.filter(country=country, status__in=HELD, starts_on__isnull=False)
    starts = {pk: day for pk, day in held.values_list("pk", "starts_on") if day is not None}
    visits = Counter(fiscal_year_of(day).year for day in starts.values())
    officials = Counter(
        fiscal_year_of(starts[visit]).year
        for visit in Delegate.objects.filter(visit__in=held).values_list("visit", flat=True)
    )
    for year, count in visits.items():
        cells = _row(html.split('id="visits-heading"', 1)[1], year)
        assert (
            f'<td class="text-right">{count}</td><td class="text-right">{officials[year]}</td>'
            in cells
        )


def test_each_section_shows_only_to_those_who_see_its_program(client, shared_demo: Demo):
    _sign_in(client, Role.SITE_HOST)
    assert client.get("/partners/countries/SV/").status_code == 403

    _sign_in(client, Role.ATTACHE)  # the demo's attaché covers WHA, El Salvador's region
    html = client.get("/partners/countries/SV/").content.decode()
    assert 'id="training-heading"' in html and 'id="visits-heading"' in html

    _sign_in(client, Role.VETTING_OFFICER)
    html = client.get("/partners/countries/SV/").content.decode()
    assert 'id="training-heading"' in html and 'id="visits-heading"' not in html


def test_the_page_reads_each_section_in_a_fixed_number_of_queries(
    client, shared_demo: Demo, django_assert_max_num_queries
):
    _sign_in(client, Role.PROGRAM_MANAGER)
    busiest = (
        Delivery.objects.values("country__code").order_by().annotate(n=Count("id")).order_by("-n")
    )
    for row in busiest[:1]:
        with django_assert_max_num_queries(30):
            assert client.get(f"/partners/countries/{row['country__code']}/").status_code == 200


def test_the_database_puts_each_delivery_in_the_fiscal_year_python_does(shared_demo: Demo):
    rows = list(
        Delivery.objects.annotate(fy=fiscal_year_of_field("starts_on")).values_list(
            "starts_on", "fy"
        )
    )
    assert rows and all(fy == fiscal_year_of(day).year for day, fy in rows)


def test_every_program_meets_on_the_country_page(client, shared_demo: Demo):
    """Agreement, attaché coverage and SAFE program come from their apps' data, not "None"."""
    program = Program.objects.select_related("country", "agency").order_by("pk").first()
    assert program is not None
    country = program.country
    manager = _sign_in(client, Role.PROGRAM_MANAGER)
    html = client.get(f"/partners/countries/{country.code}/").content.decode()

    assert program.agency.name in html.split('id="safe-heading"', 1)[1]
    cmaa = html.split('id="cmaa-heading"', 1)[1].split("</section>", 1)[0]
    agreement = country_agreements_summary(user=manager, country=country)
    assert agreement is not None
    if agreement.agreement is None:
        assert "No mutual assistance agreement" in cmaa
    else:
        assert agreement.url in cmaa
    cover = html.split('id="cover-heading"', 1)[1].split("</section>", 1)[0]
    covering = postings_covering(user=manager, country=country, on=timezone.localdate())
    assert covering, "the demo's attachés cover every partner with a program"
    for c in covering:
        assert str(c.posting.staff) in cover


def test_a_country_signed_in_fy2015_shows_its_agreement_in_force(client, shared_demo: Demo):
    _sign_in(client, Role.PROGRAM_MANAGER)
    html = client.get("/partners/countries/CR/").content.decode()
    cmaa = html.split('id="cmaa-heading"', 1)[1].split("</section>", 1)[0]
    agreement = Agreement.objects.get(country__code="CR", status=AgreementStatus.IN_FORCE)
    assert f'href="/agreements/{agreement.pk}/"' in cmaa
    assert "In force" in cmaa and "generated demo data" in cmaa
