"""The year scheduler in the app: a coordinator queues a run, the task worker plans every pending
request against shared capacity and keeps what it placed or left out and why, and applying the
run writes the itineraries into the visits, once, skipping those that changed meanwhile."""

from __future__ import annotations

import io
import json
import signal
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.visits import selectors, services
from liaison.visits.models import SiteFocus, VisitStatus, YearPlan, YearPlanStatus
from liaison.visits.tests.conftest import START

pytestmark = pytest.mark.django_db

MONDAY = START + timedelta(days=7 - START.weekday())
LIMIT = 2


@pytest.fixture
def coordinator(users):
    return users[Role.IVP_COORDINATOR]


@pytest.fixture
def shown(sites, focus):
    SiteFocus.objects.create(
        site=sites["laredo"], focus_area=focus["land_border_operations"], strength=3
    )
    SiteFocus.objects.create(site=sites["ntc"], focus_area=focus["targeting_risk"], strength=3)
    SiteFocus.objects.create(site=sites["hq"], focus_area=focus["targeting_risk"], strength=1)
    return sites


@pytest.fixture
def pending(make_visit, shown):
    """Three requests: Peru's week (room to move), and Mexico and Colombia, who both must see
    the targeting center (one delegation a day) on the same and only Monday."""

    def one_monday(code):
        visit = make_visit(
            code=code,
            earliest_start=MONDAY,
            latest_end=MONDAY,
            length_days=1,
            wants_hq_briefing=False,
        )
        visit.must_see.add(shown["ntc"])
        return visit

    return {"peru": make_visit(), "mexico": one_monday("MX"), "colombia": one_monday("CO")}


def _run(coordinator) -> YearPlan:
    """Queue a run and run its body here, as the worker would."""
    plan = services.year_plan_start(actor=coordinator, time_limit=LIMIT)
    return services.year_plan_run(plan_id=plan.pk)


def _entries(plan):
    return {entry["visit"]: entry for entry in plan.outcome}


@pytest.fixture
def run_worker():
    """Run the database task worker until the queue is empty, as `liaison db_worker --batch`."""

    def run() -> None:
        kept = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
        try:
            call_command(
                "db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0
            )
        finally:
            for number, handler in kept.items():
                signal.signal(number, handler)

    return run


# --- queueing and running --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_queued_run_is_a_task_the_worker_runs(coordinator, pending, run_worker):
    plan = services.year_plan_start(actor=coordinator, time_limit=LIMIT)
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("year_plan_task") and task.args_kwargs["args"] == [plan.pk]
    plan.refresh_from_db()
    assert plan.status == YearPlanStatus.QUEUED and plan.requests == 0

    run_worker()

    plan.refresh_from_db()
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert plan.status == YearPlanStatus.DONE and plan.started_at and plan.finished_at
    assert plan.requests == 3 and plan.placed == 2
    entries = _entries(plan)
    assert entries[pending["peru"].pk]["placed"]
    left_out = [e for e in entries.values() if not e["placed"]]
    assert len(left_out) == 1 and left_out[0]["visit"] in (
        pending["mexico"].pk,
        pending["colombia"].pk,
    )
    assert "capacity" in left_out[0]["reason"]
    placed = [e for e in entries.values() if e["placed"]]
    assert all(e["start"] and e["end"] and e["score"] > 0 for e in placed)
    assert plan.objective == sum(e["score"] for e in placed)
    assert plan.bound >= plan.objective and 0 <= plan.gap <= 1
    assert plan.solve_seconds > 0


def test_a_second_run_is_refused_while_one_is_queued(coordinator, pending):
    services.year_plan_start(actor=coordinator, time_limit=LIMIT)
    with pytest.raises(ValidationError, match="already queued"):
        services.year_plan_start(actor=coordinator, time_limit=LIMIT)
    assert YearPlan.objects.count() == 1


