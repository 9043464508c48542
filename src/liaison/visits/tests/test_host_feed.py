"""A host's iCal feed: one event per accepted stop of a live visit, timed or all-day, behind a
secret address that only its host makes (by a POST: showing the page writes nothing), sees and
can reset; an unknown address is 404."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.people.models import Staff
from liaison.visits import services
from liaison.visits.models import HostAnswer, HostFeed, Stop
from liaison.visits.tests.conftest import START

pytestmark = pytest.mark.django_db


@pytest.fixture
def host_staff(users, sites):
    staff = Staff.objects.create(
        kind="site_host", given_name="Lupe", family_name="Ortiz", user=users[Role.SITE_HOST]
    )
    staff.hosted_sites.add(sites["laredo"], sites["hq"])
    return staff


@pytest.fixture
def accepted(users, sites, make_visit, make_agency, host_staff):
    """Peru's visit: Laredo accepted at 09:30, headquarters accepted all day, the targeting
    center (not hers) accepted; Jordan's visit accepted at Laredo but then cancelled."""
    coordinator = users[Role.IVP_COORDINATOR]
    peru = make_visit(agency=make_agency("PE", "Customs Service"))
    sites["laredo"].address = "1 Bridge Street"
    sites["laredo"].save()
    stops = [
        Stop.objects.create(
            visit=peru,
            site=sites["laredo"],
            day=START,
            starts_at=time(9, 30),
            answer=HostAnswer.ACCEPTED,
        ),
        Stop.objects.create(
            visit=peru, site=sites["hq"], day=START + timedelta(1), answer=HostAnswer.ACCEPTED
        ),
        Stop.objects.create(
            visit=peru, site=sites["ntc"], day=START + timedelta(2), answer=HostAnswer.ACCEPTED
        ),
        Stop.objects.create(
            visit=peru, site=sites["laredo"], day=START + timedelta(3), answer=HostAnswer.ASKED
        ),
    ]
    jordan = make_visit(code="JO")
    Stop.objects.create(visit=jordan, site=sites["laredo"], day=START, answer=HostAnswer.ACCEPTED)
    services.visit_cancel(actor=coordinator, visit=jordan, reason="Travel ban")
    return stops


def _feed(token: str):
    return Client().get(reverse("visits_public:host_feed", args=[token]))


def test_the_feed_carries_each_accepted_stop_of_a_live_visit(client, users, accepted):
    host = users[Role.SITE_HOST]
    client.force_login(host)
    client.post(reverse("visits:host_calendar_create"))
    page = client.get(reverse("visits:host_calendar"))
    feed = HostFeed.objects.get(staff__user=host)
    assert page.context["url"].endswith(f"/visits/calendar/{feed.token}.ics")
    assert feed.token in page.content.decode("utf-8-sig")

    response = _feed(feed.token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    laredo, hq = accepted[0], accepted[1]
    assert [str(e["uid"]) for e in events] == [
        f"stop-{laredo.pk}@liaison.visits",
        f"stop-{hq.pk}@liaison.visits",
    ]
    timed, all_day = events
    assert str(timed["summary"]) == "Visit: delegation from Peru (Customs Service of PE)"
    assert str(timed["location"]) == "POE-LRD, 1 Bridge Street, Laredo, TX"
    assert timed.decoded("dtstart").isoformat() == f"{START.isoformat()}T09:30:00"
    assert all_day.decoded("dtstart") == START + timedelta(1)
    assert all_day.decoded("dtend") == START + timedelta(2)
    assert str(all_day["location"]) == "HQ, Washington, DC"
    assert "Delegation of 3 officials" in str(all_day["description"])


def test_an_unknown_address_is_404(accepted):
    assert _feed("not-a-token").status_code == 404


def test_resetting_changes_the_address_and_the_old_one_stops_working(client, users, accepted):
    host = users[Role.SITE_HOST]
    client.force_login(host)
    client.post(reverse("visits:host_calendar_create"))
    old = HostFeed.objects.get().token
    page = client.get(reverse("visits:host_calendar"))
    assert HostFeed.objects.get().token == old
    assert "Reset your calendar address" in page.content.decode("utf-8-sig")

    response = client.post(reverse("visits:host_calendar_reset"))
    assert response.status_code == 302
    new = HostFeed.objects.get().token
    assert new != old
    assert _feed(old).status_code == 404
    assert _feed(new).status_code == 200
    assert list(
        AuditEntry.objects.filter(action__startswith="host_feed.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["host_feed.created", "host_feed.reset"]


def test_a_feed_is_its_hosts_alone(users, make_user, host_staff):
    services.host_feed_create(actor=users[Role.SITE_HOST], staff=host_staff)
    other = make_user(Role.SITE_HOST)
    for actor in (other, users[Role.IVP_COORDINATOR], users[Role.ADMINISTRATOR]):
        with pytest.raises(PermissionDenied):
            services.host_feed_create(actor=actor, staff=host_staff)
        with pytest.raises(PermissionDenied):
            services.host_feed_reset(actor=actor, feed=host_staff.visit_feed)
    assert HostFeed.objects.count() == 1


def test_a_host_without_a_staff_record_is_told_so(client, make_user):
    client.force_login(make_user(Role.SITE_HOST))
    page = client.get(reverse("visits:host_calendar"))
    assert page.context["feed"] is None
    assert "not linked to a staff record" in page.content.decode("utf-8-sig")
    assert not HostFeed.objects.exists()


def _feed_audit() -> list[str]:
    return list(
        AuditEntry.objects.filter(action__startswith="host_feed.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_showing_the_calendar_page_makes_no_address(client, users, host_staff):
    client.force_login(users[Role.SITE_HOST])
    for _ in range(2):
        page = client.get(reverse("visits:host_calendar"))
        assert page.status_code == 200
        assert page.context["feed"] is None
    html = page.content.decode("utf-8-sig")
    assert "Make your calendar address" in html
    assert reverse("visits:host_calendar_create") in html
    assert not HostFeed.objects.exists()
    assert _feed_audit() == []


def test_the_host_makes_their_address_by_posting_once(client, users, host_staff):
    client.force_login(users[Role.SITE_HOST])
    response = client.post(reverse("visits:host_calendar_create"))
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:host_calendar")
    feed = HostFeed.objects.get()
    assert feed.staff == host_staff
    # Posted again (a double click), the host keeps the address they have.
    client.post(reverse("visits:host_calendar_create"))
    assert list(HostFeed.objects.values_list("token", flat=True)) == [feed.token]
    assert _feed_audit() == ["host_feed.created"]
    page = client.get(reverse("visits:host_calendar"))
    assert page.context["feed"] == feed
    assert feed.token in page.content.decode("utf-8-sig")


@pytest.mark.parametrize(
    "role", [Role.IVP_COORDINATOR, Role.ADMINISTRATOR, Role.ATTACHE, Role.TRAINING_ADVISOR]
)
def test_only_a_site_host_may_make_a_calendar_address(client, users, host_staff, role):
    client.force_login(users[role])
    assert client.post(reverse("visits:host_calendar_create")).status_code == 403
    assert client.get(reverse("visits:host_calendar")).status_code == 403
    assert not HostFeed.objects.exists()


def test_a_host_without_a_staff_record_cannot_make_an_address(client, make_user):
    client.force_login(make_user(Role.SITE_HOST))
    response = client.post(reverse("visits:host_calendar_create"), follow=True)
    assert "not linked to a staff record" in response.content.decode("utf-8-sig")
    assert not HostFeed.objects.exists()
