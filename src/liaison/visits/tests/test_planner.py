"""The visit planner keeps every hard rule, finds known optima, says why nothing fits, plans
around the coordinator's pins, and plans a year against shared capacity.

Each rule test has a control: the same instance with the rule lifted, where the best plan
breaks it. So a test passes only if the rule is what changed the plan.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from liaison.bench.planner import synthetic_year
from liaison.visits.planner import (
    INFEASIBLE,
    LONG_MOVE_KM,
    PLANNED,
    Itinerary,
    Key,
    PlanResult,
    Site,
    SiteCatalog,
    VisitRequest,
    check_itinerary,
    coverage_score,
    exclude_site,
    haversine_km,
    itinerary_of,
    pin_stop,
    plan_visit,
    plan_year,
    quick_itinerary,
)

MON = date(2026, 3, 2)  # a Monday
TUE, WED, THU = (MON + timedelta(days=n) for n in (1, 2, 3))
SAT, SUN = MON - timedelta(days=2), MON - timedelta(days=1)
EVERY_DAY = frozenset(range(7))

POINTS = {
    "Washington, DC": (38.9072, -77.0369),
    "Baltimore, MD": (39.2904, -76.6122),
    "Miami, FL": (25.7617, -80.1918),
}


def site(site_id: str, city: str = "Washington, DC", **fields) -> Site:
    lat, lon = POINTS[city]
    fields.setdefault("open_weekdays", EVERY_DAY)
    return Site(id=site_id, name=f"Site {site_id}", city=city, lat=lat, lon=lon, **fields)


def request(focus: dict[str, int], first: date, last: date, length: int = 1, **fields):
    return VisitRequest(
        id="R1", focus=focus, earliest_start=first, latest_end=last, length_days=length, **fields
    )


def plan(req: VisitRequest, sites: list[Site], usage=None) -> PlanResult:
    result = plan_visit(req, sites, usage)
    if result.planned:
        assert result.itinerary is not None
        assert check_itinerary(req, sites, result.itinerary, usage) == []
    return result


def stops_of(result: PlanResult) -> list[tuple[date, str]]:
    assert result.itinerary is not None
    return [(day, str(stop.site_id)) for day, stop in result.itinerary.stops]


def sites_of(result: PlanResult) -> set[str]:
    return {site_id for _, site_id in stops_of(result)}


# --- Scoring ---------------------------------------------------------------------------------


def test_covering_an_area_again_earns_less_each_time():
    req = request({"a": 2}, MON, MON)
    strong, medium, weak = (
        site("S", focus={"a": 3}),
        site("M", focus={"a": 2}),
        site("W", focus={"a": 1}),
    )
    assert coverage_score(req, [strong]) == 2 * 3 * 6
    # The strongest counts first whatever the order: 2 x (3x6 + 2x3 + 1x2).
    assert coverage_score(req, [weak, strong, medium]) == 2 * (18 + 6 + 2)
    # Areas the delegation did not ask for earn nothing.
    assert coverage_score(req, [site("X", focus={"b": 3})]) == 0


def test_hand_solvable_visit_finds_the_known_optimum():
    """Two days, four sites: all four fit (three in Washington, one in Baltimore); landing in
    Washington makes Washington first the shorter way round."""
    sites = [
        site("A1", focus={"a": 3}),
        site("A2", focus={"a": 2}),
        site("B1", focus={"b": 2}),
        site("A3", "Baltimore, MD", focus={"a": 1, "b": 3}),
    ]
    req = request({"a": 3, "b": 1}, MON, TUE, 2, arrival=POINTS["Washington, DC"])
    result = plan(req, sites)

    assert result.status == PLANNED and result.optimal
    # a: 3 x (3x6 + 2x3 + 1x2) = 78; b: 1 x (3x6 + 2x3) = 24.
    assert result.objective == 102
    itinerary = result.itinerary
    assert itinerary.start == MON
    assert [(d.date, d.city, [str(s.site_id) for s in d.stops]) for d in itinerary.days] == [
        (MON, "Washington, DC", ["A1", "A2", "B1"]),
        (TUE, "Baltimore, MD", ["A3"]),
    ]
    assert itinerary.travel_km == round(
        haversine_km(*POINTS["Washington, DC"], *POINTS["Baltimore, MD"])
    )
    first = itinerary.days[0].stops[0]
    assert first.covers == (("a", 3),)
    assert "covers a (strength 3, priority 3)" in first.why


# --- Every hard rule binds -------------------------------------------------------------------


def test_the_visit_stays_inside_its_window():
    better_later = site("LATE", focus={"a": 3}, open_weekdays=frozenset({THU.weekday()}))
    sites = [site("NOW", focus={"a": 1}), better_later]
    window = plan(request({"a": 1}, MON, WED, 2), sites)
    wider = plan(request({"a": 1}, MON, THU, 2), sites)

    assert "LATE" in sites_of(wider)  # control: with Thursday in the window it is taken
    assert sites_of(window) == {"NOW"}
    assert window.itinerary.start >= MON and window.itinerary.end <= WED


def test_no_stop_on_a_closed_weekday():
    strong = site("STRONG", focus={"a": 3}, open_weekdays=frozenset({1, 2, 3, 4}))
    sites = [strong, site("WEAK", focus={"a": 1})]
    req = request({"a": 1}, MON, MON)

    assert "STRONG" in sites_of(plan(req, [replace(strong, open_weekdays=EVERY_DAY), sites[1]]))
    assert sites_of(plan(req, sites)) == {"WEAK"}


def test_no_stop_on_a_blackout_date():
    strong = site("STRONG", focus={"a": 3})
    req = request({"a": 1}, MON, MON)
    weak = site("WEAK", focus={"a": 1})

    assert "STRONG" in sites_of(plan(req, [strong, weak]))
    assert sites_of(plan(req, [replace(strong, blackouts=frozenset({MON})), weak])) == {"WEAK"}


def test_other_visits_usage_counts_against_a_sites_capacity():
    strong = site("STRONG", focus={"a": 3}, daily_capacity=2)
    sites = [strong, site("WEAK", focus={"a": 1})]
    req = request({"a": 1}, MON, MON)

    assert "STRONG" in sites_of(plan(req, sites, {("STRONG", MON): 1}))  # one place left
    assert sites_of(plan(req, sites, {("STRONG", MON): 2})) == {"WEAK"}


def test_one_city_a_day():
    sites = [site("DC", focus={"a": 3}), site("BAL", "Baltimore, MD", focus={"b": 2})]
    one_day = plan(request({"a": 1, "b": 1}, MON, MON), sites)
    two_days = plan(request({"a": 1, "b": 1}, MON, TUE, 2), sites)

    assert sites_of(two_days) == {"DC", "BAL"}  # control: both are worth a stop
    assert sites_of(one_day) == {"DC"}
    assert one_day.itinerary.days[0].city == "Washington, DC"


def test_at_most_three_stops_a_day():
    focus = {"a": 3, "b": 3, "c": 3, "d": 1}
    sites = [site(area.upper(), focus={area: 3}) for area in focus]
    one_day = plan(request(focus, MON, MON), sites)

    assert coverage_score(request(focus, MON, MON), sites) > one_day.objective
    assert sites_of(one_day) == {"A", "B", "C"}


def test_a_day_after_a_long_move_holds_one_stop():
    """Washington is open Monday only, Miami (1,500 km away) Tuesday only. Without the rule
    the best is Washington then three Miami stops; with it, Monday is spent travelling."""
    monday_only, tuesday_only = frozenset({0}), frozenset({1})
    sites = [site("DC", focus={"a": 1}, open_weekdays=monday_only)] + [
        site(f"MIA{n}", "Miami, FL", focus={area: 3}, open_weekdays=tuesday_only)
        for n, area in enumerate("bcd")
    ]
    req = request({"a": 1, "b": 1, "c": 1, "d": 1}, MON, TUE, 2, arrival=POINTS["Washington, DC"])
    result = plan(req, sites)

    assert coverage_score(req, sites) == 60  # what all four would earn
    assert result.objective == 54
    monday, tuesday = result.itinerary.days
    assert monday.stops == () and monday.city == "Miami, FL" and monday.move_km > 500
    assert {str(s.site_id) for s in tuesday.stops} == {"MIA0", "MIA1", "MIA2"}
    assert tuesday.move_km == 0


def test_landing_far_away_limits_the_first_day_to_one_stop():
    sites = [site(area.upper(), focus={area: 3}) for area in "abc"]
    req = request({"a": 1, "b": 1, "c": 1}, MON, MON)

    assert len(stops_of(plan(req, sites))) == 3
    far = plan(replace(req, arrival=POINTS["Miami, FL"]), sites)
    near = plan(replace(req, arrival=POINTS["Baltimore, MD"]), sites)
    assert len(stops_of(far)) == 1
    assert len(stops_of(near)) == 3


def test_headquarters_briefing_falls_on_the_first_working_day():
    """Saturday to Monday: the first working day is Monday, when the best site (in
    Baltimore) is open; the briefing in Washington takes Monday instead."""
    hq = site("HQ", focus={"b": 1}, is_headquarters=True, open_weekdays=frozenset(range(5)))
    best = site("BAL", "Baltimore, MD", focus={"a": 3}, open_weekdays=frozenset({0}))
    req = request({"a": 1, "b": 1}, SAT, MON, 3)

    assert "BAL" in sites_of(plan(req, [hq, best]))
    result = plan(replace(req, wants_hq_briefing=True), [hq, best])
    assert stops_of(result) == [(MON, "HQ")]
    assert result.itinerary.days[2].stops[0].why.startswith("headquarters briefing")


def test_must_see_site_is_included():
    sites = [site(area.upper(), focus={area: 3}) for area in "abc"] + [
        site("PORT", "Baltimore, MD", focus={"a": 1})
    ]
    req = request({"a": 1, "b": 1, "c": 1}, MON, MON)

    assert "PORT" not in sites_of(plan(req, sites))
    result = plan(replace(req, must_see=frozenset({"PORT"})), sites)
    assert sites_of(result) == {"PORT"}
    assert "must-see" in result.itinerary.days[0].stops[0].why


def test_must_avoid_site_is_excluded():
    sites = [site("BEST", focus={"a": 3}), site("NEXT", focus={"a": 1})]
    req = request({"a": 1}, MON, MON)

    assert "BEST" in sites_of(plan(req, sites))
    assert sites_of(plan(replace(req, must_avoid=frozenset({"BEST"})), sites)) == {"NEXT"}


# --- Why nothing fits ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"latest_end": TUE, "length_days": 5}, "too short for a 5-day visit"),
        ({"earliest_start": SAT, "latest_end": SUN}, "Every day of the window is closed"),
        ({"must_see": frozenset({"TUEONLY"})}, "is never open between"),
        ({"must_see": frozenset({"FULL"})}, "is full on every day it is open"),
        (
            {"must_see": frozenset({"OPEN"}), "must_avoid": frozenset({"OPEN"})},
            "is both must-see and must-avoid",
        ),
        ({"pinned": frozenset({("OPEN", THU)})}, "outside the window"),
        ({"wants_hq_briefing": True}, "no headquarters site"),
    ],
)
def test_an_impossible_visit_says_why(change, words):
    weekdays = frozenset(range(5))
    sites = [
        site("OPEN", focus={"a": 1}, open_weekdays=weekdays),
        site("TUEONLY", focus={"a": 1}, open_weekdays=frozenset({1})),
        site("FULL", focus={"a": 1}, open_weekdays=weekdays),
    ]
    usage: dict[tuple[Key, date], int] = {("FULL", MON): 1}
    req = replace(request({"a": 1}, MON, MON), **change)
    result = plan_visit(req, sites, usage)

    assert result.status == INFEASIBLE and result.itinerary is None
    assert any(words in reason for reason in result.reasons), result.reasons


def test_when_no_cheap_check_explains_it_the_binding_rule_is_named():
    """The briefing (Washington) and the must-see (Miami) are both only possible on the one
    day: each check passes alone, and dropping either rule lets a plan exist."""
    hq = site("HQ", is_headquarters=True, focus={"a": 1})
    port = site("PORT", "Miami, FL", focus={"a": 3})
    req = request({"a": 1}, MON, MON, wants_hq_briefing=True, must_see=frozenset({"PORT"}))
    result = plan_visit(req, [hq, port])

    assert result.status == INFEASIBLE
    assert any("without the headquarters briefing" in r for r in result.reasons), result.reasons
    assert any("without the must-see sites" in r for r in result.reasons)


def test_a_plan_cut_by_the_time_limit_says_it_is_not_proven_optimal():
    """The benchmark's visit V091 (ten days, 94 sites) has no proof of its best score within
    half a second of CP-SAT's deterministic time (its work counted, not the clock, so this
    holds on any machine): the plan still keeps every rule, and says how far it may be."""
    year = synthetic_year()
    req = next(r for r in year.requests if r.id == "V091")
    result = plan_visit(req, year.sites, year.usage, time_limit=0.5, deterministic=True)

    assert result.itinerary is not None and not result.optimal
    assert result.bound > result.objective > 0
    assert result.reasons[0].startswith("Not proven optimal")
    assert check_itinerary(req, year.sites, result.itinerary, year.usage) == []


# --- The coordinator pins and removes --------------------------------------------------------


def test_replanning_keeps_a_pinned_stop_and_plans_around_it():
    sites = [
        site("DC1", focus={"a": 3}),
        site("DC2", focus={"b": 3}),
        site("BAL", "Baltimore, MD", focus={"a": 1}),
    ]
    req = request({"a": 1, "b": 1}, MON, WED, 1)
    first = plan(req, sites)
    assert sites_of(first) == {"DC1", "DC2"}

    pinned = pin_stop(req, "BAL", TUE)
    again = plan(pinned, sites)
    assert stops_of(again) == [(TUE, "BAL")]
    assert "pinned by the coordinator" in again.itinerary.days[0].stops[0].why


def test_exact_plans_keep_every_rule_and_a_pin_while_shortening_travel():
    """On real-sized visits the travel search moves days and exchanges stops: the plans still
    keep every rule and the coordinator's pin. The pin is one of the quick planner's stops,
    so its itinerary fits the pinned request and the exact plan scores at least as much."""
    year = synthetic_year(requests=60)
    catalog = SiteCatalog(year.sites)
    for req in year.requests[3::15]:
        quick = quick_itinerary(req, catalog, year.usage)
        assert quick is not None
        day, stop = quick.stops[-1]
        pinned = pin_stop(req, stop.site_id, day)
        result = plan_visit(pinned, catalog, year.usage, deterministic=True)

        assert result.itinerary is not None, result.reasons
        assert check_itinerary(pinned, catalog, result.itinerary, year.usage) == [], req.id
        assert (stop.site_id, day) in result.itinerary.site_days
        assert result.objective >= quick.score


def test_a_removed_site_stays_out_altogether_or_on_its_day():
    sites = [
        site("BEST", focus={"a": 3}, open_weekdays=frozenset({0, 1})),
        site("NEXT", focus={"a": 1}),
    ]
    req = request({"a": 1}, MON, TUE, 1)

    assert sites_of(plan(exclude_site(req, "BEST"), sites)) == {"NEXT"}
    moved = stops_of(plan(exclude_site(req, "BEST", MON), sites))
    assert (TUE, "BEST") in moved and (MON, "BEST") not in moved


# --- The year --------------------------------------------------------------------------------


def test_the_year_places_what_fits_and_says_why_the_rest_is_left_out():
    """Three delegations want the one strong site, open one day with room for two; a fourth
    asks for an impossible window."""
    strong = site("STRONG", focus={"a": 3}, daily_capacity=2, open_weekdays=frozenset({0}))
    sites = [strong, site("WEAK", "Baltimore, MD", focus={"b": 1})]
    wanting = [
        VisitRequest(id=n, focus={"a": 1}, earliest_start=MON, latest_end=MON, length_days=1)
        for n in (1, 2, 3)
    ]
    impossible = VisitRequest(
        id=4, focus={"a": 1}, earliest_start=MON, latest_end=TUE, length_days=4
    )
    result = plan_year([*wanting, impossible], sites, time_limit=5, deterministic=True)

    assert set(result.placed) | set(result.left_out) == {1, 2, 3, 4}
    assert len(result.placed) == 2 and result.objective == 2 * 18
    assert "too short" in result.left_out[4]
    (crowded,) = set(result.left_out) - {4}
    assert "capacity" in result.left_out[crowded] and "Site STRONG" in result.left_out[crowded]
    assert result.bound >= result.objective and 0 <= result.gap <= 1
    assert result.candidate_bound == 3 * 18


def test_a_year_keeps_every_rule_and_the_shared_capacity():
    year = synthetic_year(requests=40)
    catalog = SiteCatalog(year.sites)
    result = plan_year(year.requests, catalog, year.usage, time_limit=6, deterministic=True)

    assert len(result.placed) + len(result.left_out) == 40
    assert result.bound >= result.objective > 0 and 0 <= result.gap < 0.05
    by_id = {r.id: r for r in year.requests}
    taken = dict(year.usage)
    for request_id, itinerary in result.placed.items():
        assert check_itinerary(by_id[request_id], catalog, itinerary, year.usage) == []
        for cell in itinerary.site_days:
            taken[cell] = taken.get(cell, 0) + 1
    assert all(n <= catalog.sites[s].daily_capacity for (s, _), n in taken.items())


def test_the_quick_planner_keeps_every_rule():
    year = synthetic_year(requests=60)
    catalog = SiteCatalog(year.sites)
    planned: list[Itinerary] = []
    for req in year.requests:
        itinerary = quick_itinerary(req, catalog, year.usage)
        if itinerary:
            assert check_itinerary(req, catalog, itinerary, year.usage) == [], req.id
            planned.append(itinerary)
    assert len(planned) > 50


# --- Itineraries made elsewhere --------------------------------------------------------------


def test_stops_made_elsewhere_are_laid_out_and_judged_as_the_planners_own():
    """Washington on Monday, then three stops in Miami: on Tuesday they break the long-move
    rule; with Tuesday spent travelling (no stops) they keep it on Wednesday."""
    sites = [site("DC", focus={"a": 1})] + [
        site(f"MIA{n}", "Miami, FL", focus={"b": n + 1}) for n in range(3)
    ]
    req = request({"a": 1, "b": 1}, MON, WED, 3)
    miami = ["MIA2", "MIA0", "MIA1"]

    rushed = itinerary_of(req, sites, MON, [["DC"], miami, []])
    assert [day.city for day in rushed.days] == ["Washington, DC", "Miami, FL", "Miami, FL"]
    move = rushed.days[1].move_km
    assert move > LONG_MOVE_KM and rushed.days[2].move_km == 0
    assert [str(stop.site_id) for stop in rushed.days[1].stops] == miami  # their order kept
    assert rushed.score == coverage_score(req, sites)
    assert check_itinerary(req, sites, rushed) == [f"{TUE}: 3 stops after a {move} km move"]

    rested = itinerary_of(req, sites, MON, [["DC"], [], miami])
    assert rested.days[1].city == "Miami, FL" and rested.days[1].move_km == move
    assert rested.days[2].move_km == 0 and rested.travel_km == move
    assert check_itinerary(req, sites, rested) == []

    gone = itinerary_of(req, sites, MON, [["DC", "GONE"], [], miami])
    assert gone.days[0].city == "Washington, DC"
    assert check_itinerary(req, sites, gone) == [f"{MON}: unknown site 'GONE'"]
    nowhere = itinerary_of(req, sites, MON, [[], [], []])
    assert {day.city for day in nowhere.days} == {""} and nowhere.travel_km == 0
