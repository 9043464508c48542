"""The itinerary: planned stops get their times from one day schedule; the page and the PDF show
the delegation by name and role, then day by day the sites, times, addresses and hosts, to
whoever may see the visit and nobody else."""

from __future__ import annotations

import re
import zlib
from datetime import time, timedelta

import pytest
from django.urls import reverse

from liaison.accounts.roles import Role
from liaison.people.models import Staff
from liaison.visits import selectors, services
from liaison.visits.models import DelegateRole, SiteFocus
from liaison.visits.tests.conftest import START

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(users):
    return users[Role.IVP_COORDINATOR]


@pytest.fixture
def shown(sites, focus):
    """Laredo shows land-border work, the targeting center targeting, HQ a little of both;
    each at its real place, so the moves between them have a length."""
    for site, (lat, lon) in {
        "hq": (38.89, -77.03),
        "ntc": (39.01, -77.43),
        "laredo": (27.50, -99.50),
    }.items():
        sites[site].latitude, sites[site].longitude = lat, lon
        sites[site].save()
    SiteFocus.objects.create(
        site=sites["laredo"], focus_area=focus["land_border_operations"], strength=3
    )
    SiteFocus.objects.create(site=sites["ntc"], focus_area=focus["targeting_risk"], strength=3)
    SiteFocus.objects.create(site=sites["hq"], focus_area=focus["targeting_risk"], strength=1)
    sites["laredo"].address = "0 Lincoln-Juarez Bridge, Laredo, TX 78040"
    sites["laredo"].save()
    return sites


@pytest.fixture
def planned(users, coordinator, make_visit, make_person, shown):
    """A Peruvian visit planned over three sites, Laredo hosted by a named host, with a head of
    delegation (whose passport number is on file) and a member."""
    host = Staff.objects.create(
        kind="site_host", given_name="Rosa", family_name="Garza", user=users[Role.SITE_HOST]
    )
    shown["laredo"].hosts.add(host)
    visit = make_visit()
    services.delegate_add(
        actor=coordinator,
        visit=visit,
        person=make_person("Ana", "Quispe", passport_number="PX1234567"),
        role=DelegateRole.HEAD,
    )
    services.delegate_add(actor=coordinator, visit=visit, person=make_person("Luis", "Mamani"))
    services.visit_start_planning(actor=coordinator, visit=visit)
    services.visit_plan(actor=coordinator, visit=visit)
    return visit


# --- the day schedule ------------------------------------------------------------------------


def test_the_day_schedule_puts_stops_at_nine_one_and_half_past_three():
    assert selectors.stop_times(3) == [time(9, 0), time(13, 0), time(15, 30)]
    assert selectors.stop_times(1) == [time(9, 0)]
    assert selectors.stop_times(0) == []


def test_a_day_that_starts_with_a_long_move_has_its_stop_in_the_afternoon():
    assert selectors.stop_times(1, move_km=501) == [time(14, 0)]
    assert selectors.stop_times(1, move_km=500) == [time(9, 0)]


def test_past_the_schedule_each_stop_comes_two_and_a_half_hours_later():
    assert selectors.stop_times(4)[-1] == time(18, 0)


def test_planning_times_every_stop_by_the_schedule(coordinator, make_visit, shown):
    monday = START + timedelta(days=7 - START.weekday())
    visit = make_visit(earliest_start=monday, latest_end=monday + timedelta(days=4))
    services.visit_start_planning(actor=coordinator, visit=visit)
    itinerary = services.visit_plan(actor=coordinator, visit=visit).itinerary
    assert itinerary is not None
    times = {(s.site_id, s.day): s.starts_at for s in visit.stops.all()}
    for day in itinerary.days:
        expected = selectors.stop_times(len(day.stops), move_km=day.move_km)
        assert [times[(stop.site_id, day.date)] for stop in day.stops] == expected
    assert times[(shown["hq"].pk, monday)] == time(9, 0)


