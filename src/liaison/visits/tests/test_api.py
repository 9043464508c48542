"""The visits API runs a visit from request to completion with the pages' rules: refusals come
back in the API's error shape (the planner's with its reasons), wrong roles and regions get
403, lists filter and paginate in a fixed number of queries, and a refused call changes
nothing. Delegates travel with their name, nationality and role only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.accounts.roles import Role
from liaison.accounts.services import api_token_create
from liaison.audit.models import AuditEntry
from liaison.people.models import Staff
from liaison.vetting.models import Purpose
from liaison.vetting.services import vetting_approve, vetting_submit
from liaison.visits import services
from liaison.visits.models import (
    Delegate,
    Exclusion,
    Site,
    SiteBlackout,
    SiteFocus,
    Stop,
    Visit,
    VisitFocus,
)
from liaison.visits.tests.conftest import START

pytestmark = pytest.mark.django_db

WATCHED = [Visit, VisitFocus, Delegate, Stop, Exclusion, AuditEntry]
# (method, path under /api/v1/visits, JSON body)
Call = tuple[str, str, dict[str, Any]]


@pytest.fixture
def other_attache(make_user):
    """An attaché for the Near East (NEA): Peru lies outside their region."""
    return make_user(Role.ATTACHE, region="NEA")


@pytest.fixture
def other_host(make_user):
    """A site host of none of the test's sites."""
    return make_user(Role.SITE_HOST)


@pytest.fixture
def api(client, users, other_attache, other_host):
    """``api(method, path, user, **body)``: a call with ``user``'s bearer token (made up
    front, so the token's own audit entry comes before anything a test watches)."""
    people = [*users.values(), other_attache, other_host]
    tokens = {user.pk: api_token_create(actor=user, name="test")[1] for user in people}

    def call(method: str, path: str, user: Any, **body: Any) -> Any:
        return getattr(client, method)(
            f"/api/v1/visits{path}",
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens[user.pk]}",
        )

    return call


@contextmanager
def unchanged() -> Iterator[None]:
    """Every watched row before and after: a refused call changes none of them."""

    def state() -> list[Any]:
        return [list(model._default_manager.order_by("pk").values()) for model in WATCHED]

    before = state()
    yield
    assert state() == before


def _refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


@pytest.fixture
def coordinator(users):
    return users[Role.IVP_COORDINATOR]


@pytest.fixture
def host(users):
    return users[Role.SITE_HOST]


@pytest.fixture
def shown(sites, focus, host):
    """Laredo shows land-border work, the targeting center targeting, HQ a little of both;
    the site host hosts all three."""
    SiteFocus.objects.create(
        site=sites["laredo"], focus_area=focus["land_border_operations"], strength=3
    )
    SiteFocus.objects.create(site=sites["ntc"], focus_area=focus["targeting_risk"], strength=3)
    SiteFocus.objects.create(site=sites["hq"], focus_area=focus["targeting_risk"], strength=1)
    staff = Staff.objects.create(
        kind="site_host", given_name="Lupe", family_name="Ortiz", user=host
    )
    for site in sites.values():
        site.hosts.add(staff)
    return sites


def _filing(**extra: Any) -> dict[str, Any]:
    return {
        "country": "pe",
        "sponsor": "INL",
        "purpose": "Risk management at land ports",
        "earliest_start": START.isoformat(),
        "latest_end": (START + timedelta(days=13)).isoformat(),
        "length_days": 5,
        "delegation_size": 3,
        "focus": [
            {"focus": "targeting_risk", "priority": 3},
            {"focus": "land_border_operations", "priority": 2},
        ],
        **extra,
    }


def _approve_access(person, until, officer):
    record = vetting_submit(actor=officer, person=person, purpose=Purpose.ACCESS)
    vetting_approve(actor=officer, record=record, valid_until=until)


def _stops(itinerary: dict[str, Any]) -> list[dict[str, Any]]:
    return [stop for day in itinerary["days"] for stop in day["stops"]]


