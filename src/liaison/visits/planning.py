"""Planning a visit: the database's sites, visits and stops handed to the planner (plain data,
no Django there), and its itinerary written back as timed stops the hosts are then asked about."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from liaison.audit.services import audit_log
from liaison.core.access import require_perm
from liaison.visits import planner
from liaison.visits.models import (
    Exclusion,
    HostAnswer,
    Site,
    Stop,
    Visit,
    VisitStatus,
)

# Visits whose stops hold a site's capacity on their days.
HOLDING = (VisitStatus.SITES_REQUESTED, VisitStatus.CONFIRMED, VisitStatus.COMPLETED)
# Stops a re-plan keeps: the coordinator pinned them, or the host already said yes.
KEPT = Q(pinned=True) | Q(answer=HostAnswer.ACCEPTED)
# What ``planner_request`` reads, to prefetch when turning many visits into requests.
REQUEST_PREFETCH = ("focus__focus_area", "must_see", "must_avoid", "stops", "exclusions")

# The day's schedule, written down once. The first stop is at 09:00 (on the briefing day that
# is the headquarters briefing, which the planner always puts first); a morning visit of three
# hours, lunch and the drive across town put the second at 13:00; a two-hour visit and half an
# hour's drive put the third at 15:30. A day that starts with a move of more than
# planner.LONG_MOVE_KM spends its morning travelling, so its one stop is at 14:00.
DAY_SCHEDULE = (time(9, 0), time(13, 0), time(15, 30))
AFTER_LONG_MOVE = time(14, 0)
# Past the schedule (the planner holds a day to three stops, so only in theory): one more
# stop every two and a half hours.
LATER_STOP_EVERY = timedelta(hours=2, minutes=30)


def stop_times(count: int, *, move_km: int = 0) -> list[time]:
    """When the delegation arrives at each of the day's ``count`` stops, in their order."""
    times = [AFTER_LONG_MOVE] if move_km > planner.LONG_MOVE_KM else list(DAY_SCHEDULE)
    times = times[:count]
    while len(times) < count:
        times.append((datetime.combine(date.min, times[-1]) + LATER_STOP_EVERY).time())
    return times


def planner_sites() -> list[planner.Site]:
    """Every active site as the planner sees it: three queries whatever the registry's size."""
    sites = Site.objects.filter(active=True).prefetch_related("focus__focus_area", "blackouts")
    return [
        planner.Site(
            id=site.pk,
            name=site.name,
            city=f"{site.city}, {site.state}",
            lat=site.latitude,
            lon=site.longitude,
            focus={f.focus_area.code: f.strength for f in site.focus.all()},
            daily_capacity=site.daily_capacity,
            open_weekdays=site.weekdays,
            blackouts=frozenset(day for b in site.blackouts.all() for day in b.days),
            is_headquarters=site.is_headquarters,
        )
        for site in sites
    ]


def capacity_used(*, besides: Visit | None = None) -> dict[tuple[planner.Key, date], int]:
    """How many delegations other visits bring to each site on each day.

    Only visits in ``HOLDING`` count (their sites were asked, or they are confirmed or done):
    the stops of requests still being planned hold nothing, so the year plan, which re-plans
    every pending request, never counts their own stops against them."""
    stops = Stop.objects.filter(visit__status__in=HOLDING).exclude(answer=HostAnswer.DECLINED)
    if besides is not None:
        stops = stops.exclude(visit=besides)
    return dict(Counter(stops.values_list("site_id", "day")))


