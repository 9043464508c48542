"""The International Visitors Program's planner: itineraries for one visit, and for the year.

Plain data in, plain data out, and no Django: the app turns its models into these dataclasses,
so the planner can be tested and benchmarked on its own and never touches the database.

One visit (``plan_visit``) is an exact CP-SAT model: choose the start date and, for each day,
the city and the site stops, to cover the delegation's focus areas by priority (proven best),
then to travel less (within a short grace, proven when the solver gets there in time).
The year (``plan_year``) cannot be one such model (457 requests x a year of start dates x
14 days x 100+ sites), so it is decomposed: a fast constructive planner proposes a handful of
candidate itineraries per request (different start dates, then itineraries that avoid the
site-days everybody wants), and a CP-SAT master problem picks at most one candidate per request
under the shared site capacity. See ``plan_year`` for what its bound does and does not prove.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import pairwise

from ortools.sat.python import cp_model

Key = int | str
Usage = Mapping[tuple[Key, date], int]

MAX_VISIT_DAYS = 14
MAX_STOPS_PER_DAY = 3
LONG_MOVE_KM = 500
# A day after a move longer than LONG_MOVE_KM holds at most this many stops.
STOPS_AFTER_LONG_MOVE = 1
# Monday is 0, as in ``date.weekday()``; the headquarters briefing falls on the first of these.
WORKING_WEEKDAYS = frozenset(range(5))
# Diminishing returns: the k-th best stop covering a focus area earns
# priority x strength x COVERAGE_WEIGHTS[k]; stops past the last weight earn nothing.
COVERAGE_WEIGHTS = (6, 3, 2, 1)
MAX_STRENGTH = 3
EARTH_RADIUS_KM = 6371.0

PLANNED = "planned"
INFEASIBLE = "infeasible"

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


# --- Plain data in ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """A place a delegation can visit. ``city`` names the city uniquely (say "Portland, OR");
    ``focus`` maps focus area codes to strength 1-3; weekdays count Monday as 0."""

    id: Key
    name: str
    city: str
    lat: float
    lon: float
    focus: Mapping[str, int] = field(default_factory=dict)
    daily_capacity: int = 1
    open_weekdays: frozenset[int] = WORKING_WEEKDAYS
    blackouts: frozenset[date] = frozenset()
    is_headquarters: bool = False


@dataclass(frozen=True)
class VisitRequest:
    """What a delegation asks for, and what the coordinator has decided so far.

    ``focus`` maps focus area codes to priority 1-3; ``arrival`` is the (lat, lon) of the city
    the delegation lands in, if known; ``pinned`` stops (site, date) are kept whatever else
    moves; ``excluded_sites`` are removed from this visit, ``excluded_stops`` only on one date.
    """

    id: Key
    focus: Mapping[str, int]
    earliest_start: date
    latest_end: date
    length_days: int
    must_see: frozenset[Key] = frozenset()
    must_avoid: frozenset[Key] = frozenset()
    wants_hq_briefing: bool = False
    arrival: tuple[float, float] | None = None
    pinned: frozenset[tuple[Key, date]] = frozenset()
    excluded_sites: frozenset[Key] = frozenset()
    excluded_stops: frozenset[tuple[Key, date]] = frozenset()


def pin_stop(request: VisitRequest, site_id: Key, day: date) -> VisitRequest:
    """The request with one more stop the coordinator fixed; re-plan it to plan around it."""
    return replace(request, pinned=request.pinned | {(site_id, day)})


def exclude_site(request: VisitRequest, site_id: Key, day: date | None = None) -> VisitRequest:
    """The request without a site: altogether, or (with ``day``) only on that date."""
    if day is None:
        return replace(request, excluded_sites=request.excluded_sites | {site_id})
    return replace(request, excluded_stops=request.excluded_stops | {(site_id, day)})


# --- Plain data out --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedStop:
    """One site on one day, with why the planner chose it."""

    site_id: Key
    site_name: str
    order: int
    why: str
    covers: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class PlannedDay:
    """A day of the visit: where the delegation is and what it sees. A day without stops is a
    travel or rest day; ``move_km`` is the move that starts the day."""

    date: date
    city: str
    move_km: int
    stops: tuple[PlannedStop, ...]


@dataclass(frozen=True)
class Itinerary:
    request_id: Key
    start: date
    days: tuple[PlannedDay, ...]
    score: int
    travel_km: int

    @property
    def end(self) -> date:
        return self.days[-1].date

    @property
    def stops(self) -> list[tuple[date, PlannedStop]]:
        return [(day.date, stop) for day in self.days for stop in day.stops]

    @property
    def site_days(self) -> frozenset[tuple[Key, date]]:
        """The (site, date) pairs it takes one place of capacity on."""
        return frozenset((stop.site_id, day) for day, stop in self.stops)


@dataclass(frozen=True)
class PlanResult:
    """``objective`` is the covered focus score and ``bound`` the proven best any itinerary
    could reach; ``reasons`` say why nothing fits (when infeasible) or what to know about the
    plan (e.g. not proven optimal in time)."""

    status: str
    itinerary: Itinerary | None
    objective: int
    reasons: tuple[str, ...] = ()
    optimal: bool = False
    solve_seconds: float = 0.0
    bound: float = 0.0

    @property
    def planned(self) -> bool:
        return self.status == PLANNED


@dataclass(frozen=True)
class YearResult:
    """The year's plan. ``bound`` is CP-SAT's proven bound on the master problem and ``gap``
    is (bound - objective) / bound: both are relative to the candidate itineraries generated,
    not to every itinerary that exists. ``candidate_bound`` sums each request's best candidate
    (capacity ignored), a looser bound on the same candidate set."""

    placed: dict[Key, Itinerary]
    left_out: dict[Key, str]
    objective: int
    bound: float
    gap: float
    candidate_bound: int
    candidates: int
    solve_seconds: float
    status: str


# --- Geometry --------------------------------------------------------------------------------


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance: the planner's measure of a move between cities."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class SiteCatalog:
    """Sites indexed once, with the distance between every two cities (whole km), so that
    planning many visits does not redo the geometry. A city sits at its sites' centroid."""

    def __init__(self, sites: Iterable[Site]) -> None:
        self.sites: dict[Key, Site] = {}
        for site in sites:
            if site.id in self.sites:
                raise ValueError(f"Site {site.id!r} is listed twice.")
            self.sites[site.id] = site
        points: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for site in self.sites.values():
            points[site.city].append((site.lat, site.lon))
        self.cities: list[str] = sorted(points)
        self.city_index: dict[str, int] = {name: i for i, name in enumerate(self.cities)}
        self.city_point: list[tuple[float, float]] = [
            (
                sum(p[0] for p in points[name]) / len(points[name]),
                sum(p[1] for p in points[name]) / len(points[name]),
            )
            for name in self.cities
        ]
        self.km: list[list[int]] = [
            [round(haversine_km(*a, *b)) for b in self.city_point] for a in self.city_point
        ]
        self.city_of: dict[Key, int] = {
            site.id: self.city_index[site.city] for site in self.sites.values()
        }
        self.headquarters: list[Key] = sorted(
            (site.id for site in self.sites.values() if site.is_headquarters), key=str
        )

    def km_from(self, point: tuple[float, float]) -> list[int]:
        return [round(haversine_km(*point, *city)) for city in self.city_point]


