"""Reads about instructors: a delivery's teaching team, whether one is free to teach a
delivery, and the secret calendar feeds of their deliveries."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from liaison.core.access import require_perm
from liaison.core.formats import date_span
from liaison.people.models import Staff, StaffKind
from liaison.people.selectors import staff_list
from liaison.postings.selectors import staff_away
from liaison.training.models import Assignment, CalendarFeed, Delivery, DeliveryStatus
from liaison.training.selectors.deliveries import delivery_get


def delivery_assignments(*, delivery: Delivery) -> QuerySet[Assignment]:
    """The delivery's instructors, as its page lists them."""
    return delivery.assignments.select_related("staff")


def assignment_find(
    *, user: Any, delivery_pk: int, pk: int, perm: str = "training.manage_delivery"
) -> Assignment | None:
    """One of the delivery's instructors, or None when no longer assigned; the delivery is
    fetched and authorized as :func:`delivery_get` does (404, or 403 without ``perm``)."""
    delivery = delivery_get(user=user, pk=delivery_pk, perm=perm)
    return delivery_assignments(delivery=delivery).filter(pk=pk).first()


def instructor_conflict(staff: Staff, delivery: Delivery) -> str | None:
    """Why ``staff`` cannot teach ``delivery`` on its dates, naming the clash; or None."""
    clash = (
        Assignment.objects.filter(
            staff=staff,
            delivery__starts_on__lte=delivery.ends_on,
            delivery__ends_on__gte=delivery.starts_on,
        )
        .exclude(delivery=delivery)
        .exclude(delivery__status=DeliveryStatus.CANCELLED)
        .select_related("delivery__course", "delivery__venue")
        .first()
    )
    if clash is not None:
        other = clash.delivery
        return (
            f"{staff} is already teaching {other.course.code} {other.course.title} at "
            f"{other.venue.name}, {date_span(other.starts_on, other.ends_on)}."
        )
    # Deployed, or posted away from the delivery's country: postings says (and words it).
    return staff_away(
        staff=staff,
        starts_on=delivery.starts_on,
        ends_on=delivery.ends_on,
        country_id=delivery.country_id,
    )


def assignment_clashes(*, delivery: Delivery) -> dict[int, str]:
    """For a delivery still to run: each instructor who can no longer teach it (deployed,
    posted away or teaching elsewhere, recorded after they were assigned), by assignment,
    with why. One check per instructor; a delivery has a few."""
    if not delivery.is_open:
        return {}
    found = {}
    for assignment in delivery_assignments(delivery=delivery):
        conflict = instructor_conflict(assignment.staff, delivery)
        if conflict:
            found[assignment.pk] = conflict
    return found


def deliveries_of_staff(*, staff_id: int | None) -> QuerySet[Delivery]:
    """Deliveries for a calendar feed: one instructor's, or all (``None``); never cancelled."""
    deliveries = Delivery.objects.exclude(status=DeliveryStatus.CANCELLED).select_related(
        "course", "venue", "country"
    )
    if staff_id is not None:
        deliveries = deliveries.filter(assignments__staff_id=staff_id)
    return deliveries.prefetch_related("assignments__staff").order_by("starts_on")


# --- calendar feeds -------------------------------------------------------------------------


def calendar_feed_authorize(*, user: Any, staff: Staff | None) -> None:
    """403 unless ``user`` may see, make and reset the feed of ``staff``'s deliveries (None:
    all deliveries). An advisor has only their own; anyone else's, or all, is headquarters'."""
    require_perm(user, "training.view_instructor_feed")
    if staff is None or staff.user_id != user.pk:
        require_perm(user, "training.manage_delivery")


def calendar_feed_of(*, user: Any, staff: Staff | None) -> CalendarFeed | None:
    """The secret feed of ``staff``'s deliveries (None: all deliveries), or None while nobody
    has made it (``services.calendar_feed_create`` does, on a POST); 403 as
    :func:`calendar_feed_authorize`."""
    calendar_feed_authorize(user=user, staff=staff)
    return CalendarFeed.objects.filter(staff=staff).first()


def calendar_feed_get(*, user: Any, pk: int) -> CalendarFeed | None:
    """The feed ``pk``, or None when it no longer exists; 403 unless ``user`` may reset it."""
    require_perm(user, "training.view_instructor_feed")
    feed = CalendarFeed.objects.select_related("staff").filter(pk=pk).first()
    if feed is not None:
        calendar_feed_authorize(user=user, staff=feed.staff)
    return feed


def calendar_feed_by_token(*, token: str) -> CalendarFeed | None:
    """The public side: the feed behind a secret address, or None (a reset address is gone)."""
    return CalendarFeed.objects.select_related("staff").filter(token=token).first()


def feed_instructors(*, user: Any) -> list[Staff]:
    """Active instructors and advisors, for headquarters' choice of an instructor's calendar."""
    return list(
        staff_list(user=user)
        .filter(kind__in=(StaffKind.INSTRUCTOR, StaffKind.ADVISOR), active=True)
        .order_by("family_name", "given_name")
    )
