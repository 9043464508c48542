"""The training API runs a delivery from planning to certificates with the pages' rules: the
vetting gate's refusal comes back as a 400 with its reason, wrong roles get 403, bad input a
400 naming the field, and a refused request changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest

from liaison.accounts.roles import Role
from liaison.accounts.services import api_token_create
from liaison.audit.models import AuditEntry
from liaison.training.models import (
    Assignment,
    Delivery,
    DeliveryStatus,
    Enrollment,
    EnrollmentStatus,
    RequestStatus,
    TrainingRequest,
)
from liaison.training.tests.refusal import WATCHED

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, users):
    """``api(method, path, user, **body)``: a call with ``user``'s bearer token (made up
    front, so the token's own audit entry comes before anything a test watches)."""
    tokens = {user.pk: api_token_create(actor=user, name="test")[1] for user in users.values()}

    def call(method: str, path: str, user: Any, **body: Any) -> Any:
        return getattr(client, method)(
            f"/api/v1/training{path}",
            data=body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens[user.pk]}",
        )

    return call


def _state() -> list[Any]:
    """Every watched row, so a refused call can be shown to have changed none of them."""
    return [list(model._default_manager.order_by("pk").values()) for model in WATCHED]


@contextmanager
def unchanged() -> Iterator[None]:
    before = _state()
    yield
    assert _state() == before


def _refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


@pytest.fixture
def advisor(users):
    return users[Role.TRAINING_ADVISOR]


@pytest.fixture
def start() -> date:
    return date.today() + timedelta(days=30)


def _new_delivery(start: date, **extra: Any) -> dict[str, Any]:
    return {
        "course": "LBI-101",
        "venue": "ILEA-SAL",
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=4)).isoformat(),
        "funding_source": "INL",
        "capacity": 10,
        **extra,
    }