def _catalog(sites: Iterable[Site] | SiteCatalog) -> SiteCatalog:
    return sites if isinstance(sites, SiteCatalog) else SiteCatalog(sites)


# --- Scoring ---------------------------------------------------------------------------------


def coverage_score(request: VisitRequest, sites: Iterable[Site]) -> int:
    """The focus score of a set of stops: per focus area, the strengths sorted from the
    strongest, the k-th earning priority x strength x COVERAGE_WEIGHTS[k]."""
    strengths: dict[str, list[int]] = defaultdict(list)
    for site in sites:
        for area, strength in site.focus.items():
            if area in request.focus:
                strengths[area].append(strength)
    total = 0
    for area, found in strengths.items():
        found.sort(reverse=True)
        for weight, strength in zip(COVERAGE_WEIGHTS, found, strict=False):
            total += request.focus[area] * strength * weight
    return total


def _first_working_day(start: date, length: int) -> int | None:
    for k in range(length):
        if (start + timedelta(days=k)).weekday() in WORKING_WEEKDAYS:
            return k
    return None


class _Visit:
    """One request against a catalog and the capacity others use: what is usable when, and
    the per-site data both planners read."""

    def __init__(self, request: VisitRequest, catalog: SiteCatalog, usage: Usage) -> None:
        self.request = request
        self.catalog = catalog
        self.usage = usage
        self.length = request.length_days
        span = (request.latest_end - request.earliest_start).days + 1
        self.window = [request.earliest_start + timedelta(days=n) for n in range(max(0, span))]
        self.starts = (
            self.window[: len(self.window) - self.length + 1]
            if 1 <= self.length <= MAX_VISIT_DAYS
            else []
        )
        self.pins = sorted(request.pinned, key=lambda pin: (pin[1], str(pin[0])))
        self.pinned_sites = {site_id for site_id, _ in request.pinned}
        self.arrival_km = catalog.km_from(request.arrival) if request.arrival else None
        self.areas = sorted(request.focus)
        area_index = {area: i for i, area in enumerate(self.areas)}
        self.priority = [request.focus[area] for area in self.areas]
        banned = request.excluded_sites | request.must_avoid
        self.site_areas: dict[Key, list[tuple[int, int]]] = {}
        for site in catalog.sites.values():
            if site.id in banned:
                continue
            covered = [
                (area_index[area], min(MAX_STRENGTH, strength))
                for area, strength in site.focus.items()
                if area in area_index and strength > 0
            ]
            if covered:
                self.site_areas[site.id] = covered
        # The sites worth a stop: they earn, or a rule asks for them.
        wanted = set(self.site_areas) | self.pinned_sites | set(request.must_see)
        if request.wants_hq_briefing:
            wanted |= set(catalog.headquarters)
        self.sites = sorted((s for s in wanted if s in catalog.sites and s not in banned), key=str)
        self.hq = [s for s in self.sites if catalog.sites[s].is_headquarters]
        self.by_city: dict[int, list[Key]] = defaultdict(list)
        for site_id in self.sites:
            self.by_city[catalog.city_of[site_id]].append(site_id)
        self.cities = sorted(self.by_city)
        self.standalone = {s: self.gain(s, self.empty_counts()) for s in self.sites}
        self._usable: dict[tuple[Key, date], bool] = {}

    def empty_counts(self) -> list[list[int]]:
        return [[0] * MAX_STRENGTH for _ in self.areas]

    def gain(self, site_id: Key, counts: list[list[int]]) -> int:
        """What one more stop at the site adds, given the coverage so far (per area, per
        strength level, how many stops reach it)."""
        total = 0
        for area, strength in self.site_areas.get(site_id, ()):
            levels = counts[area]
            for level in range(strength):
                if levels[level] < len(COVERAGE_WEIGHTS):
                    total += self.priority[area] * COVERAGE_WEIGHTS[levels[level]]
        return total

    def score(self, site_ids: Iterable[Key]) -> int:
        """The coverage score of these stops (as coverage_score, from the indexed data)."""
        counts = self.empty_counts()
        total = 0
        for site_id in site_ids:
            total += self.gain(site_id, counts)
            self.add(site_id, counts)
        return total

    def add(self, site_id: Key, counts: list[list[int]]) -> None:
        for area, strength in self.site_areas.get(site_id, ()):
            for level in range(strength):
                counts[area][level] += 1

    def is_open(self, site_id: Key, day: date) -> bool:
        site = self.catalog.sites[site_id]
        return day.weekday() in site.open_weekdays and day not in site.blackouts

    def room(self, site_id: Key, day: date, usage: Usage | None = None) -> int:
        used = (self.usage if usage is None else usage).get((site_id, day), 0)
        return self.catalog.sites[site_id].daily_capacity - used

    def usable(
        self,
        site_id: Key,
        day: date,
        *,
        relax: frozenset[str] = frozenset(),
        usage: Usage | None = None,
    ) -> bool:
        plain = not relax and (usage is None or usage is self.usage)
        if plain and (site_id, day) in self._usable:
            return self._usable[site_id, day]
        fits = (
            (site_id, day) not in self.request.excluded_stops
            and ("closures" in relax or self.is_open(site_id, day))
            and ("capacity" in relax or self.room(site_id, day, usage) > 0)
        )
        if plain:
            # Both planners ask the same site-days again and again.
            self._usable[site_id, day] = fits
        return fits

    def name(self, site_id: Key) -> str:
        return self.catalog.sites[site_id].name