def planner_request(visit: Visit) -> planner.VisitRequest:
    """The visit as the planner sees it, with the coordinator's pins and removals.

    It reads the relations with ``.all()``, so a queryset with ``REQUEST_PREFETCH`` turns
    hundreds of visits into requests in a handful of queries."""
    kept = [s for s in visit.stops.all() if s.pinned or s.answer == HostAnswer.ACCEPTED]
    exclusions = list(visit.exclusions.all())
    return planner.VisitRequest(
        id=visit.pk,
        focus={f.focus_area.code: f.priority for f in visit.focus.all()},
        earliest_start=visit.earliest_start,
        latest_end=visit.latest_end,
        length_days=visit.length_days,
        must_see=frozenset(site.pk for site in visit.must_see.all()),
        must_avoid=frozenset(site.pk for site in visit.must_avoid.all()),
        wants_hq_briefing=visit.wants_hq_briefing,
        pinned=frozenset((s.site_id, s.day) for s in kept),
        excluded_sites=frozenset(e.site_id for e in exclusions if e.day is None),
        excluded_stops=frozenset((e.site_id, e.day) for e in exclusions if e.day is not None),
    )


def write_itinerary(
    *, actor: Any, visit: Visit, itinerary: planner.Itinerary, score: int, source: str
) -> list[Stop]:
    """Write a planned itinerary as the visit's stops, each with its reason and its time.

    Pinned and accepted stops the itinerary keeps stay as they are (with their answers); every
    other stop is replaced. Shared by planning one visit and applying a year plan, so both write
    and audit the same way; callers check the permission and the visit's state, inside their
    transaction. ``source`` says where the plan came from, for the audit trail."""
    kept: dict[tuple[planner.Key, date], Stop] = {
        (s.site_id, s.day): s for s in visit.stops.filter(KEPT)
    }
    visit.stops.exclude(pk__in=[s.pk for s in kept.values()]).delete()
    written = []
    for day in itinerary.days:
        for planned, starts_at in zip(
            day.stops, stop_times(len(day.stops), move_km=day.move_km), strict=True
        ):
            stop = kept.get((planned.site_id, day.date)) or Stop(
                visit=visit, site_id=planned.site_id, day=day.date
            )
            stop.order = planned.order
            stop.starts_at = starts_at
            stop.why = planned.why[:300]
            stop.save()
            written.append(stop)
    visit.starts_on, visit.ends_on = itinerary.start, itinerary.end
    visit.save(update_fields=["starts_on", "ends_on"])
    audit_log(
        actor=actor,
        action="visit.planned",
        obj=visit,
        changes={
            "itinerary": [None, f"{itinerary.start:%Y-%m-%d} to {itinerary.end:%Y-%m-%d}"],
            "stops": [None, str(len(written))],
            "score": [None, str(score)],
            "planned by": [None, source],
        },
    )
    return written


def stored_itinerary(visit: Visit, catalog: planner.SiteCatalog) -> planner.Itinerary:
    """The visit's stops as the planner's itinerary, for its rule check: a day for each date
    from the visit's start to its end (stretched to a stop outside them, which the check then
    reports), each day's stops in their order. Reads ``visit.stops.all()``, so prefetch them
    when there are many visits."""
    stops = sorted(visit.stops.all(), key=lambda s: (s.day, s.order, s.pk))
    days = [d for d in (visit.starts_on, visit.ends_on) if d] + [s.day for s in stops]
    if not days:
        raise ValueError(f"{visit} has neither dates nor stops: no itinerary to check.")
    start, end = min(days), max(days)
    day_sites: list[list[planner.Key]] = [[] for _ in range((end - start).days + 1)]
    for stop in stops:
        day_sites[(stop.day - start).days].append(stop.site_id)
    return planner.itinerary_of(planner_request(visit), catalog, start, day_sites)


def schedule_problems(visit: Visit, itinerary: planner.Itinerary) -> list[str]:
    """Every stop of the visit not at the time the day schedule gives it (``stop_times``,
    after the move that starts its day); ``itinerary`` is the visit's ``stored_itinerary``."""
    stops: dict[date, list[Stop]] = {}
    for stop in sorted(visit.stops.all(), key=lambda s: (s.day, s.order, s.pk)):
        stops.setdefault(stop.day, []).append(stop)
    problems = []
    for day in itinerary.days:
        kept = stops.get(day.date, [])
        times = stop_times(len(kept), move_km=day.move_km)
        for stop, planned, expected in zip(kept, day.stops, times, strict=True):
            if stop.starts_at != expected:
                when = f"{stop.starts_at:%H:%M}" if stop.starts_at else "no time"
                problems.append(
                    f"{day.date}: {planned.site_name} at {when}, "
                    f"the day schedule says {expected:%H:%M}"
                )
    return problems