def test_a_visit_runs_from_request_to_completion_over_the_api(
    api, users, coordinator, host, shown, make_person
):
    attache = users[Role.ATTACHE]
    filed = api("post", "/requests", attache, **_filing(must_see=["NTC"]))
    assert filed.status_code == 201, filed.content
    visit = filed.json()
    assert (visit["country"], visit["sponsor"], visit["status"]) == ("PE", "INL", "requested")
    assert [(f["focus"], f["priority"]) for f in visit["focus"]] == [
        ("targeting_risk", 3),
        ("land_border_operations", 2),
    ]
    assert (visit["must_see"], visit["must_avoid"], visit["delegates"]) == (["NTC"], [], [])
    base = f"/requests/{visit['id']}"

    head = make_person("Ana", "Quispe", birth_date=date(1980, 5, 17), passport_number="PX4471")
    member = make_person("Luis", "Rojas", birth_date=date(1975, 1, 2), passport_number="PX9902")
    for person, role in ((head, "head"), (member, "member")):
        added = api("post", f"{base}/delegates", attache, person_id=person.pk, role=role)
        assert added.status_code == 201, added.content
    listed = api("get", f"{base}/delegates", coordinator)
    assert [(d["name"], d["nationality"], d["role"]) for d in listed.json()["items"]] == [
        ("Ana Quispe", "PE", "head"),
        ("Luis Rojas", "PE", "member"),
    ]
    detail = api("get", base, attache)
    assert [d["person_id"] for d in detail.json()["delegates"]] == [head.pk, member.pk]
    assert detail.json()["delegate_count"] == 2
    # Personal data never travels with the delegation.
    for text in (
        added.content.decode("utf-8-sig"),
        listed.content.decode("utf-8-sig"),
        detail.content.decode("utf-8-sig"),
    ):
        assert "PX4471" not in text and "PX9902" not in text and "1980" not in text
        assert "passport" not in text and "birth" not in text

    assert api("post", f"{base}/start-planning", coordinator).json()["status"] == "planning"
    planned = api("post", f"{base}/plan", coordinator)
    assert planned.status_code == 200, planned.content
    plan = planned.json()
    assert plan["objective"] > 0 and plan["objective"] <= plan["bound"] + 1e-6
    stops = _stops(plan["itinerary"])
    assert {stop["site"] for stop in stops} == {"HQ", "POE-LRD", "NTC"}
    assert all(stop["why"] and stop["answer"] == "planned" for stop in stops)
    assert len(plan["itinerary"]["days"]) == 5
    assert stops[0]["hosts"] == ["Lupe Ortiz"]
    itinerary = api("get", f"{base}/itinerary", attache).json()
    assert itinerary == plan["itinerary"]

    ntc = next(stop for stop in stops if stop["site"] == "NTC")
    assert api("post", f"{base}/stops/{ntc['id']}/pin", coordinator).json()["pinned"] is True
    assert api("post", f"{base}/request-sites", coordinator).json()["status"] == ("sites_requested")

    inbox = api("get", "/host-inbox", host).json()
    assert inbox["count"] == 3
    assert {(s["country"], s["delegation_size"], s["delegate_count"]) for s in inbox["items"]} == {
        ("PE", 3, 2)
    }
    laredo = next(stop for stop in stops if stop["site"] == "POE-LRD")
    with unchanged():
        blank = _refused(
            api("post", f"/stops/{laredo['id']}/answer", host, accept=False), 400, "invalid"
        )
    assert "answer_reason" in blank["fields"]
    declined = api(
        "post", f"/stops/{laredo['id']}/answer", host, accept=False, reason="Port exercise"
    )
    assert (declined.json()["answer"], declined.json()["answer_reason"]) == (
        "declined",
        "Port exercise",
    )

    assert api("post", f"{base}/resume-planning", coordinator).json()["status"] == "planning"
    replanned = _stops(api("post", f"{base}/plan", coordinator).json()["itinerary"])
    assert (ntc["site"], ntc["day"]) in {(s["site"], s["day"]) for s in replanned}
    assert ("POE-LRD", laredo["day"]) not in {(s["site"], s["day"]) for s in replanned}
    api("post", f"{base}/request-sites", coordinator)
    for stop in api("get", "/host-inbox", host).json()["items"]:
        answered = api("post", f"/stops/{stop['id']}/answer", host, accept=True)
        assert answered.json()["answer"] == "accepted"

    confirm = f"{base}/confirm"
    with unchanged():
        refused = _refused(api("post", confirm, coordinator), 400, "invalid")
    assert "Ana Quispe" in refused["message"]
    ends_on = date.fromisoformat(itinerary["ends_on"])
    for person in (head, member):
        _approve_access(person, ends_on + timedelta(days=30), users[Role.VETTING_OFFICER])
    assert api("post", confirm, coordinator).json()["status"] == "confirmed"
    assert api("post", f"{base}/complete", coordinator).json()["status"] == "completed"

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "visit.requested",
        "visit.delegate_added",
        "visit.planning",
        "visit.planned",
        "stop.pinned",
        "visit.sites_requested",
        "stop.declined",
        "stop.accepted",
        "visit.confirmed",
        "visit.completed",
    } <= actions