def test_a_delivery_runs_from_planning_to_certificates_over_the_api(
    api, manager, advisor, start, make_instructor, make_person, approve_vetting
):
    lead = make_instructor(user=advisor)
    person = make_person("Ana", "Quispe", birth_date=date(1980, 5, 17), passport_number="PX4471")

    created = api("post", "/deliveries", manager, **_new_delivery(start, notes="Port of Callao"))
    assert created.status_code == 201, created.content
    delivery = created.json()
    assert (delivery["course"], delivery["venue"], delivery["country"]) == (
        "LBI-101",
        "ILEA-SAL",
        "SV",
    )
    assert (delivery["status"], delivery["effective_pass_mark"]) == ("planned", 70)
    base = f"/deliveries/{delivery['id']}"

    assigned = api("post", f"{base}/instructors", manager, staff_id=lead.pk, role="lead")
    assert assigned.status_code == 201
    assert assigned.json()["role"] == "lead"

    nominated = api("post", f"{base}/enrollments", manager, person_id=person.pk, nominated_by="PE")
    assert nominated.status_code == 201
    enrollment = nominated.json()
    assert (enrollment["person_name"], enrollment["nationality"], enrollment["status"]) == (
        "Ana Quispe",
        "PE",
        "nominated",
    )
    # Personal data never travels with the roster.
    roster = api("get", f"{base}/enrollments", advisor)
    for text in (nominated.content.decode("utf-8-sig"), roster.content.decode("utf-8-sig")):
        assert "PX4471" not in text and "1980" not in text
        assert "passport" not in text and "birth" not in text
    assert roster.json()["count"] == 1

    blockers = api("get", f"{base}/blockers", manager).json()
    assert [b["person_id"] for b in blockers] == [person.pk]
    assert "never submitted" in blockers[0]["reason"]
    confirm = f"/enrollments/{enrollment['id']}/confirm"
    with unchanged():
        body = _refused(api("post", confirm, advisor), 400, "invalid")
    assert (
        body["message"] == "Ana Quispe has no human-rights (Leahy) vetting: it was never submitted."
    )

    approve_vetting(person, start + timedelta(days=365))
    assert api("get", f"{base}/blockers", manager).json() == []
    assert api("post", confirm, advisor).json()["status"] == "confirmed"

    for to, user in (
        ("approved", manager),
        ("confirmed", manager),
        ("in_progress", advisor),
    ):
        moved = api("post", f"{base}/transition", user, to=to)
        assert moved.status_code == 200, moved.content
        assert moved.json()["status"] == to

    days = [start + timedelta(days=n) for n in range(5)]
    for day in days:
        marked = api(
            "put",
            f"/enrollments/{enrollment['id']}/attendance",
            advisor,
            day=day.isoformat(),
            mark="late" if day == days[0] else "present",
        )
        assert marked.status_code == 200, marked.content
    sheet = api("get", f"{base}/attendance?day={days[0].isoformat()}", manager).json()
    assert sheet["days"] == [day.isoformat() for day in days]
    assert [(row["person_id"], row["mark"]) for row in sheet["rows"]] == [(person.pk, "late")]

    scored = api(
        "put", f"/enrollments/{enrollment['id']}/scores", advisor, pre_score=40, post_score=85
    )
    assert (scored.json()["pre_score"], scored.json()["post_score"]) == (40, 85)
    assert api("post", f"{base}/transition", advisor, to="delivered").json()["status"] == (
        "delivered"
    )

    [result] = api("get", f"{base}/results", manager).json()
    assert (result["status"], result["days_attended"], result["completed"]) == (
        "attended",
        5,
        True,
    )
    issued = api("post", f"{base}/certificates", advisor)
    assert issued.status_code == 201
    [certificate] = issued.json()
    assert (certificate["person_id"], certificate["valid"]) == (person.pk, True)
    assert api("get", f"{base}/results", manager).json()[0]["certificate"] == certificate["code"]
    assert api("post", f"{base}/certificates", advisor).json() == []

    for kind, amount in (("budget", "1000"), ("actual", "1250.50")):
        line = api("post", f"{base}/costs", manager, kind=kind, category="travel", amount=amount)
        assert line.status_code == 201, line.content
    costs = api("get", f"{base}/costs", advisor).json()
    travel = next(row for row in costs["rows"] if row["category"] == "travel")
    assert (travel["budget"], travel["actual"], travel["variance"]) == (
        "1000.00",
        "1250.50",
        "250.50",
    )
    assert (costs["participants"], costs["per_participant"], len(costs["lines"])) == (
        1,
        "1250.50",
        2,
    )

    revoked = api(
        "post", f"/certificates/{certificate['id']}/revoke", manager, reason="Score miskeyed."
    )
    assert (revoked.json()["valid"], revoked.json()["revoked_reason"]) == (
        False,
        "Score miskeyed.",
    )
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "delivery.created",
        "delivery.instructor_assigned",
        "enrollment.confirmed",
        "delivery.in_progress",
        "attendance.recorded",
        "enrollment.scored",
        "certificate.issued",
        "certificate.revoked",
    } <= actions


def test_the_detail_names_the_instructors_and_counts_the_roster(
    api, manager, make_delivery, make_person
):
    delivery = make_delivery(DeliveryStatus.CONFIRMED, capacity=1, people=[make_person()])
    api("post", f"/deliveries/{delivery.pk}/enrollments", manager, person_id=make_person("B").pk)
    detail = api("get", f"/deliveries/{delivery.pk}", manager).json()
    assert [i["role"] for i in detail["instructors"]] == ["lead"]
    assert detail["roster"]["confirmed"] == 1
    assert (detail["roster"]["waitlisted"], detail["roster"]["free"]) == (1, 0)


