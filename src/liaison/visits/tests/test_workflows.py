"""The visit workflows are declared once (``visits.workflows``): the services enforce them, the
visit page and the host inbox offer exactly the moves the services accept, for each role and
state, and every move records who made it, when and why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from liaison.accounts.roles import Role
from liaison.accounts.services import api_token_create
from liaison.audit.models import AuditEntry
from liaison.core.workflows import Move, Workflow
from liaison.people.models import Staff
from liaison.vetting.models import Purpose
from liaison.vetting.services import vetting_approve, vetting_submit
from liaison.visits import services
from liaison.visits.models import HostAnswer, Stop, Visit, VisitStatus
from liaison.visits.tests.conftest import START
from liaison.visits.workflows import HOST_ANSWER, VISIT

pytestmark = pytest.mark.django_db

# Who may open a visit's page, and two roles who may not (their page is 403).
ROLES = (
    Role.IVP_COORDINATOR,
    Role.ADMINISTRATOR,
    Role.PROGRAM_MANAGER,
    Role.ATTACHE,
    Role.SITE_HOST,
    Role.SPONSOR,
)
# Each move's page address, to find its button (its form) on the visit's page.
MOVE_URLS = {
    "planning": "visits:visit_start_planning",
    "sites_requested": "visits:visit_request_sites",
    "back_to_planning": "visits:visit_resume_planning",
    "confirmed": "visits:visit_confirm",
    "completed": "visits:visit_complete",
    "declined": "visits:visit_decline",
    "cancelled": "visits:visit_cancel",
}
# Each move's API path, under /api/v1/visits/requests/<id>/.
MOVE_API_PATHS = {
    "planning": "start-planning",
    "sites_requested": "request-sites",
    "back_to_planning": "resume-planning",
    "confirmed": "confirm",
    "completed": "complete",
    "declined": "decline",
    "cancelled": "cancel",
}
# The host inbox's two buttons and the answers they send.
ANSWER_BUTTONS = {"accept": HostAnswer.ACCEPTED, "decline": HostAnswer.DECLINED}


@pytest.fixture
def host(users, sites):
    """The site host hosts Laredo and headquarters."""
    staff = Staff.objects.create(
        kind="site_host", given_name="Lupe", family_name="Ortiz", user=users[Role.SITE_HOST]
    )
    staff.hosted_sites.add(sites["laredo"], sites["hq"])
    return users[Role.SITE_HOST]


@pytest.fixture
def visit_in(users, sites, make_visit, make_person):
    """A visit put in a state directly (set-up, not a user action). Ready, it meets every rule
    of its moves: its stops accepted (planned, while being planned), its delegate cleared for
    access past its last day. Not ready, it has no stop while planned, and afterwards one
    stop still asked and a delegate never vetted."""
    coordinator, officer = users[Role.IVP_COORDINATOR], users[Role.VETTING_OFFICER]

    def make(state: str, *, ready: bool = True) -> Visit:
        visit = make_visit()
        delegate = make_person("Ana", "Quispe")
        services.delegate_add(actor=coordinator, visit=visit, person=delegate, role="head")
        visit.starts_on = START
        visit.ends_on = START + timedelta(days=visit.length_days - 1)
        visit.status = state
        visit.save()
        if ready:
            record = vetting_submit(actor=officer, person=delegate, purpose=Purpose.ACCESS)
            vetting_approve(
                actor=officer, record=record, valid_until=visit.ends_on + timedelta(days=30)
            )
        if state == VisitStatus.REQUESTED or (state == VisitStatus.PLANNING and not ready):
            return visit
        answer = HostAnswer.PLANNED if state == VisitStatus.PLANNING else HostAnswer.ACCEPTED
        Stop.objects.create(visit=visit, site=sites["hq"], day=START, answer=answer)
        Stop.objects.create(
            visit=visit,
            site=sites["laredo"],
            day=START + timedelta(days=1),
            answer=answer if ready else HostAnswer.ASKED,
        )
        return visit

    return make


def _offered_moves(client, visit: Visit) -> set[str] | None:
    """The moves whose button the visit's page shows; None when the page is refused."""
    response = client.get(reverse("visits:visit_detail", args=[visit.pk]))
    if response.status_code == 403:
        return None
    assert response.status_code == 200
    page = response.content.decode("utf-8-sig")
    return {
        move
        for move, url in MOVE_URLS.items()
        if f'action="{reverse(url, args=[visit.pk])}"' in page
    }


def _service_accepts(user, visit: Visit, move: str) -> bool:
    """Whether the move's service makes the move (then undone)."""
    try:
        with transaction.atomic():
            services.visit_move(
                actor=user, visit=Visit.objects.get(pk=visit.pk), move=move, reason="Reason given"
            )
            transaction.set_rollback(True)
    except (ValidationError, PermissionDenied):
        return False
    return True