# --- Itinerary assembly and checking ---------------------------------------------------------


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


# --- One visit: the exact model --------------------------------------------------------------


@dataclass
class _Model:
    model: cp_model.CpModel
    starts: list[cp_model.IntVar]
    cities: list[dict[int, cp_model.IntVar]]
    stops: dict[tuple[int, Key], cp_model.IntVar]
    coverage: cp_model.LinearExpr
    # Per focus area and strength level, the stops that reach it and its weighted slots; and
    # the long-move flag of each day that has one.
    slots: list[tuple[list[tuple[int, Key]], list[cp_model.IntVar]]]
    long_moves: dict[int, cp_model.IntVar]
    # Set by _add_travel: the move that starts day k (k >= 1).
    moves: dict[int, cp_model.IntVar] = field(default_factory=dict)


def _visit_model(visit: _Visit, relax: frozenset[str] = frozenset()) -> _Model:
    """The CP-SAT model of one visit; ``relax`` drops rules (by RELAXABLE_RULES name) for the
    diagnosis. Days are counted from the chosen start, so its size does not grow with the
    window: start choice x (day x city) x (day x site), with one rule row per start."""
    request, catalog = visit.request, visit.catalog
    length, starts = visit.length, visit.starts
    model = cp_model.CpModel()
    total = cp_model.LinearExpr.sum
    start_vars = [model.new_bool_var(f"start_{s:%Y%m%d}") for s in starts]
    model.add_exactly_one(start_vars)
    cities = visit.cities
    city_vars = [{c: model.new_bool_var(f"city_{k}_{c}") for c in cities} for k in range(length)]
    for k in range(length):
        model.add_exactly_one(city_vars[k].values())

    stops: dict[tuple[int, Key], cp_model.IntVar] = {}
    for site_id in visit.sites:
        city = catalog.city_of[site_id]
        for k in range(length):
            fitting = [
                var
                for var, start in zip(start_vars, starts, strict=True)
                if visit.usable(site_id, start + timedelta(days=k), relax=relax)
            ]
            if not fitting:
                continue
            var = model.new_bool_var(f"stop_{k}_{site_id}")
            stops[k, site_id] = var
            if len(fitting) < len(start_vars):
                model.add(var <= total(fitting))
            model.add_implication(var, city_vars[k][city])
        visits = [stops[k, site_id] for k in range(length) if (k, site_id) in stops]
        if site_id in request.must_see and "must_see" not in relax:
            model.add(total(visits) == 1)
        elif visits:
            model.add(total(visits) <= 1)

    # A day's stops fit in its city's share of the day: the LP then cannot spread a day
    # over many cities (the cut that makes the bound tight enough to prove quickly).
    day_limit = MAX_STOPS_PER_DAY if "max_stops" not in relax else len(visit.sites)
    for k in range(length):
        for c in cities:
            in_city = [stops[k, s] for s in visit.by_city[c] if (k, s) in stops]
            if in_city:
                model.add(total(in_city) <= min(day_limit, len(in_city)) * city_vars[k][c])

    # Stops per day, and the long-move rule: day k starts with a long move when the delegation
    # was the day before (or, on day 1, lands) in a city more than LONG_MOVE_KM away. Written
    # with each city's near cities, so the LP sees it without big-M terms: being in city i
    # the day before means being near i today, or moving far.
    near = {c: [j for j in cities if catalog.km[c][j] <= LONG_MOVE_KM] for c in cities}
    long_moves: dict[int, cp_model.IntVar] = {}
    for k in range(length):
        on_day = [var for (day, _), var in stops.items() if day == k]
        if not on_day:
            continue
        limit = MAX_STOPS_PER_DAY if "max_stops" not in relax else len(on_day)
        model.add(total(on_day) <= limit)
        if "long_move" in relax or limit <= STOPS_AFTER_LONG_MOVE:
            continue
        long_move = long_moves[k] = model.new_bool_var(f"long_move_{k}")
        model.add(total(on_day) + (limit - STOPS_AFTER_LONG_MOVE) * long_move <= limit)
        if k == 0:
            if visit.arrival_km:
                far = [city_vars[0][c] for c in cities if visit.arrival_km[c] > LONG_MOVE_KM]
                if far:
                    model.add(total(far) <= long_move)
            else:
                model.add(long_move == 0)
            continue
        for c in cities:
            if len(near[c]) < len(cities):
                model.add(
                    city_vars[k - 1][c] <= total([city_vars[k][j] for j in near[c]]) + long_move
                )

    # The headquarters briefing on the first working day of whichever start is chosen.
    if request.wants_hq_briefing and "hq_briefing" not in relax:
        for var, start in zip(start_vars, starts, strict=True):
            first = _first_working_day(start, length)
            briefings = [
                stops[first, h] for h in visit.hq if first is not None and (first, h) in stops
            ]
            if not briefings:
                model.add(var == 0)
            else:
                model.add(total(briefings) >= 1).only_enforce_if(var)

    if "pinned" not in relax:
        for site_id, day in visit.pins:
            for var, start in zip(start_vars, starts, strict=True):
                k = (day - start).days
                if 0 <= k < length and (k, site_id) in stops:
                    model.add_implication(var, stops[k, site_id])
                else:
                    model.add(var == 0)

    # Coverage with diminishing returns, linear: for each focus area and strength level t,
    # reached[t] counts the stops of strength >= t; the j-th of them earns the j-th weight.
    # Summed over levels this is exactly priority x strength x weight of the strengths sorted
    # from the strongest, because the weights decrease.
    coverage_terms: list[cp_model.LinearExprT] = []
    all_slots: list[tuple[list[tuple[int, Key]], list[cp_model.IntVar]]] = []
    strength = {s: [0] * len(visit.areas) for s in visit.sites}
    for site_id, covered in visit.site_areas.items():
        if site_id in strength:
            for a, level in covered:
                strength[site_id][a] = level
    for a, area in enumerate(visit.areas):
        for level in range(MAX_STRENGTH):
            reaching = [key for key in stops if strength[key[1]][a] > level]
            if not reaching:
                continue
            slots = [
                model.new_bool_var(f"cover_{area}_{level}_{j}")
                for j in range(min(len(COVERAGE_WEIGHTS), len(reaching)))
            ]
            all_slots.append((reaching, slots))
            model.add(total(slots) <= total([stops[key] for key in reaching]))
            for earlier, later in pairwise(slots):
                model.add_implication(later, earlier)
            coverage_terms.extend(
                visit.priority[a] * weight * slot
                for weight, slot in zip(COVERAGE_WEIGHTS, slots, strict=False)
            )
    return _Model(
        model,
        start_vars,
        city_vars,
        stops,
        cp_model.LinearExpr.sum(coverage_terms),
        all_slots,
        long_moves,
    )


