"""Stops per day laid out as an itinerary: each day's city and the move that starts it, each
stop's order and why it is there, the score and the travel. ``_assemble`` lays out the planners'
own stops; ``itinerary_of`` lays out stops chosen elsewhere the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from liaison.visits.planner.catalog import SiteCatalog, _catalog
from liaison.visits.planner.data import Itinerary, Key, PlannedDay, PlannedStop, Site, VisitRequest
from liaison.visits.planner.rules import _first_working_day
from liaison.visits.planner.scoring import _Visit, coverage_score


def _day_cities(catalog: SiteCatalog, day_sites: Sequence[Sequence[Key]]) -> list[int | None]:
    """Where the delegation is each day: the city of the day's stops (its first site the
    catalog knows); a day without stops is spent travelling to the next city with stops, or
    staying in the last one. None for every day of an itinerary without stops."""
    cities: list[int | None] = [
        next((catalog.city_of[s] for s in sites if s in catalog.city_of), None)
        for sites in day_sites
    ]
    following: int | None = None
    for k in range(len(cities) - 1, -1, -1):
        if cities[k] is None:
            cities[k] = following
        else:
            following = cities[k]
    for k in range(1, len(cities)):
        if cities[k] is None:
            cities[k] = cities[k - 1]
    return cities


def _assemble(visit: _Visit, start: date, day_sites: Sequence[Sequence[Key]]) -> Itinerary | None:
    """Turn stops per day into an itinerary: a day without stops is where the delegation
    travels to the next city with stops (or stays in the last one), which never costs more
    travel nor breaks the long-move rule; each stop says why it is there."""
    catalog, request = visit.catalog, visit.request
    cities = _day_cities(catalog, day_sites)
    if all(city is None for city in cities):
        return None
    briefing_day = _first_working_day(start, len(day_sites)) if request.wants_hq_briefing else None
    days = []
    previous: int | None = None
    all_sites = []
    for k, sites in enumerate(day_sites):
        city = cities[k]
        assert city is not None
        if previous is not None:
            move = catalog.km[previous][city]
        else:
            move = visit.arrival_km[city] if visit.arrival_km else 0
        previous = city
        day = start + timedelta(days=k)
        briefed = False
        ranked = []
        for site_id in sites:
            reasons = []
            if k == briefing_day and not briefed and catalog.sites[site_id].is_headquarters:
                reasons.append("headquarters briefing")
                briefed = True
                rank = 0
            elif (site_id, day) in request.pinned:
                rank = 1
            elif site_id in request.must_see:
                rank = 2
            else:
                rank = 3
            if (site_id, day) in request.pinned:
                reasons.append("pinned by the coordinator")
            if site_id in request.must_see:
                reasons.append("must-see")
            site = catalog.sites[site_id]
            covers = tuple(
                sorted(
                    ((area, s) for area, s in site.focus.items() if area in request.focus),
                    key=lambda pair: (-request.focus[pair[0]] * pair[1], pair[0]),
                )
            )
            if covers:
                reasons.append(
                    "covers "
                    + ", ".join(
                        f"{area} (strength {s}, priority {request.focus[area]})"
                        for area, s in covers
                    )
                )
            ranked.append(
                (rank, -visit.standalone.get(site_id, 0), str(site_id), site, reasons, covers)
            )
            all_sites.append(site)
        ranked.sort(key=lambda item: item[:3])
        stops = tuple(
            PlannedStop(site.id, site.name, order, "; ".join(reasons), covers)
            for order, (_, _, _, site, reasons, covers) in enumerate(ranked, start=1)
        )
        days.append(PlannedDay(day, catalog.cities[city], move, stops))
    return Itinerary(
        request_id=request.id,
        start=start,
        days=tuple(days),
        score=coverage_score(request, all_sites),
        travel_km=sum(day.move_km for day in days),
    )


def itinerary_of(
    request: VisitRequest,
    sites: Iterable[Site] | SiteCatalog,
    start: date,
    day_sites: Sequence[Sequence[Key]],
) -> Itinerary:
    """Stops chosen elsewhere (kept in the database, set by hand, made up by the demo) laid
    out as the planner lays out its own, so that ``check_itinerary`` can judge them and each
    day has the move that starts it: ``day_sites`` holds the site ids of each day from
    ``start``, in their order, which is kept. A day without stops is spent as ``_assemble``
    spends it; a day's city is that of its first site the catalog knows (an unknown site
    stays in, named by its id, for the check to report); an itinerary without any stop is
    nowhere (its days name no city)."""
    if not day_sites:
        raise ValueError("An itinerary has at least one day.")
    catalog = _catalog(sites)
    cities = _day_cities(catalog, day_sites)
    arrival_km = catalog.km_from(request.arrival) if request.arrival else None
    days = []
    known = []
    previous: int | None = None
    for k, site_ids in enumerate(day_sites):
        city = cities[k]
        if city is None:
            move = 0
        elif previous is None:
            move = arrival_km[city] if arrival_km else 0
        else:
            move = catalog.km[previous][city]
        previous = city
        stops = []
        for order, site_id in enumerate(site_ids, start=1):
            site = catalog.sites.get(site_id)
            if site is None:
                stops.append(PlannedStop(site_id, str(site_id), order, ""))
                continue
            known.append(site)
            covers = tuple(
                sorted(
                    ((area, s) for area, s in site.focus.items() if area in request.focus),
                    key=lambda pair: (-request.focus[pair[0]] * pair[1], pair[0]),
                )
            )
            stops.append(PlannedStop(site_id, site.name, order, "", covers))
        days.append(
            PlannedDay(
                start + timedelta(days=k),
                catalog.cities[city] if city is not None else "",
                move,
                tuple(stops),
            )
        )
    return Itinerary(
        request_id=request.id,
        start=start,
        days=tuple(days),
        score=coverage_score(request, known),
        travel_km=sum(day.move_km for day in days),
    )
