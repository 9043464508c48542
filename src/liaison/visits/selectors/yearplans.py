"""Reads of the year scheduler: its runs, the one busy now, and the requests a run places."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from liaison.core.access import get_for_user, require_perm
from liaison.visits.models import Visit, VisitStatus, YearPlan, YearPlanStatus
from liaison.visits.selectors.planning import REQUEST_PREFETCH

# The requests a year plan places: filed, or being planned and not yet sent to the sites.
PENDING = (VisitStatus.REQUESTED, VisitStatus.PLANNING)
# A run in these states holds the scheduler: one at a time.
BUSY = (YearPlanStatus.QUEUED, YearPlanStatus.RUNNING)


def _for_planner(visits: QuerySet[Visit]) -> QuerySet[Visit]:
    return visits.select_related("country").prefetch_related(*REQUEST_PREFETCH)


def pending_visits() -> QuerySet[Visit]:
    """The requests waiting for a plan, with what the planner reads prefetched."""
    return _for_planner(Visit.objects.filter(status__in=PENDING)).order_by("earliest_start", "pk")


def planner_visits(*, pks: list[int]) -> QuerySet[Visit]:
    """These visits, with what the planner reads prefetched (a run's placed requests, when it
    is applied)."""
    return _for_planner(Visit.objects.filter(pk__in=pks))


def year_plan_list(*, user: Any, status: str = "") -> QuerySet[YearPlan]:
    """The year scheduler's runs, newest first, with their gap as a percentage."""
    require_perm(user, "visits.plan")
    # A run's outcome can hold hundreds of itineraries: the list never reads it.
    plans = (
        YearPlan.objects.select_related("requested_by")
        .defer("outcome")
        .annotate(gap_percent=F("gap") * 100)
    )
    if status:
        plans = plans.filter(status=status)
    return plans.order_by("-created_at", "-pk")


def year_plan_get(*, user: Any, pk: int) -> YearPlan:
    return get_for_user(YearPlan.objects.select_related("requested_by"), user, "visits.plan", pk=pk)


def year_plan_busy(*, user: Any) -> YearPlan | None:
    """The run queued or running now, if any (one at a time)."""
    require_perm(user, "visits.plan")
    return YearPlan.objects.filter(status__in=BUSY).defer("outcome").order_by("created_at").first()


def pending_request_count(*, user: Any) -> int:
    """How many requests a year plan would place now: filed, or being planned."""
    require_perm(user, "visits.plan")
    return Visit.objects.filter(status__in=PENDING).count()