def _add_travel(built: _Model, visit: _Visit) -> tuple[cp_model.LinearExpr, int]:
    """Count the travel, for the second solve only (it slows the proof of the best score):
    the move that starts each day, from the day before (or the arrival city). Returns the
    travel and the longest it can be."""
    catalog, cities, city_vars = visit.catalog, visit.cities, built.cities
    model = built.model
    travel: list[cp_model.LinearExprT] = []
    widest = max((catalog.km[i][j] for i in cities for j in cities), default=0)
    weighted = cp_model.LinearExpr.weighted_sum
    for k in range(visit.length):
        today = [city_vars[k][c] for c in cities]
        if k == 0:
            if visit.arrival_km:
                travel.append(weighted(today, [visit.arrival_km[c] for c in cities]))
            continue
        move = built.moves[k] = model.new_int_var(0, widest, f"move_{k}")
        for c in cities:
            reach = weighted(today, [catalog.km[c][j] for j in cities])
            model.add(move >= reach).only_enforce_if(city_vars[k - 1][c])
        travel.append(move)
    longest = widest * (visit.length - 1)
    if visit.arrival_km:
        longest += max((visit.arrival_km[c] for c in cities), default=0)
    return cp_model.LinearExpr.sum(travel), longest


def _solver(
    time_limit: float,
    workers: int,
    *,
    tight_lp: bool = False,
    brief_presolve: bool = False,
    deterministic: bool = False,
) -> cp_model.CpSolver:
    """A seeded solver. ``tight_lp`` runs the full LP (linearization level 2) in both
    workers' portfolio: on the visit model it proves the coverage bound in a fraction of the
    time the default portfolio for two workers takes. ``brief_presolve`` (one pass, no
    probing, no symmetry search) is for the travel solve, which only has the grace: the full
    presolve would spend half of it before searching. ``deterministic``: ``time_limit`` is
    CP-SAT's deterministic time (work counted, not the clock) and the workers' search is
    interleaved, so the answer is the same on any machine, however busy (for tests)."""
    solver = cp_model.CpSolver()
    if deterministic:
        solver.parameters.max_deterministic_time = max(0.01, time_limit)
        solver.parameters.interleave_search = workers > 1
    else:
        solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 7
    if tight_lp:
        if workers >= 2:
            solver.parameters.subsolvers.extend(["max_lp", "pseudo_costs"])
        else:
            solver.parameters.linearization_level = 2
    if brief_presolve:
        solver.parameters.max_presolve_iterations = 1
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.symmetry_level = 0
    return solver


