"""One visit, fast: the constructive planner. A rule-keeping itinerary for a fixed start in
about a millisecond, not optimal: it starts the exact solve, and makes the year's candidates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from liaison.visits.planner.catalog import SiteCatalog, _catalog
from liaison.visits.planner.data import (
    LONG_MOVE_KM,
    MAX_STOPS_PER_DAY,
    STOPS_AFTER_LONG_MOVE,
    Itinerary,
    Key,
    Site,
    Usage,
    VisitRequest,
)
from liaison.visits.planner.itinerary import _assemble
from liaison.visits.planner.rules import _first_working_day
from liaison.visits.planner.scoring import _Visit


def _quick_stops(
    visit: _Visit,
    start: date,
    usage: Usage,
    blocked: frozenset[tuple[Key, date]] = frozenset(),
) -> list[list[Key]] | None:
    """A good itinerary for a fixed start in about a millisecond, or None when the fixed
    stops (pins, briefing, must-see) do not fit. Keeps every hard rule; not optimal.

    Fixed stops first; then, greedily, the best of: one more stop in a day's city, or a new
    day in the city whose best sites earn most (less travel breaking ties). A day between two
    cities is where the move happens, so cities are placed on free days with room to travel.
    ``blocked`` site-days are treated as full (to make alternatives to crowded ones).
    """
    catalog = visit.catalog
    km = catalog.km
    length = visit.length
    dates = [start + timedelta(days=k) for k in range(length)]
    day_city: list[int | None] = [None] * length
    day_sites: list[list[Key]] = [[] for _ in range(length)]
    used: set[Key] = set()
    counts = visit.empty_counts()
    arrival = visit.arrival_km

    fits: dict[Key, list[bool]] = {
        s: [visit.usable(s, d, usage=usage) and (s, d) not in blocked for d in dates]
        for s in visit.sites
    }

    def cap(k: int, city: int) -> int:
        if k == 0:
            far = arrival is not None and arrival[city] > LONG_MOVE_KM
        else:
            before = day_city[k - 1]
            far = before is not None and km[before][city] > LONG_MOVE_KM
        return STOPS_AFTER_LONG_MOVE if far else MAX_STOPS_PER_DAY

    def can_open(k: int, city: int) -> bool:
        if day_city[k] is not None:
            return False
        after = day_city[k + 1] if k + 1 < length else None
        return not (
            after is not None
            and km[city][after] > LONG_MOVE_KM
            and len(day_sites[k + 1]) > STOPS_AFTER_LONG_MOVE
        )

    def extra_travel(k: int, city: int) -> int:
        before = next((day_city[i] for i in range(k - 1, -1, -1) if day_city[i] is not None), None)
        after = next((day_city[i] for i in range(k + 1, length) if day_city[i] is not None), None)

        def leg(a: int | None, b: int | None) -> int:
            if b is None:
                return 0
            if a is None:
                return arrival[b] if arrival else 0
            return km[a][b]

        return leg(before, city) + leg(city, after) - leg(before, after)

    def place(site_id: Key, k: int) -> None:
        day_city[k] = catalog.city_of[site_id]
        day_sites[k].append(site_id)
        used.add(site_id)
        visit.add(site_id, counts)

    def fits_on(site_id: Key, k: int, *, pinned: bool = False) -> bool:
        if site_id in used:
            return False
        if pinned:
            if not visit.usable(site_id, dates[k], usage=usage):
                return False
        elif not fits[site_id][k]:
            return False
        city = catalog.city_of[site_id]
        if day_city[k] is None:
            return can_open(k, city)
        return day_city[k] == city and len(day_sites[k]) < cap(k, city)

    for site_id, day in visit.pins:
        k = (day - start).days
        if (
            not 0 <= k < length
            or site_id not in catalog.sites
            or not fits_on(site_id, k, pinned=True)
        ):
            return None
        place(site_id, k)

    if visit.request.wants_hq_briefing:
        k_brief = _first_working_day(start, length)
        if k_brief is None:
            return None
        if not any(catalog.sites[s].is_headquarters for s in day_sites[k_brief]):
            choices = [h for h in visit.hq if fits_on(h, k_brief)]
            if not choices:
                return None
            briefing = min(
                choices,
                key=lambda h: (
                    -visit.gain(h, counts),
                    extra_travel(k_brief, catalog.city_of[h]),
                    str(h),
                ),
            )
            place(briefing, k_brief)

    for site_id in sorted(visit.request.must_see - used, key=str):
        if site_id not in fits:
            return None
        city = catalog.city_of[site_id]
        options = [
            (0 if day_city[k] == city else 1, extra_travel(k, city), k)
            for k in range(length)
            if fits_on(site_id, k)
        ]
        if not options:
            return None
        place(site_id, min(options)[2])

    earners = [s for s in visit.sites if s in visit.site_areas]
    while True:
        gains = {s: visit.gain(s, counts) for s in earners if s not in used}
        gains = {s: g for s, g in gains.items() if g > 0}
        if not gains:
            break
        # (gain, -extra travel, kind, day, sites): higher is better.
        best: tuple[int, int, int, int, list[Key]] | None = None
        for k in range(length):
            here = day_city[k]
            if here is None or len(day_sites[k]) >= cap(k, here):
                continue
            for s in visit.by_city[here]:
                if s in gains and fits[s][k]:
                    option = (gains[s], 0, 1, -k, [s])
                    if best is None or option[:4] > best[:4]:
                        best = option
        ranked_cities = sorted(
            (
                (
                    sum(
                        sorted((gains[s] for s in visit.by_city[c] if s in gains), reverse=True)[
                            :MAX_STOPS_PER_DAY
                        ]
                    ),
                    c,
                )
                for c in visit.cities
            ),
            reverse=True,
        )
        for ceiling, city in ranked_cities:
            if ceiling <= 0 or (best is not None and ceiling < best[0]):
                break
            candidates = sorted(
                (s for s in visit.by_city[city] if s in gains), key=lambda s: (-gains[s], str(s))
            )
            for k in range(length):
                if not can_open(k, city):
                    continue
                bundle = [s for s in candidates if fits[s][k]][: cap(k, city)]
                if not bundle:
                    continue
                option = (sum(gains[s] for s in bundle), -extra_travel(k, city), 0, -k, bundle)
                if best is None or option[:4] > best[:4]:
                    best = option
        if best is None:
            break
        k = -best[3]
        for s in best[4]:
            if visit.gain(s, counts) > 0 and fits_on(s, k):
                place(s, k)
    if not used:
        return None
    return day_sites


def quick_itinerary(
    request: VisitRequest,
    sites: Iterable[Site] | SiteCatalog,
    usage: Usage | None = None,
    *,
    starts: Sequence[date] | None = None,
) -> Itinerary | None:
    """The constructive planner's best itinerary over the given start dates (default: every
    start in the window), or None. Fast and rule-keeping, not optimal: for baselines, and
    the year's candidates."""
    visit = _Visit(request, _catalog(sites), usage or {})
    best: Itinerary | None = None
    for start in visit.starts if starts is None else starts:
        day_sites = _quick_stops(visit, start, visit.usage)
        if day_sites is None:
            continue
        itinerary = _assemble(visit, start, day_sites)
        if itinerary and (
            best is None or (itinerary.score, -itinerary.travel_km) > (best.score, -best.travel_km)
        ):
            best = itinerary
    return best
