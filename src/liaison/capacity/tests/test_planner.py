"""The plan solver on plain data: each rule shown by the plan it changes."""

from __future__ import annotations

from liaison.capacity.planner import Candidate, Problem, solve

BASIC = Candidate(1, "BASIC", 100, 0)
ADVANCED = Candidate(2, "ADV", 100, 10, (1,))
SMALL = Candidate(3, "SMALL", 100, 6)
BIG = Candidate(4, "BIG", 500, 20)


def _plan(**changes):
    values: dict = {
        "slots": 4,
        "first_open": 0,
        "candidates": (BASIC, ADVANCED, SMALL, BIG),
        "budget": 1000,
        "cap": 2,
    }
    values.update(changes)
    return solve(Problem(**values), time_limit=2, deterministic=True)


def test_a_course_is_never_planned_before_its_prerequisite():
    result = _plan(cap=1)
    assert result.placed[1] < result.placed[2]


def test_a_prerequisite_already_delivered_lets_the_course_go_first():
    result = _plan(cap=1, done=frozenset({1}))
    assert 1 not in result.placed  # not planned again: it was delivered
    assert result.left_out[1].startswith("not needed")
    assert result.placed[4] == 0 and result.placed[2] == 1  # largest gaps first


def test_a_course_whose_prerequisite_cannot_be_planned_is_left_out_with_the_reason():
    result = _plan(candidates=(ADVANCED, SMALL))
    assert 2 not in result.placed
    assert result.left_out[2] == "a prerequisite cannot be planned"


def test_the_budget_is_never_exceeded_and_the_most_value_is_kept():
    result = _plan(budget=400)
    spent = sum(c.cost for c in (BASIC, ADVANCED, SMALL, BIG) if c.course_id in result.placed)
    assert spent <= 400
    assert set(result.placed) == {1, 2, 3}
    assert result.left_out[4] == "costs more than the whole budget"
    # Lifting the budget plans the biggest gap too.
    assert 4 in _plan(budget=1000).placed


def test_no_quarter_holds_more_than_the_cap():
    for cap in (1, 2, 3):
        result = _plan(cap=cap, slots=6)
        counts = [list(result.placed.values()).count(t) for t in range(6)]
        assert max(counts) <= cap
        assert len(result.placed) == 4


def test_the_cap_can_leave_courses_out_when_the_quarters_run_out():
    result = _plan(cap=1, slots=2)
    assert set(result.placed) == {3, 4}  # 26 of value, against 10 for the pair
    assert result.left_out[2] == "no room left within the budget and the quarterly cap"


def test_the_largest_gaps_come_first():
    result = _plan(candidates=(SMALL, BIG), cap=1)
    assert result.placed == {4: 0, 3: 1}
    assert result.status == "optimal"


def test_fixed_items_stay_and_passed_quarters_take_nothing_new():
    result = _plan(cap=1, first_open=2, fixed={3: 0})
    assert result.placed[3] == 0
    assert all(t >= 2 for cid, t in result.placed.items() if cid != 3)


def test_a_prerequisite_with_no_value_is_planned_only_when_needed():
    result = _plan(candidates=(BASIC, SMALL))
    assert 1 not in result.placed