def test_a_request_is_declined_or_cancelled_with_a_reason(api, users, coordinator, make_visit):
    requested, planned = make_visit(), make_visit()
    with unchanged():
        blank = _refused(
            api("post", f"/requests/{requested.pk}/decline", coordinator, reason=" "),
            400,
            "invalid",
        )
    assert "status_reason" in blank["fields"]
    declined = api(
        "post", f"/requests/{requested.pk}/decline", coordinator, reason="No capacity in May."
    ).json()
    assert (declined["status"], declined["status_reason"]) == ("declined", "No capacity in May.")
    again = _refused(
        api("post", f"/requests/{requested.pk}/start-planning", coordinator), 400, "invalid"
    )
    assert again["message"] == "This visit is declined; it cannot become planning."

    api("post", f"/requests/{planned.pk}/start-planning", coordinator)
    cancelled = api(
        "post", f"/requests/{planned.pk}/cancel", users[Role.ATTACHE], reason="Elections."
    ).json()
    assert (cancelled["status"], cancelled["status_reason"]) == ("cancelled", "Elections.")


def test_sites_filter_paginate_and_open_with_what_they_show(api, users, shown, focus, host):
    shown["laredo"].environment = "land"
    shown["laredo"].daily_capacity = 2
    shown["laredo"].open_weekdays = "0246"
    shown["laredo"].save()
    SiteBlackout.objects.create(
        site=shown["laredo"],
        starts_on=START,
        ends_on=START + timedelta(days=2),
        reason="Port exercise",
    )
    SiteFocus.objects.create(site=shown["laredo"], focus_area=focus["targeting_risk"], strength=2)
    attache = users[Role.ATTACHE]

    def codes(query: str, user: Any = attache) -> list[str]:
        return [site["code"] for site in api("get", f"/sites{query}", user).json()["items"]]

    assert codes("") == ["HQ", "NTC", "POE-LRD"]
    assert codes("?q=laredo") == ["POE-LRD"]
    assert codes("?kind=headquarters") == ["HQ"]
    assert codes("?environment=land") == ["POE-LRD"]
    assert codes("?state=va") == ["NTC"]
    assert codes("?focus=targeting_risk", host) == ["HQ", "NTC", "POE-LRD"]
    assert codes("?focus=land_border_operations&kind=port_of_entry") == ["POE-LRD"]

    detail = api("get", f"/sites/{shown['laredo'].pk}", host).json()
    assert (detail["daily_capacity"], detail["weekdays"], detail["hosts"]) == (
        2,
        ["Mon", "Wed", "Fri", "Sun"],
        ["Lupe Ortiz"],
    )
    assert detail["focus"] == [
        {"focus": "land_border_operations", "name": "land border operations", "strength": 3},
        {"focus": "targeting_risk", "name": "targeting risk", "strength": 2},
    ]
    assert detail["blackouts"] == [
        {
            "starts_on": START.isoformat(),
            "ends_on": (START + timedelta(days=2)).isoformat(),
            "reason": "Port exercise",
        }
    ]
    _refused(api("get", "/sites/999999", attache), 404, "not_found")
    areas = api("get", "/focus-areas", host).json()
    assert [area["code"] for area in areas["items"]] == [
        "land_border_operations",
        "targeting_risk",
        "trade_facilitation",
    ]

    Site.objects.bulk_create(
        Site(
            code=f"S{n:02}",
            name=f"Station {n:02}",
            kind="checkpoint",
            city="Hebbronville",
            state="TX",
            latitude=27,
            longitude=-98,
        )
        for n in range(50)
    )
    page = api("get", "/sites?page=2", attache).json()
    assert page["count"] == 53 and [site["code"] for site in page["items"]] == ["S47", "S48", "S49"]


