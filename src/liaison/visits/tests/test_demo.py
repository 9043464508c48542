"""The visits demo: FY2015 as published, five fiscal years of visits, and the program's rules
kept in the data (one head, cleared delegates, itineraries the sites can host)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from liaison.conftest import DEMO_SCALE, DEMO_SEED, Demo
from liaison.core.fiscal import FiscalYear
from liaison.demo.visits import _VisitDemo, build_visit_demo
from liaison.vetting.models import Purpose, VettingRecord, VettingStatus
from liaison.visits import planner, selectors
from liaison.visits.models import (
    Delegate,
    DelegateRole,
    HostAnswer,
    SiteKind,
    Stop,
    Visit,
    VisitFocus,
    VisitStatus,
)
from liaison.visits.report import HELD, visit_figures

pytestmark = pytest.mark.django_db
SCALE, SEED = DEMO_SCALE, DEMO_SEED


@pytest.fixture
def demo(shared_demo: Demo) -> None:
    """The run's demo, built once for every test that reads it (the plan is the same at every
    scale)."""


def _visits() -> list[Any]:
    """Every visit, its delegates and its stops, without ids."""
    fields = ("country__code", "sponsor__code", "status", "starts_on", "ends_on", "length_days")
    visits = list(Visit.objects.order_by(*fields, "purpose").values_list(*fields, "purpose"))
    delegates = sorted(
        Delegate.objects.values_list("visit__starts_on", "visit__country__code", "person", "role"),
        key=str,
    )
    stops = sorted(
        Stop.objects.values_list("visit__starts_on", "visit__country__code", "site__code", "day"),
        key=str,
    )
    return [visits, delegates, stops]


def test_fy2015_gives_the_published_figures(demo):
    figures = visit_figures(FiscalYear(2015))
    assert figures["visits"] == 457
    assert 2500 <= figures["visit_officials"] <= 2600
    assert figures["visit_countries"] == 90


def test_every_fiscal_year_from_2013_to_2017_has_visits_and_a_few_not_held(demo):
    for year in range(2013, 2018):
        fy = FiscalYear(year)
        figures = visit_figures(fy)
        assert 400 <= figures["visits"] <= 500, year
        assert 2000 <= figures["visit_officials"] <= 2800, year
        not_held = Visit.objects.filter(
            status__in=(VisitStatus.DECLINED, VisitStatus.CANCELLED),
            earliest_start__range=(fy.start, fy.end),
        )
        assert not_held.exists(), year
    today = timezone.localdate()
    past = Visit.objects.filter(status__in=HELD, ends_on__lt=today)
    assert past.exists() and not past.exclude(status=VisitStatus.COMPLETED).exists()


def test_visits_have_focus_lengths_and_delegations_as_planned(demo):
    held = Visit.objects.filter(status__in=HELD)
    lengths = Counter(held.values_list("length_days", flat=True))
    assert min(lengths) >= 1 and max(lengths) <= 14
    assert sum(n for days, n in lengths.items() if 3 <= days <= 7) > held.count() / 2
    priorities = set(VisitFocus.objects.values_list("priority", flat=True))
    assert priorities <= {1, 2, 3} and 3 in priorities
    sizes = Counter(Delegate.objects.filter(visit__in=held).values_list("visit", flat=True))
    assert min(sizes.values()) >= 2 and max(sizes.values()) <= 12
    assert 5.0 <= sum(sizes.values()) / len(sizes) <= 6.0
    assert all(
        size == n
        for size, n in (
            (v.delegation_size, sizes[v.pk]) for v in held.only("id", "delegation_size")
        )
    )


def test_every_held_visit_has_one_head_and_delegates_cleared_through_its_last_day(demo):
    heads = Counter(
        Delegate.objects.filter(visit__status__in=HELD, role=DelegateRole.HEAD).values_list(
            "visit", flat=True
        )
    )
    held = set(Visit.objects.filter(status__in=HELD).values_list("pk", flat=True))
    assert set(heads) == held and set(heads.values()) == {1}
    access = {
        r.person_id: r
        for r in VettingRecord.objects.filter(purpose=Purpose.ACCESS, status="approved")
    }
    rows = Delegate.objects.filter(visit__status__in=HELD).values_list("person", "visit__ends_on")
    assert rows
    for person_id, ends_on in rows:
        assert ends_on is not None and access[person_id].is_valid_through(ends_on), person_id
    assert Delegate.objects.filter(role=DelegateRole.INTERPRETER).exists()


def test_itineraries_respect_weekdays_capacity_and_one_city_a_day(demo):
    stops = list(Stop.objects.select_related("site", "visit"))
    assert stops
    per_site_day = Counter((s.site_id, s.day) for s in stops)
    capacity = {s.site_id: s.site.daily_capacity for s in stops}
    cities: dict[tuple[int, date], set[tuple[str, str]]] = defaultdict(set)
    per_visit_day = Counter((s.visit_id, s.day) for s in stops)
    first_day: dict[int, Stop] = {}
    today = timezone.localdate()
    for stop in stops:
        visit = stop.visit
        assert stop.day.weekday() in stop.site.weekdays, stop
        assert visit.starts_on <= stop.day <= visit.ends_on
        cities[(stop.visit_id, stop.day)].add((stop.site.city, stop.site.state))
        if stop.visit_id not in first_day or (stop.day, stop.order) < (
            first_day[stop.visit_id].day,
            first_day[stop.visit_id].order,
        ):
            first_day[stop.visit_id] = stop
        if visit.status in HELD and visit.ends_on < today:
            assert stop.answer == HostAnswer.ACCEPTED and stop.answered_at is not None
    assert all(n <= capacity[site] for (site, _), n in per_site_day.items())
    assert all(len(towns) == 1 for towns in cities.values())
    assert set(per_visit_day.values()) <= {1, 2, 3}
    for stop in first_day.values():
        if stop.visit.wants_hq_briefing:
            assert stop.site.kind == SiteKind.HEADQUARTERS
            assert stop.day == stop.visit.starts_on
    briefed = Visit.objects.filter(status__in=HELD, wants_hq_briefing=True).count()
    assert briefed > 0.6 * Visit.objects.filter(status__in=HELD).count()


def test_every_demo_itinerary_keeps_the_planners_rules_and_the_day_schedules_times(demo):
    """The planner's rule check (``check_itinerary``, through ``itinerary_problems``) over the
    itinerary of every visit that has one, and each stop at the day schedule's time."""
    planned = Visit.objects.filter(
        status__in=(
            VisitStatus.PLANNING,
            VisitStatus.SITES_REQUESTED,
            VisitStatus.CONFIRMED,
            VisitStatus.COMPLETED,
        )
    )
    problems = selectors.itinerary_problems(
        planned.prefetch_related(*selectors.REQUEST_PREFETCH).order_by("pk")
    )
    assert len(problems) > 2000 and set(problems) >= set(
        Stop.objects.values_list("visit", flat=True)
    )
    broken = {pk: found for pk, found in problems.items() if found}
    assert not broken, (len(broken), list(broken.items())[:5])
    assert not Stop.objects.filter(starts_at__isnull=True).exists()
    # The rules bind: days that start with a long move hold one stop, in the afternoon.
    times = Counter(Stop.objects.values_list("starts_at", flat=True))
    assert times[selectors.AFTER_LONG_MOVE] > 0
    assert set(times) == {*selectors.DAY_SCHEDULE, selectors.AFTER_LONG_MOVE}


