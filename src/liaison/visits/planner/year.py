"""The year: ``plan_year`` places every pending request at once against the sites' shared
capacity, choosing among candidate itineraries with a CP-SAT master problem.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ortools.sat.python import cp_model

from liaison.visits.planner.catalog import SiteCatalog, _catalog
from liaison.visits.planner.data import Itinerary, Key, Site, Usage, VisitRequest, YearResult
from liaison.visits.planner.itinerary import _assemble
from liaison.visits.planner.model import _solver
from liaison.visits.planner.quick import _quick_stops
from liaison.visits.planner.rules import _fmt, _label, _prechecks
from liaison.visits.planner.scoring import _Visit
from liaison.visits.planner.visit import _since


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