def _declared(user, visit: Visit) -> set[str]:
    return {move.name for move in VISIT.available(user, visit)}


@pytest.mark.parametrize("state", VisitStatus.values)
def test_the_visit_page_offers_exactly_the_moves_the_service_accepts(
    client, users, visit_in, state
):
    visit = visit_in(state)
    for role in ROLES:
        user = users[role]
        client.force_login(user)
        offered = _offered_moves(client, visit)
        accepted = {m.name for m in VISIT.moves if _service_accepts(user, visit, m.name)}
        assert (offered or set()) == accepted, role
        # A visit that meets every rule offers what the workflow declares for the user.
        assert accepted == _declared(user, visit), role
        if offered is None:  # the page is refused, and so is every move
            assert accepted == set(), role
    visit.refresh_from_db()
    assert visit.status == state


@pytest.mark.parametrize("state", [VisitStatus.PLANNING, VisitStatus.SITES_REQUESTED])
def test_a_move_its_service_would_refuse_shows_no_button_but_its_reasons(
    client, users, visit_in, state
):
    """Asking the sites with nothing planned, or confirming before every host accepted and
    every delegate is cleared: the workflow allows the move from here, its rules do not."""
    visit = visit_in(state, ready=False)
    coordinator = users[Role.IVP_COORDINATOR]
    blocked = "sites_requested" if state == VisitStatus.PLANNING else "confirmed"
    assert blocked in _declared(coordinator, visit)
    client.force_login(coordinator)
    offered = _offered_moves(client, visit)
    accepted = {m.name for m in VISIT.moves if _service_accepts(coordinator, visit, m.name)}
    assert offered == accepted == _declared(coordinator, visit) - {blocked}
    assert services.visit_move_refusals(visit=visit, move=blocked)
    if state == VisitStatus.SITES_REQUESTED:
        page = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
        assert "Before the visit can be confirmed" in page
        assert "POE-LRD on" in page and "asked, awaiting the host" in page
        assert "facility access clearance: it was never submitted" in page


@pytest.mark.parametrize("state", VisitStatus.values)
def test_the_api_makes_exactly_the_moves_the_workflow_offers(client, users, visit_in, state):
    visit = visit_in(state)
    for role in (Role.IVP_COORDINATOR, Role.ATTACHE, Role.SPONSOR):
        user = users[role]
        token = api_token_create(actor=user, name="test")[1]
        made = set()
        for move, path in MOVE_API_PATHS.items():
            with transaction.atomic():
                response = client.post(
                    f"/api/v1/visits/requests/{visit.pk}/{path}",
                    data={"reason": "Reason given"},
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {token}",
                )
                transaction.set_rollback(True)
            assert response.status_code in (200, 400, 403), response.content
            if response.status_code == 200:
                assert response.json()["status"] == VISIT.named(move).target
                made.add(move)
        assert made == _declared(user, visit), role
    assert Visit.objects.get(pk=visit.pk).status == state


def _buttons_in_row(page: str, stop: Stop) -> set[str]:
    start = page.find(f'<tr id="stop-{stop.pk}">')
    row = page[start : page.index("</tr>", start)] if start >= 0 else ""
    return {move for button, move in ANSWER_BUTTONS.items() if f'value="{button}"' in row}


def _offered_answers(client, stop: Stop) -> set[str] | None:
    """The answers whose button the stop's row in the host inbox shows; None when the inbox is
    refused."""
    response = client.get(reverse("visits:host_inbox"))
    if response.status_code == 403:
        return None
    return _buttons_in_row(response.content.decode("utf-8-sig"), stop)


def _offered_in_its_row(client, stop: Stop) -> set[str] | None:
    """The answers the stop's own row offers, whatever its state: the row an htmx answer
    without a choice brings back (it changes nothing); None when it is refused."""
    response = client.post(
        reverse("visits:host_answer", args=[stop.pk]), {"answer": ""}, HTTP_HX_REQUEST="true"
    )
    if response.status_code == 403:
        return None
    assert "Choose Accept or Decline" in response.content.decode("utf-8-sig")
    return _buttons_in_row(response.content.decode("utf-8-sig"), stop)


def _answer_accepted(user, stop: Stop, move: str) -> bool:
    """Whether the answer's service makes it (then undone)."""
    try:
        with transaction.atomic():
            services.stop_answer(
                actor=user, stop=stop, accept=move == HostAnswer.ACCEPTED, reason="Reason given"
            )
            transaction.set_rollback(True)
    except (ValidationError, PermissionDenied):
        return False
    return True


