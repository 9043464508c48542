"""Visit reads keep to the user's scope: an attaché's region, a host's own sites."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from liaison.accounts.roles import Role
from liaison.people.models import Staff
from liaison.visits import selectors
from liaison.visits.models import HostAnswer, Stop
from liaison.visits.tests.conftest import START

pytestmark = pytest.mark.django_db


def test_an_attache_lists_and_opens_only_their_regions_visits(users, make_visit):
    peru, jordan = make_visit(code="PE"), make_visit(code="JO")
    attache = users[Role.ATTACHE]  # WHA
    assert list(selectors.visit_list(user=attache)) == [peru]
    assert selectors.visit_get(user=attache, pk=peru.pk) == peru
    with pytest.raises(PermissionDenied):
        selectors.visit_get(user=attache, pk=jordan.pk)
    assert set(selectors.visit_list(user=users[Role.IVP_COORDINATOR])) == {peru, jordan}
    with pytest.raises(PermissionDenied):
        selectors.visit_list(user=users[Role.SPONSOR])


def test_a_host_sees_only_stops_asked_at_their_own_sites(users, make_visit, sites, make_user):
    host, other = users[Role.SITE_HOST], make_user(Role.SITE_HOST)
    staff = Staff.objects.create(kind="site_host", given_name="L", family_name="O", user=host)
    sites["laredo"].hosts.add(staff)
    visit = make_visit()
    asked = Stop.objects.create(
        visit=visit, site=sites["laredo"], day=START, answer=HostAnswer.ASKED
    )
    Stop.objects.create(visit=visit, site=sites["ntc"], day=START, answer=HostAnswer.ASKED)
    Stop.objects.create(
        visit=visit, site=sites["laredo"], day=START + timedelta(days=1), answer="accepted"
    )
    assert list(selectors.host_inbox(user=host)) == [asked]
    assert list(selectors.host_inbox(user=other)) == []
    assert [s.day for s in selectors.host_accepted_stops(staff_id=staff.pk)] == [
        START + timedelta(days=1)
    ]
    with pytest.raises(PermissionDenied):
        selectors.host_inbox(user=users[Role.IVP_COORDINATOR])


def test_the_day_calendar_shows_held_stops_between_two_dates(users, make_visit, sites):
    visit = make_visit()
    inside = Stop.objects.create(visit=visit, site=sites["hq"], day=START)
    Stop.objects.create(visit=visit, site=sites["ntc"], day=START + timedelta(days=9))
    cancelled = make_visit()
    Stop.objects.create(visit=cancelled, site=sites["laredo"], day=START)
    cancelled.status = "cancelled"
    cancelled.save()
    coordinator = users[Role.IVP_COORDINATOR]
    days = selectors.day_calendar(user=coordinator, first=START, last=START + timedelta(days=3))
    assert list(days) == [inside]
    with pytest.raises(PermissionDenied):
        selectors.day_calendar(user=users[Role.ATTACHE], first=START, last=START)


def test_sites_are_found_by_name_or_city_kind_and_state(users, sites):
    coordinator = users[Role.IVP_COORDINATOR]
    assert list(selectors.site_list(user=coordinator, search="laredo")) == [sites["laredo"]]
    assert list(selectors.site_list(user=coordinator, kind="headquarters")) == [sites["hq"]]
    assert list(selectors.site_list(user=coordinator, state="va")) == [sites["ntc"]]
    with pytest.raises(PermissionDenied):
        selectors.site_list(user=users[Role.SPONSOR])
