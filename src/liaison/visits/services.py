"""Visit rules: requests and their focus, delegates, one audited function per state, and the
hosts' answers. Every write checks the permission and the rule here."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.audit.services import audit_log
from liaison.core.access import require_perm
from liaison.people.models import Person
from liaison.vetting.models import Purpose
from liaison.vetting.services import vetting_gate_refusal
from liaison.visits.models import (
    MAX_VISIT_DAYS,
    VISIT_TRANSITIONS,
    Delegate,
    DelegateRole,
    Exclusion,
    FocusArea,
    HostAnswer,
    Site,
    Stop,
    Visit,
    VisitFocus,
    VisitStatus,
)

# Delegates enter ports and facilities: the gate is the facility access clearance.
VISIT_VETTING = Purpose.ACCESS


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
    if visit.status not in (
        VisitStatus.REQUESTED,
        VisitStatus.PLANNING,
        VisitStatus.SITES_REQUESTED,
    ):
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
    """Why each delegate may not come yet: the same gate as training, on access clearance."""
    if visit.ends_on is None:
        return ["The visit has no dates yet: plan it first."]
    refusals = []
    for delegate in visit.delegates.select_related("person"):
        reason = vetting_gate_refusal(delegate.person, visit.ends_on, VISIT_VETTING)
        if reason:
            refusals.append(reason)
    return refusals


# --- the workflow ---------------------------------------------------------------------------


def _move(visit: Visit, to: str, *, actor: Any, reason: str = "") -> Visit:
    if to not in VISIT_TRANSITIONS[visit.status]:
        raise ValidationError(
            f"This visit is {_state(visit)}; it cannot become {VisitStatus(to).label.lower()}."
        )
    before = visit.status
    visit.status = to
    if reason:
        visit.status_reason = reason
    visit.save()
    changes: dict[str, list[Any]] = {"status": [before, to]}
    if reason:
        changes["reason"] = [None, reason]
    audit_log(actor=actor, action=f"visit.{to}", obj=visit, changes=changes)
    return visit


@transaction.atomic
def visit_start_planning(*, actor: Any, visit: Visit) -> Visit:
    require_perm(actor, "visits.plan", visit)
    return _move(visit, VisitStatus.PLANNING, actor=actor)


@transaction.atomic
def visit_request_sites(*, actor: Any, visit: Visit) -> Visit:
    """Send the planned stops to the sites' hosts; each must accept or decline."""
    require_perm(actor, "visits.plan", visit)
    stops = list(visit.stops.exclude(answer=HostAnswer.ACCEPTED))
    if not visit.stops.exists():
        raise ValidationError("Plan the itinerary before asking the sites.")
    _move(visit, VisitStatus.SITES_REQUESTED, actor=actor)
    for stop in stops:
        stop.answer = HostAnswer.ASKED
        stop.save(update_fields=["answer"])
    return visit


@transaction.atomic
def visit_resume_planning(*, actor: Any, visit: Visit) -> Visit:
    """A host declined: back to planning, to re-plan around the answer."""
    require_perm(actor, "visits.plan", visit)
    return _move(visit, VisitStatus.PLANNING, actor=actor)


@transaction.atomic
def visit_confirm(*, actor: Any, visit: Visit) -> Visit:
    """Every host has accepted and every delegate holds a valid access approval."""
    require_perm(actor, "visits.plan", visit)
    waiting = visit.stops.exclude(answer=HostAnswer.ACCEPTED).select_related("site")
    if waiting:
        names = ", ".join(
            f"{stop.site.name} ({stop.get_answer_display().lower()})" for stop in waiting
        )
        raise ValidationError(f"Not every site has accepted: {names}.")
    if not visit.delegates.exists():
        raise ValidationError("Name the delegates before confirming the visit.")
    refusals = delegation_refusals(visit)
    if refusals:
        raise ValidationError(refusals)
    return _move(visit, VisitStatus.CONFIRMED, actor=actor)


@transaction.atomic
def visit_complete(*, actor: Any, visit: Visit) -> Visit:
    require_perm(actor, "visits.plan", visit)
    return _move(visit, VisitStatus.COMPLETED, actor=actor)


@transaction.atomic
def visit_decline(*, actor: Any, visit: Visit, reason: str) -> Visit:
    require_perm(actor, "visits.plan", visit)
    if not reason.strip():
        raise ValidationError({"status_reason": "Say why the request is declined."})
    return _move(visit, VisitStatus.DECLINED, actor=actor, reason=reason.strip())


@transaction.atomic
def visit_cancel(*, actor: Any, visit: Visit, reason: str) -> Visit:
    require_perm(actor, "visits.file_request", visit)
    if not reason.strip():
        raise ValidationError({"status_reason": "Say why the visit is cancelled."})
    return _move(visit, VisitStatus.CANCELLED, actor=actor, reason=reason.strip())


# --- the hosts' answers ---------------------------------------------------------------------


@transaction.atomic
def stop_answer(*, actor: Any, stop: Stop, accept: bool, reason: str = "") -> Stop:
    """A host accepts or declines a stop at their site; a decline needs a reason."""
    require_perm(actor, "visits.answer_stop", stop)
    # Two hosts of one site may answer at once: the first answer stands.
    stop = Stop.objects.select_for_update().select_related("site", "visit").get(pk=stop.pk)
    if stop.answer != HostAnswer.ASKED:
        answer = stop.get_answer_display().lower()
        raise ValidationError(f"{stop} is not awaiting your answer: {answer}.")
    if not accept and not reason.strip():
        raise ValidationError({"answer_reason": "Say why your site cannot host them that day."})
    stop.answer = HostAnswer.ACCEPTED if accept else HostAnswer.DECLINED
    stop.answer_reason = reason.strip()
    stop.answered_by = actor
    stop.answered_at = timezone.now()
    stop.save()
    if not accept:
        # The re-plan must not put the delegation there that day again.
        Exclusion.objects.create(
            visit=stop.visit, site=stop.site, day=stop.day, reason=f"Host declined: {reason}"
        )
    audit_log(
        actor=actor,
        action=f"stop.{stop.answer}",
        obj=stop.visit,
        changes={
            str(stop): [HostAnswer.ASKED, stop.answer],
            **({"reason": [None, reason]} if reason else {}),
        },
    )
    return stop