def _hint(built: _Model, visit: _Visit, start: date, day_sites: Sequence[Sequence[Key]]) -> None:
    """Start the solver from a known itinerary (the quick planner's, or the first solve's),
    every variable given, so that the solver takes it as its first solution at once."""
    model = built.model
    for var, when in zip(built.starts, visit.starts, strict=True):
        model.add_hint(var, when == start)
    chosen = {(k, s) for k, sites in enumerate(day_sites) for s in sites}
    for key, var in built.stops.items():
        model.add_hint(var, key in chosen)
    for reaching, slots in built.slots:
        reached = sum(key in chosen for key in reaching)
        for j, var in enumerate(slots):
            model.add_hint(var, j < reached)
    itinerary = _assemble(visit, start, day_sites)
    if itinerary is None:
        return
    for k, day in enumerate(itinerary.days):
        city = visit.catalog.city_index[day.city]
        for c, var in built.cities[k].items():
            model.add_hint(var, c == city)
        if k in built.moves:
            model.add_hint(built.moves[k], day.move_km)
        if k in built.long_moves:
            model.add_hint(built.long_moves[k], day.move_km > LONG_MOVE_KM)


def _read(built: _Model, visit: _Visit, solver: cp_model.CpSolver) -> Itinerary | None:
    start = next(
        s for s, var in zip(visit.starts, built.starts, strict=True) if solver.boolean_value(var)
    )
    day_sites: list[list[Key]] = [[] for _ in range(visit.length)]
    for (k, site_id), var in built.stops.items():
        if solver.boolean_value(var):
            day_sites[k].append(site_id)
    return _assemble(visit, start, day_sites)


def _quick_best(visit: _Visit) -> tuple[date, list[list[Key]]] | None:
    best: tuple[tuple[int, int], date, list[list[Key]]] | None = None
    for start in visit.starts:
        day_sites = _quick_stops(visit, start, visit.usage)
        itinerary = _assemble(visit, start, day_sites) if day_sites else None
        if itinerary and day_sites:
            rank = (itinerary.score, -itinerary.travel_km)
            if best is None or rank > best[0]:
                best = (rank, start, day_sites)
    return (best[1], best[2]) if best else None


def plan_visit(
    request: VisitRequest,
    sites: Iterable[Site] | SiteCatalog,
    usage: Usage | None = None,
    *,
    time_limit: float = 5.0,
    travel_grace: float = 0.5,
    workers: int = 2,
    deterministic: bool = False,
) -> PlanResult:
    """Plan one visit exactly: the best covered focus score, then the least travel.

    ``usage`` is the capacity other confirmed visits hold per (site id, date). Pinned stops
    and exclusions in the request are hard rules, so re-planning after the coordinator pins
    or removes a stop plans around it. When nothing fits, ``reasons`` say why: first the
    cheap checks (window, closures, must-see, pins, briefing), else the rules whose
    relaxation alone lets a plan exist.

    First the best score, proven by CP-SAT on a model without travel (counting travel makes
    that proof several times slower), started from the quick planner's itinerary. Travel only
    breaks ties, so it gets at most ``travel_grace`` more seconds: a local search that moves
    days and exchanges stops without losing score, then (once the score is proven) a second
    solve of the same model with the score held and the travel counted. So ``optimal`` (both
    proven) may be False while the score is proven best (``bound`` equals it). A score not
    proven within ``time_limit`` is returned as the best found, with its bound, and its
    reasons say it is not proven optimal. The whole call takes at most about ``time_limit``
    plus ``travel_grace``.

    ``deterministic`` (for tests): both limits are CP-SAT deterministic seconds rather than
    the clock's, and the local search runs to its end, so a request gives the same result on
    any machine.
    """
    began = time.perf_counter()
    visit = _Visit(request, _catalog(sites), usage or {})
    reasons = _prechecks(visit)
    if reasons:
        return PlanResult(INFEASIBLE, None, 0, tuple(reasons), solve_seconds=_since(began))
    built = _visit_model(visit)
    status, itinerary, bound = _best_score(built, visit, time_limit, workers, deterministic)
    if itinerary is None:
        if status == cp_model.INFEASIBLE:
            reasons = _diagnose(visit, time_limit, workers, deterministic)
        elif status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            reasons = [
                "No site that covers the delegation's focus areas is open with room in the window."
            ]
        else:
            reasons = [f"No itinerary was found within {time_limit:g} s."]
        return PlanResult(INFEASIBLE, None, 0, tuple(reasons), solve_seconds=_since(began))
    # Travel only breaks ties among itineraries of this score: at most travel_grace more
    # seconds, first a local search, then (once the score is proven) the second solve.
    deadline = math.inf if deterministic else time.perf_counter() + max(0.0, travel_grace)
    start, days = _improve_travel(visit, itinerary, deadline)
    itinerary = _assemble(visit, start, days) or itinerary
    if status != cp_model.OPTIMAL:
        cut = (
            f"Not proven optimal: the best found in {time_limit:g} s scores {itinerary.score}, "
            f"and no itinerary can score more than {bound:g}.",
        )
        return PlanResult(PLANNED, itinerary, itinerary.score, cut, False, _since(began), bound)
    itinerary, shortest = _shortest_travel(
        built, visit, itinerary, deadline, workers, travel_grace if deterministic else None
    )
    notes: tuple[str, ...] = ()
    if not shortest:
        notes = ("The score is proven best; the travel is the shortest found, not proven.",)
    return PlanResult(
        PLANNED, itinerary, itinerary.score, notes, shortest, _since(began), float(itinerary.score)
    )


