"""Deadline reminders, run by ``liaison db_worker``: the owner of an open request is e-mailed a
week before it is due and the morning after it falls overdue.

Each reminder is queued when the deadline or the owner is set, for its own time (``run_after``,
08:00 in the agency's time zone), and carries the due date it was queued for: when it runs it
does nothing if the request was answered, refused or closed meanwhile, or its deadline moved
(the move queued reminders of its own). The mail names the request by its reference, country,
direction, kind and deadline only: never the persons or companies it concerns.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from liaison.agreements import selectors
from liaison.audit.services import audit_log

REMIND_DAYS_BEFORE = 7
REMIND_AT = time(8, 0)
DUE_SOON = "due_soon"
OVERDUE = "overdue"


def reminder_times(due_on: date) -> dict[str, datetime]:
    """When each reminder of a deadline goes out, in the agency's time zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return {
        DUE_SOON: datetime.combine(due_on - timedelta(days=REMIND_DAYS_BEFORE), REMIND_AT, zone),
        OVERDUE: datetime.combine(due_on + timedelta(days=1), REMIND_AT, zone),
    }


@task()
def assistance_request_reminder(*, request_id: int, due_on: str, reminder: str) -> int:
    """E-mail the owner that the request is due soon or overdue; returns the messages sent (0
    when there is nothing to remind of any more, or nobody to tell)."""
    request = selectors.request_for_reminder(pk=request_id)
    if request is None or not request.is_open or request.owner is None:
        return 0
    if request.due_on is None or request.due_on.isoformat() != due_on:
        return 0  # the deadline moved: the reminders of the new one were queued with it
    today = timezone.localdate()
    if request.is_overdue(today) != (reminder == OVERDUE):
        return 0  # an overdue reminder too early, or a "due soon" one run after the deadline
    address = request.owner.email
    if not address:
        return 0
    context = {
        "request": request,
        "reminder": reminder,
        "days_left": (request.due_on - today).days,
        "url": settings.BASE_URL + reverse("agreements:request_detail", args=[request.pk]),
    }
    subject = " ".join(render_to_string("agreements/email/reminder_subject.txt", context).split())
    body = render_to_string("agreements/email/reminder.txt", context)
    send_mail(subject, body, None, [address])
    audit_log(
        actor=None,
        action="assistance_request.reminded",
        obj=request,
        changes={"reminder": [None, reminder], "owner": [None, request.owner.get_username()]},
    )
    return 1
