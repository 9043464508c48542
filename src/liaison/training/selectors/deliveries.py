"""Reads of deliveries, scoped to the user: the list, one delivery, its history and team, and
the moves its page offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from liaison.audit.models import AuditEntryQuerySet
from liaison.audit.selectors import audit_history
from liaison.core.access import get_for_user, require_perm
from liaison.core.fiscal import FiscalYear
from liaison.core.workflows import Move
from liaison.training.models import (
    SEATED,
    AfterActionReport,
    Delivery,
    DeliveryStatus,
    EnrollmentStatus,
    InstructorRole,
)
from liaison.training.permissions import scope_deliveries
from liaison.training.workflows import DELIVERY


def _deliveries() -> QuerySet[Delivery]:
    return Delivery.objects.select_related(
        "course", "venue", "country", "funding_source", "request__country"
    )


def _scoped_deliveries(user: Any) -> QuerySet[Delivery]:
    return scope_deliveries(user, _deliveries())


def delivery_list(
    *,
    user: Any,
    search: str = "",
    status: str = "",
    fiscal_year: int | None = None,
    country: str = "",
    venue_kind: str = "",
) -> QuerySet[Delivery]:
    require_perm(user, "training.browse")
    deliveries = _scoped_deliveries(user).annotate(
        seated=Count("enrollments", filter=Q(enrollments__status__in=SEATED), distinct=True)
    )
    if search:
        deliveries = deliveries.filter(
            Q(course__code__icontains=search)
            | Q(course__title__icontains=search)
            | Q(venue__name__icontains=search)
            | Q(venue__city__icontains=search)
        )
    if status:
        deliveries = deliveries.filter(status=status)
    if fiscal_year:
        fy = FiscalYear(fiscal_year)
        deliveries = deliveries.filter(starts_on__gte=fy.start, starts_on__lte=fy.end)
    if country:
        deliveries = deliveries.filter(country__code=country)
    if venue_kind:
        deliveries = deliveries.filter(venue__kind=venue_kind)
    return deliveries.order_by("-starts_on", "-pk")


def delivery_get(*, user: Any, pk: int, perm: str = "training.view_delivery") -> Delivery:
    """The delivery, or 404; 403 when it lies outside the user's scope."""
    return get_for_user(_deliveries(), user, perm, pk=pk)


def delivery_history(*, delivery: Delivery) -> AuditEntryQuerySet:
    return audit_history(object_type="training.delivery", object_ids=[str(delivery.pk)])


def delivery_blocker(delivery: Delivery, to: str) -> str | None:
    """What in the delivery's own data still stops the move to ``to`` (not the user's input
    nor their permission), or None. The move's service refuses with it; the delivery page
    shows it in place of the button."""
    if (
        to == DeliveryStatus.CONFIRMED
        and not delivery.assignments.filter(role=InstructorRole.LEAD).exists()
    ):
        return "Assign a lead instructor before confirming the delivery."
    if (
        to == DeliveryStatus.IN_PROGRESS
        and not delivery.enrollments.filter(status=EnrollmentStatus.CONFIRMED).exists()
    ):
        return "No participant is confirmed: confirm the roster before starting."
    if (
        to == DeliveryStatus.CLOSED
        and not AfterActionReport.objects.filter(delivery=delivery).exists()
    ):
        return "Write the after-action report before closing the delivery."
    return None


@dataclass(frozen=True)
class Offer:
    """A move a page offers: ``blocker`` says what still stops it (then it is not offered)."""

    move: Move
    blocker: str | None = None


def delivery_offers(*, user: Any, delivery: Delivery) -> list[Offer]:
    """The delivery's moves ``user`` may make now, each with what still blocks it."""
    return [
        Offer(move, delivery_blocker(delivery, move.target))
        for move in DELIVERY.available(user, delivery)
    ]
