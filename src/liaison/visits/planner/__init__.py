"""The International Visitors Program's planner: itineraries for one visit, and for the year.

Plain data in, plain data out, and no Django: the app turns its models into these dataclasses,
so the planner can be tested and benchmarked on its own and never touches the database. An
import-linter contract (``pyproject.toml``) forbids the package Django and every other module
of Liaison.

One visit (``plan_visit``) is an exact CP-SAT model: choose the start date and, for each day,
the city and the site stops, to cover the delegation's focus areas by priority (proven best),
then to travel less (within a short grace, proven when the solver gets there in time).
The year (``plan_year``) cannot be one such model (457 requests x a year of start dates x
14 days x 100+ sites), so it is decomposed: a fast constructive planner proposes a handful of
candidate itineraries per request (different start dates, then itineraries that avoid the
site-days everybody wants), and a CP-SAT master problem picks at most one candidate per request
under the shared site capacity. See ``plan_year`` for what its bound does and does not prove.

The modules, each importing only those above it:

- ``data``: the plain data in and out, and the figures of the hard rules;
- ``catalog``: the sites indexed, and the distance between cities;
- ``scoring``: the covered focus score, and one request read against the catalog (``_Visit``);
- ``rules``: the hard rules in words (``check_itinerary``), and why a visit cannot fit;
- ``itinerary``: stops per day laid out as an itinerary (``itinerary_of``);
- ``model``: one visit as a CP-SAT model, and the solver;
- ``quick``: the constructive planner (``quick_itinerary``);
- ``visit``: one visit, exactly (``plan_visit``);
- ``year``: the year (``plan_year``).

Callers import from the package (``from liaison.visits import planner``); the names below are
its public surface.
"""

from liaison.visits.planner.catalog import EARTH_RADIUS_KM, SiteCatalog, haversine_km
from liaison.visits.planner.data import (
    INFEASIBLE,
    LONG_MOVE_KM,
    MAX_STOPS_PER_DAY,
    MAX_VISIT_DAYS,
    PLANNED,
    STOPS_AFTER_LONG_MOVE,
    WORKING_WEEKDAYS,
    Itinerary,
    Key,
    PlannedDay,
    PlannedStop,
    PlanResult,
    Site,
    Usage,
    VisitRequest,
    YearResult,
    exclude_site,
    pin_stop,
)
from liaison.visits.planner.itinerary import itinerary_of
from liaison.visits.planner.quick import quick_itinerary
from liaison.visits.planner.rules import RELAXABLE_RULES, check_itinerary
from liaison.visits.planner.scoring import COVERAGE_WEIGHTS, MAX_STRENGTH, coverage_score
from liaison.visits.planner.visit import plan_visit
from liaison.visits.planner.year import plan_year

__all__ = [
    "COVERAGE_WEIGHTS",
    "EARTH_RADIUS_KM",
    "INFEASIBLE",
    "LONG_MOVE_KM",
    "MAX_STOPS_PER_DAY",
    "MAX_STRENGTH",
    "MAX_VISIT_DAYS",
    "PLANNED",
    "RELAXABLE_RULES",
    "STOPS_AFTER_LONG_MOVE",
    "WORKING_WEEKDAYS",
    "Itinerary",
    "Key",
    "PlanResult",
    "PlannedDay",
    "PlannedStop",
    "Site",
    "SiteCatalog",
    "Usage",
    "VisitRequest",
    "YearResult",
    "check_itinerary",
    "coverage_score",
    "exclude_site",
    "haversine_km",
    "itinerary_of",
    "pin_stop",
    "plan_visit",
    "plan_year",
    "quick_itinerary",
]