def _best_score(
    built: _Model, visit: _Visit, time_limit: float, workers: int, deterministic: bool = False
) -> tuple[cp_model.CpSolverStatus, Itinerary | None, float]:
    """The first solve: the solver's status, the best itinerary found and the proven bound on
    any itinerary's score. It starts from the quick planner's itinerary; and since none
    scores more than every site it could stop at, reaching that proves it without a solve."""
    quick = _quick_best(visit)
    found = _assemble(visit, *quick) if quick else None
    ceiling = visit.score({site_id for _, site_id in built.stops})
    if found is not None and found.score >= ceiling:
        return cp_model.OPTIMAL, found, float(found.score)
    built.model.maximize(built.coverage)
    if quick:
        _hint(built, visit, *quick)
    solver = _solver(time_limit, workers, tight_lp=True, deterministic=deterministic)
    status = solver.solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, None, 0.0
    itinerary = _read(built, visit, solver)
    bound = min(ceiling, math.floor(solver.best_objective_bound + 1e-6))
    return status, itinerary, float(max(bound, itinerary.score if itinerary else 0))


def _order_travel(visit: _Visit, start: date, days: Sequence[Sequence[Key]]) -> int | None:
    """The travel of these stops per day from this start (a day without stops spent as
    _assemble spends it), or None when the dates break a rule: a closed, full or removed
    site-day, a pin, the briefing day, or a long move before a day of several stops."""
    catalog = visit.catalog
    for k, sites in enumerate(days):
        day = start + timedelta(days=k)
        if not all(visit.usable(site_id, day) for site_id in sites):
            return None
    for site_id, day in visit.pins:
        k = (day - start).days
        if not 0 <= k < len(days) or site_id not in days[k]:
            return None
    if visit.request.wants_hq_briefing:
        first = _first_working_day(start, len(days))
        if first is None or not any(catalog.sites[s].is_headquarters for s in days[first]):
            return None
    travel = 0
    previous: int | None = None
    for k, sites in enumerate(days):
        if not sites:
            continue
        city = catalog.city_of[sites[0]]
        if previous is None:
            move = visit.arrival_km[city] if visit.arrival_km else 0
        else:
            move = catalog.km[previous][city]
        # After a day without stops the move is behind: that day is spent here.
        arrives = k == 0 or bool(days[k - 1])
        if arrives and move > LONG_MOVE_KM and len(sites) > STOPS_AFTER_LONG_MOVE:
            return None
        travel += move
        previous = city
    return travel


def _rearrangements(
    visit: _Visit, start: date, days: list[list[Key]], score: int
) -> Iterator[tuple[date, list[list[Key]]]]:
    """The itineraries one step away that keep at least ``score``: another start; two days
    swapped, or one day moved elsewhere; one stop moved to another day, or exchanged for an
    unused site (not a must-see or pinned one). Rules are checked by _order_travel."""
    for other in visit.starts:
        if other != start:
            yield other, days
    length = len(days)
    for i in range(length):
        for j in range(length):
            if i == j or not (days[i] or days[j]):
                continue
            if i < j:
                swapped = list(days)
                swapped[i], swapped[j] = days[j], days[i]
                yield start, swapped
            moved = list(days)
            moved.insert(j, moved.pop(i))
            yield start, moved
    city_of = visit.catalog.city_of
    fixed = visit.request.must_see | visit.pinned_sites
    used = {site_id for sites in days for site_id in sites}
    spare = [site_id for site_id in visit.sites if site_id not in used]
    for k, sites in enumerate(days):
        for site_id in sites:
            if site_id in fixed:
                continue
            rest = used - {site_id}
            for new in [site_id, *spare]:
                if new != site_id and visit.score(rest | {new}) < score:
                    continue
                for target in range(length):
                    if new == site_id and target == k:
                        continue
                    there = [s for s in days[target] if s != site_id]
                    if there and (
                        city_of[there[0]] != city_of[new] or len(there) >= MAX_STOPS_PER_DAY
                    ):
                        continue
                    option = list(days)
                    option[k] = [s for s in days[k] if s != site_id]
                    option[target] = [*there, new]
                    yield start, option


def _improve_travel(
    visit: _Visit, found: Itinerary, deadline: float
) -> tuple[date, list[list[Key]]]:
    """Less travel for the same score by local search (best step first, until none helps
    or the deadline): a good first itinerary for the travel solve, found in milliseconds."""
    best_start = found.start
    best = [[stop.site_id for stop in day.stops] for day in found.days]
    best_travel = _order_travel(visit, best_start, best)
    while best_travel and time.perf_counter() < deadline:
        step: tuple[int, date, list[list[Key]]] | None = None
        for option_start, option in _rearrangements(visit, best_start, best, found.score):
            travel = _order_travel(visit, option_start, option)
            if travel is not None and travel < (step[0] if step else best_travel):
                step = (travel, option_start, option)
        if step is None:
            break
        best_travel, best_start, best = step
    return best_start, best


def _shortest_travel(
    built: _Model,
    visit: _Visit,
    found: Itinerary,
    deadline: float,
    workers: int,
    deterministic_time: float | None = None,
) -> tuple[Itinerary, bool]:
    """The second solve, until the deadline (or for ``deterministic_time``): the least travel
    among the itineraries that keep ``found``'s proven best score; and whether that travel is
    proven shortest."""
    if found.travel_km == 0:
        return found, True
    seconds = (
        deterministic_time if deterministic_time is not None else deadline - time.perf_counter()
    )
    if seconds <= 0:
        return found, False
    travel, longest = _add_travel(built, visit)
    model = built.model
    model.add(built.coverage >= found.score)
    # The score stays in the objective, held at its best: the solver then has no freedom in
    # how it counts the coverage, which proves the travel faster than minimising it alone.
    model.maximize((longest + 1) * built.coverage - travel)
    model.clear_hints()
    _hint(built, visit, found.start, [[stop.site_id for stop in day.stops] for day in found.days])
    if deterministic_time is not None:
        solver = _solver(
            deterministic_time, workers, tight_lp=True, brief_presolve=True, deterministic=True
        )
    else:
        solver = _solver(
            deadline - time.perf_counter(), workers, tight_lp=True, brief_presolve=True
        )
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return found, False
    shorter = _read(built, visit, solver)
    if shorter is None or (shorter.score, -shorter.travel_km) < (found.score, -found.travel_km):
        return found, False
    return shorter, status == cp_model.OPTIMAL


