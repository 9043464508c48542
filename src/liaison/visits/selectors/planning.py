"""What the planner reads: the database's sites, visits and the capacity other visits hold,
handed to it as plain data (no Django there); the day's schedule of stop times; and the rule
check of itineraries as they are stored."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from liaison.visits import planner
from liaison.visits.models import HostAnswer, Site, Stop, Visit, VisitStatus

# Visits whose stops hold a site's capacity on their days.
HOLDING = (VisitStatus.SITES_REQUESTED, VisitStatus.CONFIRMED, VisitStatus.COMPLETED)
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
