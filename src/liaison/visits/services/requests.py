"""Visit requests: filing one with its focus, its delegates, and the visit's workflow (one
audited function per move, and the rules each move checks). Every write checks the permission
and the rule here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from liaison.audit.services import audit_log
from liaison.audit.transitions import transition
from liaison.core.access import require_perm
from liaison.people.models import Person
from liaison.vetting.models import Purpose
from liaison.vetting.services import vetting_gate_refusal
from liaison.visits import tasks
from liaison.visits.models import (
    MAX_VISIT_DAYS,
    Delegate,
    DelegateRole,
    FocusArea,
    HostAnswer,
    Site,
    Stop,
    Visit,
    VisitFocus,
    VisitStatus,
)
from liaison.visits.workflows import HOST_ANSWER, VISIT

# Delegates enter ports and facilities: the gate is the facility access clearance.
VISIT_VETTING = Purpose.ACCESS
# The states in which the filer may still change the delegation.
DELEGATION_OPEN = (VisitStatus.REQUESTED, VisitStatus.PLANNING, VisitStatus.SITES_REQUESTED)


def _state(visit: Visit) -> str:
    return str(visit.get_status_display()).lower()


def _validate_visit(visit: Visit, focus: dict[FocusArea, int]) -> None:
    errors: dict[str, str] = {}
    if visit.earliest_start and visit.latest_end:
        window = (visit.latest_end - visit.earliest_start).days + 1
        if window < 1:
            errors["latest_end"] = "The latest end comes before the earliest start."
        elif visit.length_days and visit.length_days > window:
            errors["length_days"] = (
                f"A {visit.length_days}-day visit does not fit a {window}-day window."
            )
    if visit.length_days and not 1 <= visit.length_days <= MAX_VISIT_DAYS:
        errors["length_days"] = f"A visit lasts 1 to {MAX_VISIT_DAYS} days."
    if visit.agency_id and visit.agency and visit.agency.country_id != visit.country_id:
        errors["agency"] = f"{visit.agency} is not an agency of {visit.country}."
    if not focus:
        errors["focus"] = "Give at least one focus area, with its priority."
    elif any(not 1 <= priority <= 3 for priority in focus.values()):
        errors["focus"] = "A focus priority is 1 (nice to see) to 3 (what they came for)."
    if errors:
        raise ValidationError(errors)
    visit.full_clean()


@transaction.atomic
def visit_request_file(
    *,
    actor: Any,
    focus: dict[FocusArea, int],
    must_see: Iterable[Site] = (),
    must_avoid: Iterable[Site] = (),
    **values: Any,
) -> Visit:
    """An attaché, embassy or sponsor asks for a visit: who, why, when, and what to see."""
    visit = Visit(requested_by=actor, **values)
    require_perm(actor, "visits.file_request", visit)
    _validate_visit(visit, focus)
    see, avoid = set(must_see), set(must_avoid)
    if see & avoid:
        names = ", ".join(sorted(site.name for site in see & avoid))
        raise ValidationError({"must_avoid": f"Both to see and to avoid: {names}."})
    visit.save()
    VisitFocus.objects.bulk_create(
        VisitFocus(visit=visit, focus_area=area, priority=priority)
        for area, priority in focus.items()
    )
    visit.must_see.set(see)
    visit.must_avoid.set(avoid)
    audit_log(
        actor=actor,
        action="visit.requested",
        obj=visit,
        changes={"focus": [None, ", ".join(f"{a.code}:{p}" for a, p in focus.items())]},
    )
    return visit


# --- delegates ------------------------------------------------------------------------------


@transaction.atomic
def delegate_add(
    *, actor: Any, visit: Visit, person: Person, role: str = DelegateRole.MEMBER
) -> Delegate:
    require_perm(actor, "visits.file_request", visit)
    if visit.status not in DELEGATION_OPEN:
        raise ValidationError(f"This visit is {_state(visit)}; its delegation is settled.")
    if role not in DelegateRole.values:
        raise ValidationError({"role": f"“{role}” is not a delegate role."})
    if person.is_merged:
        raise ValidationError({"person": f"{person} was merged into another record."})
    if visit.delegates.filter(person=person).exists():
        raise ValidationError({"person": f"{person} is already in this delegation."})
    if role == DelegateRole.HEAD and visit.delegates.filter(role=DelegateRole.HEAD).exists():
        head = visit.delegates.get(role=DelegateRole.HEAD)
        raise ValidationError({"role": f"{head.person} already heads the delegation."})
    if visit.delegates.count() >= visit.delegation_size:
        raise ValidationError(
            {"person": f"The delegation is {visit.delegation_size}; raise its size first."}
        )
    delegate = Delegate.objects.create(visit=visit, person=person, role=role)
    audit_log(
        actor=actor,
        action="visit.delegate_added",
        obj=visit,
        changes={"delegate": [None, str(delegate)]},
    )
    return delegate


@transaction.atomic
def delegate_remove(*, actor: Any, delegate: Delegate) -> None:
    visit = delegate.visit
    require_perm(actor, "visits.file_request", visit)
    if visit.status in (VisitStatus.CONFIRMED, VisitStatus.COMPLETED):
        raise ValidationError(f"This visit is {_state(visit)}; its delegation is settled.")
    label = str(delegate)
    delegate.delete()
    audit_log(
        actor=actor, action="visit.delegate_removed", obj=visit, changes={"delegate": [label, None]}
    )


def delegation_refusals(visit: Visit) -> list[str]:
    """Why the delegation may not come yet: nobody is named, or a delegate lacks the access
    clearance (the same gate as training's) valid through the visit's last day."""
    if not visit.delegates.exists():
        return ["Name the delegates before confirming the visit."]
    if visit.ends_on is None:
        return ["The visit has no dates yet: plan it first."]
    refusals = []
    for delegate in visit.delegates.select_related("person"):
        reason = vetting_gate_refusal(delegate.person, visit.ends_on, VISIT_VETTING)
        if reason:
            refusals.append(reason)
    return refusals


# --- the workflow ---------------------------------------------------------------------------
# Each move is declared in ``workflows.VISIT`` (its states, permission and button) and made
# here through ``transition``, which refuses an undeclared move and records who, when and why.


def _move(
    visit: Visit,
    move: str,
    *,
    actor: Any,
    reason: str = "",
    check: Callable[[], None] | None = None,
) -> Visit:
    transition(
        actor=actor,
        obj=visit,
        workflow=VISIT,
        move=move,
        why=reason,
        fields={"status_reason": reason} if reason else {},
        check=check,
    )
    return visit


def _refuse(reasons: list[str]) -> None:
    if reasons:
        raise ValidationError(reasons)


def request_sites_refusals(visit: Visit) -> list[str]:
    """Why the sites cannot be asked yet: there is nothing to ask them."""
    return [] if visit.stops.exists() else ["Plan the itinerary before asking the sites."]


def confirm_refusals(visit: Visit) -> list[str]:
    """Why the visit cannot be confirmed yet, the first thing missing first (none: it can):
    every host must have accepted its stop, and every delegate hold a valid access approval."""
    waiting = visit.stops.exclude(answer=HostAnswer.ACCEPTED).select_related("site")
    if waiting:
        names = ", ".join(
            f"{stop.site.name} ({stop.get_answer_display().lower()})" for stop in waiting
        )
        return [f"Not every site has accepted: {names}."]
    return delegation_refusals(visit)


# The rules of a move's own, beyond its state and its permission, by move.
MOVE_RULES: dict[str, Callable[[Visit], list[str]]] = {
    "sites_requested": request_sites_refusals,
    "confirmed": confirm_refusals,
}


def visit_move_refusals(*, visit: Visit, move: str) -> list[str]:
    """Why the service would refuse ``move`` now by a rule of its own (none: it would make it,
    given the state and the permission): the visit page shows no button for such a move."""
    rule = MOVE_RULES.get(move)
    return rule(visit) if rule else []


@transaction.atomic
def visit_start_planning(*, actor: Any, visit: Visit) -> Visit:
    return _move(visit, "planning", actor=actor)


@transaction.atomic
def visit_request_sites(*, actor: Any, visit: Visit) -> Visit:
    """Send the planned stops to the sites' hosts; each must accept or decline, and each host
    is e-mailed once the change is committed."""
    # An empty itinerary is named before the state: planning it is what comes first.
    require_perm(actor, VISIT.named("sites_requested").perm, visit)
    _refuse(request_sites_refusals(visit))
    stops = list(
        visit.stops.exclude(answer=HostAnswer.ACCEPTED)
        .select_related("site")
        .prefetch_related("site__hosts")
    )
    _move(visit, "sites_requested", actor=actor)
    for stop in stops:
        if stop.answer != HostAnswer.ASKED:  # asked before and kept by the re-plan: still asked
            transition(actor=actor, obj=stop, workflow=HOST_ANSWER, move="asked", logged_on=visit)
    _queue_host_mail(visit, stops)
    return visit


def _queue_host_mail(visit: Visit, stops: list[Stop]) -> None:
    """One e-mail per active host, covering all of this visit's stops at their sites; queued on
    commit, so a rolled-back request mails nobody."""
    by_host: dict[int, list[int]] = {}
    for stop in stops:
        for staff in stop.site.hosts.all():
            if staff.active:
                by_host.setdefault(staff.pk, []).append(stop.pk)

    def enqueue() -> None:
        for staff_id, stop_ids in by_host.items():
            tasks.host_request_mail.enqueue(visit_id=visit.pk, staff_id=staff_id, stop_ids=stop_ids)

    if by_host:
        transaction.on_commit(enqueue)


@transaction.atomic
def visit_resume_planning(*, actor: Any, visit: Visit) -> Visit:
    """A host declined: back to planning, to re-plan around the answer."""
    return _move(visit, "back_to_planning", actor=actor)


@transaction.atomic
def visit_confirm(*, actor: Any, visit: Visit) -> Visit:
    """Every host has accepted and every delegate holds a valid access approval."""
    return _move(visit, "confirmed", actor=actor, check=lambda: _refuse(confirm_refusals(visit)))


@transaction.atomic
def visit_complete(*, actor: Any, visit: Visit) -> Visit:
    return _move(visit, "completed", actor=actor)


@transaction.atomic
def visit_decline(*, actor: Any, visit: Visit, reason: str) -> Visit:
    reason = reason.strip()

    def check() -> None:
        if not reason:
            raise ValidationError({"status_reason": "Say why the request is declined."})

    return _move(visit, "declined", actor=actor, reason=reason, check=check)


@transaction.atomic
def visit_cancel(*, actor: Any, visit: Visit, reason: str) -> Visit:
    reason = reason.strip()

    def check() -> None:
        if not reason:
            raise ValidationError({"status_reason": "Say why the visit is cancelled."})

    return _move(visit, "cancelled", actor=actor, reason=reason, check=check)


# The moves that take the reason the page's form or the API's body gives.
REASONED_MOVES = ("declined", "cancelled")


@transaction.atomic
def visit_move(*, actor: Any, visit: Visit, move: str, reason: str = "") -> Visit:
    """A move as the visit page or the API asks for it, by name, made by its service."""
    if move not in {m.name for m in VISIT.moves}:
        raise ValidationError({"move": f"A visit has no move “{move}”."})
    service = VISIT.service(VISIT.named(move))
    arguments = {"reason": reason} if move in REASONED_MOVES else {}
    result: Visit = service(actor=actor, visit=visit, **arguments)
    return result
