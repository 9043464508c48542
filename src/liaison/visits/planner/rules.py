"""The hard rules in words: ``check_itinerary`` judges any itinerary, however it was made;
``_prechecks`` finds, without a solver, the common reasons a visit cannot be planned. The rules'
figures are in ``data``; the exact model states the same rules as constraints (``model``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from liaison.visits.planner.catalog import SiteCatalog, _catalog
from liaison.visits.planner.data import (
    LONG_MOVE_KM,
    MAX_STOPS_PER_DAY,
    MAX_VISIT_DAYS,
    STOPS_AFTER_LONG_MOVE,
    WORKING_WEEKDAYS,
    Itinerary,
    Key,
    Site,
    Usage,
    VisitRequest,
)
from liaison.visits.planner.scoring import _Visit

# The rules the diagnosis relaxes one at a time, with the sentence that names each.
RELAXABLE_RULES: dict[str, str] = {
    "closures": "the sites' closed weekdays and blackout dates",
    "capacity": "the sites' daily capacity left by other visits",
    "max_stops": f"at most {MAX_STOPS_PER_DAY} stops a day",
    "long_move": f"at most one stop on a day that starts with a move over {LONG_MOVE_KM} km",
    "hq_briefing": "the headquarters briefing on the first working day",
    "must_see": "the must-see sites",
    "pinned": "the pinned stops",
}


def _first_working_day(start: date, length: int) -> int | None:
    for k in range(length):
        if (start + timedelta(days=k)).weekday() in WORKING_WEEKDAYS:
            return k
    return None


def check_itinerary(
    request: VisitRequest,
    sites: Iterable[Site] | SiteCatalog,
    itinerary: Itinerary,
    usage: Usage | None = None,
) -> list[str]:
    """Every hard rule the itinerary breaks, in words (empty when it keeps them all).

    Independent of how the itinerary was made, so tests and callers can trust any plan.
    """
    catalog = _catalog(sites)
    used = usage or {}
    problems: list[str] = []
    days = itinerary.days
    if not 1 <= request.length_days <= MAX_VISIT_DAYS:
        problems.append(f"length {request.length_days} is outside 1-{MAX_VISIT_DAYS} days")
    if len(days) != request.length_days:
        problems.append(f"{len(days)} days planned for a {request.length_days}-day visit")
    if itinerary.start < request.earliest_start or itinerary.end > request.latest_end:
        problems.append("the visit leaves its window")
    for k, day in enumerate(days):
        if day.date != itinerary.start + timedelta(days=k):
            problems.append(f"day {k + 1} is not the calendar day after day {k}")
    seen: set[Key] = set()
    arrival_km = catalog.km_from(request.arrival) if request.arrival else None
    for k, day in enumerate(days):
        if len(day.stops) > MAX_STOPS_PER_DAY:
            problems.append(f"{day.date}: {len(day.stops)} stops, more than {MAX_STOPS_PER_DAY}")
        city = catalog.city_index.get(day.city)
        if k > 0:
            before = catalog.city_index.get(days[k - 1].city)
            move = catalog.km[before][city] if before is not None and city is not None else 0
        else:
            move = arrival_km[city] if arrival_km and city is not None else 0
        if move > LONG_MOVE_KM and len(day.stops) > STOPS_AFTER_LONG_MOVE:
            problems.append(f"{day.date}: {len(day.stops)} stops after a {move} km move")
        for stop in day.stops:
            site = catalog.sites.get(stop.site_id)
            if site is None:
                problems.append(f"{day.date}: unknown site {stop.site_id!r}")
                continue
            if site.city != day.city:
                problems.append(f"{day.date}: {site.name} is not in {day.city}")
            if day.date.weekday() not in site.open_weekdays:
                problems.append(f"{day.date}: {site.name} is closed that weekday")
            if day.date in site.blackouts:
                problems.append(f"{day.date}: {site.name} is blacked out")
            if used.get((site.id, day.date), 0) + 1 > site.daily_capacity:
                problems.append(f"{day.date}: {site.name} is full")
            if site.id in request.must_avoid or site.id in request.excluded_sites:
                problems.append(f"{day.date}: {site.name} is excluded")
            if (site.id, day.date) in request.excluded_stops:
                problems.append(f"{day.date}: {site.name} is excluded that day")
            if site.id in seen:
                problems.append(f"{site.name} is visited twice")
            seen.add(site.id)
    if request.wants_hq_briefing:
        first = _first_working_day(itinerary.start, len(days))
        if first is None or not any(
            catalog.sites[s.site_id].is_headquarters for s in days[first].stops
        ):
            problems.append("no headquarters briefing on the first working day")
    for site_id in request.must_see - seen:
        problems.append(f"must-see site {site_id!r} is missing")
    stops = {(stop.site_id, day) for day, stop in itinerary.stops}
    for pin in request.pinned - stops:
        problems.append(f"pinned stop {pin[0]!r} on {pin[1]} is missing")
    return problems


# --- Why nothing fits: the cheap checks ------------------------------------------------------


def _fmt(day: date) -> str:
    return f"{day:%a %d %b %Y}"


def _prechecks(visit: _Visit) -> list[str]:
    """The common reasons a visit cannot be planned, found without a solver."""
    request, catalog = visit.request, visit.catalog
    length = request.length_days
    if not 1 <= length <= MAX_VISIT_DAYS:
        return [f"A visit lasts 1 to {MAX_VISIT_DAYS} days; this one asks for {length}."]
    span = len(visit.window)
    if span < length:
        return [
            f"The window from {_fmt(request.earliest_start)} to {_fmt(request.latest_end)} "
            f"holds {max(span, 0)} day(s), too short for a {length}-day visit."
        ]
    reasons: list[str] = []
    banned = request.excluded_sites | request.must_avoid
    for site_id in sorted(request.must_see | visit.pinned_sites, key=str):
        if site_id not in catalog.sites:
            reasons.append(f"Site {site_id!r} is not in the site registry.")
    for site_id in sorted(request.must_see & request.must_avoid, key=str):
        reasons.append(f"{_label(catalog, site_id)} is both must-see and must-avoid.")
    for site_id in sorted(
        (request.must_see & request.excluded_sites) - request.must_avoid, key=str
    ):
        reasons.append(f"{_label(catalog, site_id)} is must-see but was removed from the visit.")
    for site_id, day in visit.pins:
        label = _label(catalog, site_id)
        if site_id in banned:
            reasons.append(f"{label} is pinned on {_fmt(day)} but excluded from the visit.")
        elif (site_id, day) in request.excluded_stops:
            reasons.append(f"{label} is both pinned and removed on {_fmt(day)}.")
        elif not request.earliest_start <= day <= request.latest_end:
            reasons.append(f"{label} is pinned on {_fmt(day)}, outside the window.")
        elif site_id in catalog.sites and not visit.is_open(site_id, day):
            reasons.append(f"{label} is pinned on {_fmt(day)}, when it is closed.")
        elif site_id in catalog.sites and visit.room(site_id, day) <= 0:
            reasons.append(f"{label} is pinned on {_fmt(day)}, when it is full.")
    if visit.pins:
        first, last = visit.pins[0][1], visit.pins[-1][1]
        if (last - first).days >= length:
            reasons.append(
                f"The pinned stops span {_fmt(first)} to {_fmt(last)}, longer than the "
                f"{length}-day visit."
            )
        per_day: dict[date, set[int]] = defaultdict(set)
        count: dict[date, int] = defaultdict(int)
        for site_id, day in visit.pins:
            if site_id in catalog.sites:
                per_day[day].add(catalog.city_of[site_id])
                count[day] += 1
        for day in sorted(per_day):
            if len(per_day[day]) > 1:
                reasons.append(f"The stops pinned on {_fmt(day)} are in different cities.")
            if count[day] > MAX_STOPS_PER_DAY:
                reasons.append(f"More than {MAX_STOPS_PER_DAY} stops are pinned on {_fmt(day)}.")
    for site_id in sorted(request.must_see - banned, key=str):
        if site_id not in catalog.sites:
            continue
        label = _label(catalog, site_id)
        open_days = [
            d
            for d in visit.window
            if visit.is_open(site_id, d) and (site_id, d) not in request.excluded_stops
        ]
        if not open_days:
            reasons.append(
                f"Must-see {label} is never open between {_fmt(request.earliest_start)} "
                f"and {_fmt(request.latest_end)}."
            )
        elif all(visit.room(site_id, d) <= 0 for d in open_days):
            reasons.append(
                f"Must-see {label} is full on every day it is open in the window "
                "(other visits hold its capacity)."
            )
    if reasons:
        return reasons
    usable_sites = [s for s in visit.sites if any(visit.is_open(s, d) for d in visit.window)]
    if not usable_sites:
        reasons.append(
            "Every day of the window is closed at every site that could serve the visit "
            f"({_fmt(request.earliest_start)} to {_fmt(request.latest_end)})."
        )
    elif not any(visit.usable(s, d) for s in usable_sites for d in visit.window):
        reasons.append("Every site that could serve the visit is full on every open day.")
    if request.wants_hq_briefing:
        if not visit.hq:
            reasons.append(
                "A headquarters briefing is asked for, but no headquarters site is available."
            )
        else:
            briefing_days = {
                start + timedelta(days=k)
                for start in visit.starts
                if (k := _first_working_day(start, length)) is not None
            }
            if not briefing_days:
                reasons.append(
                    "A headquarters briefing is asked for, but no start in the window has a "
                    "working day."
                )
            elif not any(visit.usable(h, d) for h in visit.hq for d in briefing_days):
                reasons.append(
                    "No headquarters site is open with room on the first working day of any "
                    "start in the window."
                )
    if not visit.site_areas and not request.must_see and not request.pinned:
        reasons.append("No site in the registry covers any of the delegation's focus areas.")
    return reasons


def _label(catalog: SiteCatalog, site_id: Key) -> str:
    site = catalog.sites.get(site_id)
    return f"{site.name} ({site.city})" if site else f"Site {site_id!r}"
