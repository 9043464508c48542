"""What needs the user now: for each kind of work their role does, the first few records
waiting on them (oldest or soonest first) and how many in all, with the list that holds the
rest. Each list is read through its program's selector, so it shows only what the user may
see, and is offered only to a user who has the permission to act on it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from liaison.agreements import selectors as agreements
from liaison.capacity import selectors as capacity
from liaison.core.work import WorkItem, WorkList
from liaison.postings import selectors as postings
from liaison.training import selectors as training
from liaison.training.models import DeliveryStatus, RequestStatus
from liaison.vetting import selectors as vetting
from liaison.vetting.models import VettingStatus
from liaison.visits import selectors as visits
from liaison.visits.models import VisitStatus

SHOWN = 5
# How far ahead an attaché's region's deliveries and visits are worth a look on home.
COMING_WITHIN = timedelta(days=60)


def _list(
    key: str,
    title: str,
    why: str,
    records: QuerySet[Any],
    item: Callable[[Any], WorkItem],
    more_url: str,
) -> WorkList:
    first = [item(r) for r in records[:SHOWN]]
    total = len(first) if len(first) < SHOWN else records.count()
    return WorkList(key, title, why, first, total, more_url)


def _url(name: str, **query: Any) -> str:
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def _delivery(d: Any) -> WorkItem:
    return WorkItem(
        f"{d.course.code} {d.course.title}",
        reverse("training:delivery_detail", args=[d.pk]),
        f"{d.venue.name}, {d.starts_on:%-d %b %Y}",
    )


def _visit(v: Any) -> WorkItem:
    when = f"{v.starts_on:%-d %b %Y}" if v.starts_on else f"from {v.earliest_start:%-d %b %Y}"
    return WorkItem(
        f"#{v.pk} {v.country.name}: {v.purpose[:60]}",
        reverse("visits:visit_detail", args=[v.pk]),
        when,
    )


def _waiting_requests(user: Any) -> QuerySet[Any]:
    """Training requests not decided yet, oldest first."""
    return (
        training.request_list(user=user, status=RequestStatus.SUBMITTED)
        .select_related("country", "course")
        .order_by("created_at", "pk")
    )


def _request(r: Any) -> WorkItem:
    return WorkItem(
        f"{r.country.name}: {r.course.title if r.course_id else r.need[:60]}",
        reverse("training:request_detail", args=[r.pk]),
        f"filed {timezone.localtime(r.created_at):%-d %b %Y}",
    )


def _training_work(user: Any) -> Iterable[WorkList]:
    if user.has_perm("training.decide_request"):
        yield _list(
            "requests",
            "Training requests to decide",
            "Approve and plan a delivery, or decline.",
            _waiting_requests(user),
            _request,
            _url("training:request_list", status=RequestStatus.SUBMITTED),
        )
    if user.has_perm("training.manage_delivery"):
        for status, title, why in (
            (DeliveryStatus.PLANNED, "Deliveries to approve", "Approve the plan and budget."),
            (
                DeliveryStatus.DELIVERED,
                "Deliveries to close",
                "Check the after-action report and costs, then close.",
            ),
        ):
            yield _list(
                f"deliveries-{status}",
                title,
                why,
                training.delivery_list(user=user, status=status).order_by("starts_on", "pk"),
                _delivery,
                _url("training:delivery_list", status=status),
            )
        blocked = training.blocked_deliveries(user=user)
        yield WorkList(
            "blocked",
            "Nominees blocked by vetting",
            "They cannot be confirmed until their Leahy vetting is approved.",
            [
                WorkItem(
                    f"{group.delivery.course.code} at {group.delivery.venue.name}",
                    reverse("training:delivery_roster", args=[group.delivery.pk]),
                    f"{len(group.blockers)} blocked",
                )
                for group in blocked[:SHOWN]
            ],
            sum(len(group.blockers) for group in blocked),
            reverse("training:blocked"),
        )
    elif user.has_perm("training.browse") and user.has_perm("training.take_attendance"):
        yield _list(
            "teaching",
            "Your deliveries running now",
            "Take attendance each day.",
            training.delivery_list(user=user, status=DeliveryStatus.IN_PROGRESS).order_by(
                "starts_on"
            ),
            _delivery,
            _url("training:delivery_list", status=DeliveryStatus.IN_PROGRESS),
        )


def _visit_work(user: Any) -> Iterable[WorkList]:
    if user.has_perm("visits.plan"):
        yield _list(
            "visit-requests",
            "Visit requests to plan",
            "Start planning the itinerary, or decline.",
            visits.visit_list(user=user, status=VisitStatus.REQUESTED).order_by(
                "earliest_start", "pk"
            ),
            _visit,
            _url("visits:visit_list", status=VisitStatus.REQUESTED),
        )
        yield _list(
            "hosts",
            "Visits waiting for their hosts",
            "Each stop's host has been asked; chase the unanswered ones.",
            visits.visit_list(user=user, status=VisitStatus.SITES_REQUESTED).order_by(
                "earliest_start", "pk"
            ),
            _visit,
            _url("visits:visit_list", status=VisitStatus.SITES_REQUESTED),
        )
    if user.has_perm("visits.host_inbox"):
        yield _list(
            "inbox",
            "Stops awaiting your answer",
            "Accept or decline each visit to your site.",
            visits.host_inbox(user=user),
            lambda s: WorkItem(
                f"{s.site.name}: delegation from {s.visit.country.name}",
                reverse("visits:host_inbox"),
                f"{s.day:%-d %b %Y}",
            ),
            reverse("visits:host_inbox"),
        )


def _vetting_work(user: Any) -> Iterable[WorkList]:
    if not user.has_perm("vetting.decide"):
        return
    yield _list(
        "vetting",
        "Vetting to decide",
        "Record the vetting office's answer for each submitted official.",
        vetting.vetting_list(user=user, status=VettingStatus.SUBMITTED).order_by(
            "submitted_at", "pk"
        ),
        lambda r: WorkItem(
            str(r.person),
            reverse("vetting:record_detail", args=[r.pk]),
            r.get_purpose_display(),
        ),
        _url("vetting:record_list", status=VettingStatus.SUBMITTED),
    )
    yield _list(
        "expiring",
        "Approvals running out",
        "Renew them before they block a nomination.",
        vetting.vetting_expiring(user=user),
        lambda r: WorkItem(
            str(r.person),
            reverse("vetting:record_detail", args=[r.pk]),
            f"valid until {r.valid_until:%-d %b %Y}",
        ),
        reverse("vetting:expiring"),
    )


def _region_work(user: Any) -> Iterable[WorkList]:
    """An attaché's region: its open training requests, and what is coming there."""
    if not (user.has_perm("training.file_request") and getattr(user, "region_id", None)):
        return
    if user.has_perm("training.decide_request"):
        return  # headquarters decides them (above); the region is everywhere for them
    today = timezone.localdate()
    yield _list(
        "region-requests",
        "Your region's training requests",
        "Headquarters has not decided them yet.",
        _waiting_requests(user),
        _request,
        _url("training:request_list", status=RequestStatus.SUBMITTED),
    )
    yield _list(
        "region-deliveries",
        "Deliveries coming to your region",
        "Within the next 60 days.",
        training.delivery_list(user=user)
        .filter(starts_on__gte=today, starts_on__lte=today + COMING_WITHIN)
        .exclude(status=DeliveryStatus.CANCELLED)
        .order_by("starts_on", "pk"),
        _delivery,
        reverse("training:delivery_list"),
    )
    if user.has_perm("visits.browse"):
        yield _list(
            "region-visits",
            "Visits from your region being arranged",
            "Requested, in planning or waiting for hosts.",
            visits.visit_list(user=user)
            .filter(
                status__in=(
                    VisitStatus.REQUESTED,
                    VisitStatus.PLANNING,
                    VisitStatus.SITES_REQUESTED,
                )
            )
            .order_by("earliest_start", "pk"),
            _visit,
            reverse("visits:visit_list"),
        )


def work_for(*, user: Any) -> list[WorkList]:
    """Every kind of work waiting on ``user``, in the order their day would take it."""
    return [
        *agreements.work_for(user=user),
        *_training_work(user),
        *_visit_work(user),
        *_vetting_work(user),
        *capacity.work_for(user=user),
        *postings.work_for(user=user),
        *_region_work(user),
    ]