def _diagnose(
    visit: _Visit, time_limit: float, workers: int, deterministic: bool = False
) -> list[str]:
    """Name the binding rule: the rules whose relaxation, one at a time, lets a plan exist."""
    binding = []
    for rule, words in RELAXABLE_RULES.items():
        if rule == "hq_briefing" and not visit.request.wants_hq_briefing:
            continue
        if rule == "must_see" and not visit.request.must_see:
            continue
        if rule == "pinned" and not visit.request.pinned:
            continue
        built = _visit_model(visit, frozenset({rule}))
        solver = _solver(time_limit, workers, deterministic=deterministic)
        solver.parameters.stop_after_first_solution = True
        if solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            binding.append(words)
    if not binding:
        return ["No itinerary keeps every rule, and no single rule explains it: it takes several."]
    return [f"No itinerary keeps every rule; it would fit without {words}." for words in binding]


def _since(began: float) -> float:
    return time.perf_counter() - began


# --- One visit, fast: the constructive planner -----------------------------------------------


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


# --- The year --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    request: int
    start: date
    day_sites: tuple[tuple[Key, ...], ...]
    score: int
    travel_km: int
    site_days: frozenset[tuple[Key, date]]


def _spread(starts: Sequence[date], count: int) -> list[date]:
    """``count`` start dates spread evenly over the window, both ends included."""
    if len(starts) <= count:
        return list(starts)
    step = (len(starts) - 1) / (count - 1) if count > 1 else 0
    return sorted({starts[round(i * step)] for i in range(count)})