def test_a_run_whose_worker_died_no_longer_blocks(coordinator, pending):
    stuck = services.year_plan_start(actor=coordinator, time_limit=LIMIT)
    stuck.status = YearPlanStatus.RUNNING
    stuck.started_at = stuck.created_at - services.STALE_AFTER - timedelta(minutes=1)
    stuck.save()
    services.year_plan_start(actor=coordinator, time_limit=LIMIT)
    stuck.refresh_from_db()
    assert stuck.status == YearPlanStatus.FAILED and "worker stopped" in stuck.error


def test_the_time_limit_is_bounded(coordinator, pending):
    with pytest.raises(ValidationError) as refusal:
        services.year_plan_start(actor=coordinator, time_limit=services.MAX_TIME_LIMIT + 1)
    assert "time_limit" in refusal.value.message_dict
    assert not YearPlan.objects.exists()


@pytest.mark.parametrize("role", [Role.ATTACHE, Role.SITE_HOST, Role.SPONSOR])
def test_only_planners_start_a_run(users, pending, role):
    with pytest.raises(PermissionDenied):
        services.year_plan_start(actor=users[role], time_limit=LIMIT)
    assert not YearPlan.objects.exists()


def test_pending_requests_own_stops_hold_no_capacity(coordinator, make_visit, pending, shown):
    """Peru, planned on its own and still in planning, keeps its place in the year plan; only
    a visit whose sites were asked holds capacity."""
    services.visit_start_planning(actor=coordinator, visit=pending["peru"])
    services.visit_plan(actor=coordinator, visit=pending["peru"])
    assert selectors.capacity_used() == {}
    asked = make_visit(
        code="CL",
        earliest_start=MONDAY + timedelta(days=7),
        latest_end=MONDAY + timedelta(days=11),
    )
    services.visit_start_planning(actor=coordinator, visit=asked)
    services.visit_plan(actor=coordinator, visit=asked)
    services.visit_request_sites(actor=coordinator, visit=asked)
    assert set(selectors.capacity_used()) == {(s.site_id, s.day) for s in asked.stops.all()}

    plan = _run(coordinator)
    assert plan.requests == 3
    assert _entries(plan)[pending["peru"].pk]["placed"]
    assert asked.pk not in _entries(plan)


