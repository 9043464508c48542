"""Planning a visit from the database: the itinerary becomes stops with reasons; pins, removals
and hosts' declines hold through re-planning; when nothing fits, nothing changes."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.people.models import Staff
from liaison.visits import selectors, services
from liaison.visits.models import Site, SiteFocus, Stop, Visit, VisitStatus
from liaison.visits.tests.conftest import START

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(users):
    return users[Role.IVP_COORDINATOR]


@pytest.fixture
def shown(sites, focus):
    """Laredo shows land-border work, the targeting center targeting, HQ a little of both."""
    SiteFocus.objects.create(
        site=sites["laredo"], focus_area=focus["land_border_operations"], strength=3
    )
    SiteFocus.objects.create(site=sites["ntc"], focus_area=focus["targeting_risk"], strength=3)
    SiteFocus.objects.create(site=sites["hq"], focus_area=focus["targeting_risk"], strength=1)
    return sites


def _itinerary(visit):
    return [(stop.site.code, stop.day) for stop in visit.stops.select_related("site")]


def test_a_plan_writes_stops_with_reasons_and_the_briefing_first(coordinator, make_visit, shown):
    visit = make_visit()
    services.visit_start_planning(actor=coordinator, visit=visit)
    result = services.visit_plan(actor=coordinator, visit=visit)
    assert result.planned
    stops = list(visit.stops.select_related("site"))
    assert {stop.site.code for stop in stops} == {"HQ", "POE-LRD", "NTC"}
    first_working = min(s.day for s in stops if s.day.weekday() < 5)
    assert any(s.site.code == "HQ" and s.day == first_working for s in stops)
    assert all(stop.why for stop in stops)
    assert visit.starts_on and visit.ends_on == visit.starts_on + timedelta(days=4)
    assert AuditEntry.objects.filter(action="visit.planned", object_id=str(visit.pk)).exists()


def test_a_pinned_stop_stays_and_a_removed_site_stays_out(coordinator, make_visit, shown):
    visit = make_visit()
    services.visit_start_planning(actor=coordinator, visit=visit)
    services.visit_plan(actor=coordinator, visit=visit)
    ntc = visit.stops.get(site__code="NTC")
    services.stop_pin(actor=coordinator, stop=ntc)
    laredo = visit.stops.get(site__code="POE-LRD")
    services.stop_remove(actor=coordinator, stop=laredo, whole_visit=True, reason="Not this trip")
    services.visit_plan(actor=coordinator, visit=visit)
    assert (ntc.site.code, ntc.day) in _itinerary(visit)
    assert "POE-LRD" not in {code for code, _ in _itinerary(visit)}


def test_a_hosts_decline_is_planned_around(users, coordinator, make_visit, shown):
    host = users[Role.SITE_HOST]
    shown["laredo"].hosts.add(
        Staff.objects.create(kind="site_host", given_name="L", family_name="O", user=host)
    )
    visit = make_visit()
    services.visit_start_planning(actor=coordinator, visit=visit)
    services.visit_plan(actor=coordinator, visit=visit)
    services.visit_request_sites(actor=coordinator, visit=visit)
    declined = Stop.objects.get(visit=visit, site__code="POE-LRD")
    services.stop_answer(actor=host, stop=declined, accept=False, reason="Port exercise")
    services.visit_resume_planning(actor=coordinator, visit=visit)
    services.visit_plan(actor=coordinator, visit=visit)
    assert ("POE-LRD", declined.day) not in _itinerary(visit)


def test_when_nothing_fits_the_reason_is_given_and_nothing_changes(coordinator, make_visit, shown):
    shown["ntc"].open_weekdays = ""  # never hosts
    shown["ntc"].save()
    visit = make_visit()
    visit.must_see.add(shown["ntc"])
    services.visit_start_planning(actor=coordinator, visit=visit)
    with pytest.raises(ValidationError) as refusal:
        services.visit_plan(actor=coordinator, visit=visit)
    assert "NTC" in " ".join(refusal.value.messages)
    visit.refresh_from_db()
    assert not visit.stops.exists() and visit.starts_on is None
    assert visit.status == VisitStatus.PLANNING


def test_only_a_visit_being_planned_is_planned(coordinator, make_visit, shown):
    visit = make_visit()
    with pytest.raises(ValidationError, match="Only a visit being planned"):
        services.visit_plan(actor=coordinator, visit=visit)


def test_only_planners_plan(users, make_visit, shown):
    visit = make_visit()
    services.visit_start_planning(actor=users[Role.IVP_COORDINATOR], visit=visit)
    for role in (Role.ATTACHE, Role.SITE_HOST, Role.SPONSOR):
        with pytest.raises(PermissionDenied):
            services.visit_plan(actor=users[role], visit=visit)
    assert not visit.stops.exists()


def test_the_rule_check_holds_stored_stops_to_the_planners_rules_and_the_day_schedule(
    coordinator, make_visit, sites
):
    """Headquarters in Washington on Monday, Laredo (2,000 km away) on Tuesday, Sterling on
    Wednesday: the planner's rules hold, and Tuesday's stop is at 14:00, after the move."""
    Site.objects.filter(code="HQ").update(latitude=38.9, longitude=-77.04)
    monday = START + timedelta(days=-START.weekday() % 7)
    visit = make_visit(earliest_start=monday, latest_end=monday + timedelta(days=13))
    Visit.objects.filter(pk=visit.pk).update(
        starts_on=monday, ends_on=monday + timedelta(days=4), status=VisitStatus.PLANNING
    )
    for n, (site, starts_at) in enumerate(
        [(sites["hq"], time(9)), (sites["laredo"], time(14)), (sites["ntc"], time(9))]
    ):
        Stop.objects.create(
            visit=visit, site=site, day=monday + timedelta(days=n), starts_at=starts_at
        )

    def problems(visit: Visit) -> list[str]:
        visits = Visit.objects.filter(pk=visit.pk).prefetch_related(*selectors.REQUEST_PREFETCH)
        return selectors.itinerary_problems(visits)[visit.pk]

    assert problems(visit) == []
    tuesday = monday + timedelta(days=1)
    Stop.objects.filter(site=sites["laredo"]).update(starts_at=time(9))
    late = f"{tuesday}: POE-LRD at 09:00, the day schedule says 14:00"
    assert problems(visit) == [late]
    # Its own stops hold no capacity against it; another held visit's stop does.
    Visit.objects.filter(pk=visit.pk).update(status=VisitStatus.SITES_REQUESTED)
    assert problems(visit) == [late]
    other = make_visit(code="MX", earliest_start=tuesday, latest_end=tuesday, length_days=1)
    Visit.objects.filter(pk=other.pk).update(
        starts_on=tuesday, ends_on=tuesday, status=VisitStatus.CONFIRMED
    )
    Stop.objects.create(visit=other, site=sites["laredo"], day=tuesday, starts_at=time(9))
    assert problems(visit) == [f"{tuesday}: POE-LRD is full", late]