def test_a_stop_reached_by_a_long_move_that_morning_is_at_two(coordinator, make_visit, shown):
    # Two days: the briefing in Washington on Monday, Laredo (some 2,000 km away) on Tuesday.
    monday = START + timedelta(days=7 - START.weekday())
    visit = make_visit(earliest_start=monday, latest_end=monday + timedelta(days=1), length_days=2)
    visit.must_see.add(shown["laredo"])
    services.visit_start_planning(actor=coordinator, visit=visit)
    services.visit_plan(actor=coordinator, visit=visit)
    times = {(s.site.code, s.day): s.starts_at for s in visit.stops.select_related("site")}
    assert times == {
        ("HQ", monday): time(9, 0),
        ("POE-LRD", monday + timedelta(days=1)): time(14, 0),
    }


# --- the page --------------------------------------------------------------------------------


def test_the_itinerary_shows_the_delegation_and_each_day(client, coordinator, planned):
    client.force_login(coordinator)
    response = client.get(reverse("visits:itinerary", args=[planned.pk]))
    assert response.status_code == 200
    page = response.content.decode("utf-8-sig")
    assert "Ana Quispe" in page and "Head of delegation" in page and "Luis Mamani" in page
    assert "PX1234567" not in page
    days = response.context["days"]
    assert [day.number for day in days] == list(range(1, planned.length_days + 1))
    assert days[0].date == planned.starts_on and days[-1].date == planned.ends_on
    for stop in planned.stops.select_related("site"):
        assert stop.site.name in page
        assert f"{stop.starts_at:%H:%M}" in page
    assert "Rosa Garza" in page
    assert "0 Lincoln-Juarez Bridge, Laredo, TX 78040" in page
    assert "Sterling, VA" in page  # no street address: the city and state
    assert "Planned, not yet asked" in page
    assert f"Arrival in {days[0].city}." in page


def test_a_day_after_a_move_says_where_from_and_how_far(client, coordinator, planned):
    client.force_login(coordinator)
    days = client.get(reverse("visits:itinerary", args=[planned.pk])).context["days"]
    moves = [day.move for day in days[1:] if day.move.startswith("Travel from")]
    assert moves and all(move.endswith("km.") for move in moves)


def test_an_unplanned_visit_says_it_has_no_itinerary_yet(client, coordinator, make_visit):
    visit = make_visit()
    client.force_login(coordinator)
    response = client.get(reverse("visits:itinerary", args=[visit.pk]))
    assert response.status_code == 200
    assert "has no itinerary yet" in response.content.decode("utf-8-sig")


@pytest.mark.parametrize("role", [Role.PROGRAM_MANAGER, Role.ADMINISTRATOR, Role.ATTACHE])
def test_headquarters_and_the_regions_attache_read_it(client, users, planned, role):
    client.force_login(users[role])
    assert client.get(reverse("visits:itinerary", args=[planned.pk])).status_code == 200


def test_an_attache_of_another_region_gets_403(client, make_user, planned):
    client.force_login(make_user(Role.ATTACHE, region="EUR"))
    assert client.get(reverse("visits:itinerary", args=[planned.pk])).status_code == 403
    assert client.get(reverse("visits:itinerary_pdf", args=[planned.pk])).status_code == 403


@pytest.mark.parametrize(
    "role", [Role.SITE_HOST, Role.TRAINING_ADVISOR, Role.VETTING_OFFICER, Role.SPONSOR]
)
def test_a_site_host_and_roles_without_visits_get_403(client, users, planned, role):
    # The site host hosts Laredo, on this itinerary: still not theirs to read.
    client.force_login(users[role])
    assert client.get(reverse("visits:itinerary", args=[planned.pk])).status_code == 403
    assert client.get(reverse("visits:itinerary_pdf", args=[planned.pk])).status_code == 403


def test_the_pdf_is_an_a4_attachment(client, coordinator, planned):
    client.force_login(coordinator)
    response = client.get(reverse("visits:itinerary_pdf", args=[planned.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="itinerary-{planned.pk}.pdf"'
    assert response.content.startswith(b"%PDF")
    # A4 portrait: 595 x 842 points, in the (compressed) page objects.
    assert re.search(rb"/MediaBox \[0 0 595\.\d+ 841\.\d+\]", _inflated(response.content))


def _inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams inflated, to read its page objects.

    Each stream is read up to ``endstream`` with its end-of-line, which the decompressor leaves
    over: a compressed stream may itself end in a carriage return (one in 256 do, depending
    on the visit's id), which an optional ``\\r`` in the pattern would cut off."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        try:
            parts.append(zlib.decompressobj().decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)