@pytest.mark.parametrize("answer", HostAnswer.values)
def test_the_host_inbox_offers_exactly_the_answers_the_service_accepts(
    client, users, make_user, host, visit_in, answer
):
    visit = visit_in(VisitStatus.SITES_REQUESTED)
    stop = visit.stops.get(site__code="POE-LRD")
    stop.answer = answer
    stop.save()
    other_host = make_user(Role.SITE_HOST)
    Staff.objects.create(kind="site_host", given_name="Rosa", family_name="Diaz", user=other_host)
    coordinator = users[Role.IVP_COORDINATOR]
    for user in (host, other_host, coordinator):
        client.force_login(user)
        offered = _offered_answers(client, stop)
        in_its_row = _offered_in_its_row(client, stop)
        accepted = {str(m) for m in ANSWER_BUTTONS.values() if _answer_accepted(user, stop, m)}
        assert (offered or set()) == accepted, user.username
        assert (in_its_row or set()) == accepted, user.username
        # "asked" is the coordinator's, made by asking the sites from the visit's page.
        assert accepted == {m.name for m in HOST_ANSWER.available(user, stop)} - {"asked"}
        if user == coordinator:  # no inbox, no row to answer
            assert (offered, in_its_row) == (None, None)
    stop.refresh_from_db()
    assert stop.answer == answer


def test_the_site_host_may_answer_only_an_asked_stop(client, host, visit_in):
    """The other half of the table above, said plainly."""
    visit = visit_in(VisitStatus.SITES_REQUESTED, ready=False)
    asked, accepted = visit.stops.get(site__code="POE-LRD"), visit.stops.get(site__code="HQ")
    client.force_login(host)
    assert _offered_answers(client, asked) == {HostAnswer.ACCEPTED, HostAnswer.DECLINED}
    assert _offered_answers(client, accepted) == set()


# --- a move the workflow does not declare is refused, and changes nothing ---------------------


def _trail(visit: Visit) -> tuple[int, int, int]:
    return (
        AuditEntry.objects.count(),
        visit.history.count(),
        Stop.history.filter(visit_id=visit.pk).count(),
    )


@pytest.mark.parametrize(
    ("state", "service", "says"),
    [
        (VisitStatus.REQUESTED, services.visit_complete, "requested; it cannot become completed"),
        (VisitStatus.REQUESTED, services.visit_confirm, "requested; it cannot become confirmed"),
        (VisitStatus.COMPLETED, services.visit_start_planning, "completed; it cannot become"),
        # Planning is reached from here, but by resuming it, not by starting it.
        (
            VisitStatus.SITES_REQUESTED,
            services.visit_start_planning,
            "sites requested; it cannot become planning",
        ),
        (VisitStatus.CONFIRMED, services.visit_resume_planning, "confirmed; it cannot become"),
    ],
)
def test_a_visit_move_not_declared_is_refused_and_changes_nothing(
    users, visit_in, state, service, says
):
    visit = visit_in(state)
    before = _trail(visit)
    with pytest.raises(ValidationError, match=says):
        service(actor=users[Role.IVP_COORDINATOR], visit=visit)
    visit = Visit.objects.get(pk=visit.pk)
    assert visit.status == state
    assert _trail(visit) == before


def test_a_visit_move_refused_by_permission_changes_nothing(users, visit_in):
    visit = visit_in(VisitStatus.SITES_REQUESTED)
    before = _trail(visit)
    for service in (services.visit_confirm, services.visit_resume_planning):
        with pytest.raises(PermissionDenied):
            service(actor=users[Role.ATTACHE], visit=visit)
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.SITES_REQUESTED
    assert _trail(visit) == before


def test_an_answer_to_a_stop_not_asked_is_refused_and_changes_nothing(host, visit_in):
    visit = visit_in(VisitStatus.PLANNING)
    stop = visit.stops.get(site__code="POE-LRD")
    before = _trail(visit)
    with pytest.raises(ValidationError, match="is not awaiting your answer: planned, not yet"):
        services.stop_answer(actor=host, stop=stop, accept=False, reason="Exercise")
    stop.refresh_from_db()
    assert (stop.answer, stop.answered_by, stop.answer_reason) == (HostAnswer.PLANNED, None, "")
    assert not visit.exclusions.exists()
    assert _trail(visit) == before


def test_an_unknown_move_is_refused(users, visit_in):
    visit = visit_in(VisitStatus.REQUESTED)
    with pytest.raises(ValidationError, match="no move “approved”"):
        services.visit_move(actor=users[Role.IVP_COORDINATOR], visit=visit, move="approved")
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.REQUESTED


