"""One visit as an exact CP-SAT model: the rules as constraints, the coverage as a linear
objective, the travel added for the second solve; the seeded solver every solve uses; and a
solution read back (or a known itinerary given as a hint).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

from ortools.sat.python import cp_model

from liaison.visits.planner.data import (
    LONG_MOVE_KM,
    MAX_STOPS_PER_DAY,
    STOPS_AFTER_LONG_MOVE,
    Itinerary,
    Key,
)
from liaison.visits.planner.itinerary import _assemble
from liaison.visits.planner.rules import _first_working_day
from liaison.visits.planner.scoring import COVERAGE_WEIGHTS, MAX_STRENGTH, _Visit


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