def test_visit_requests_filter_paginate_and_keep_to_the_attaches_region(
    api, users, coordinator, other_attache, make_visit
):
    peru = make_visit(code="PE", purpose="Container targeting at Callao")
    colombia = make_visit(code="CO")
    jordan = make_visit(code="JO")
    api("post", f"/requests/{jordan.pk}/start-planning", coordinator)

    def ids(query: str, user: Any) -> list[int]:
        return [visit["id"] for visit in api("get", f"/requests{query}", user).json()["items"]]

    assert len(ids("", coordinator)) == 3
    assert ids("?status=planning", coordinator) == [jordan.pk]
    assert ids("?country=pe", coordinator) == [peru.pk]
    assert ids("?q=callao", coordinator) == [peru.pk]
    assert set(ids("", users[Role.ATTACHE])) == {peru.pk, colombia.pk}
    assert ids("", other_attache) == [jordan.pk]
    assert api("get", f"/requests/{peru.pk}", users[Role.ATTACHE]).json()["id"] == peru.pk
    _refused(api("get", f"/requests/{peru.pk}", other_attache), 403, "forbidden")
    _refused(api("get", "/requests/999999", coordinator), 404, "not_found")

    for n in range(50):
        make_visit(code="PE", purpose=f"Visit {n}")
    page = api("get", "/requests?page=2", users[Role.ATTACHE]).json()
    assert (page["count"], len(page["items"])) == (52, 2)


def test_wrong_roles_and_regions_are_refused_with_403_and_change_nothing(
    api, users, coordinator, host, other_attache, shown, make_visit, make_person
):
    visit = make_visit(code="PE")
    delegate_person = make_person("Rosa", "Mamani")
    api("post", f"/requests/{visit.pk}/delegates", coordinator, person_id=delegate_person.pk)
    api("post", f"/requests/{visit.pk}/start-planning", coordinator)
    api("post", f"/requests/{visit.pk}/plan", coordinator)
    stop = visit.stops.first()
    delegate = visit.delegates.get()
    base = f"/requests/{visit.pk}"
    reads: list[Call] = [
        ("get", "/requests", {}),
        ("get", base, {}),
        ("get", f"{base}/delegates", {}),
        ("get", f"{base}/itinerary", {}),
    ]
    filer_writes: list[Call] = [
        ("post", "/requests", _filing()),
        ("post", f"{base}/delegates", {"person_id": make_person("Eva", "Paz").pk}),
        ("delete", f"{base}/delegates/{delegate.pk}", {}),
        ("post", f"{base}/cancel", {"reason": "Elections."}),
    ]
    planner_writes: list[Call] = [
        ("post", f"{base}/start-planning", {}),
        ("post", f"{base}/request-sites", {}),
        ("post", f"{base}/resume-planning", {}),
        ("post", f"{base}/confirm", {}),
        ("post", f"{base}/complete", {}),
        ("post", f"{base}/decline", {"reason": "No."}),
        ("post", f"{base}/plan", {}),
        ("post", f"{base}/stops/{stop.pk}/pin", {}),
        ("post", f"{base}/stops/{stop.pk}/unpin", {}),
        ("post", f"{base}/stops/{stop.pk}/remove", {"reason": "No."}),
    ]
    site_reads: list[Call] = [
        ("get", "/sites", {}),
        ("get", f"/sites/{shown['hq'].pk}", {}),
        ("get", "/focus-areas", {}),
    ]
    answer: Call = ("post", f"/stops/{stop.pk}/answer", {"accept": True})
    refusals = {
        users[Role.SPONSOR]: [*reads, *filer_writes, *planner_writes, *site_reads, answer],
        users[Role.TRAINING_ADVISOR]: [*reads, *filer_writes, *planner_writes, *site_reads],
        users[Role.VETTING_OFFICER]: [*reads, *filer_writes, *planner_writes],
        # An attaché of another region neither sees this visit nor files for Peru.
        other_attache: [*reads[1:], *filer_writes, *planner_writes, answer],
        # The attaché of the region follows the visit but does not plan it.
        users[Role.ATTACHE]: [*planner_writes, answer, ("get", "/host-inbox", {})],
        host: [*reads, *filer_writes, *planner_writes],
        coordinator: [answer, ("get", "/host-inbox", {})],
    }
    with unchanged():
        for user, calls in refusals.items():
            for method, path, body in calls:
                response = api(method, path, user, **body)
                assert response.status_code == 403, (user.role, method, path, response.content)
                assert response.json()["code"] == "forbidden"


