"""Training's workflows are declared once (training.workflows): the services enforce them,
the pages offer exactly the moves the services accept for each role and state, a move the
declaration does not allow is refused before anything changes, and every move records who
made it, when and why."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.accounts.roles import Role
from liaison.accounts.services import api_token_create
from liaison.audit.models import AuditEntry
from liaison.audit.transitions import transition
from liaison.catalog.models import Course, FundingSource, Venue
from liaison.core.workflows import Move, Workflow
from liaison.training import selectors, services
from liaison.training.models import (
    Delivery,
    DeliveryStatus,
    Enrollment,
    EnrollmentStatus,
    InstructorRole,
    RequestStatus,
    TrainingRequest,
)
from liaison.training.tests.refusal import refused
from liaison.training.workflows import DELIVERY, ENROLLMENT, TRAINING_REQUEST

pytestmark = pytest.mark.django_db

REASON = "Reason given"


def _accepts(attempt: Callable[[], Any]) -> bool:
    """Whether the service call goes through; whatever it did is rolled back."""
    try:
        with transaction.atomic():
            attempt()
            transaction.set_rollback(True)
    except (ValidationError, PermissionDenied):
        return False
    return True


def _form_actions(client: Any, url: str) -> dict[str, list[str]] | None:
    """Each form's action on the page at ``url`` with the bodies of the forms posting there
    (None when the user may not see the page)."""
    response = client.get(url)
    if response.status_code in (403, 404):
        return None
    assert response.status_code == 200
    forms: dict[str, list[str]] = {}
    page = response.content.decode("utf-8-sig")
    for action, body in re.findall(r'<form\b[^>]*\baction="([^"]+)"[^>]*>(.*?)</form>', page, re.S):
        forms.setdefault(action, []).append(body)
    return forms


@pytest.fixture
def others(users: dict[Role, Any], make_user: Callable[..., Any]) -> dict[str, Any]:
    """Every role, plus an advisor who does not teach and an attaché of another region."""
    return {
        **{role.value: user for role, user in users.items()},
        "other advisor": make_user(Role.TRAINING_ADVISOR),
        "attache NEA": make_user(Role.ATTACHE, region="NEA"),
    }


# --- the delivery ----------------------------------------------------------------------------


@pytest.fixture
def delivery_in(
    users: dict[Role, Any],
    manager: Any,
    make_delivery: Callable[..., Delivery],
    make_instructor: Callable[..., Any],
    make_person: Callable[..., Any],
) -> Callable[..., Delivery]:
    """A delivery in ``state`` taught by the training advisor. ``ready``: what its next move
    needs is there (a lead instructor, a confirmed participant, the after-action report);
    otherwise that move is blocked (the advisor is only a co-instructor, nobody is
    confirmed, no report)."""

    def make(state: str, *, ready: bool) -> Delivery:
        teacher = make_instructor(user=users[Role.TRAINING_ADVISOR])
        if state in (DeliveryStatus.PLANNED, DeliveryStatus.APPROVED, DeliveryStatus.CANCELLED):
            delivery = make_delivery()
            role = InstructorRole.LEAD if ready else InstructorRole.CO
            services.instructor_assign(actor=manager, delivery=delivery, staff=teacher, role=role)
            if state == DeliveryStatus.APPROVED:
                services.delivery_approve(actor=manager, delivery=delivery)
            if state == DeliveryStatus.CANCELLED:
                services.delivery_cancel(actor=manager, delivery=delivery, reason="Postponed.")
        elif state == DeliveryStatus.CONFIRMED and not ready:
            delivery = make_delivery(state, instructor=teacher)
        else:
            delivery = make_delivery(state, instructor=teacher, people=[make_person()])
            if state == DeliveryStatus.DELIVERED and ready:
                services.after_action_report_save(actor=manager, delivery=delivery, summary="Ok.")
        delivery.refresh_from_db()
        assert delivery.status == state
        return delivery

    return make


def _offered_delivery_moves(client: Any, delivery: Delivery) -> set[str]:
    forms = _form_actions(client, reverse("training:delivery_detail", args=[delivery.pk]))
    if forms is None:
        return set()
    moves = forms.get(reverse("training:delivery_transition", args=[delivery.pk]), [])
    return {
        to
        for body in moves
        if "disabled" not in body
        for to in re.findall(r'name="to" value="(\w+)"', body)
    }


def _delivery_accepts(user: Any, delivery: Delivery, to: str) -> bool:
    return _accepts(
        lambda: services.delivery_move(
            actor=user, delivery=Delivery.objects.get(pk=delivery.pk), to=to, reason=REASON
        )
    )


# What headquarters is offered, by state and by whether the next move's needs are met.
HQ_OFFERED = {
    (DeliveryStatus.PLANNED, True): {"approved", "cancelled"},
    (DeliveryStatus.PLANNED, False): {"approved", "cancelled"},
    (DeliveryStatus.APPROVED, True): {"confirmed", "cancelled"},
    (DeliveryStatus.APPROVED, False): {"cancelled"},
    (DeliveryStatus.CONFIRMED, True): {"in_progress", "cancelled"},
    (DeliveryStatus.CONFIRMED, False): {"cancelled"},
    (DeliveryStatus.IN_PROGRESS, True): {"delivered"},
    (DeliveryStatus.IN_PROGRESS, False): {"delivered"},
    (DeliveryStatus.DELIVERED, True): {"closed"},
    (DeliveryStatus.DELIVERED, False): set(),
    (DeliveryStatus.CLOSED, True): set(),
    (DeliveryStatus.CLOSED, False): set(),
    (DeliveryStatus.CANCELLED, True): set(),
    (DeliveryStatus.CANCELLED, False): set(),
}
# The instructor who teaches it starts and finishes it, nothing else.
ADVISOR_OFFERED = {
    (DeliveryStatus.CONFIRMED, True): {"in_progress"},
    (DeliveryStatus.IN_PROGRESS, True): {"delivered"},
    (DeliveryStatus.IN_PROGRESS, False): {"delivered"},
}


@pytest.mark.parametrize("ready", [True, False], ids=["ready", "blocked"])
@pytest.mark.parametrize("state", DeliveryStatus.values)
def test_the_delivery_page_offers_exactly_the_moves_the_service_accepts(
    client, others, delivery_in, state, ready
):
    delivery = delivery_in(state, ready=ready)
    targets = {m.target for m in DELIVERY.moves}
    for name, user in others.items():
        client.force_login(user)
        offered = _offered_delivery_moves(client, delivery)
        accepted = {to for to in targets if _delivery_accepts(user, delivery, to)}
        assert offered == accepted, name
        assert offered <= {m.target for m in DELIVERY.available(user, delivery)}, name
        if name in (Role.PROGRAM_MANAGER, Role.ADMINISTRATOR):
            assert offered == HQ_OFFERED[state, ready], name
        elif name == Role.TRAINING_ADVISOR:
            assert offered == ADVISOR_OFFERED.get((state, ready), set()), name
        else:
            assert offered == set(), name
    delivery.refresh_from_db()
    assert delivery.status == state  # the tries were rolled back


@pytest.mark.parametrize(
    ("state", "label", "says"),
    [
        (DeliveryStatus.APPROVED, "Confirm", "Assign a lead instructor"),
        (DeliveryStatus.CONFIRMED, "Start", "No participant is confirmed"),
        (DeliveryStatus.DELIVERED, "Close", "Write the after-action report"),
    ],
)
def test_a_blocked_move_is_shown_disabled_with_what_it_needs(
    client, manager, delivery_in, state, label, says
):
    delivery = delivery_in(state, ready=False)
    client.force_login(manager)
    page = client.get(reverse("training:delivery_detail", args=[delivery.pk])).content.decode()
    button = re.search(rf"<button [^>]*disabled[^>]*>{label}</button> <span [^>]*>([^<]+)", page)
    assert button is not None and says in button.group(1)
    # Posted anyway, the service refuses with the same words.
    response = client.post(
        reverse("training:delivery_transition", args=[delivery.pk]),
        {"to": next(m.target for m in DELIVERY.moves if m.label == label)},
        follow=True,
    )
    assert says in " ".join(str(m) for m in response.context["messages"])
    delivery.refresh_from_db()
    assert delivery.status == state


def test_the_api_routes_a_move_through_the_declared_service(client, manager, delivery_in):
    delivery = delivery_in(DeliveryStatus.APPROVED, ready=False)
    token = api_token_create(actor=manager, name="test")[1]

    def move(to: str, **body: Any) -> Any:
        return client.post(
            f"/api/v1/training/deliveries/{delivery.pk}/transition",
            data={"to": to, **body},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    blocked = move("confirmed")
    assert blocked.status_code == 400
    assert "Assign a lead instructor" in blocked.json()["message"]
    unknown = move("finished").json()
    assert unknown["fields"]["to"] == [
        "“finished” is not a state to move to: use approved, confirmed, in_progress, "
        "delivered, closed, cancelled."
    ]
    assert move("cancelled", reason="Host postponed.").json()["status"] == "cancelled"
    assert AuditEntry.objects.filter(action="delivery.cancelled").get().actor == manager


# --- the roster ------------------------------------------------------------------------------


@pytest.fixture
def roster_in(
    users, manager, make_delivery, make_instructor, make_person, approve_vetting
) -> Callable[[str], dict[str, Enrollment]]:
    """A delivery taught by the training advisor, seating 3, its participants by name:

    - "open" (approved): Apaza nominated and vetted, Bravo nominated and not vetted (the gate
      refuses him), Choque confirmed, Delgado withdrawn, Espinoza on the waiting list;
    - "cancelled": the same, then the delivery cancelled;
    - "delivered": Apaza attended, Choque a no-show, Bravo and Espinoza withdrawn (never
      confirmed before the end).
    """

    def make(situation: str) -> dict[str, Enrollment]:
        teacher = make_instructor(user=users[Role.TRAINING_ADVISOR])
        apaza, bravo, choque = (make_person(family=n) for n in ("Apaza", "Bravo", "Choque"))
        delgado, espinoza = make_person(family="Delgado"), make_person(family="Espinoza")
        if situation == "delivered":
            delivery = make_delivery(
                DeliveryStatus.IN_PROGRESS, capacity=3, instructor=teacher, people=[apaza, choque]
            )
            for person in (bravo, espinoza):
                services.enrollment_nominate(actor=manager, delivery=delivery, person=person)
            services.attendance_record(
                actor=manager,
                enrollment=delivery.enrollments.get(person=apaza),
                day=delivery.starts_on,
                mark="present",
            )
            services.delivery_finish(actor=manager, delivery=delivery)
        else:
            delivery = make_delivery(DeliveryStatus.APPROVED, capacity=3, instructor=teacher)
            approve_vetting(apaza, delivery.ends_on)
            approve_vetting(choque, delivery.ends_on)
            for person in (apaza, bravo, choque, delgado, espinoza):
                services.enrollment_nominate(actor=manager, delivery=delivery, person=person)
            services.enrollment_confirm(
                actor=manager, enrollment=delivery.enrollments.get(person=choque)
            )
            services.enrollment_withdraw(
                actor=manager, enrollment=delivery.enrollments.get(person=delgado), reason="Ill."
            )
            if situation == "cancelled":
                services.delivery_cancel(actor=manager, delivery=delivery, reason="Postponed.")
        return {e.person.family_name: e for e in delivery.enrollments.select_related("person")}

    return make


def _offered_roster_moves(client: Any, enrollments: dict[str, Enrollment]) -> set[tuple[str, str]]:
    delivery_id = next(iter(enrollments.values())).delivery_id
    forms = _form_actions(client, reverse("training:delivery_roster", args=[delivery_id]))
    if forms is None:
        return set()
    return {
        (name, move)
        for name, e in enrollments.items()
        for move, url in (("confirmed", "enrollment_confirm"), ("withdrawn", "enrollment_withdraw"))
        if reverse(f"training:{url}", args=[e.pk]) in forms
    }


def _roster_accepts(user: Any, enrollment: Enrollment, move: str) -> bool:
    def attempt() -> None:
        fresh = Enrollment.objects.select_related("delivery", "person").get(pk=enrollment.pk)
        if move == "confirmed":
            services.enrollment_confirm(actor=user, enrollment=fresh)
        else:
            services.enrollment_withdraw(actor=user, enrollment=fresh, reason=REASON)

    return _accepts(attempt)


HQ_ROSTER = {
    "open": {
        ("Apaza", "confirmed"),
        ("Apaza", "withdrawn"),
        ("Bravo", "withdrawn"),  # no Confirm: the vetting gate refuses him
        ("Choque", "withdrawn"),
        ("Espinoza", "withdrawn"),
    },
    "cancelled": set(),
    "delivered": set(),
}


@pytest.mark.parametrize("situation", ["open", "cancelled", "delivered"])
def test_the_roster_offers_exactly_the_moves_the_services_accept(
    client, others, roster_in, situation
):
    enrollments = roster_in(situation)
    statuses = {name: e.status for name, e in enrollments.items()}
    for name, user in others.items():
        client.force_login(user)
        offered = _offered_roster_moves(client, enrollments)
        accepted = {
            (person, move)
            for person, enrollment in enrollments.items()
            for move in selectors.ROSTER_MOVES
            if _roster_accepts(user, enrollment, move)
        }
        assert offered == accepted, name
        runs_it = name in (Role.PROGRAM_MANAGER, Role.ADMINISTRATOR, Role.TRAINING_ADVISOR)
        assert offered == (HQ_ROSTER[situation] if runs_it else set()), name
    # Every try was rolled back.
    assert {
        e.person.family_name: e.status
        for e in Enrollment.objects.filter(pk__in=[e.pk for e in enrollments.values()])
    } == statuses


def test_the_roster_asks_each_permission_once_however_many_participants(
    client, users, make_delivery, make_instructor, make_person
):
    advisor = users[Role.TRAINING_ADVISOR]
    delivery = make_delivery(
        DeliveryStatus.APPROVED, capacity=40, instructor=make_instructor(user=advisor)
    )
    client.force_login(advisor)
    url = reverse("training:delivery_roster", args=[delivery.pk])

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            services.enrollment_nominate(
                actor=advisor, delivery=delivery, person=make_person("P", f"Family{n}")
            )

    add(2, 0)
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    assert page.content.decode().count(">Withdraw…</summary>") == 2
    add(14, 2)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.content.decode().count(">Withdraw…</summary>") == 16
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# --- training requests -----------------------------------------------------------------------


@pytest.fixture
def request_in(users, manager, catalog, country) -> Callable[[str], TrainingRequest]:
    """A request for Peru filed by the (WHA) attaché, then moved to ``state``."""

    def make(state: str) -> TrainingRequest:
        request = services.training_request_file(
            actor=users[Role.ATTACHE],
            country=country("PE"),
            course=Course.objects.get(code="LBI-101"),
            funding_source=FundingSource.objects.get(code="INL"),
            justification="Callao port officers asked for it.",
        )
        if state == RequestStatus.APPROVED:
            _approve(manager, request)
        elif state == RequestStatus.DECLINED:
            services.training_request_decline(actor=manager, request=request, reason="No funds.")
        elif state == RequestStatus.WITHDRAWN:
            services.training_request_withdraw(actor=users[Role.ATTACHE], request=request)
        request.refresh_from_db()
        assert request.status == state
        return request

    return make


def _approve(user: Any, request: TrainingRequest) -> Delivery:
    start = date.today() + timedelta(days=90)
    return services.training_request_approve(
        actor=user,
        request=request,
        venue=Venue.objects.get(code="ILEA-SAL"),
        starts_on=start,
        ends_on=start + timedelta(days=4),
        capacity=10,
    )


REQUEST_MOVES: dict[str, tuple[str, Callable[[Any, TrainingRequest], Any]]] = {
    "approved": ("request_approve", _approve),
    "declined": (
        "request_decline",
        lambda user, r: services.training_request_decline(actor=user, request=r, reason=REASON),
    ),
    "withdrawn": (
        "request_withdraw",
        lambda user, r: services.training_request_withdraw(actor=user, request=r),
    ),
}


def _request_accepts(
    user: Any, request: TrainingRequest, service: Callable[[Any, TrainingRequest], Any]
) -> bool:
    return _accepts(lambda: service(user, TrainingRequest.objects.get(pk=request.pk)))


@pytest.mark.parametrize("state", RequestStatus.values)
def test_the_request_page_offers_exactly_the_moves_the_services_accept(
    client, others, request_in, state
):
    request = request_in(state)
    assert set(REQUEST_MOVES) == {m.name for m in TRAINING_REQUEST.moves}
    for name, user in others.items():
        client.force_login(user)
        forms = _form_actions(client, reverse("training:request_detail", args=[request.pk]))
        offered = {
            move
            for move, (url, _) in REQUEST_MOVES.items()
            if forms is not None and reverse(f"training:{url}", args=[request.pk]) in forms
        }
        accepted = {
            move
            for move, (_, service) in REQUEST_MOVES.items()
            if _request_accepts(user, request, service)
        }
        assert offered == accepted, name
        if state != RequestStatus.SUBMITTED:
            assert offered == set(), name
        elif name in (Role.PROGRAM_MANAGER, Role.ADMINISTRATOR):
            assert offered == {"approved", "declined", "withdrawn"}, name
        elif name == Role.ATTACHE:
            assert offered == {"withdrawn"}, name
        else:
            assert offered == set(), name
    request.refresh_from_db()
    assert request.status == state
    assert Delivery.objects.filter(request=request).count() == (state == RequestStatus.APPROVED)


# --- undeclared moves are refused, and change nothing ----------------------------------------


def test_a_move_the_delivery_workflow_does_not_declare_is_refused(
    manager, make_delivery, make_person
):
    delivery = make_delivery(DeliveryStatus.CLOSED, people=[make_person()])
    with refused(ValidationError, "This delivery is closed; it cannot become cancelled", delivery):
        services.delivery_cancel(actor=manager, delivery=delivery, reason="Too late.")
    with refused(ValidationError, "it cannot become in progress", delivery):
        services.delivery_move(actor=manager, delivery=delivery, to=DeliveryStatus.IN_PROGRESS)


def test_moves_the_enrollment_workflow_does_not_declare_are_refused(
    manager, roster_in, make_delivery, make_person
):
    enrollments = roster_in("open")
    withdrawn, confirmed = enrollments["Delgado"], enrollments["Choque"]
    with refused(ValidationError, "is withdrawn; only a nominated participant", withdrawn):
        services.enrollment_confirm(actor=manager, enrollment=withdrawn)
    with refused(ValidationError, "is confirmed; only someone on the waiting list", confirmed):
        services.enrollment_move_up(actor=manager, enrollment=confirmed)
    with refused(ValidationError, "is withdrawn; there is no outcome to record", withdrawn):
        services.enrollment_record_outcome(actor=manager, enrollment=withdrawn)


def test_a_move_the_request_workflow_does_not_declare_is_refused(manager, request_in):
    request = request_in(RequestStatus.WITHDRAWN)
    with refused(ValidationError, "already withdrawn; only a submitted request", request):
        services.training_request_decline(actor=manager, request=request, reason="No.")
    with refused(ValidationError, "already withdrawn", request):
        _approve(manager, request)


def test_the_permission_comes_first_then_the_declaration_and_only_then_the_rules(
    users, manager, roster_in
):
    enrollments = roster_in("open")
    withdrawn = enrollments["Delgado"]

    def rules() -> None:
        raise AssertionError("the caller's rules ran on an undeclared move")

    with refused(PermissionDenied, "training.manage_roster", withdrawn):
        transition(
            actor=users[Role.SPONSOR],
            obj=withdrawn,
            workflow=ENROLLMENT,
            to=EnrollmentStatus.CONFIRMED,
            check=rules,
        )
    with refused(ValidationError, "An enrollment that is withdrawn cannot become confirmed"):
        transition(actor=manager, obj=withdrawn, workflow=ENROLLMENT, to="confirmed", check=rules)


def test_a_settled_roster_is_not_withdrawn_from(manager, roster_in):
    """The page never offered it on a cancelled delivery; the service now refuses it too."""
    nominee = roster_in("cancelled")["Apaza"]
    with refused(ValidationError, "This delivery is cancelled; its roster is settled", nominee):
        services.enrollment_withdraw(actor=manager, enrollment=nominee, reason="Moot.")


def test_only_the_first_in_line_moves_up_into_a_free_seat(manager, roster_in, make_person):
    enrollments = roster_in("open")
    first = enrollments["Espinoza"]
    with refused(ValidationError, "Every seat is taken", first):
        services.enrollment_move_up(actor=manager, enrollment=first)
    # Another waits behind her; then a seat is freed directly (set-up, not a user action).
    last = services.enrollment_nominate(
        actor=manager, delivery=first.delivery, person=make_person(family="Flores")
    )
    assert (last.status, last.waitlist_position) == (EnrollmentStatus.WAITLISTED, 2)
    Enrollment.objects.filter(pk=enrollments["Bravo"].pk).update(status=EnrollmentStatus.WITHDRAWN)
    with refused(ValidationError, f"{first.person} is ahead on the waiting list", last, first):
        services.enrollment_move_up(actor=manager, enrollment=last)
    services.enrollment_move_up(actor=manager, enrollment=first)
    first.refresh_from_db()
    last.refresh_from_db()
    assert (first.status, first.waitlist_position) == (EnrollmentStatus.NOMINATED, None)
    assert (last.status, last.waitlist_position) == (EnrollmentStatus.WAITLISTED, 1)
    entry = AuditEntry.objects.get(action="enrollment.moved_up")
    assert (entry.object_id, entry.actor) == (str(first.pk), manager)


# --- who, when and why -----------------------------------------------------------------------


def _recorded(obj: Any, action: str) -> tuple[Any, AuditEntry]:
    history = obj.history.latest()
    entry = AuditEntry.objects.filter(action=action, object_id=str(obj.pk)).latest("at")
    return history, entry


def test_a_delivery_move_records_who_when_and_why(manager, delivery_in):
    delivery = delivery_in(DeliveryStatus.PLANNED, ready=True)
    before = timezone.now()
    services.delivery_cancel(actor=manager, delivery=delivery, reason="Host postponed.")
    after = timezone.now()
    history, entry = _recorded(delivery, "delivery.cancelled")
    assert (history.history_user, history.history_change_reason) == (manager, "Host postponed.")
    assert before <= history.history_date <= after and before <= entry.at <= after
    assert entry.actor == manager
    assert entry.changes == {
        "status": ["planned", "cancelled"],
        "cancel_reason": [None, "Host postponed."],
        "reason": [None, "Host postponed."],
    }


def test_an_enrollment_move_records_who_when_and_why(users, roster_in):
    advisor = users[Role.TRAINING_ADVISOR]  # teaches it: runs its roster
    nominee = roster_in("open")["Apaza"]
    before = timezone.now()
    services.enrollment_withdraw(actor=advisor, enrollment=nominee, reason="Reassigned.")
    after = timezone.now()
    history, entry = _recorded(nominee, "enrollment.withdrawn")
    assert (history.history_user, history.history_change_reason) == (advisor, "Reassigned.")
    assert history.status == EnrollmentStatus.WITHDRAWN
    assert before <= history.history_date <= after and before <= entry.at <= after
    assert (entry.actor, entry.changes) == (
        advisor,
        {"status": ["nominated", "withdrawn"], "reason": [None, "Reassigned."]},
    )
    # The seat it freed went to the first in line, recorded as the same actor's doing.
    moved = AuditEntry.objects.get(action="enrollment.moved_up")
    assert (moved.actor, moved.changes) == (advisor, {"status": ["waitlisted", "nominated"]})


def test_the_outcomes_of_a_finished_delivery_record_who_when_and_why(manager, roster_in):
    enrollments = roster_in("delivered")  # the manager finished it
    lapsed = enrollments["Espinoza"]
    history, entry = _recorded(lapsed, "enrollment.outcome_recorded")
    assert (history.history_user, entry.actor) == (manager, manager)
    assert history.history_change_reason == "Not confirmed before the delivery ended."
    assert entry.changes == {
        "status": ["waitlisted", "withdrawn"],
        "reason": [None, "Not confirmed before the delivery ended."],
    }
    attended = _recorded(enrollments["Apaza"], "enrollment.outcome_recorded")[1]
    assert attended.changes == {"status": ["confirmed", "attended"]}


def test_a_request_decision_records_who_when_and_why(manager, request_in):
    request = request_in(RequestStatus.SUBMITTED)
    before = timezone.now()
    services.training_request_decline(actor=manager, request=request, reason="No funds.")
    after = timezone.now()
    history, entry = _recorded(request, "training_request.declined")
    assert (history.history_user, history.history_change_reason) == (manager, "No funds.")
    assert before <= history.history_date <= after and before <= entry.at <= after
    assert (entry.actor, entry.changes) == (
        manager,
        {
            "status": ["submitted", "declined"],
            "decision_note": [None, "No funds."],
            "reason": [None, "No funds."],
        },
    )


# --- the declarations themselves -------------------------------------------------------------


def test_the_audit_actions_are_the_ones_the_history_already_holds():
    assert {DELIVERY.action(m) for m in DELIVERY.moves} == {
        "delivery.approved",
        "delivery.confirmed",
        "delivery.in_progress",
        "delivery.delivered",
        "delivery.closed",
        "delivery.cancelled",
    }
    assert {ENROLLMENT.action(m) for m in ENROLLMENT.moves} == {
        "enrollment.confirmed",
        "enrollment.withdrawn",
        "enrollment.moved_up",
        "enrollment.outcome_recorded",
    }
    assert {TRAINING_REQUEST.action(m) for m in TRAINING_REQUEST.moves} == {
        "training_request.approved",
        "training_request.declined",
        "training_request.withdrawn",
    }


def test_each_state_leads_where_the_declarations_say():
    d, e, r = DeliveryStatus, EnrollmentStatus, RequestStatus
    assert {s: DELIVERY.targets(s) for s in d.values} == {
        d.PLANNED: {d.APPROVED, d.CANCELLED},
        d.APPROVED: {d.CONFIRMED, d.CANCELLED},
        d.CONFIRMED: {d.IN_PROGRESS, d.CANCELLED},
        d.IN_PROGRESS: {d.DELIVERED},
        d.DELIVERED: {d.CLOSED},
        d.CLOSED: set(),
        d.CANCELLED: set(),
    }
    assert {s: ENROLLMENT.targets(s) for s in e.values} == {
        e.NOMINATED: {e.CONFIRMED, e.WITHDRAWN},
        e.WAITLISTED: {e.NOMINATED, e.WITHDRAWN},
        e.CONFIRMED: {e.WITHDRAWN, e.ATTENDED, e.NO_SHOW},
        e.ATTENDED: {e.NO_SHOW},
        e.NO_SHOW: {e.ATTENDED},
        e.WITHDRAWN: set(),
    }
    assert {s: TRAINING_REQUEST.targets(s) for s in r.values} == {
        r.SUBMITTED: {r.APPROVED, r.DECLINED, r.WITHDRAWN},
        r.APPROVED: set(),
        r.DECLINED: set(),
        r.WITHDRAWN: set(),
    }


@pytest.mark.parametrize("workflow", [DELIVERY, ENROLLMENT, TRAINING_REQUEST], ids=str)
def test_each_declared_move_names_a_service_that_exists(workflow):
    for move in workflow.moves:
        assert callable(workflow.service(move)), move.name


def test_a_declaration_naming_a_move_twice_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        Workflow(
            name="broken",
            field="status",
            states=DeliveryStatus,
            services_module="liaison.training.services",
            moves=(
                Move("x", (DeliveryStatus.PLANNED,), DeliveryStatus.APPROVED, "p", "X", "s"),
                Move("x", (DeliveryStatus.APPROVED,), DeliveryStatus.CLOSED, "p", "X", "s"),
            ),
        )