def itinerary_problems(visits: Iterable[Visit]) -> dict[int, list[str]]:
    """What is wrong with each visit's itinerary as stored, by visit id (an empty list when
    nothing is): every hard rule of the planner it breaks (``planner.check_itinerary``,
    against the capacity the other visits hold as ``capacity_used`` counts it) and every
    stop not at the day schedule's time. Give it visits with dates or stops, prefetched
    with ``REQUEST_PREFETCH``: a few queries however many visits."""
    catalog = planner.SiteCatalog(planner_sites())
    usage = Counter(capacity_used())
    problems: dict[int, list[str]] = {}
    for visit in visits:
        own = Counter(
            (stop.site_id, stop.day)
            for stop in visit.stops.all()
            if visit.status in HOLDING and stop.answer != HostAnswer.DECLINED
        )
        usage.subtract(own)
        try:
            itinerary = stored_itinerary(visit, catalog)
            problems[visit.pk] = planner.check_itinerary(
                planner_request(visit), catalog, itinerary, usage
            ) + schedule_problems(visit, itinerary)
        finally:
            usage.update(own)
    return problems


# Planning is no move of the visit's workflow: it happens while the visit is being planned.
PLAN_PERM = "visits.plan"


def may_plan(*, user: Any, visit: Visit) -> bool:
    """Whether :func:`visit_plan` would plan the visit for ``user`` (the permission, and a
    visit being planned): the page offers its button, and the stops' editing, on these terms."""
    return visit.status == VisitStatus.PLANNING and user.has_perm(PLAN_PERM, visit)


@transaction.atomic
def visit_plan(*, actor: Any, visit: Visit) -> planner.PlanResult:
    """Plan (or re-plan) the itinerary. Pinned and accepted stops stay; the rest is replaced.
    When nothing fits, the visit is left as it was and the planner's reasons are raised."""
    require_perm(actor, PLAN_PERM, visit)
    if visit.status != VisitStatus.PLANNING:
        raise ValidationError(
            f"Only a visit being planned can be (re-)planned; this one is "
            f"{visit.get_status_display().lower()}."
        )
    result = planner.plan_visit(
        planner_request(visit), planner_sites(), capacity_used(besides=visit), time_limit=5.0
    )
    if not result.planned or result.itinerary is None:
        raise ValidationError(list(result.reasons) or ["No itinerary fits this request."])
    write_itinerary(
        actor=actor,
        visit=visit,
        itinerary=result.itinerary,
        score=result.objective,
        source="the visit planner",
    )
    return result


@transaction.atomic
def stop_pin(*, actor: Any, stop: Stop, pinned: bool = True) -> Stop:
    """Keep this stop through re-planning (or let the planner move it again)."""
    require_perm(actor, "visits.plan", stop.visit)
    stop.pinned = pinned
    stop.save(update_fields=["pinned"])
    audit_log(
        actor=actor,
        action="stop.pinned" if pinned else "stop.unpinned",
        obj=stop.visit,
        changes={str(stop): [not pinned, pinned]},
    )
    return stop


@transaction.atomic
def stop_remove(*, actor: Any, stop: Stop, whole_visit: bool = False, reason: str = "") -> None:
    """Take a stop out; the planner will not put that site back on that day (or at all)."""
    visit = stop.visit
    require_perm(actor, "visits.plan", visit)
    if visit.status != VisitStatus.PLANNING:
        raise ValidationError("Stops are removed while the visit is being planned.")
    Exclusion.objects.create(
        visit=visit, site=stop.site, day=None if whole_visit else stop.day, reason=reason
    )
    label = str(stop)
    stop.delete()
    audit_log(actor=actor, action="stop.removed", obj=visit, changes={label: [reason, None]})
