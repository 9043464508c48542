"""The year scheduler in the app: plan every pending request at once, in the background.

A coordinator queues a run (``year_plan_start``); the task queue's worker runs it
(``year_plan_run``), which hands the pending requests, the sites and the capacity other visits
hold to ``planner.plan_year`` and keeps what it placed, what it left out and why, and how close
to optimal it proved. Nothing changes on the visits until the coordinator applies the run
(``year_plan_apply``), which writes each placed itinerary as stops, as planning one visit does.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from liaison.audit.services import audit_log
from liaison.core.access import require_perm
from liaison.visits import planner
from liaison.visits.models import Visit, VisitStatus, YearPlan, YearPlanStatus
from liaison.visits.selectors.planning import capacity_used, planner_request, planner_sites
from liaison.visits.selectors.yearplans import BUSY, pending_visits, planner_visits
from liaison.visits.services.planning import write_itinerary
from liaison.visits.services.requests import visit_start_planning

logger = logging.getLogger(__name__)

MIN_TIME_LIMIT = 1
MAX_TIME_LIMIT = 600
DEFAULT_TIME_LIMIT = 50
# A run still "running" this long after its time limit lost its worker (killed, restarted).
STALE_AFTER = timedelta(minutes=10)


# --- queueing a run --------------------------------------------------------------------------


def _refuse_if_busy() -> None:
    """One run at a time: they share the sites' capacity. A run whose worker died is marked
    failed instead of blocking every later one."""
    now = timezone.now()
    for plan in YearPlan.objects.select_for_update().filter(status__in=BUSY):
        limit = timedelta(seconds=plan.time_limit_seconds) + STALE_AFTER
        if (
            plan.status == YearPlanStatus.RUNNING
            and plan.started_at
            and plan.started_at < (now - limit)
        ):
            plan.status = YearPlanStatus.FAILED
            plan.error = "The worker stopped before this run finished."
            plan.finished_at = now
            plan.save(update_fields=["status", "error", "finished_at"])
            continue
        since = plan.created_at if plan.status == YearPlanStatus.QUEUED else plan.started_at
        raise ValidationError(
            f"A year plan is already {plan.get_status_display().lower()} "
            f"(since {timezone.localtime(since):%d %b %Y %H:%M}): wait for it to finish. "
            "If it stays queued, check that the task worker (liaison db_worker) is running."
        )


def _create(*, actor: Any, time_limit: int) -> YearPlan:
    if not MIN_TIME_LIMIT <= time_limit <= MAX_TIME_LIMIT:
        raise ValidationError(
            {
                "time_limit": f"Give the planner {MIN_TIME_LIMIT} to {MAX_TIME_LIMIT} seconds "
                f"(not {time_limit})."
            }
        )
    _refuse_if_busy()
    plan = YearPlan.objects.create(
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
        time_limit_seconds=time_limit,
    )
    audit_log(
        actor=actor,
        action="year_plan.queued",
        obj=plan,
        changes={"time limit": [None, f"{time_limit} s"]},
    )
    return plan


@transaction.atomic
def year_plan_start(*, actor: Any, time_limit: int = DEFAULT_TIME_LIMIT) -> YearPlan:
    """Queue a run over every pending request; the task worker runs it once this commits."""
    require_perm(actor, "visits.plan")
    plan = _create(actor=actor, time_limit=time_limit)
    transaction.on_commit(lambda: year_plan_task.enqueue(plan.pk))
    return plan


def year_plan_run_now(*, time_limit: int = DEFAULT_TIME_LIMIT) -> YearPlan:
    """A run for a scheduler (``liaison plan_year``): no user, in this process, same rules."""
    with transaction.atomic():
        plan = _create(actor=None, time_limit=time_limit)
    return year_plan_run(plan_id=plan.pk)


# --- running it ------------------------------------------------------------------------------


def request_fingerprint(visit: Visit, request: planner.VisitRequest) -> str:
    """A digest of what the planner saw of a visit (its request, pins, removals and current
    stops), to tell at apply time whether anything changed since the run."""
    canonical = {
        "focus": sorted(request.focus.items()),
        "window": [request.earliest_start.isoformat(), request.latest_end.isoformat()],
        "length": request.length_days,
        "briefing": request.wants_hq_briefing,
        "must_see": sorted(str(s) for s in request.must_see),
        "must_avoid": sorted(str(s) for s in request.must_avoid),
        "pinned": sorted(f"{s}@{d.isoformat()}" for s, d in request.pinned),
        "excluded": sorted(str(s) for s in request.excluded_sites),
        "excluded_stops": sorted(f"{s}@{d.isoformat()}" for s, d in request.excluded_stops),
        "stops": sorted(
            f"{s.site_id}@{s.day.isoformat()}:{s.answer}:{s.pinned}" for s in visit.stops.all()
        ),
    }
    return hashlib.sha256(json.dumps(canonical).encode()).hexdigest()[:20]


def _itinerary_json(itinerary: planner.Itinerary) -> list[dict[str, Any]]:
    return [
        {
            "date": day.date.isoformat(),
            "city": day.city,
            "move_km": day.move_km,
            "stops": [
                {"site": stop.site_id, "name": stop.site_name, "order": stop.order, "why": stop.why}
                for stop in day.stops
            ],
        }
        for day in itinerary.days
    ]


def _itinerary_from(entry: dict[str, Any]) -> planner.Itinerary:
    days = tuple(
        planner.PlannedDay(
            date=date.fromisoformat(day["date"]),
            city=day["city"],
            move_km=day["move_km"],
            stops=tuple(
                planner.PlannedStop(s["site"], s["name"], s["order"], s["why"])
                for s in day["stops"]
            ),
        )
        for day in entry["days"]
    )
    return planner.Itinerary(
        request_id=entry["visit"],
        start=days[0].date,
        days=days,
        score=entry["score"],
        travel_km=sum(day.move_km for day in days),
    )


def _outcome(
    visit: Visit, request: planner.VisitRequest, result: planner.YearResult
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "visit": visit.pk,
        "country": visit.country.name,
        "status": visit.status,
        "fingerprint": request_fingerprint(visit, request),
        "placed": visit.pk in result.placed,
        "start": None,
        "end": None,
        "score": 0,
        "reason": result.left_out.get(visit.pk, ""),
    }
    itinerary = result.placed.get(visit.pk)
    if itinerary is not None:
        entry.update(
            start=itinerary.start.isoformat(),
            end=itinerary.end.isoformat(),
            score=itinerary.score,
            days=_itinerary_json(itinerary),
        )
    return entry


def year_plan_run(*, plan_id: int) -> YearPlan:
    """The task's body: plan every pending request against the capacity other visits hold.

    The solve runs outside any transaction; a run already started (or given up) is left
    alone, so a task delivered twice plans once. A failure is kept on the run, with its error.
    """
    with transaction.atomic():
        plan = YearPlan.objects.select_for_update().get(pk=plan_id)
        if plan.status != YearPlanStatus.QUEUED:
            return plan
        plan.status = YearPlanStatus.RUNNING
        plan.started_at = timezone.now()
        plan.save(update_fields=["status", "started_at"])
    try:
        visits = list(pending_visits())
        requests = [planner_request(visit) for visit in visits]
        plan.requests = len(requests)
        plan.save(update_fields=["requests"])
        result = planner.plan_year(
            requests,
            planner_sites(),
            capacity_used(),
            time_limit=float(plan.time_limit_seconds),
        )
        plan.placed = len(result.placed)
        plan.objective = result.objective
        plan.bound = result.bound
        plan.gap = result.gap
        plan.solve_seconds = round(result.solve_seconds, 3)
        plan.outcome = [
            _outcome(visit, request, result)
            for visit, request in zip(visits, requests, strict=True)
        ]
        plan.status = YearPlanStatus.DONE
    except Exception as error:
        logger.exception("Year plan %s failed", plan.pk)
        plan.status = YearPlanStatus.FAILED
        plan.error = f"{type(error).__name__}: {error}"
    plan.finished_at = timezone.now()
    plan.save()
    audit_log(
        actor=None,
        action=f"year_plan.{plan.status}",
        obj=plan,
        changes={
            "placed": [None, f"{plan.placed} of {plan.requests}"],
            "objective": [None, plan.objective],
            **({"error": [None, plan.error]} if plan.error else {}),
        },
    )
    return plan


@task()
def year_plan_task(plan_id: int) -> None:
    """Run a queued year plan in the task worker."""
    year_plan_run(plan_id=plan_id)


# --- applying it -----------------------------------------------------------------------------


@dataclass
class ApplyReport:
    """What applying a run did: the visits it planned, and those it skipped, with why."""

    applied: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def _changed(visit: Visit | None, entry: dict[str, Any]) -> str:
    """Why the run's itinerary no longer stands for this visit, or "" when it does."""
    if visit is None:
        return "The visit no longer exists."
    if visit.status != entry["status"]:
        before = VisitStatus(entry["status"]).label.lower()
        return f"It was {before} at the run and is now {visit.get_status_display().lower()}."
    if request_fingerprint(visit, planner_request(visit)) != entry["fingerprint"]:
        return "Its request, pins, removals or stops changed since the run: plan it on its own."
    return ""


