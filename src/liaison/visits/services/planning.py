"""Planning one visit: the planner's itinerary (``visit_plan``) written back as timed stops
the hosts are then asked about, and the coordinator's pins and removals of stops. What the
planner reads comes from ``selectors.planning``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from liaison.audit.services import audit_log
from liaison.core.access import require_perm
from liaison.visits import planner
from liaison.visits.models import Exclusion, HostAnswer, Stop, Visit, VisitStatus
from liaison.visits.selectors.planning import (
    capacity_used,
    planner_request,
    planner_sites,
    stop_times,
)

# Stops a re-plan keeps: the coordinator pinned them, or the host already said yes.
KEPT = Q(pinned=True) | Q(answer=HostAnswer.ACCEPTED)


def write_itinerary(
    *, actor: Any, visit: Visit, itinerary: planner.Itinerary, score: int, source: str
) -> list[Stop]:
    """Write a planned itinerary as the visit's stops, each with its reason and its time.

    Pinned and accepted stops the itinerary keeps stay as they are (with their answers); every
    other stop is replaced. Shared by planning one visit and applying a year plan, so both write
    and audit the same way; callers check the permission and the visit's state, inside their
    transaction. ``source`` says where the plan came from, for the audit trail."""
    kept: dict[tuple[planner.Key, date], Stop] = {
        (s.site_id, s.day): s for s in visit.stops.filter(KEPT)
    }
    visit.stops.exclude(pk__in=[s.pk for s in kept.values()]).delete()
    written = []
    for day in itinerary.days:
        for planned, starts_at in zip(
            day.stops, stop_times(len(day.stops), move_km=day.move_km), strict=True
        ):
            stop = kept.get((planned.site_id, day.date)) or Stop(
                visit=visit, site_id=planned.site_id, day=day.date
            )
            stop.order = planned.order
            stop.starts_at = starts_at
            stop.why = planned.why[:300]
            stop.save()
            written.append(stop)
    visit.starts_on, visit.ends_on = itinerary.start, itinerary.end
    visit.save(update_fields=["starts_on", "ends_on"])
    audit_log(
        actor=actor,
        action="visit.planned",
        obj=visit,
        changes={
            "itinerary": [None, f"{itinerary.start:%Y-%m-%d} to {itinerary.end:%Y-%m-%d}"],
            "stops": [None, str(len(written))],
            "score": [None, str(score)],
            "planned by": [None, source],
        },
    )
    return written


# Planning is no move of the visit's workflow: it happens while the visit is being planned.
PLAN_PERM = "visits.plan"


def may_plan(*, user: Any, visit: Visit) -> bool:
    """Whether :func:`visit_plan` would plan the visit for ``user`` (the permission, and a
    visit being planned): the page offers its button, and the stops' editing, on these terms."""
    return visit.status == VisitStatus.PLANNING and user.has_perm(PLAN_PERM, visit)


@transaction.atomic
def visit_plan(*, actor: Any, visit: Visit) -> planner.PlanResult:
    """Plan (or re-plan) the itinerary. Pinned and accepted stops stay; the rest is replaced.
    When nothing fits, the visit is left as it was and the planner's reasons are raised."""
    require_perm(actor, PLAN_PERM, visit)
    if visit.status != VisitStatus.PLANNING:
        raise ValidationError(
            f"Only a visit being planned can be (re-)planned; this one is "
            f"{visit.get_status_display().lower()}."
        )
    result = planner.plan_visit(
        planner_request(visit), planner_sites(), capacity_used(besides=visit), time_limit=5.0
    )
    if not result.planned or result.itinerary is None:
        raise ValidationError(list(result.reasons) or ["No itinerary fits this request."])
    write_itinerary(
        actor=actor,
        visit=visit,
        itinerary=result.itinerary,
        score=result.objective,
        source="the visit planner",
    )
    return result


@transaction.atomic
def stop_pin(*, actor: Any, stop: Stop, pinned: bool = True) -> Stop:
    """Keep this stop through re-planning (or let the planner move it again)."""
    require_perm(actor, "visits.plan", stop.visit)
    stop.pinned = pinned
    stop.save(update_fields=["pinned"])
    audit_log(
        actor=actor,
        action="stop.pinned" if pinned else "stop.unpinned",
        obj=stop.visit,
        changes={str(stop): [not pinned, pinned]},
    )
    return stop


@transaction.atomic
def stop_remove(*, actor: Any, stop: Stop, whole_visit: bool = False, reason: str = "") -> None:
    """Take a stop out; the planner will not put that site back on that day (or at all)."""
    visit = stop.visit
    require_perm(actor, "visits.plan", visit)
    if visit.status != VisitStatus.PLANNING:
        raise ValidationError("Stops are removed while the visit is being planned.")
    Exclusion.objects.create(
        visit=visit, site=stop.site, day=None if whole_visit else stop.day, reason=reason
    )
    label = str(stop)
    stop.delete()
    audit_log(actor=actor, action="stop.removed", obj=visit, changes={label: [reason, None]})