def test_anonymous_calls_are_401(client, make_visit):
    visit = make_visit()
    for path in ("/sites", "/requests", f"/requests/{visit.pk}/itinerary", "/host-inbox"):
        response = client.get(f"/api/v1/visits{path}")
        assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    response = client.post(
        f"/api/v1/visits/requests/{visit.pk}/plan", data={}, content_type="application/json"
    )
    assert response.status_code == 401


def test_a_refused_request_is_a_400_naming_the_field_and_changes_nothing(
    api, users, coordinator, shown
):
    attache = users[Role.ATTACHE]
    with unchanged():
        for body, field in (
            ({"length_days": 15}, "length_days"),
            ({"latest_end": (START - timedelta(days=1)).isoformat()}, "latest_end"),
            ({"country": "XX"}, "country"),
            ({"sponsor": "NOBODY"}, "sponsor"),
            ({"agency_id": 999999}, "agency_id"),
            ({"focus": []}, "focus"),
            ({"focus": [{"focus": "astrology", "priority": 3}]}, "focus"),
            ({"focus": [{"focus": "targeting_risk", "priority": 5}]}, "focus"),
            (
                {
                    "focus": [
                        {"focus": "targeting_risk", "priority": 3},
                        {"focus": "targeting_risk", "priority": 1},
                    ]
                },
                "focus",
            ),
            ({"must_see": ["NOWHERE"]}, "must_see"),
            ({"must_see": ["NTC"], "must_avoid": ["NTC"]}, "must_avoid"),
        ):
            refused = _refused(api("post", "/requests", attache, **_filing(**body)), 400, "invalid")
            assert field in refused["fields"], (body, refused)
        unknown = _refused(
            api("post", "/requests", attache, **_filing(must_see=["NTC", "MOON"])), 400, "invalid"
        )
        assert unknown["fields"] == {"must_see": ["No site has the code “MOON”."]}
        _refused(api("post", "/requests", attache, **_filing(country="JO")), 403, "forbidden")
        schema = api("post", "/requests", attache, country="PE")
        assert (schema.status_code, schema.json()["code"]) == (422, "invalid")
    assert not Visit.objects.exists()


def test_a_plan_that_cannot_fit_gives_the_planners_reasons_and_changes_nothing(
    api, coordinator, shown, make_visit
):
    shown["ntc"].open_weekdays = ""  # never hosts
    shown["ntc"].save()
    visit = make_visit()
    visit.must_see.add(shown["ntc"])
    plan = f"/requests/{visit.pk}/plan"
    with unchanged():
        early = _refused(api("post", plan, coordinator), 400, "invalid")
    assert early["reasons"] == [
        "Only a visit being planned can be (re-)planned; this one is requested."
    ]
    api("post", f"/requests/{visit.pk}/start-planning", coordinator)
    with unchanged():
        refused = _refused(api("post", plan, coordinator), 400, "invalid")
    assert set(refused) == {"code", "message", "fields", "reasons"}
    assert refused["reasons"] and any("NTC" in reason for reason in refused["reasons"])
    assert refused["message"] == " ".join(refused["reasons"])
    assert api("get", f"/requests/{visit.pk}/itinerary", coordinator).json()["days"] == []