def test_a_demo_itinerary_breaking_a_rule_gives_way_to_the_planners(demo):
    """The demo's own itineraries keep the rules (above); should one not, the planner's
    itinerary from the same start takes its place, timed by the day schedule."""
    builder = _VisitDemo(scale=0.02, seed=SEED, today=timezone.localdate())
    monday = date(2031, 3, 3)
    country = builder.countries[0]
    planned = builder._visit(
        country=country, size=3, status=VisitStatus.COMPLETED, starts=[monday], length=3
    )
    four = [site for site in builder.sites if not site.is_headquarters][:4]
    proposal = [[site.pk for site in four], [], []]
    request = builder._request(planned)
    broken = planner.itinerary_of(request, builder.catalog, monday, proposal)
    assert f"{monday}: 4 stops, more than 3" in planner.check_itinerary(
        request, builder.catalog, broken
    )
    stops = [
        Stop(visit=planned.visit, site=site, day=monday, order=n) for n, site in enumerate(four)
    ]

    builder._keep(planned, stops, proposal, HostAnswer.ACCEPTED)

    assert planned.stops and all(stop.answer == HostAnswer.ACCEPTED for stop in planned.stops)
    kept: list[list[planner.Key]] = [[], [], []]
    for stop in planned.stops:
        kept[(stop.day - monday).days].append(stop.site.pk)
    itinerary = planner.itinerary_of(request, builder.catalog, monday, kept)
    assert planner.check_itinerary(request, builder.catalog, itinerary) == []
    for day in itinerary.days:
        times = [stop.starts_at for stop in planned.stops if stop.day == day.date]
        assert times == selectors.stop_times(len(times), move_km=day.move_km)
    assert builder.usage == {(stop.site.pk, stop.day): 1 for stop in planned.stops}


def test_the_coordinator_and_the_demo_site_host_have_work_waiting(demo):
    today = timezone.localdate()
    upcoming = Visit.objects.filter(
        status__in=(VisitStatus.REQUESTED, VisitStatus.PLANNING, VisitStatus.SITES_REQUESTED),
        earliest_start__gt=today,
    )
    assert set(upcoming.values_list("status", flat=True)) == {
        VisitStatus.REQUESTED,
        VisitStatus.PLANNING,
        VisitStatus.SITES_REQUESTED,
    }
    waiting = Stop.objects.filter(
        answer=HostAnswer.ASKED, site__hosts__user__username="host", day__gt=today
    )
    towns = set(waiting.values_list("site__city", flat=True))
    assert waiting.exists() and len(towns) >= 2, towns
    # Some delegates of upcoming visits are still waiting on their clearance.
    pending = VettingRecord.objects.filter(purpose=Purpose.ACCESS).exclude(
        status=VettingStatus.APPROVED
    )
    assert pending.filter(person__visits__visit__in=upcoming).exists()


def test_report_command_prints_the_visit_figures(demo, capsys):
    call_command("report", fy=2015, json=True)
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["visits"] == 457
    assert 2500 <= figures["visit_officials"] <= 2600
    assert figures["visit_countries"] == 90


def test_the_visits_demo_is_deterministic(demo):
    first = _visits()
    with transaction.atomic():
        for model in (Stop, Delegate, VisitFocus, Visit.must_see.through, Visit):
            model.objects.all()._raw_delete("default")
        VettingRecord.objects.filter(purpose=Purpose.ACCESS)._raw_delete("default")
        build_visit_demo(scale=SCALE, seed=SEED)
        again = _visits()
        transaction.set_rollback(True)
    assert again == first
    # Each record has its first history row, as bulk_create_with_history writes it.
    assert Stop.history.filter(history_type="+").count() == Stop.objects.count()
    assert Visit.history.filter(history_type="+").count() == Visit.objects.count()