def test_wrong_roles_are_refused_with_403_and_change_nothing(
    api, users, manager, advisor, start, make_delivery, make_person, make_instructor
):
    with unchanged():
        body = _refused(
            api("post", "/deliveries", users[Role.ATTACHE], **_new_delivery(start)),
            403,
            "forbidden",
        )
    assert "training.manage_delivery" in body["message"]
    _refused(api("get", "/deliveries", users[Role.SPONSOR]), 403, "forbidden")
    _refused(api("get", "/requests", users[Role.SPONSOR]), 403, "forbidden")

    # Another instructor teaches it: the advisor may not see or run it.
    person = make_person()
    taught_by_other = make_delivery(DeliveryStatus.IN_PROGRESS, people=[person])
    enrollment = Enrollment.objects.get(delivery=taught_by_other)
    base = f"/deliveries/{taught_by_other.pk}"
    with unchanged():
        for method, path, body in (
            ("get", base, {}),
            ("get", f"{base}/enrollments", {}),
            ("get", f"{base}/costs", {}),
            ("post", f"{base}/transition", {"to": "delivered"}),
            (
                "put",
                f"/enrollments/{enrollment.pk}/attendance",
                {"day": taught_by_other.starts_on.isoformat(), "mark": "present"},
            ),
            ("put", f"/enrollments/{enrollment.pk}/scores", {"post_score": 90}),
        ):
            _refused(api(method, path, advisor, **body), 403, "forbidden")
    assert api("get", "/deliveries", advisor).json()["count"] == 0

    # On the delivery they teach, the advisor runs the roster but not the money or the plan.
    mine = make_delivery(DeliveryStatus.APPROVED, instructor=make_instructor(user=advisor))
    colleague = make_instructor()
    base = f"/deliveries/{mine.pk}"
    assert api("get", f"{base}/costs", advisor).status_code == 200
    with unchanged():
        for method, path, body in (
            ("post", f"{base}/costs", {"kind": "budget", "category": "venue", "amount": "10"}),
            ("patch", base, {"capacity": 12}),
            ("post", f"{base}/transition", {"to": "confirmed"}),
            ("post", f"{base}/instructors", {"staff_id": colleague.pk}),
        ):
            _refused(api(method, path, advisor, **body), 403, "forbidden")
        _refused(
            api("post", f"{base}/enrollments", users[Role.VETTING_OFFICER], person_id=person.pk),
            403,
            "forbidden",
        )
    assert api("post", f"{base}/enrollments", advisor, person_id=person.pk).status_code == 201


def test_an_attache_sees_the_deliveries_of_their_region_only(api, users, make_delivery):
    here = make_delivery(venue="ILEA-SAL")
    elsewhere = make_delivery(venue="ILEA-BUD")
    attache = users[Role.ATTACHE]
    listed = api("get", "/deliveries", attache).json()
    assert [d["id"] for d in listed["items"]] == [here.pk]
    assert api("get", f"/deliveries/{here.pk}", attache).status_code == 200
    _refused(api("get", f"/deliveries/{elsewhere.pk}", attache), 403, "forbidden")
    _refused(api("get", "/deliveries/999999", attache), 404, "not_found")