def test_a_removed_stop_stays_out_of_the_re_plan(api, coordinator, shown, make_visit):
    visit = make_visit()
    base = f"/requests/{visit.pk}"
    api("post", f"{base}/start-planning", coordinator)
    stops = _stops(api("post", f"{base}/plan", coordinator).json()["itinerary"])
    laredo = next(stop for stop in stops if stop["site"] == "POE-LRD")
    removed = api(
        "post",
        f"{base}/stops/{laredo['id']}/remove",
        coordinator,
        whole_visit=True,
        reason="Not now",
    )
    assert removed.status_code == 204
    assert Exclusion.objects.get(visit=visit).day is None
    replanned = _stops(api("post", f"{base}/plan", coordinator).json()["itinerary"])
    assert "POE-LRD" not in {stop["site"] for stop in replanned}
    _refused(api("post", f"{base}/stops/{laredo['id']}/pin", coordinator), 404, "not_found")
    # A stop is reached through its own visit only.
    elsewhere = f"/requests/{make_visit().pk}/stops/{replanned[0]['id']}/pin"
    _refused(api("post", elsewhere, coordinator), 404, "not_found")
    pin = f"{base}/stops/{replanned[0]['id']}"
    assert api("post", f"{pin}/pin", coordinator).json()["pinned"] is True
    assert api("post", f"{pin}/unpin", coordinator).json()["pinned"] is False

    api("post", f"{base}/request-sites", coordinator)
    with unchanged():
        late = _refused(
            api("post", f"{base}/stops/{replanned[0]['id']}/remove", coordinator), 400, "invalid"
        )
    assert late["message"] == "Stops are removed while the visit is being planned."


def test_delegates_are_added_and_removed_by_the_rules_of_the_delegation(
    api, users, coordinator, make_visit, make_person
):
    visit = make_visit(delegation_size=2)
    other = make_visit()
    base = f"/requests/{visit.pk}/delegates"
    head = api("post", base, coordinator, person_id=make_person("Ana").pk, role="head").json()
    with unchanged():
        for body, field in (
            ({"person_id": make_person("Berta").pk, "role": "head"}, "role"),
            ({"person_id": make_person("Carla").pk, "role": "boss"}, "role"),
            ({"person_id": head["person_id"]}, "person"),
            ({"person_id": 999999}, "person_id"),
        ):
            refused = _refused(api("post", base, coordinator, **body), 400, "invalid")
            assert field in refused["fields"], (body, refused)
        # The attaché names people of their own region only.
        jordanian = make_person("Omar", "Haddad", nationality="JO")
        _refused(api("post", base, users[Role.ATTACHE], person_id=jordanian.pk), 403, "forbidden")
        _refused(
            api("delete", f"/requests/{other.pk}/delegates/{head['id']}", coordinator),
            404,
            "not_found",
        )
    api("post", base, coordinator, person_id=make_person("Dora").pk)
    with unchanged():
        full = _refused(
            api("post", base, coordinator, person_id=make_person("Eva").pk), 400, "invalid"
        )
    assert "raise its size first" in full["message"]
    assert api("delete", f"{base}/{head['id']}", users[Role.ATTACHE]).status_code == 204
    assert [d["name"] for d in api("get", base, coordinator).json()["items"]] == ["Dora Quispe"]


