"""The day-by-day calendar of all visits: every stop of the live visits in a range (this week
by default), grouped by day then site, empty days said so, a CSV of the range; planners only."""

from __future__ import annotations

import csv
import io
from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.accounts.roles import Role
from liaison.visits import services
from liaison.visits.models import HostAnswer, Stop
from liaison.visits.tests.conftest import START

pytestmark = pytest.mark.django_db

MONDAY = START + timedelta(days=7 - START.weekday())
WEEK = {"first": f"{MONDAY:%Y-%m-%d}", "last": f"{MONDAY + timedelta(days=6):%Y-%m-%d}"}


@pytest.fixture
def coordinator(users):
    return users[Role.IVP_COORDINATOR]


@pytest.fixture
def week(coordinator, make_visit, sites):
    """Three visits in one week: Peru and Mexico both at Laredo on Tuesday (the site hosts
    two a day), Peru at headquarters on Monday; Colombia's visit, cancelled, on Tuesday."""
    sites["laredo"].daily_capacity = 2
    sites["laredo"].save()
    tuesday = MONDAY + timedelta(days=1)
    peru, mexico, colombia = make_visit(), make_visit(code="MX"), make_visit(code="CO")
    Stop.objects.create(visit=peru, site=sites["hq"], day=MONDAY, starts_at=time(9, 0))
    Stop.objects.create(visit=peru, site=sites["laredo"], day=tuesday, starts_at=time(13, 0))
    Stop.objects.create(
        visit=mexico,
        site=sites["laredo"],
        day=tuesday,
        starts_at=time(9, 0),
        answer=HostAnswer.ACCEPTED,
    )
    Stop.objects.create(visit=mexico, site=sites["ntc"], day=tuesday + timedelta(days=1))
    Stop.objects.create(visit=colombia, site=sites["ntc"], day=tuesday, starts_at=time(9, 0))
    services.visit_cancel(actor=coordinator, visit=colombia, reason="Elections at home")
    return {"peru": peru, "mexico": mexico, "colombia": colombia}


def _calendar(client, **query):
    return client.get(reverse("visits:day_calendar"), query)


def test_stops_are_grouped_by_day_then_site(client, coordinator, week, sites):
    client.force_login(coordinator)
    response = _calendar(client, **WEEK)
    assert response.status_code == 200
    days = response.context["days"]
    assert [day.date for day in days] == [MONDAY + timedelta(days=k) for k in range(7)]
    monday, tuesday, wednesday = days[:3]
    assert [(e.site.code, [s.visit for s in e.stops]) for e in monday.sites] == [
        ("HQ", [week["peru"]])
    ]
    # Both delegations at Laredo on Tuesday, under the one site, the earlier first.
    assert [(e.site.code, [s.visit for s in e.stops]) for e in tuesday.sites] == [
        ("POE-LRD", [week["mexico"], week["peru"]])
    ]
    assert [e.site.code for e in wednesday.sites] == ["NTC"]
    page = response.content.decode("utf-8-sig")
    assert "Peru" in page and "Mexico" in page and "Accepted" in page and "09:00" in page


def test_cancelled_visits_are_left_out(client, coordinator, week):
    client.force_login(coordinator)
    response = _calendar(client, **WEEK)
    stops = [s for day in response.context["days"] for e in day.sites for s in e.stops]
    assert week["colombia"] not in {stop.visit for stop in stops}
    assert reverse("visits:visit_detail", args=[week["colombia"].pk]) not in (
        response.content.decode("utf-8-sig")
    )
    assert response.context["stop_count"] == 4


def test_empty_days_say_so(client, coordinator, week):
    client.force_login(coordinator)
    page = _calendar(client, **WEEK).content.decode("utf-8-sig")
    assert page.count("No visits this day.") == 4  # Thursday to Sunday


def test_it_shows_this_week_by_default_with_links_to_the_next(client, coordinator):
    client.force_login(coordinator)
    response = _calendar(client)
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    assert response.context["first"] == this_monday
    assert response.context["last"] == this_monday + timedelta(days=6)
    following = this_monday + timedelta(days=7)
    assert f"first={following:%Y-%m-%d}" in response.context["next"]


def test_a_range_that_ends_before_it_starts_is_refused_with_a_message(client, coordinator):
    client.force_login(coordinator)
    response = _calendar(client, first=WEEK["last"], last=WEEK["first"])
    assert response.status_code == 200
    assert "The range ends before it starts." in response.content.decode("utf-8-sig")


def test_the_csv_lists_the_ranges_stops(client, coordinator, week):
    client.force_login(coordinator)
    response = _calendar(client, format="csv", **WEEK)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["date"], r["site"], r["country"]) for r in rows] == [
        (f"{MONDAY:%Y-%m-%d}", "HQ", "Peru"),
        (f"{MONDAY + timedelta(days=1):%Y-%m-%d}", "POE-LRD", "Mexico"),
        (f"{MONDAY + timedelta(days=1):%Y-%m-%d}", "POE-LRD", "Peru"),
        (f"{MONDAY + timedelta(days=2):%Y-%m-%d}", "NTC", "Mexico"),
    ]
    assert rows[1]["host answer"] == "accepted" and rows[1]["time"] == "09:00"


def test_the_page_reads_a_fixed_number_of_queries(
    client, coordinator, week, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        assert _calendar(client, **WEEK).status_code == 200


@pytest.mark.parametrize(
    "role",
    [Role.ATTACHE, Role.SITE_HOST, Role.TRAINING_ADVISOR, Role.VETTING_OFFICER, Role.SPONSOR],
)
def test_only_planners_see_the_calendar(client, users, week, role):
    client.force_login(users[role])
    assert _calendar(client, **WEEK).status_code == 403
    assert _calendar(client, format="csv", **WEEK).status_code == 403


@pytest.mark.parametrize("role", [Role.PROGRAM_MANAGER, Role.ADMINISTRATOR])
def test_headquarters_see_it(client, users, week, role):
    client.force_login(users[role])
    assert _calendar(client, **WEEK).status_code == 200
