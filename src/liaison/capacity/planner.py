"""The training plan of a capacity-building program, solved with OR-Tools CP-SAT on plain data
(no Django: ``capacity/services.py`` is the bridge, as ``visits/planning.py`` is the visit
planner's).

Each course that builds a standard with a gap has a *value*: the sum, over the gap standards
it builds, of the gap (target - current, in maturity levels) times the standard's priority
weight (high 3, medium 2, low 1). A course that builds nothing with a gap but is a
prerequisite of one that does is a candidate too, with no value of its own.

Hard rules:

- a course is planned at most once, in one of the program's fiscal quarters;
- never before its prerequisites: each prerequisite is planned in an earlier quarter, or was
  already delivered to the partner (``done``); a course whose prerequisite cannot be planned
  at all is left out, with the reason;
- the estimated costs of everything planned stay within the budget;
- at most ``cap`` courses in any quarter;
- items the manager placed or that already have a delivery (``fixed``) stay where they are
  (a quarter that already holds more than the cap keeps them, and takes nothing more);
- a course without value is planned only when a course that needs it is.

The objective, in two solves: first the most value (the largest gaps of the highest priority
closed), then, with that value held, the largest gaps earliest (each course's value times its
quarter's index, least). Each solve is proven optimal on a program's size (tens of courses,
a dozen quarters) in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

PRIORITY_WEIGHT = {1: 3, 2: 2, 3: 1}


@dataclass(frozen=True)
class Candidate:
    course_id: int
    code: str
    cost: int  # whole dollars
    value: int
    prerequisites: tuple[int, ...] = ()


@dataclass(frozen=True)
class Problem:
    slots: int  # quarters, indexed 0 … slots-1 in time order
    first_open: int  # quarters before this one have passed: only fixed items are in them
    candidates: tuple[Candidate, ...]
    budget: int
    cap: int
    done: frozenset[int] = frozenset()  # courses already delivered to the partner
    fixed: dict[int, int] = field(default_factory=dict)  # course id → quarter index


@dataclass
class Result:
    status: str  # "optimal", "feasible" (not proven within the time limit), "infeasible"
    placed: dict[int, int]  # course id → quarter index
    left_out: dict[int, str]  # course id → why it is not in the plan
    value: int = 0


def _unplannable(problem: Problem) -> dict[int, str]:
    """Candidates that can never be planned: a prerequisite neither delivered nor itself a
    candidate that can be planned (transitively)."""
    by_id = {c.course_id: c for c in problem.candidates}
    left_out: dict[int, str] = {}
    changed = True
    while changed:
        changed = False
        for candidate in problem.candidates:
            if candidate.course_id in left_out or candidate.course_id in problem.fixed:
                continue
            for prerequisite in candidate.prerequisites:
                if prerequisite in problem.done or prerequisite in problem.fixed:
                    continue
                if prerequisite not in by_id or prerequisite in left_out:
                    left_out[candidate.course_id] = "a prerequisite cannot be planned"
                    changed = True
                    break
    return left_out


def _solver(time_limit: float, deterministic: bool) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    if deterministic:
        solver.parameters.max_deterministic_time = time_limit
        solver.parameters.interleave_search = True
    else:
        solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 7
    return solver


def solve(problem: Problem, *, time_limit: float = 5.0, deterministic: bool = False) -> Result:
    """The plan: which candidates go in which quarter (see the module's rules)."""
    left_out = _unplannable(problem)
    candidates = [c for c in problem.candidates if c.course_id not in left_out]
    ids = {c.course_id for c in candidates}
    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    placed_var: dict[int, cp_model.LinearExprT] = {}
    for c in candidates:
        for t in range(problem.slots):
            if t < problem.first_open and problem.fixed.get(c.course_id) != t:
                continue
            x[c.course_id, t] = model.new_bool_var(f"x_{c.code}_{t}")
        slots = [x[c.course_id, t] for t in range(problem.slots) if (c.course_id, t) in x]
        model.add_at_most_one(slots)
        placed_var[c.course_id] = sum(slots)
        if c.course_id in problem.fixed:
            model.add(x[c.course_id, problem.fixed[c.course_id]] == 1)
    for c in candidates:
        for prerequisite in c.prerequisites:
            if prerequisite in problem.done:
                continue
            for t in range(problem.slots):
                if (c.course_id, t) in x:
                    earlier = [x[prerequisite, u] for u in range(t) if (prerequisite, u) in x]
                    model.add(x[c.course_id, t] <= sum(earlier))
    needed_by: dict[int, list[int]] = {}
    for c in candidates:
        for prerequisite in c.prerequisites:
            if prerequisite in ids:
                needed_by.setdefault(prerequisite, []).append(c.course_id)
    for c in candidates:
        if c.value == 0 and c.course_id not in problem.fixed:
            needing = [placed_var[d] for d in needed_by.get(c.course_id, [])]
            model.add(placed_var[c.course_id] <= sum(needing))
    model.add(sum(c.cost * placed_var[c.course_id] for c in candidates) <= problem.budget)
    for t in range(problem.first_open, problem.slots):
        here = [x[c.course_id, t] for c in candidates if (c.course_id, t) in x]
        fixed_here = sum(1 for slot in problem.fixed.values() if slot == t)
        model.add(sum(here) <= max(problem.cap, fixed_here))

    value = sum(c.value * placed_var[c.course_id] for c in candidates)
    model.maximize(value)
    solver = _solver(time_limit, deterministic)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Result("infeasible", {}, left_out)
    best = round(solver.objective_value)
    proven = status == cp_model.OPTIMAL
    model.add(value >= best)
    values = {c.course_id: c.value for c in candidates}
    model.minimize(sum(values[cid] * t * var for (cid, t), var in x.items()))
    for var in x.values():
        model.add_hint(var, solver.value(var))
    second = _solver(time_limit, deterministic)
    status2 = second.solve(model)
    chosen = second if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE) else solver
    proven = proven and status2 == cp_model.OPTIMAL
    placed = {cid: t for (cid, t), var in x.items() if chosen.value(var)}
    for c in candidates:
        if c.course_id not in placed:
            left_out[c.course_id] = _why_not(c, problem)
    return Result("optimal" if proven else "feasible", placed, left_out, best)


def _why_not(candidate: Candidate, problem: Problem) -> str:
    if candidate.value == 0:
        return "not needed: nothing planned requires it"
    if candidate.cost > problem.budget:
        return "costs more than the whole budget"
    return "no room left within the budget and the quarterly cap"