def test_invalid_input_is_a_400_naming_the_field_and_changes_nothing(
    api, manager, start, make_delivery, make_person, make_instructor
):
    with unchanged():
        short = _refused(
            api(
                "post",
                "/deliveries",
                manager,
                **_new_delivery(start, ends_on=(start + timedelta(days=1)).isoformat()),
            ),
            400,
            "invalid",
        )
        unknown = _refused(
            api("post", "/deliveries", manager, **_new_delivery(start, venue="NOWHERE")),
            400,
            "invalid",
        )
    assert short["fields"] == {"ends_on": ["LBI-101 takes 5 days; these dates give 2."]}
    assert unknown["fields"] == {"venue": ["No venue has the code “NOWHERE”."]}

    delivery = make_delivery(DeliveryStatus.CONFIRMED, people=[make_person()])
    enrollment = Enrollment.objects.get(delivery=delivery)
    spare = make_instructor()
    base = f"/deliveries/{delivery.pk}"
    with unchanged():
        for method, path, body, field in (
            ("patch", base, {"capacity": 41}, "capacity"),
            ("patch", base, {"venue": None}, "venue"),
            ("post", f"{base}/transition", {"to": "finished"}, "to"),
            ("post", f"{base}/transition", {"to": "cancelled"}, "cancel_reason"),
            ("post", f"{base}/instructors", {"staff_id": 999999}, "staff_id"),
            ("post", f"{base}/instructors", {"staff_id": spare.pk, "role": "boss"}, "role"),
            ("post", f"{base}/enrollments", {"person_id": enrollment.person_id}, "person"),
            ("post", f"{base}/enrollments", {"person_id": 999999}, "person_id"),
            (
                "post",
                f"{base}/costs",
                {"kind": "guess", "category": "travel", "amount": "5"},
                "kind",
            ),
            ("post", f"/enrollments/{enrollment.pk}/withdraw", {}, "withdrawn_reason"),
            (
                "put",
                f"/enrollments/{enrollment.pk}/attendance",
                {"day": (start - timedelta(days=1)).isoformat(), "mark": "present"},
                "day",
            ),
            (
                "put",
                f"/enrollments/{enrollment.pk}/attendance",
                {"day": delivery.starts_on.isoformat(), "mark": "asleep"},
                "mark",
            ),
        ):
            body = _refused(api(method, path, manager, **body), 400, "invalid")
            assert field in body["fields"], (path, body)
        # Refused by a rule of the workflow: the message says which.
        early = _refused(api("post", f"{base}/certificates", manager), 400, "invalid")
        assert early["message"] == "Certificates are issued once the delivery is delivered."
        bad_day = _refused(api("get", f"{base}/attendance?day=2001-01-01", manager), 400, "invalid")
        assert "day" in bad_day["fields"]
    assert (
        api("patch", base, manager, capacity=30, pass_mark=None).json()["capacity"],
        Delivery.objects.get(pk=delivery.pk).capacity,
    ) == (30, 30)


def test_instructors_are_removed_until_the_delivery_is_confirmed(
    api, manager, make_delivery, make_person
):
    planned = make_delivery(DeliveryStatus.APPROVED)
    assignment = planned.assignments.get()
    removed = api("delete", f"/deliveries/{planned.pk}/instructors/{assignment.pk}", manager)
    assert removed.status_code == 204
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    _refused(
        api("delete", f"/deliveries/{planned.pk}/instructors/{assignment.pk}", manager),
        404,
        "not_found",
    )

    confirmed = make_delivery(DeliveryStatus.CONFIRMED, people=[make_person()])
    kept = confirmed.assignments.get()
    with unchanged():
        body = _refused(
            api("delete", f"/deliveries/{confirmed.pk}/instructors/{kept.pk}", manager),
            400,
            "invalid",
        )
    assert "Instructors of a confirmed delivery stay" in body["message"]


def test_withdrawing_gives_the_seat_to_the_waiting_list(api, manager, make_delivery, make_person):
    delivery = make_delivery(capacity=1)
    first, second = make_person("Ana"), make_person("Berta")
    base = f"/deliveries/{delivery.pk}/enrollments"
    seated = api("post", base, manager, person_id=first.pk).json()
    waiting = api("post", base, manager, person_id=second.pk).json()
    assert (waiting["status"], waiting["waitlist_position"]) == ("waitlisted", 1)
    withdrawn = api("post", f"/enrollments/{seated['id']}/withdraw", manager, reason="Ill.")
    assert withdrawn.json()["status"] == "withdrawn"
    assert Enrollment.objects.get(pk=waiting["id"]).status == EnrollmentStatus.NOMINATED


