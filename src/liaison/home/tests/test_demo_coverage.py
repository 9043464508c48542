"""Coverage gaps and a tour's handover on the demo: a country with open work appears exactly
when nobody covers it or every covering tour ends before the work does."""

from __future__ import annotations

import pytest
from django.utils import timezone

from liaison.accounts.models import User
from liaison.agreements.models import OPEN, AssistanceRequest
from liaison.conftest import Demo
from liaison.home.coverage import coverage_gaps, work_by_country
from liaison.postings.models import Posting
from liaison.postings.selectors import coverage_on

pytestmark = pytest.mark.django_db


def test_a_country_is_a_gap_exactly_when_its_cover_leaves_before_its_work(shared_demo: Demo):
    manager = User.objects.get(username="manager")
    today = timezone.localdate()
    work = work_by_country(manager, today)
    covering = coverage_on(user=manager, on=today, countries=[w.country for w in work.values()])

    gaps = {g.work.country.pk for g in coverage_gaps(user=manager)}

    assert work, "the demo has open work in partner countries"
    for country_id, entry in work.items():
        covers = covering.get(country_id, [])
        last = max((c.posting.last_day for c in covers), default=None)
        expected = last is None or (entry.until is not None and last < entry.until)
        assert (country_id in gaps) == expected, entry.country.name
    open_requests = AssistanceRequest.objects.filter(status__in=OPEN).values("agreement__country")
    assert {row["agreement__country"] for row in open_requests} <= set(work)


def test_the_gaps_page_names_each_gap(client, shared_demo: Demo):
    manager = User.objects.get(username="manager")
    client.force_login(manager)
    html = client.get("/postings/gaps/").content.decode()
    for gap in coverage_gaps(user=manager):
        assert f'href="/partners/countries/{gap.work.country.code}/"' in html


def test_a_tours_handover_lists_each_country_it_covers_and_its_open_requests(
    client, shared_demo: Demo
):
    posting = (
        Posting.objects.filter(coverage__country__agreements__requests__status__in=OPEN)
        .order_by("pk")
        .first()
    )
    assert posting is not None
    client.force_login(User.objects.get(username="manager"))

    html = client.get(f"/postings/{posting.pk}/handover/").content.decode()

    for coverage in posting.coverage.select_related("country"):
        assert f'id="country-{coverage.country.code}"' in html
        for request in AssistanceRequest.objects.filter(
            agreement__country=coverage.country, status__in=OPEN
        ):
            assert request.reference in html
