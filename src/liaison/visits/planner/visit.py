"""One visit, exactly: ``plan_visit`` proves the best covered focus score, then shortens the
travel (a local search, then a second solve with the score held); when nothing fits, it says
which rule binds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta

from ortools.sat.python import cp_model

from liaison.visits.planner.catalog import SiteCatalog, _catalog
from liaison.visits.planner.data import (
    INFEASIBLE,
    LONG_MOVE_KM,
    MAX_STOPS_PER_DAY,
    PLANNED,
    STOPS_AFTER_LONG_MOVE,
    Itinerary,
    Key,
    PlanResult,
    Site,
    Usage,
    VisitRequest,
)
from liaison.visits.planner.itinerary import _assemble
from liaison.visits.planner.model import _add_travel, _hint, _Model, _read, _solver, _visit_model
from liaison.visits.planner.quick import _quick_stops
from liaison.visits.planner.rules import RELAXABLE_RULES, _first_working_day, _prechecks
from liaison.visits.planner.scoring import _Visit


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
