"""The planner's benchmark: a deterministic synthetic year, a greedy baseline, and the runner.

``make bench-planner`` runs ``main()``: 457 visit requests over fiscal year 2026 against 100+
sites in real U.S. cities (coordinates of the cities; the sites, their focus strengths,
capacities and blackouts are invented, from a fixed seed). It prints the year's solve time,
objective, proven bound and gap next to a first-come-first-served greedy on the same year,
and the median and longest time to plan one visit exactly (with the machine's load, since
the cores may be shared). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from liaison.visits.planner import (
    WORKING_WEEKDAYS,
    Itinerary,
    Key,
    Site,
    SiteCatalog,
    VisitRequest,
    check_itinerary,
    plan_visit,
    plan_year,
    quick_itinerary,
)

SEED = 4572026
REQUESTS = 457
FY_START = date(2025, 10, 1)
FY_END = date(2026, 9, 30)

# City, state: latitude, longitude (city centres, rounded).
CITIES: dict[str, tuple[float, float]] = {
    "Washington, DC": (38.9072, -77.0369),
    "Sterling, VA": (39.0062, -77.4286),
    "Baltimore, MD": (39.2904, -76.6122),
    "Philadelphia, PA": (39.9526, -75.1652),
    "New York, NY": (40.7128, -74.0060),
    "Newark, NJ": (40.7357, -74.1724),
    "Boston, MA": (42.3601, -71.0589),
    "Buffalo, NY": (42.8864, -78.8784),
    "Champlain, NY": (44.9864, -73.4465),
    "Detroit, MI": (42.3314, -83.0458),
    "Port Huron, MI": (42.9709, -82.4249),
    "Chicago, IL": (41.8781, -87.6298),
    "Minneapolis, MN": (44.9778, -93.2650),
    "Pembina, ND": (48.9661, -97.2437),
    "Grand Forks, ND": (47.9253, -97.0329),
    "Sweetgrass, MT": (48.9986, -111.9603),
    "Spokane, WA": (47.6588, -117.4260),
    "Blaine, WA": (48.9937, -122.7471),
    "Seattle, WA": (47.6062, -122.3321),
    "Portland, OR": (45.5152, -122.6784),
    "San Francisco, CA": (37.7749, -122.4194),
    "Oakland, CA": (37.8044, -122.2712),
    "Los Angeles, CA": (34.0522, -118.2437),
    "Long Beach, CA": (33.7701, -118.1937),
    "San Diego, CA": (32.7157, -117.1611),
    "San Ysidro, CA": (32.5552, -117.0430),
    "Calexico, CA": (32.6789, -115.4989),
    "Yuma, AZ": (32.6927, -114.6277),
    "Phoenix, AZ": (33.4484, -112.0740),
    "Tucson, AZ": (32.2226, -110.9747),
    "Nogales, AZ": (31.3404, -110.9343),
    "Las Vegas, NV": (36.1699, -115.1398),
    "Salt Lake City, UT": (40.7608, -111.8910),
    "Denver, CO": (39.7392, -104.9903),
    "El Paso, TX": (31.7619, -106.4850),
    "Santa Teresa, NM": (31.8560, -106.6392),
    "Artesia, NM": (32.8423, -104.4033),
    "Del Rio, TX": (29.3709, -100.8959),
    "Eagle Pass, TX": (28.7091, -100.4995),
    "Laredo, TX": (27.5306, -99.4803),
    "McAllen, TX": (26.2034, -98.2300),
    "Brownsville, TX": (25.9017, -97.4975),
    "Houston, TX": (29.7604, -95.3698),
    "Dallas, TX": (32.7767, -96.7970),
    "New Orleans, LA": (29.9511, -90.0715),
    "Memphis, TN": (35.1495, -90.0490),
    "Louisville, KY": (38.2527, -85.7585),
    "Cincinnati, OH": (39.1031, -84.5120),
    "Indianapolis, IN": (39.7684, -86.1581),
    "Atlanta, GA": (33.7490, -84.3880),
    "Charleston, SC": (32.7765, -79.9311),
    "Savannah, GA": (32.0809, -81.0912),
    "Brunswick, GA": (31.1499, -81.4915),
    "Jacksonville, FL": (30.3322, -81.6557),
    "Orlando, FL": (28.5383, -81.3792),
    "Tampa, FL": (27.9506, -82.4572),
    "Miami, FL": (25.7617, -80.1918),
    "Fort Lauderdale, FL": (26.1224, -80.1373),
    "Norfolk, VA": (36.8508, -76.2859),
    "Harpers Ferry, WV": (39.3254, -77.7389),
    "San Juan, PR": (18.4655, -66.1057),
    "Anchorage, AK": (61.2181, -149.9003),
    "Honolulu, HI": (21.3069, -157.8583),
}

# Where delegations land: the international gateways.
GATEWAYS = (
    "Washington, DC",
    "New York, NY",
    "Miami, FL",
    "Los Angeles, CA",
    "Houston, TX",
    "Chicago, IL",
    "San Francisco, CA",
    "Atlanta, GA",
    "Seattle, WA",
)

FOCUS_AREAS = (
    "targeting_risk",
    "trade_facilitation",
    "land_border",
    "seaport_cargo",
    "air_passenger",
    "laboratory",
    "canine",
    "training_academy",
    "border_patrol",
    "air_marine",
    "automation_it",
    "agriculture",
    "integrity",
    "trusted_traveler",
)

# What each kind of site shows, and how well.
KIND_FOCUS: dict[str, dict[str, int]] = {
    "Headquarters": {"automation_it": 2, "integrity": 2, "targeting_risk": 1},
    "Targeting Center": {"targeting_risk": 3, "automation_it": 2},
    "Land Port of Entry": {"land_border": 3, "trade_facilitation": 2, "canine": 1},
    "Seaport": {"seaport_cargo": 3, "trade_facilitation": 2, "agriculture": 1},
    "Airport": {"air_passenger": 3, "trusted_traveler": 2, "canine": 1},
    "Border Patrol Station": {"border_patrol": 3, "canine": 1},
    "Laboratory": {"laboratory": 3, "trade_facilitation": 1},
    "Training Academy": {"training_academy": 3, "integrity": 1},
    "Air and Marine Branch": {"air_marine": 3, "border_patrol": 1},
    "Field Office": {"trade_facilitation": 1, "targeting_risk": 1, "integrity": 1},
    "Express Consignment Hub": {"trade_facilitation": 2, "targeting_risk": 2, "canine": 1},
}

# (city, kind) for every site: the shape of a real network, not its real list.
SITE_PLAN: tuple[tuple[str, str], ...] = (
    ("Washington, DC", "Headquarters"),
    ("Washington, DC", "Field Office"),
    ("Sterling, VA", "Targeting Center"),
    ("Sterling, VA", "Airport"),
    ("Baltimore, MD", "Seaport"),
    ("Baltimore, MD", "Airport"),
    ("Philadelphia, PA", "Seaport"),
    ("Philadelphia, PA", "Field Office"),
    ("New York, NY", "Airport"),
    ("New York, NY", "Field Office"),
    ("New York, NY", "Laboratory"),
    ("Newark, NJ", "Seaport"),
    ("Newark, NJ", "Airport"),
    ("Boston, MA", "Seaport"),
    ("Boston, MA", "Airport"),
    ("Buffalo, NY", "Land Port of Entry"),
    ("Buffalo, NY", "Border Patrol Station"),
    ("Champlain, NY", "Land Port of Entry"),
    ("Champlain, NY", "Border Patrol Station"),
    ("Detroit, MI", "Land Port of Entry"),
    ("Detroit, MI", "Airport"),
    ("Detroit, MI", "Field Office"),
    ("Port Huron, MI", "Land Port of Entry"),
    ("Chicago, IL", "Airport"),
    ("Chicago, IL", "Field Office"),
    ("Chicago, IL", "Laboratory"),
    ("Minneapolis, MN", "Airport"),
    ("Pembina, ND", "Land Port of Entry"),
    ("Grand Forks, ND", "Border Patrol Station"),
    ("Grand Forks, ND", "Air and Marine Branch"),
    ("Sweetgrass, MT", "Land Port of Entry"),
    ("Spokane, WA", "Border Patrol Station"),
    ("Blaine, WA", "Land Port of Entry"),
    ("Blaine, WA", "Border Patrol Station"),
    ("Seattle, WA", "Seaport"),
    ("Seattle, WA", "Airport"),
    ("Seattle, WA", "Field Office"),
    ("Portland, OR", "Seaport"),
    ("San Francisco, CA", "Airport"),
    ("San Francisco, CA", "Field Office"),
    ("San Francisco, CA", "Laboratory"),
    ("Oakland, CA", "Seaport"),
    ("Los Angeles, CA", "Airport"),
    ("Los Angeles, CA", "Field Office"),
    ("Los Angeles, CA", "Laboratory"),
    ("Long Beach, CA", "Seaport"),
    ("Long Beach, CA", "Express Consignment Hub"),
    ("San Diego, CA", "Field Office"),
    ("San Diego, CA", "Air and Marine Branch"),
    ("San Diego, CA", "Border Patrol Station"),
    ("San Ysidro, CA", "Land Port of Entry"),
    ("Calexico, CA", "Land Port of Entry"),
    ("Calexico, CA", "Border Patrol Station"),
    ("Yuma, AZ", "Border Patrol Station"),
    ("Phoenix, AZ", "Airport"),
    ("Tucson, AZ", "Border Patrol Station"),
    ("Tucson, AZ", "Air and Marine Branch"),
    ("Tucson, AZ", "Field Office"),
    ("Nogales, AZ", "Land Port of Entry"),
    ("Nogales, AZ", "Border Patrol Station"),
    ("Las Vegas, NV", "Airport"),
    ("Salt Lake City, UT", "Airport"),
    ("Denver, CO", "Airport"),
    ("El Paso, TX", "Land Port of Entry"),
    ("El Paso, TX", "Border Patrol Station"),
    ("El Paso, TX", "Field Office"),
    ("Santa Teresa, NM", "Land Port of Entry"),
    ("Artesia, NM", "Training Academy"),
    ("Del Rio, TX", "Border Patrol Station"),
    ("Eagle Pass, TX", "Land Port of Entry"),
    ("Laredo, TX", "Land Port of Entry"),
    ("Laredo, TX", "Field Office"),
    ("Laredo, TX", "Border Patrol Station"),
    ("McAllen, TX", "Land Port of Entry"),
    ("McAllen, TX", "Border Patrol Station"),
    ("McAllen, TX", "Air and Marine Branch"),
    ("Brownsville, TX", "Land Port of Entry"),
    ("Houston, TX", "Seaport"),
    ("Houston, TX", "Airport"),
    ("Houston, TX", "Field Office"),
    ("Houston, TX", "Laboratory"),
    ("Dallas, TX", "Airport"),
    ("New Orleans, LA", "Seaport"),
    ("New Orleans, LA", "Air and Marine Branch"),
    ("Memphis, TN", "Express Consignment Hub"),
    ("Louisville, KY", "Express Consignment Hub"),
    ("Cincinnati, OH", "Express Consignment Hub"),
    ("Indianapolis, IN", "Express Consignment Hub"),
    ("Atlanta, GA", "Airport"),
    ("Atlanta, GA", "Field Office"),
    ("Atlanta, GA", "Laboratory"),
    ("Charleston, SC", "Seaport"),
    ("Savannah, GA", "Seaport"),
    ("Savannah, GA", "Laboratory"),
    ("Brunswick, GA", "Training Academy"),
    ("Jacksonville, FL", "Seaport"),
    ("Jacksonville, FL", "Air and Marine Branch"),
    ("Orlando, FL", "Airport"),
    ("Tampa, FL", "Seaport"),
    ("Miami, FL", "Airport"),
    ("Miami, FL", "Seaport"),
    ("Miami, FL", "Field Office"),
    ("Miami, FL", "Air and Marine Branch"),
    ("Fort Lauderdale, FL", "Seaport"),
    ("Norfolk, VA", "Seaport"),
    ("Harpers Ferry, WV", "Training Academy"),
    ("San Juan, PR", "Seaport"),
    ("San Juan, PR", "Airport"),
    ("San Juan, PR", "Air and Marine Branch"),
    ("Anchorage, AK", "Airport"),
    ("Honolulu, HI", "Airport"),
    ("Honolulu, HI", "Seaport"),
)

# Offices close on federal holidays (FY2026).
HOLIDAYS = frozenset(
    {
        date(2025, 10, 13),
        date(2025, 11, 11),
        date(2025, 11, 27),
        date(2025, 12, 25),
        date(2026, 1, 1),
        date(2026, 1, 19),
        date(2026, 2, 16),
        date(2026, 5, 25),
        date(2026, 6, 19),
        date(2026, 7, 3),
        date(2026, 9, 7),
    }
)
OFFICES = {"Headquarters", "Field Office", "Laboratory", "Training Academy", "Targeting Center"}
ALWAYS_OPEN = {"Airport", "Land Port of Entry", "Border Patrol Station"}

# Requests arrive unevenly: spring and autumn are busy, August and late December quiet.
MONTH_WEIGHT = {10: 12, 11: 10, 12: 5, 1: 7, 2: 9, 3: 13, 4: 14, 5: 13, 6: 9, 7: 6, 8: 4, 9: 10}


@dataclass(frozen=True)
class Year:
    sites: list[Site]
    requests: list[VisitRequest]
    usage: dict[tuple[Key, date], int]


def synthetic_year(seed: int = SEED, requests: int = REQUESTS) -> Year:
    """The same year every time for a seed: sites, pending requests, and the capacity the
    visits already confirmed hold."""
    rng = random.Random(seed)
    sites: list[Site] = []
    counter: dict[str, int] = defaultdict(int)
    for city, kind in SITE_PLAN:
        lat, lon = CITIES[city]
        counter[city] += 1
        focus = dict(KIND_FOCUS[kind])
        for area in list(focus):
            focus[area] = max(1, min(3, focus[area] + rng.choice((-1, 0, 0, 0, 1))))
        if rng.random() < 0.5:
            extra = rng.choice(FOCUS_AREAS)
            focus.setdefault(extra, 1)
        if kind in ALWAYS_OPEN and rng.random() < 0.5:
            weekdays = frozenset(range(7))
        elif rng.random() < 0.12:
            weekdays = frozenset({1, 2, 3})
        else:
            weekdays = WORKING_WEEKDAYS
        blackouts: set[date] = set(HOLIDAYS) if kind in OFFICES else set()
        for _ in range(rng.randint(0, 3)):
            first = FY_START + timedelta(days=rng.randrange(365))
            blackouts.update(first + timedelta(days=n) for n in range(rng.randint(2, 10)))
        headquarters = kind == "Headquarters"
        sites.append(
            Site(
                id=f"{city[:-4].replace(' ', '').upper()[:6]}-{counter[city]}",
                name=f"{city.split(',')[0]} {kind}",
                city=city,
                lat=lat + rng.uniform(-0.03, 0.03),
                lon=lon + rng.uniform(-0.03, 0.03),
                focus=focus,
                daily_capacity=2 if headquarters else rng.choices((1, 2, 3), (5, 4, 1))[0],
                open_weekdays=weekdays,
                blackouts=frozenset(blackouts),
                is_headquarters=headquarters,
            )
        )
    by_area: dict[str, list[Site]] = defaultdict(list)
    for site in sites:
        for area in site.focus:
            by_area[area].append(site)

    months = list(MONTH_WEIGHT)
    pending: list[VisitRequest] = []
    for n in range(requests):
        month = rng.choices(months, [MONTH_WEIGHT[m] for m in months])[0]
        year = FY_START.year if month >= 10 else FY_END.year
        earliest = date(year, month, rng.randint(1, 28))
        length = rng.choices(range(3, 15), (3, 6, 9, 9, 7, 5, 3, 2, 1, 1, 1, 1))[0]
        slack = rng.choice((0, 0, 3, 7, 7, 14, 14, 21, 30, 45))
        areas = rng.sample(FOCUS_AREAS, rng.choice((2, 3, 3, 4)))
        focus = {area: rng.choice((1, 2, 2, 3, 3)) for area in areas}
        must_see: frozenset[Key] = frozenset()
        if rng.random() < 0.15:
            must_see = frozenset({rng.choice(by_area[areas[0]]).id})
        must_avoid: frozenset[Key] = frozenset()
        if rng.random() < 0.05:
            avoid = rng.choice(sites).id
            if avoid not in must_see:
                must_avoid = frozenset({avoid})
        arrival = CITIES[rng.choice(GATEWAYS)] if rng.random() < 0.85 else None
        pending.append(
            VisitRequest(
                id=f"V{n + 1:03d}",
                focus=focus,
                earliest_start=earliest,
                latest_end=earliest + timedelta(days=length - 1 + slack),
                length_days=length,
                must_see=must_see,
                must_avoid=must_avoid,
                wants_hq_briefing=rng.random() < 0.65,
                arrival=arrival,
            )
        )

    usage: dict[tuple[Key, date], int] = {}
    day = FY_START
    while day <= FY_END + timedelta(days=60):
        for site in sites:
            if day.weekday() in site.open_weekdays and rng.random() < 0.04:
                usage[site.id, day] = 1
        day += timedelta(days=1)
    return Year(sites, pending, usage)


def spread_starts(request: VisitRequest, count: int = 8) -> list[date]:
    span = (request.latest_end - request.earliest_start).days - request.length_days + 1
    if span < 0:
        return []
    picks = {round(i * span / (count - 1)) for i in range(count)} if span else {0}
    return [request.earliest_start + timedelta(days=n) for n in sorted(picks)]


def greedy_year(
    year: Year, catalog: SiteCatalog, starts_per_request: int = 8
) -> dict[Key, Itinerary]:
    """First come, first served, as a coordinator without the solver would: requests by
    earliest start, each given the best quick itinerary that fits what is left."""
    taken: dict[tuple[Key, date], int] = defaultdict(int, year.usage)
    placed: dict[Key, Itinerary] = {}
    for request in sorted(year.requests, key=lambda r: (r.earliest_start, str(r.id))):
        itinerary = quick_itinerary(
            request, catalog, taken, starts=spread_starts(request, starts_per_request)
        )
        if itinerary is None:
            continue
        placed[request.id] = itinerary
        for cell in itinerary.site_days:
            taken[cell] += 1
    return placed


def _broken(year: Year, catalog: SiteCatalog, placed: dict[Key, Itinerary]) -> list[str]:
    """Every rule the placed itineraries break, alone or together (capacity)."""
    problems: list[str] = []
    by_id = {request.id: request for request in year.requests}
    for request_id, itinerary in placed.items():
        problems += [
            f"{request_id}: {p}"
            for p in check_itinerary(by_id[request_id], catalog, itinerary, year.usage)
        ]
    taken: dict[tuple[Key, date], int] = defaultdict(int, year.usage)
    for itinerary in placed.values():
        for cell in itinerary.site_days:
            taken[cell] += 1
    problems += [
        f"{site_id} over capacity on {day}"
        for (site_id, day), n in taken.items()
        if n > catalog.sites[site_id].daily_capacity
    ]
    return problems


def single_visit_times(
    year: Year, catalog: SiteCatalog, sample: Sequence[VisitRequest]
) -> tuple[list[float], int, int, list[float]]:
    """Seconds per exact single-visit plan; how many had the best score proven, and how
    many the shortest travel as well; the quick planner's score as a share of the exact one."""
    seconds: list[float] = []
    optimal = score_proven = 0
    shares: list[float] = []
    for request in sample:
        began = time.perf_counter()
        result = plan_visit(request, catalog, year.usage)
        seconds.append(time.perf_counter() - began)
        optimal += result.optimal
        score_proven += result.planned and result.bound <= result.objective
        quick = quick_itinerary(request, catalog, year.usage)
        if result.planned and result.objective > 0:
            shares.append((quick.score if quick else 0) / result.objective)
    return seconds, score_proven, optimal, shares


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--time-limit", type=float, default=50.0)
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--single-visits", type=int, default=15)
    args = parser.parse_args(argv)

    year = synthetic_year(requests=args.requests)
    catalog = SiteCatalog(year.sites)
    print(
        f"Year: {len(year.requests)} requests, {len(year.sites)} sites in "
        f"{len(catalog.cities)} cities, FY{FY_END.year} ({FY_START} to {FY_END})."
    )

    began = time.perf_counter()
    greedy = greedy_year(year, catalog)
    greedy_seconds = time.perf_counter() - began
    greedy_objective = sum(itinerary.score for itinerary in greedy.values())
    print(
        f"Greedy (first come, first served): {len(greedy)} placed, objective "
        f"{greedy_objective}, {greedy_seconds:.1f} s."
    )

    result = plan_year(year.requests, catalog, year.usage, time_limit=args.time_limit)
    print(
        f"Planner: {len(result.placed)} placed, {len(result.left_out)} left out, objective "
        f"{result.objective}, proven bound {result.bound:.0f}, gap {100 * result.gap:.2f}% "
        f"(over {result.candidates} candidate itineraries; best-candidate bound "
        f"{result.candidate_bound}), {result.solve_seconds:.1f} s, master {result.status}."
    )
    if greedy_objective:
        print(f"Planner vs greedy: {100 * (result.objective / greedy_objective - 1):+.1f}%.")
    reasons: dict[str, int] = defaultdict(int)
    for reason in result.left_out.values():
        reasons[reason.split(":")[0].split(" (")[0][:70]] += 1
    for reason, n in sorted(reasons.items(), key=lambda item: -item[1]):
        print(f"  left out x{n}: {reason}")
    broken = _broken(year, catalog, result.placed) + _broken(year, catalog, greedy)
    print(
        f"Rule checks on both plans: {len(broken)} broken."
        + (f" First: {broken[0]}" if broken else "")
    )

    sample = year.requests[:: max(1, len(year.requests) // max(1, args.single_visits))][
        : args.single_visits
    ]
    seconds, score_proven, optimal, shares = single_visit_times(year, catalog, sample)
    single = statistics.median(seconds) if seconds else 0.0
    longest = max(seconds, default=0.0)
    print(
        f"Single visit (exact CP-SAT): median {single:.2f} s, max {longest:.2f} s "
        f"over {len(seconds)} visits: best score proven in {score_proven}, score and travel "
        f"both in {optimal}; the quick planner reaches "
        f"{100 * statistics.mean(shares) if shares else 0:.0f}% of the exact score on average. "
        f"Load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores."
    )
    print(
        json.dumps(
            {
                "requests": len(year.requests),
                "sites": len(year.sites),
                "placed": len(result.placed),
                "solve_seconds": round(result.solve_seconds, 2),
                "objective": result.objective,
                "bound": round(result.bound, 2),
                "gap": round(result.gap, 5),
                "greedy_objective": greedy_objective,
                "single_visit_seconds": round(single, 3),
                "single_visit_max_seconds": round(longest, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
