"""Background work of the visits app, run by ``liaison db_worker``: a request never waits on a
mail server, and a host whose mail fails does not hold up the others."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from liaison.audit.services import audit_log
from liaison.visits import selectors


@task()
def host_request_mail(*, visit_id: int, staff_id: int, stop_ids: list[int]) -> int:
    """E-mail one host the stops of one visit that await their answer.

    The delegation is named by country, agency and size only: no delegate's name, passport
    or birth date leaves the application by e-mail. Returns the number of messages sent (0 when
    the host has no address or has answered meanwhile)."""
    staff, stops = selectors.host_mail_stops(
        visit_id=visit_id, staff_id=staff_id, stop_ids=stop_ids
    )
    if staff is None or not stops:
        return 0
    address = staff.email or (staff.user.email if staff.user else "")
    if not address:
        return 0
    visit = stops[0].visit
    context = {
        "staff": staff,
        "visit": visit,
        "stops": stops,
        "inbox_url": settings.BASE_URL + reverse("visits:host_inbox"),
    }
    subject = " ".join(render_to_string("visits/email/host_request_subject.txt", context).split())
    body = render_to_string("visits/email/host_request.txt", context)
    send_mail(subject, body, None, [address])
    audit_log(
        actor=None,
        action="visit.host_mailed",
        obj=visit,
        changes={"host": [None, str(staff)], "stops": [None, ", ".join(map(str, stops))]},
    )
    return 1