@transaction.atomic
def year_plan_apply(*, actor: Any, plan: YearPlan) -> ApplyReport:
    """Write each placed itinerary as the visit's stops, with reasons and times; requested
    visits move to planning. A visit that changed since the run, or whose itinerary no longer
    keeps every rule (a site closed, capacity taken), is skipped and reported. Once only."""
    require_perm(actor, "visits.plan")
    plan = YearPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != YearPlanStatus.DONE:
        raise ValidationError(
            f"Only a finished year plan can be applied; this one is "
            f"{plan.get_status_display().lower()}."
        )
    if plan.applied_at is not None:
        raise ValidationError(
            f"This year plan was applied on {timezone.localtime(plan.applied_at):%d %b %Y %H:%M}."
        )
    placed = [entry for entry in plan.outcome if entry["placed"]]
    visits = {visit.pk: visit for visit in planner_visits(pks=[e["visit"] for e in placed])}
    catalog = planner.SiteCatalog(planner_sites())
    # Capacity others hold now, plus what this apply has written so far.
    usage: Counter[tuple[planner.Key, date]] = Counter(capacity_used())
    report = ApplyReport()
    for entry in placed:
        visit = visits.get(entry["visit"])
        itinerary = _itinerary_from(entry)
        reason = _changed(visit, entry)
        if not reason and visit is not None:
            problems = planner.check_itinerary(planner_request(visit), catalog, itinerary, usage)
            if problems:
                reason = "Its itinerary no longer fits: " + "; ".join(problems[:3]) + "."
        if reason or visit is None:
            report.skipped[entry["visit"]] = reason
            entry.update(applied=False, note=reason)
            continue
        if visit.status == VisitStatus.REQUESTED:
            visit_start_planning(actor=actor, visit=visit)
        write_itinerary(
            actor=actor,
            visit=visit,
            itinerary=itinerary,
            score=entry["score"],
            source=f"year plan {plan.pk}",
        )
        usage.update(itinerary.site_days)
        report.applied.append(visit.pk)
        entry.update(applied=True, note="")
    plan.applied_at = timezone.now()
    plan.save(update_fields=["applied_at", "outcome"])
    audit_log(
        actor=actor,
        action="year_plan.applied",
        obj=plan,
        changes={
            "visits planned": [None, len(report.applied)],
            "visits skipped": [None, len(report.skipped)],
        },
    )
    return report
