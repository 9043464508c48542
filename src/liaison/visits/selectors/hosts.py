"""Reads for a site host: the stops awaiting their answer, the ones their sites accepted (the
inbox's foot, their calendar feed), the worker's e-mail to them, and their feed's address."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from liaison.core.access import get_for_user, require_perm
from liaison.people.models import Staff
from liaison.visits.models import HostAnswer, HostFeed, Stop, VisitStatus


def host_inbox(*, user: Any) -> QuerySet[Stop]:
    """The stops awaiting an answer at the sites the user hosts, soonest first."""
    require_perm(user, "visits.host_inbox")
    return (
        Stop.objects.filter(answer=HostAnswer.ASKED, site__hosts__user=user)
        .select_related("site", "visit__country", "visit__agency")
        .annotate(delegate_count=Count("visit__delegates", distinct=True))
        .order_by("day", "order", "pk")
    )


def host_stop_get(*, user: Any, pk: int) -> Stop:
    """A stop the user answers for, or 404; 403 unless they host its site."""
    stops = Stop.objects.select_related("site", "visit__country", "visit__agency")
    return get_for_user(stops, user, "visits.answer_stop", pk=pk)


def host_accepted_upcoming(*, user: Any, today: date) -> QuerySet[Stop]:
    """The stops the user's sites accepted, from today on, for the foot of the inbox."""
    require_perm(user, "visits.host_inbox")
    return (
        Stop.objects.filter(answer=HostAnswer.ACCEPTED, site__hosts__user=user, day__gte=today)
        .exclude(visit__status__in=(VisitStatus.CANCELLED, VisitStatus.DECLINED))
        .select_related("site", "visit__country", "visit__agency", "answered_by")
        .order_by("day", "order", "pk")
    )


def host_accepted_stops(*, staff_id: int) -> QuerySet[Stop]:
    """What a host's calendar feed carries: the stops their sites accepted."""
    return (
        Stop.objects.filter(answer=HostAnswer.ACCEPTED, site__hosts__id=staff_id)
        .exclude(visit__status__in=(VisitStatus.CANCELLED, VisitStatus.DECLINED))
        .select_related("site", "visit__country", "visit__agency")
        .order_by("day", "order")
    )


def host_mail_stops(
    *, visit_id: int, staff_id: int, stop_ids: list[int]
) -> tuple[Staff | None, list[Stop]]:
    """For the worker: the host, and those of the stops still awaiting an answer at their sites
    (a host who answered before the mail went out is not asked again)."""
    staff = Staff.objects.select_related("user").filter(pk=staff_id).first()
    stops = list(
        Stop.objects.filter(
            pk__in=stop_ids, visit_id=visit_id, answer=HostAnswer.ASKED, site__hosts__id=staff_id
        )
        .select_related("site", "visit__country", "visit__agency")
        .order_by("day", "order")
    )
    return staff, stops


def host_feed_get(*, user: Any) -> HostFeed | None:
    """The user's own calendar feed, if they made one (a site host's only; 403 for others)."""
    require_perm(user, "visits.host_inbox")
    return HostFeed.objects.select_related("staff").filter(staff__user=user).first()


def host_feed_by_token(*, token: str) -> HostFeed:
    """The feed behind a secret address, or 404: the token is the only key."""
    return get_object_or_404(HostFeed.objects.select_related("staff"), token=token)