def test_a_failure_is_kept_on_the_run(coordinator, pending, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(services.yearplans.planner, "plan_year", broken)
    plan = _run(coordinator)
    assert plan.status == YearPlanStatus.FAILED
    assert plan.error == "RuntimeError: solver exploded" and plan.finished_at


# --- applying --------------------------------------------------------------------------------


def test_applying_writes_the_stops_and_moves_requests_to_planning(coordinator, pending):
    plan = _run(coordinator)
    report = services.year_plan_apply(actor=coordinator, plan=plan)
    entries = _entries(plan)
    placed = [pk for pk, e in entries.items() if e["placed"]]
    assert sorted(report.applied) == sorted(placed) and not report.skipped
    for visit in (pending["peru"], pending["mexico"], pending["colombia"]):
        visit.refresh_from_db()
        entry = entries[visit.pk]
        stops = list(visit.stops.all())
        if entry["placed"]:
            assert visit.status == VisitStatus.PLANNING
            assert f"{visit.starts_on:%Y-%m-%d}" == entry["start"]
            assert f"{visit.ends_on:%Y-%m-%d}" == entry["end"]
            assert stops and all(s.why and s.starts_at for s in stops)
        else:
            assert visit.status == VisitStatus.REQUESTED and not stops
    plan.refresh_from_db()
    assert plan.applied_at is not None
    assert AuditEntry.objects.filter(action="year_plan.applied", object_id=str(plan.pk)).exists()
    assert AuditEntry.objects.filter(action="visit.planned").count() == len(placed)


def test_a_run_is_applied_once(coordinator, pending):
    plan = _run(coordinator)
    services.year_plan_apply(actor=coordinator, plan=plan)
    with pytest.raises(ValidationError, match="was applied on"):
        services.year_plan_apply(actor=coordinator, plan=plan)


def test_a_run_not_finished_is_not_applied(coordinator, pending):
    plan = services.year_plan_start(actor=coordinator, time_limit=LIMIT)
    with pytest.raises(ValidationError, match="Only a finished year plan"):
        services.year_plan_apply(actor=coordinator, plan=plan)


def test_visits_that_changed_since_the_run_are_skipped(coordinator, pending):
    plan = _run(coordinator)
    peru = pending["peru"]
    services.visit_cancel(actor=coordinator, visit=peru, reason="Elections at home")
    report = services.year_plan_apply(actor=coordinator, plan=plan)
    assert report.skipped == {peru.pk: "It was requested at the run and is now cancelled."}
    assert not peru.stops.exists()
    assert len(report.applied) == 1
    plan.refresh_from_db()
    assert _entries(plan)[peru.pk]["applied"] is False


def test_a_visit_whose_stops_changed_since_the_run_is_skipped(coordinator, pending):
    peru = pending["peru"]
    services.visit_start_planning(actor=coordinator, visit=peru)
    services.visit_plan(actor=coordinator, visit=peru)
    plan = _run(coordinator)
    services.stop_remove(
        actor=coordinator, stop=peru.stops.first(), whole_visit=True, reason="Seen it"
    )
    report = services.year_plan_apply(actor=coordinator, plan=plan)
    assert "changed since the run" in report.skipped[peru.pk]


def test_an_itinerary_whose_site_closed_since_the_run_is_skipped(coordinator, pending, shown):
    plan = _run(coordinator)
    shown["ntc"].open_weekdays = ""
    shown["ntc"].save()
    report = services.year_plan_apply(actor=coordinator, plan=plan)
    placed_at_ntc = [
        e["visit"]
        for e in plan.outcome
        if e["placed"] and any(s["site"] == shown["ntc"].pk for d in e["days"] for s in d["stops"])
    ]
    assert placed_at_ntc and set(report.skipped) == set(placed_at_ntc)
    assert all("no longer fits" in reason for reason in report.skipped.values())


def test_only_planners_apply(users, coordinator, pending):
    plan = _run(coordinator)
    with pytest.raises(PermissionDenied):
        services.year_plan_apply(actor=users[Role.ATTACHE], plan=plan)
    plan.refresh_from_db()
    assert plan.applied_at is None


# --- the pages -------------------------------------------------------------------------------


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_list_shows_runs_and_starts_one(
    client, coordinator, pending, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    page = client.get(reverse("visits:year_plan_list"))
    assert page.status_code == 200
    assert "3 requests are waiting" in page.content.decode("utf-8-sig")
    assert "No year plan has been run yet." in page.content.decode("utf-8-sig")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("visits:year_plan_start"), {"time_limit": LIMIT})
    plan = YearPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:year_plan_detail", args=[plan.pk])
    assert plan.requested_by == coordinator and plan.time_limit_seconds == LIMIT
    assert DBTaskResult.objects.filter(task_path__endswith="year_plan_task").count() == 1
    listed = client.get(reverse("visits:year_plan_list"))
    assert f"Run {plan.pk}" in listed.content.decode("utf-8-sig")
    assert "follow run" in listed.content.decode("utf-8-sig")


def test_a_second_start_from_the_page_shows_why_and_queues_nothing(client, coordinator, pending):
    services.year_plan_start(actor=coordinator, time_limit=LIMIT)
    client.force_login(coordinator)
    response = client.post(reverse("visits:year_plan_start"), {"time_limit": LIMIT})
    assert response.status_code == 200
    assert "already queued" in response.content.decode("utf-8-sig")
    assert YearPlan.objects.count() == 1


def test_a_bad_time_limit_is_refused_on_the_form(client, coordinator, pending):
    client.force_login(coordinator)
    response = client.post(reverse("visits:year_plan_start"), {"time_limit": "0"})
    assert response.status_code == 200
    assert response.context["form"].errors["time_limit"]
    assert not YearPlan.objects.exists()


def test_a_queued_run_page_polls_until_it_is_done(client, coordinator, pending):
    plan = services.year_plan_start(actor=coordinator, time_limit=LIMIT)
    client.force_login(coordinator)
    page = client.get(reverse("visits:year_plan_detail", args=[plan.pk])).content.decode(
        "utf-8-sig"
    )
    assert 'hx-trigger="every 3s"' in page and "waiting for the task worker" in page
    progress = reverse("visits:year_plan_detail", args=[plan.pk]) + "?progress=1"
    assert "HX-Refresh" not in client.get(progress, headers={"HX-Request": "true"})
    services.year_plan_run(plan_id=plan.pk)
    finished = client.get(progress, headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"


def test_a_done_run_shows_its_figures_and_filters(client, coordinator, pending):
    plan = _run(coordinator)
    client.force_login(coordinator)
    url = reverse("visits:year_plan_detail", args=[plan.pk])
    response = client.get(url)
    page = response.content.decode("utf-8-sig")
    assert "Proven bound" in page and f"{plan.gap * 100:.2f} %" in page
    assert len(response.context["page_obj"]) == 3
    left_out = client.get(url, {"show": "left_out"}).context["page_obj"]
    assert [e["placed"] for e in left_out] == [False]
    assert "capacity" in left_out[0]["reason"]
    placed = client.get(url, {"show": "placed"}).context["page_obj"]
    assert [e["placed"] for e in placed] == [True, True]
    rows = client.get(url, {"format": "csv"}).content.decode("utf-8-sig").splitlines()
    assert rows[0].startswith("visit,country,placed") and len(rows) == 4


def test_applying_from_the_page_then_again(client, coordinator, pending):
    plan = _run(coordinator)
    client.force_login(coordinator)
    url = reverse("visits:year_plan_apply", args=[plan.pk])
    response = client.post(url, follow=True)
    assert "2 visit(s) planned from run" in " ".join(_messages(response))
    assert pending["peru"].stops.exists()
    again = client.post(url, follow=True)
    assert "was applied on" in " ".join(_messages(again))
    assert AuditEntry.objects.filter(action="year_plan.applied").count() == 1


@pytest.mark.parametrize(
    "role",
    [Role.ATTACHE, Role.SITE_HOST, Role.TRAINING_ADVISOR, Role.VETTING_OFFICER, Role.SPONSOR],
)
def test_other_roles_get_403_on_every_year_plan_page(client, users, coordinator, pending, role):
    plan = _run(coordinator)
    client.force_login(users[role])
    assert client.get(reverse("visits:year_plan_list")).status_code == 403
    assert client.get(reverse("visits:year_plan_detail", args=[plan.pk])).status_code == 403
    assert client.post(reverse("visits:year_plan_start"), {"time_limit": 5}).status_code == 403
    assert client.post(reverse("visits:year_plan_apply", args=[plan.pk])).status_code == 403
    plan.refresh_from_db()
    assert plan.applied_at is None and YearPlan.objects.count() == 1


# --- the command -----------------------------------------------------------------------------


def test_the_command_plans_now_and_prints_one_json_line(pending):
    out = io.StringIO()
    call_command("plan_year", time_limit=LIMIT, stdout=out)
    figures = json.loads(out.getvalue().strip())
    assert {"requests", "placed", "objective", "bound", "gap", "solve_seconds"} <= set(figures)
    assert figures["requests"] == 3 and figures["placed"] == 2
    plan = YearPlan.objects.get(pk=figures["plan"])
    assert plan.status == YearPlanStatus.DONE and plan.requested_by is None


def test_the_command_is_refused_while_a_run_is_queued(coordinator, pending):
    services.year_plan_start(actor=coordinator, time_limit=LIMIT)
    with pytest.raises(CommandError, match="already queued"):
        call_command("plan_year", time_limit=LIMIT, stdout=io.StringIO())