def plan_year(
    requests: Sequence[VisitRequest],
    sites: Iterable[Site] | SiteCatalog,
    usage: Usage | None = None,
    *,
    time_limit: float = 50.0,
    workers: int = 2,
    starts_per_request: int = 8,
    gap_limit: float = 0.001,
    deterministic: bool = False,
) -> YearResult:
    """Place every pending request at once against shared site capacity, maximising the
    total covered focus score; each request is placed or left out with a reason.

    Decomposition (a price-free column generation):
    1. candidates: for each request, the constructive planner's itinerary at up to
       ``starts_per_request`` start dates spread over its window;
    2. alternatives: for requests whose best candidate uses a site-day more requests want
       than it has room for, itineraries that avoid those crowded site-days;
    3. a sequential fill (best requests first, each taking its best candidate that still
       fits, or a new itinerary built around what is taken) gives a feasible plan, whose
       itineraries join the candidates and start the solver;
    4. the master CP-SAT model picks at most one candidate per request under every
       site-day's remaining capacity, within what is left of ``time_limit``.

    ``bound`` is the master's proven bound, so ``gap`` says how far the plan is from the
    best choice *among the candidates*; an itinerary never generated is not covered by it.
    ``candidate_bound`` (each request's best candidate, capacity ignored) bounds the same set.

    ``deterministic`` (for tests): the candidates are all generated, whatever the clock says,
    and the master gets ``time_limit`` CP-SAT deterministic seconds, so a year gives the same
    plan on any machine.
    """
    began = time.perf_counter()
    catalog = _catalog(sites)
    base: Usage = usage or {}
    visits = [_Visit(request, catalog, base) for request in requests]
    candidates: list[_Candidate] = []
    seen: set[tuple[int, frozenset[tuple[Key, date]]]] = set()
    by_request: dict[int, list[int]] = defaultdict(list)

    def room(cell: tuple[Key, date]) -> int:
        return catalog.sites[cell[0]].daily_capacity - base.get(cell, 0)

    def propose(
        i: int, start: date, taken: Usage, blocked: frozenset[tuple[Key, date]]
    ) -> int | None:
        day_sites = _quick_stops(visits[i], start, taken, blocked)
        if day_sites is None:
            return None
        site_days = frozenset(
            (s, start + timedelta(days=k)) for k, sites_ in enumerate(day_sites) for s in sites_
        )
        key = (i, site_days)
        if key in seen:
            return next(c for c in by_request[i] if candidates[c].site_days == site_days)
        itinerary = _assemble(visits[i], start, day_sites)
        if itinerary is None:
            return None
        seen.add(key)
        candidates.append(
            _Candidate(
                i,
                start,
                tuple(tuple(s) for s in day_sites),
                itinerary.score,
                itinerary.travel_km,
                site_days,
            )
        )
        by_request[i].append(len(candidates) - 1)
        return len(candidates) - 1

    def best_of(i: int) -> int | None:
        pool = by_request.get(i)
        if not pool:
            return None
        return max(pool, key=lambda c: (candidates[c].score, -candidates[c].travel_km, -c))

    # 1. Spread start dates.
    for i, visit in enumerate(visits):
        if _prechecks(visit):
            continue
        for start in _spread(visit.starts, starts_per_request):
            propose(i, start, base, frozenset())

    def out_of_time() -> bool:
        """Extra candidates stop at 60% of the time limit, to leave the master its share."""
        return not deterministic and _since(began) > 0.6 * time_limit

    # 2. Alternatives around the crowded site-days.
    wanted: dict[tuple[Key, date], int] = defaultdict(int)
    for i in range(len(visits)):
        if (b := best_of(i)) is not None:
            for cell in candidates[b].site_days:
                wanted[cell] += 1
    crowded = frozenset(cell for cell, n in wanted.items() if n > room(cell))
    for i in range(len(visits)):
        b = best_of(i)
        if b is None or not candidates[b].site_days & crowded or out_of_time():
            continue
        starts = sorted({candidates[c].start for c in by_request[i]})
        for start in _spread(starts, max(2, starts_per_request // 2)):
            propose(i, start, base, crowded)

    # 3. A sequential fill: a feasible plan to start from.
    taken: dict[tuple[Key, date], int] = defaultdict(int, base)
    chosen: dict[int, int] = {}
    order = sorted(
        (i for i in range(len(visits)) if by_request.get(i)),
        key=lambda i: (-candidates[best_of(i) or 0].score, i),
    )

    def fits(c: int) -> bool:
        return all(
            taken[cell] < catalog.sites[cell[0]].daily_capacity for cell in candidates[c].site_days
        )

    for i in order:
        pool = sorted(
            by_request[i], key=lambda c: (-candidates[c].score, candidates[c].travel_km, c)
        )
        pick = next((c for c in pool if fits(c)), None)
        if not out_of_time() and (
            pick is None or candidates[pick].score < candidates[pool[0]].score
        ):
            starts = sorted({candidates[c].start for c in pool})
            for start in _spread(starts, starts_per_request):
                made = propose(i, start, taken, frozenset())
                if (
                    made is not None
                    and fits(made)
                    and (pick is None or candidates[made].score > candidates[pick].score)
                ):
                    pick = made
        if pick is not None:
            chosen[i] = pick
            for cell in candidates[pick].site_days:
                taken[cell] += 1

    # 4. The master problem.
    model = cp_model.CpModel()
    pick_vars = [model.new_bool_var(f"c{c}") for c in range(len(candidates))]
    for pool in by_request.values():
        model.add_at_most_one(pick_vars[c] for c in pool)
    users: dict[tuple[Key, date], list[int]] = defaultdict(list)
    for c, candidate in enumerate(candidates):
        for cell in candidate.site_days:
            users[cell].append(c)
    for cell, pool in users.items():
        if len({candidates[c].request for c in pool}) > room(cell):
            model.add(sum(pick_vars[c] for c in pool) <= max(0, room(cell)))
    model.maximize(sum(candidate.score * pick_vars[c] for c, candidate in enumerate(candidates)))
    for c, var in enumerate(pick_vars):
        model.add_hint(var, chosen.get(candidates[c].request) == c)
    remaining = time_limit if deterministic else max(1.0, time_limit - _since(began))
    solver = _solver(remaining, workers, deterministic=deterministic)
    solver.parameters.relative_gap_limit = gap_limit
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        picked = {
            candidates[c].request: c for c, var in enumerate(pick_vars) if solver.boolean_value(var)
        }
        if sum(candidates[c].score for c in picked.values()) < sum(
            candidates[c].score for c in chosen.values()
        ):
            picked = chosen
        bound = float(solver.best_objective_bound)
    else:
        picked = chosen
        bound = float(sum(candidates[b].score for i in by_request if (b := best_of(i)) is not None))
    status_name = solver.status_name(status).lower()

    # Requests left out whose candidate still fits in what is left: place them.
    taken = defaultdict(int, base)
    for c in picked.values():
        for cell in candidates[c].site_days:
            taken[cell] += 1
    for i in range(len(visits)):
        if i in picked or not by_request.get(i):
            continue
        for c in sorted(by_request[i], key=lambda c: -candidates[c].score):
            if fits(c):
                picked[i] = c
                for cell in candidates[c].site_days:
                    taken[cell] += 1
                break

    placed: dict[Key, Itinerary] = {}
    left_out: dict[Key, str] = {}
    for i, visit in enumerate(visits):
        request = visit.request
        if i in picked:
            candidate = candidates[picked[i]]
            itinerary = _assemble(visit, candidate.start, candidate.day_sites)
            assert itinerary is not None
            placed[request.id] = itinerary
        elif not by_request.get(i):
            reasons = _prechecks(visit)
            left_out[request.id] = (
                " ".join(reasons)
                if reasons
                else "No itinerary keeping every rule was found in the window; plan it on "
                "its own to see which rule binds."
            )
        else:
            best = candidates[best_of(i) or 0]
            full = sorted(
                (
                    cell
                    for cell in best.site_days
                    if taken[cell] >= catalog.sites[cell[0]].daily_capacity
                ),
                key=lambda cell: (cell[1], str(cell[0])),
            )
            where = "; ".join(f"{_label(catalog, s)} on {_fmt(d)}" for s, d in full[:3])
            left_out[request.id] = (
                "Left out for capacity: other visits earn more with the site-days its "
                f"itineraries need ({where or 'a site-day it needs'} is full)."
            )
    objective = sum(itinerary.score for itinerary in placed.values())
    bound = max(bound, float(objective))
    return YearResult(
        placed=placed,
        left_out=left_out,
        objective=objective,
        bound=bound,
        gap=(bound - objective) / bound if bound > 0 else 0.0,
        candidate_bound=sum(
            candidates[b].score for i in by_request if (b := best_of(i)) is not None
        ),
        candidates=len(candidates),
        solve_seconds=_since(began),
        status=status_name,
    )