# --- who, when and why ---------------------------------------------------------------------


def test_a_visit_move_records_who_when_and_why(users, visit_in):
    coordinator = users[Role.IVP_COORDINATOR]
    visit = visit_in(VisitStatus.REQUESTED)
    started = timezone.now()
    services.visit_decline(actor=coordinator, visit=visit, reason="  No capacity in May ")
    latest = visit.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        coordinator,
        "No capacity in May",
    )
    assert (latest.status, latest.status_reason) == (VisitStatus.DECLINED, "No capacity in May")
    assert started <= latest.history_date <= timezone.now()
    entry = AuditEntry.objects.get(action="visit.declined")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        coordinator,
        "visits.visit",
        str(visit.pk),
    )
    assert started <= entry.at <= timezone.now()
    assert entry.changes == {
        "status": ["requested", "declined"],
        "reason": [None, "No capacity in May"],
    }


def test_starting_and_resuming_planning_keep_one_audit_action(users, visit_in):
    coordinator = users[Role.IVP_COORDINATOR]
    visit = visit_in(VisitStatus.SITES_REQUESTED)
    services.visit_resume_planning(actor=coordinator, visit=visit)
    entry = AuditEntry.objects.get(action="visit.planning")
    assert (entry.actor, entry.changes) == (
        coordinator,
        {"status": ["sites_requested", "planning"]},
    )
    assert visit.history.latest().history_user == coordinator


def test_asking_the_sites_records_each_stop_asked_in_the_visits_trail(users, visit_in):
    coordinator = users[Role.IVP_COORDINATOR]
    visit = visit_in(VisitStatus.PLANNING)
    stops = list(visit.stops.select_related("site"))
    services.visit_request_sites(actor=coordinator, visit=visit)
    entries = AuditEntry.objects.filter(action="stop.asked")
    assert {(e.actor, e.object_type, e.object_id) for e in entries} == {
        (coordinator, "visits.visit", str(visit.pk))
    }
    assert [e.changes for e in entries.order_by("pk")] == [
        {str(stop): ["planned", "asked"]}
        for stop in stops  # in the itinerary's order
    ]
    for stop in stops:
        latest = stop.history.latest()
        assert (latest.answer, latest.history_user) == (HostAnswer.ASKED, coordinator)


def test_a_hosts_answer_records_who_when_and_why_in_the_visits_trail(host, visit_in):
    visit = visit_in(VisitStatus.SITES_REQUESTED, ready=False)
    stop = visit.stops.get(site__code="POE-LRD")
    started = timezone.now()
    services.stop_answer(actor=host, stop=stop, accept=False, reason="Port exercise that day")
    stop.refresh_from_db()
    assert (stop.answer, stop.answered_by, stop.answer_reason) == (
        HostAnswer.DECLINED,
        host,
        "Port exercise that day",
    )
    assert started <= stop.answered_at <= timezone.now()
    latest = stop.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        host,
        "Port exercise that day",
    )
    entry = AuditEntry.objects.get(action="stop.declined")
    assert (entry.actor, entry.object_type, entry.object_id) == (
        host,
        "visits.visit",
        str(visit.pk),
    )
    assert entry.changes == {
        str(stop): ["asked", "declined"],
        "reason": [None, "Port exercise that day"],
    }


# --- the declarations ------------------------------------------------------------------------


def test_the_moves_keep_the_audit_actions_the_trail_already_holds():
    assert {VISIT.action(m) for m in VISIT.moves} == {
        "visit.planning",
        "visit.sites_requested",
        "visit.confirmed",
        "visit.completed",
        "visit.declined",
        "visit.cancelled",
    }
    assert {HOST_ANSWER.action(m) for m in HOST_ANSWER.moves} == {
        "stop.asked",
        "stop.accepted",
        "stop.declined",
    }


def test_each_declared_move_names_a_service_that_exists():
    for workflow in (VISIT, HOST_ANSWER):
        for move in workflow.moves:
            assert callable(workflow.service(move)), move.name


def test_every_move_a_page_offers_has_its_page_and_api_address():
    assert set(MOVE_URLS) == set(MOVE_API_PATHS) == {m.name for m in VISIT.moves}
    assert set(services.MOVE_RULES) <= set(MOVE_URLS)


def test_a_declaration_naming_a_move_twice_is_refused():
    move = Move("x", (VisitStatus.REQUESTED,), VisitStatus.PLANNING, "p", "X", "visit_complete")
    with pytest.raises(ValueError, match="x is declared twice"):
        Workflow(
            name="broken",
            field="status",
            states=VisitStatus,
            services_module="liaison.visits.services",
            moves=(move, move),
        )