def test_a_host_answers_only_for_their_own_sites(
    api, coordinator, host, other_host, shown, make_visit
):
    visit = make_visit()
    base = f"/requests/{visit.pk}"
    api("post", f"{base}/start-planning", coordinator)
    api("post", f"{base}/plan", coordinator)
    stop = visit.stops.first()
    answer = f"/stops/{stop.pk}/answer"
    with unchanged():
        early = _refused(api("post", answer, host, accept=True), 400, "invalid")
    assert "is not awaiting your answer: planned, not yet asked" in early["message"]
    api("post", f"{base}/request-sites", coordinator)

    assert api("get", "/host-inbox", other_host).json() == {"items": [], "count": 0}
    with unchanged():
        _refused(api("post", answer, other_host, accept=True), 403, "forbidden")
        _refused(api("post", "/stops/999999/answer", host, accept=True), 404, "not_found")
    accepted = api("post", answer, host, accept=True).json()
    assert (accepted["id"], accepted["answer"]) == (stop.pk, "accepted")
    assert stop.pk not in [s["id"] for s in api("get", "/host-inbox", host).json()["items"]]
    with unchanged():
        twice = _refused(
            api("post", answer, host, accept=False, reason="Changed my mind"), 400, "invalid"
        )
    assert "is not awaiting your answer: accepted" in twice["message"]


@pytest.fixture
def grow(focus, make_visit, make_person):
    """Add ``count`` sites showing a focus area, and ``count`` visits with a delegate each."""
    counter = iter(range(10_000))

    def add(count: int) -> None:
        for _ in range(count):
            n = next(counter)
            site = Site.objects.create(
                code=f"G{n}",
                name=f"Grown {n}",
                kind="checkpoint",
                city="Sarita",
                state="TX",
                latitude=27,
                longitude=-97,
            )
            SiteFocus.objects.create(site=site, focus_area=focus["targeting_risk"], strength=1)
            visit = make_visit(purpose=f"Visit {n}")
            Delegate.objects.create(visit=visit, person=make_person("G", f"Family{n}"))

    return add


@pytest.mark.parametrize("path", ["/sites?focus=targeting_risk", "/requests?country=PE"])
def test_lists_read_a_fixed_number_of_queries(
    api, coordinator, grow, path, django_assert_max_num_queries
):
    grow(2)
    api("get", path, coordinator)  # the token's first use records it
    with CaptureQueriesContext(connection) as few:
        assert api("get", path, coordinator).json()["count"] == 2
    grow(12)
    with django_assert_max_num_queries(3):
        assert len(api("get", path, coordinator).json()["items"]) == 14
    with CaptureQueriesContext(connection) as many:
        api("get", path, coordinator)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_year_is_planned_polled_and_applied_over_the_api(
    api, users, coordinator, shown, make_visit
):
    visit = make_visit()
    started = api("post", "/year-plans", coordinator, time_limit=5)
    assert started.status_code == 202, started.content
    plan = started.json()
    assert plan["status"] == "queued"
    _refused(api("post", "/year-plans", coordinator, time_limit=5), 400, "invalid")
    for role in (Role.ATTACHE, Role.SITE_HOST, Role.SPONSOR):
        _refused(api("get", f"/year-plans/{plan['id']}", users[role]), 403, "forbidden")

    # What the worker does with the queued run (the worker itself: test_year_plan.py).
    services.year_plan_run(plan_id=plan["id"])
    done = api("get", f"/year-plans/{plan['id']}", coordinator).json()
    assert done["status"] == "done"
    assert (done["requests"], done["placed"]) == (1, 1)
    assert done["bound"] >= done["objective"] > 0
    assert done["outcome"][0]["visit"] == visit.pk
    assert done["outcome"][0]["placed"] is True

    with unchanged():
        _refused(
            api("post", f"/year-plans/{plan['id']}/apply", users[Role.ATTACHE]), 403, "forbidden"
        )
    applied = api("post", f"/year-plans/{plan['id']}/apply", coordinator)
    assert applied.json() == {"applied": [visit.pk], "skipped": {}}
    visit.refresh_from_db()
    assert visit.status == "planning"
    assert visit.stops.exists()
    _refused(api("post", f"/year-plans/{plan['id']}/apply", coordinator), 400, "invalid")
