"""A site host's writes: their answers to the stops asked at their sites, and the secret
address of their calendar feed. Every write checks the permission and the rule here."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.audit.services import audit_log
from liaison.audit.transitions import transition
from liaison.core.access import require_perm
from liaison.people.models import Staff
from liaison.visits.models import Exclusion, HostAnswer, HostFeed, Stop
from liaison.visits.workflows import HOST_ANSWER

# --- the hosts' answers ---------------------------------------------------------------------
# Declared in ``workflows.HOST_ANSWER``; each answer joins the visit's trail ("stop.accepted").


def _answer(
    stop: Stop,
    move: str,
    *,
    actor: Any,
    reason: str,
    check: Callable[[], None] | None = None,
) -> Stop:
    # Two hosts of one site may answer at once: the first answer stands.
    stop = Stop.objects.select_for_update().select_related("site", "visit").get(pk=stop.pk)
    transition(
        actor=actor,
        obj=stop,
        workflow=HOST_ANSWER,
        move=move,
        why=reason,
        check=check,
        fields={"answer_reason": reason, "answered_by": actor, "answered_at": timezone.now()},
        logged_on=stop.visit,
    )
    return stop


@transaction.atomic
def stop_accept(*, actor: Any, stop: Stop, reason: str = "") -> Stop:
    """A host accepts a stop at their site."""
    return _answer(stop, "accepted", actor=actor, reason=reason.strip())


@transaction.atomic
def stop_decline(*, actor: Any, stop: Stop, reason: str) -> Stop:
    """A host declines a stop at their site, saying why; the re-plan keeps the site off that
    day."""
    reason = reason.strip()

    def check() -> None:
        if not reason:
            raise ValidationError({"answer_reason": "Say why your site cannot host them that day."})

    stop = _answer(stop, "declined", actor=actor, reason=reason, check=check)
    Exclusion.objects.create(
        visit=stop.visit, site=stop.site, day=stop.day, reason=f"Host declined: {reason}"
    )
    return stop


@transaction.atomic
def stop_answer(*, actor: Any, stop: Stop, accept: bool, reason: str = "") -> Stop:
    """An answer as the host inbox and the API send it (accept, or decline with a reason),
    made by its move's service."""
    move = HOST_ANSWER.named(HostAnswer.ACCEPTED if accept else HostAnswer.DECLINED)
    result: Stop = HOST_ANSWER.service(move)(actor=actor, stop=stop, reason=reason)
    return result


# --- a host's calendar feed -----------------------------------------------------------------


def _own_feed_only(actor: Any, staff: Staff) -> None:
    require_perm(actor, "visits.host_inbox")
    if staff.user_id != actor.pk:
        raise PermissionDenied("A host's calendar address is theirs alone.")


@transaction.atomic
def host_feed_create(*, actor: Any, staff: Staff) -> HostFeed:
    """The secret iCal address of the visits the host's sites accepted, made when the host asks
    for it (their calendar page's button posts here); asked again, the one they have."""
    _own_feed_only(actor, staff)
    feed, created = HostFeed.objects.get_or_create(
        staff=staff, defaults={"token": secrets.token_urlsafe(32)}
    )
    if created:
        audit_log(actor=actor, action="host_feed.created", obj=feed)
    return feed


@transaction.atomic
def host_feed_reset(*, actor: Any, feed: HostFeed) -> HostFeed:
    """A new secret address; the old one stops working at once."""
    _own_feed_only(actor, feed.staff)
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token"])
    audit_log(actor=actor, action="host_feed.reset", obj=feed)
    return feed
