"""Instructors: assigning and removing them, and the secret calendar feeds of their
deliveries. (Their deployments away are recorded in postings.)"""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from liaison.audit.services import audit_log
from liaison.core.access import require_perm
from liaison.people.models import Staff
from liaison.training.models import (
    Assignment,
    CalendarFeed,
    Delivery,
    DeliveryStatus,
    InstructorRole,
)
from liaison.training.rules import status_phrase
from liaison.training.selectors.instructors import (
    calendar_feed_authorize,
    calendar_feed_of,
    instructor_conflict,
)


@transaction.atomic
def instructor_assign(
    *, actor: Any, delivery: Delivery, staff: Staff, role: str = InstructorRole.CO
) -> Assignment:
    require_perm(actor, "training.manage_delivery", delivery)
    if not delivery.is_open:
        raise ValidationError(
            f"This delivery is {status_phrase(delivery)}; its instructors cannot change."
        )
    if role not in InstructorRole.values:
        raise ValidationError({"role": f"“{role}” is not lead or co."})
    if not staff.active:
        raise ValidationError({"staff": f"{staff} is no longer active."})
    if delivery.assignments.filter(staff=staff).exists():
        raise ValidationError({"staff": f"{staff} already teaches this delivery."})
    if not delivery.course.qualified_instructors.filter(pk=staff.pk).exists():
        raise ValidationError(
            {"staff": f"{staff} is not qualified to teach {delivery.course.code}."}
        )
    if role == InstructorRole.LEAD and delivery.assignments.filter(role=role).exists():
        lead = delivery.assignments.get(role=role)
        raise ValidationError({"role": f"{lead.staff} is already the lead instructor."})
    conflict = instructor_conflict(staff, delivery)
    if conflict:
        raise ValidationError({"staff": conflict})
    assignment = Assignment.objects.create(delivery=delivery, staff=staff, role=role)
    audit_log(
        actor=actor,
        action="delivery.instructor_assigned",
        obj=delivery,
        changes={"instructor": [None, f"{staff} ({assignment.get_role_display()})"]},
    )
    return assignment


@transaction.atomic
def instructor_remove(*, actor: Any, assignment: Assignment) -> None:
    delivery = assignment.delivery
    require_perm(actor, "training.manage_delivery", delivery)
    if delivery.status not in (DeliveryStatus.PLANNED, DeliveryStatus.APPROVED):
        raise ValidationError(
            "Instructors of a confirmed delivery stay; cancel or re-plan it instead."
        )
    label = f"{assignment.staff} ({assignment.get_role_display()})"
    assignment.delete()
    audit_log(
        actor=actor,
        action="delivery.instructor_removed",
        obj=delivery,
        changes={"instructor": [label, None]},
    )


@transaction.atomic
def calendar_feed_create(*, actor: Any, staff: Staff | None) -> CalendarFeed:
    """The secret feed of ``staff``'s deliveries (None: all deliveries). It is made once:
    asking again gives the same address (:func:`calendar_feed_reset` makes a new one)."""
    feed = calendar_feed_of(user=actor, staff=staff)  # 403 for anyone else's, as the page
    if feed is None:
        feed = CalendarFeed.objects.create(staff=staff, token=secrets.token_urlsafe(32))
        audit_log(actor=actor, action="calendar_feed.created", obj=feed)
    return feed


@transaction.atomic
def calendar_feed_reset(*, actor: Any, feed: CalendarFeed) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    calendar_feed_authorize(user=actor, staff=feed.staff)
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token"])
    audit_log(actor=actor, action="calendar_feed.reset", obj=feed)
    return feed