def test_requests_are_filed_in_scope_and_approved_into_a_delivery(
    api, users, manager, start, catalog
):
    attache = users[Role.ATTACHE]
    filing = {
        "course": "LBI-101",
        "justification": "New officers at Callao.",
        "funding_source": "INL",
    }
    with unchanged():
        _refused(api("post", "/requests", attache, country="JO", **filing), 403, "forbidden")
        unknown = _refused(
            api("post", "/requests", attache, country="XX", **filing), 400, "invalid"
        )
        vague = _refused(
            api("post", "/requests", attache, country="PE", justification="Soon."), 400, "invalid"
        )
    assert "country" in unknown["fields"] and "need" in vague["fields"]
    filed = api("post", "/requests", attache, country="pe", **filing)
    assert filed.status_code == 201, filed.content
    request = filed.json()
    assert (request["country"], request["course"], request["status"]) == (
        "PE",
        "LBI-101",
        "submitted",
    )
    assert api("get", "/requests?country=PE&status=submitted", attache).json()["count"] == 1
    assert api("get", f"/requests/{request['id']}", attache).json()["id"] == request["id"]

    approve = f"/requests/{request['id']}/approve"
    _refused(
        api(
            "post",
            approve,
            attache,
            venue="RTC-LIM",
            starts_on=start.isoformat(),
            ends_on=(start + timedelta(days=4)).isoformat(),
            capacity=20,
        ),
        403,
        "forbidden",
    )
    with unchanged():
        body = _refused(
            api(
                "post",
                approve,
                manager,
                venue="RTC-LIM",
                starts_on=start.isoformat(),
                ends_on=start.isoformat(),
                capacity=20,
            ),
            400,
            "invalid",
        )
    assert "ends_on" in body["fields"]
    assert TrainingRequest.objects.get().status == RequestStatus.SUBMITTED
    approved = api(
        "post",
        approve,
        manager,
        venue="RTC-LIM",
        starts_on=start.isoformat(),
        ends_on=(start + timedelta(days=4)).isoformat(),
        capacity=20,
        note="Lima has room.",
    )
    assert approved.status_code == 201, approved.content
    delivery = approved.json()
    assert (delivery["request_id"], delivery["course"], delivery["funding_source"]) == (
        request["id"],
        "LBI-101",
        "INL",
    )
    assert api("get", f"/requests/{request['id']}", manager).json()["status"] == "approved"
    again = _refused(
        api("post", f"/requests/{request['id']}/decline", manager, reason="No."), 400, "invalid"
    )
    assert "already approved" in again["message"]

    other = api("post", "/requests", attache, country="PE", **filing).json()
    decline = f"/requests/{other['id']}/decline"
    with unchanged():
        blank = _refused(api("post", decline, manager, reason=" "), 400, "invalid")
    assert "decision_note" in blank["fields"]
    declined = api("post", decline, manager, reason="Already planned in Lima.").json()
    assert (declined["status"], declined["decision_note"]) == (
        "declined",
        "Already planned in Lima.",
    )


def test_lists_filter_and_paginate_in_a_fixed_number_of_queries(
    api, manager, make_delivery, django_assert_max_num_queries
):
    for venue in ("ILEA-SAL", "RTC-LIM", "ILEA-BUD"):
        make_delivery(venue=venue)
    make_delivery(DeliveryStatus.CANCELLED)
    with django_assert_max_num_queries(4):
        body = api("get", "/deliveries?status=planned", manager).json()
    assert set(body) == {"items", "count"} and body["count"] == 3
    assert api("get", "/deliveries?country=pe", manager).json()["count"] == 1
    assert api("get", "/deliveries?venue_kind=ilea&q=LBI", manager).json()["count"] == 3
    fiscal_year = make_delivery().starts_on
    fy = fiscal_year.year + (1 if fiscal_year.month >= 10 else 0)
    assert api("get", f"/deliveries?fiscal_year={fy}", manager).json()["count"] == 5
    assert api("get", f"/deliveries?fiscal_year={fy + 1}", manager).json()["count"] == 0
