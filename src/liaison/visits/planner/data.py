"""The planner's plain data: what goes in (sites; a visit request, with the coordinator's pins
and exclusions), what comes out (itineraries; the plan of a visit, of the year), and the
figures of the hard rules, which the data's defaults and every module of the planner read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

Key = int | str
Usage = Mapping[tuple[Key, date], int]

MAX_VISIT_DAYS = 14
MAX_STOPS_PER_DAY = 3
LONG_MOVE_KM = 500
# A day after a move longer than LONG_MOVE_KM holds at most this many stops.
STOPS_AFTER_LONG_MOVE = 1
# Monday is 0, as in ``date.weekday()``; the headquarters briefing falls on the first of these.
WORKING_WEEKDAYS = frozenset(range(5))

PLANNED = "planned"
INFEASIBLE = "infeasible"


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
