"""Agreement and assistance-request rules: every write checks the permission and the rule here,
in a transaction, and leaves an audit entry. Pages, the API and the demo's checks call these.

Agreements move through ``workflows.AGREEMENT``; requests through the workflow of their
direction (``workflows.INCOMING`` or ``OUTGOING``), both with ``audit.transitions.transition``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.agreements import tasks
from liaison.agreements.models import (
    OPEN,
    SETTLED,
    Agreement,
    AgreementStatus,
    AssistanceRequest,
    CompanyRole,
    Direction,
    Document,
    DocumentKind,
    PersonRole,
    RequestCompany,
    RequestKind,
    RequestPerson,
    RequestStatus,
)
from liaison.agreements.workflows import AGREEMENT, request_workflow
from liaison.audit.services import apply_changes, audit_log
from liaison.audit.transitions import transition
from liaison.core.access import require_perm
from liaison.core.attachments import attachment_check, seal, unseal
from liaison.core.fiscal import fiscal_year_of
from liaison.partners.models import Agency, AgencyKind, Country
from liaison.people.models import Person, Staff

# When the partner sets no deadline, an incoming request is due this many days after it came.
DEFAULT_ANSWER_DAYS = 45
DEFAULT_TITLE = (
    "Agreement between the Government of the United States of America and the Government of "
    "{country} regarding mutual assistance between their customs administrations"
)


def _today() -> date:
    """The agency's date (settings.TIME_ZONE), which deadlines and dates are judged by."""
    return timezone.localdate()


def _not_future(day: date | None, field: str, what: str) -> None:
    if day is None:
        raise ValidationError({field: f"Give the date {what}."})
    if day > _today():
        raise ValidationError({field: f"The date {what} is in the future: record it once it is."})


# --- agreements -------------------------------------------------------------------------------


def _check_counterpart(country: Country, counterpart: Agency) -> None:
    if counterpart.country_id != country.pk:
        raise ValidationError({"counterpart": f"{counterpart} is not an agency of {country}."})
    if counterpart.kind not in (AgencyKind.CUSTOMS, AgencyKind.MINISTRY, AgencyKind.OTHER):
        raise ValidationError(
            {
                "counterpart": f"{counterpart} is a {counterpart.get_kind_display().lower()} "
                "agency: a CMAA's counterpart is the customs administration."
            }
        )


@transaction.atomic
def agreement_create(
    *,
    actor: Any,
    country: Country,
    counterpart: Agency,
    title: str = "",
    binding: bool = True,
    notes: str = "",
) -> Agreement:
    """Record an agreement under negotiation; its signature and entry into force are moves."""
    require_perm(actor, "agreements.manage_agreement")
    _check_counterpart(country, counterpart)
    current = Agreement.objects.filter(country=country).exclude(status=AgreementStatus.TERMINATED)
    if current.exists():
        state = current.get().get_status_display().lower()
        raise ValidationError(
            {"country": f"{country} already has an agreement ({state}): end it first."}
        )
    agreement = Agreement(
        country=country,
        counterpart=counterpart,
        title=title.strip() or DEFAULT_TITLE.format(country=country.name),
        binding=binding,
        notes=notes.strip(),
    )
    agreement.full_clean()
    agreement.save()
    audit_log(
        actor=actor,
        action="agreement.created",
        obj=agreement,
        changes={"counterpart": [None, str(counterpart)], "status": [None, agreement.status]},
    )
    return agreement


def _label(field: str) -> str:
    """A date field's name as a person says it ("in force from")."""
    return str(getattr(Agreement._meta.get_field(field), "verbose_name", field))


def _check_agreement_dates(agreement: Agreement) -> None:
    """The dates an agreement's state needs, in their order, none in the future."""
    today = _today()
    errors: dict[str, str] = {}
    needs = {
        "signed_on": agreement.status != AgreementStatus.NEGOTIATING
        and not (agreement.status == AgreementStatus.TERMINATED and not agreement.signed_on),
        "in_force_on": agreement.status in (AgreementStatus.IN_FORCE, AgreementStatus.SUSPENDED),
        "suspended_on": agreement.status == AgreementStatus.SUSPENDED,
        "terminated_on": agreement.status == AgreementStatus.TERMINATED,
    }
    for field, needed in needs.items():
        value = getattr(agreement, field)
        label = _label(field)
        if needed and value is None:
            errors[field] = (
                f"A {agreement.get_status_display().lower()} agreement needs its {label} date."
            )
        elif value is not None and value > today:
            errors[field] = f"The {label} date is in the future: record it once it is."
    order = ("signed_on", "in_force_on", "suspended_on", "terminated_on")
    present = [(f, getattr(agreement, f)) for f in order if getattr(agreement, f) is not None]
    for (first, earlier), (then, later) in pairwise(present):
        if later < earlier and then not in errors:
            errors[then] = f"The {_label(then)} date comes before the {_label(first)} date."
    if errors:
        raise ValidationError(errors)


AGREEMENT_FIELDS = ("title", "counterpart", "binding", "notes", "signed_on", "in_force_on")


@transaction.atomic
def agreement_update(*, actor: Any, agreement: Agreement, **changes: Any) -> Agreement:
    """Correct an agreement's title, counterpart, binding nature, notes, or its dates of
    signature and entry into force (the dates its state has)."""
    require_perm(actor, "agreements.manage_agreement", agreement)

    def validate(changed: Agreement) -> None:
        if not changed.title:
            raise ValidationError({"title": "Give the agreement's title."})
        _check_counterpart(changed.country, changed.counterpart)
        _check_agreement_dates(changed)
        changed.full_clean()

    apply_changes(
        actor=actor,
        obj=agreement,
        changes=changes,
        fields=AGREEMENT_FIELDS,
        action="agreement.updated",
        validate=validate,
    )
    return agreement


def _agreement_move(
    agreement: Agreement,
    move: str,
    *,
    actor: Any,
    fields: dict[str, Any],
    reason: str = "",
    check: Callable[[], None] | None = None,
) -> Agreement:
    def checked() -> None:
        if check is not None:
            check()
        before = {name: getattr(agreement, name) for name in fields}
        for name, value in fields.items():
            setattr(agreement, name, value)
        try:
            _check_agreement_dates_after(agreement, AGREEMENT.named(move).target)
        finally:
            for name, value in before.items():  # the move sets them once it is allowed
                setattr(agreement, name, value)

    transition(
        actor=actor,
        obj=agreement,
        workflow=AGREEMENT,
        move=move,
        why=reason,
        fields={**fields, "status_reason": reason} if reason else fields,
        audited=tuple(fields),
        check=checked,
    )
    return agreement


def _check_agreement_dates_after(agreement: Agreement, target: str) -> None:
    """The agreement's dates as they will be once it is in ``target``."""
    before = agreement.status
    agreement.status = target
    try:
        _check_agreement_dates(agreement)
    finally:
        agreement.status = before


def _reason_required(reason: str, what: str) -> Callable[[], None]:
    def check() -> None:
        if not reason:
            raise ValidationError({"status_reason": f"Say why {what}."})

    return check


@transaction.atomic
def agreement_sign(*, actor: Any, agreement: Agreement, on: date | None) -> Agreement:
    _not_future(on, "signed_on", "of signature")
    return _agreement_move(agreement, "signed", actor=actor, fields={"signed_on": on})


@transaction.atomic
def agreement_enter_into_force(*, actor: Any, agreement: Agreement, on: date | None) -> Agreement:
    _not_future(on, "in_force_on", "of entry into force")
    return _agreement_move(agreement, "in_force", actor=actor, fields={"in_force_on": on})


@transaction.atomic
def agreement_suspend(
    *, actor: Any, agreement: Agreement, on: date | None, reason: str
) -> Agreement:
    reason = reason.strip()
    _not_future(on, "suspended_on", "of suspension")
    return _agreement_move(
        agreement,
        "suspended",
        actor=actor,
        fields={"suspended_on": on},
        reason=reason,
        check=_reason_required(reason, "the agreement is suspended"),
    )


@transaction.atomic
def agreement_resume(*, actor: Any, agreement: Agreement, reason: str = "") -> Agreement:
    """The suspension is lifted: the agreement is in force again (its history keeps when it
    was suspended)."""
    return _agreement_move(
        agreement, "resumed", actor=actor, fields={"suspended_on": None}, reason=reason.strip()
    )


@transaction.atomic
def agreement_terminate(
    *, actor: Any, agreement: Agreement, on: date | None, reason: str
) -> Agreement:
    """The agreement ends (or its negotiation is abandoned); open requests under it must be
    settled first."""
    reason = reason.strip()
    _not_future(on, "terminated_on", "it ended")

    def check() -> None:
        _reason_required(reason, "the agreement ends")()
        waiting = agreement.requests.filter(status__in=(*OPEN, RequestStatus.DRAFT)).count()
        if waiting:
            raise ValidationError(
                f"{waiting} request(s) under it are still open: answer, refuse or close them first."
            )

    return _agreement_move(
        agreement,
        "terminated",
        actor=actor,
        fields={"terminated_on": on},
        reason=reason,
        check=check,
    )


# The moves whose page form or API body gives a date, a reason, or both.
AGREEMENT_MOVE_ARGUMENTS = {
    "signed": ("on",),
    "in_force": ("on",),
    "suspended": ("on", "reason"),
    "resumed": ("reason",),
    "terminated": ("on", "reason"),
}


@transaction.atomic
def agreement_move(
    *, actor: Any, agreement: Agreement, move: str, on: date | None = None, reason: str = ""
) -> Agreement:
    """A move as the agreement page or the API asks for it, by name, made by its service."""
    if move not in AGREEMENT_MOVE_ARGUMENTS:
        raise ValidationError({"move": f"An agreement has no move “{move}”."})
    given = {"on": on, "reason": reason}
    arguments = {name: given[name] for name in AGREEMENT_MOVE_ARGUMENTS[move]}
    result: Agreement = AGREEMENT.service(AGREEMENT.named(move))(
        actor=actor, agreement=agreement, **arguments
    )
    return result


@transaction.atomic
def agreement_contact_add(
    *, actor: Any, agreement: Agreement, staff: Staff | None = None, person: Person | None = None
) -> Agreement:
    """Designate a contact official: one of ours (staff) or one of the partner's (a person of
    the agreement's country)."""
    require_perm(actor, "agreements.manage_agreement", agreement)
    if (staff is None) == (person is None):
        raise ValidationError("Name one contact: one of ours or one of the partner's.")
    if agreement.status == AgreementStatus.TERMINATED:
        raise ValidationError("The agreement has ended: it has no contacts any more.")
    if staff is not None:
        if not staff.active:
            raise ValidationError({"staff": f"{staff} is no longer active."})
        if agreement.our_contacts.filter(pk=staff.pk).exists():
            raise ValidationError({"staff": f"{staff} is already a contact."})
        agreement.our_contacts.add(staff)
        label, side = str(staff), "our_contact"
    else:
        assert person is not None
        if person.is_merged:
            raise ValidationError({"person": f"{person} was merged into another record."})
        country = person.nationality_id or (person.agency.country_id if person.agency else None)
        if country != agreement.country_id:
            raise ValidationError(
                {"person": f"{person} is not an official of {agreement.country}."}
            )
        if agreement.their_contacts.filter(pk=person.pk).exists():
            raise ValidationError({"person": f"{person} is already a contact."})
        agreement.their_contacts.add(person)
        label, side = str(person), "their_contact"
    audit_log(
        actor=actor, action="agreement.contact_added", obj=agreement, changes={side: [None, label]}
    )
    return agreement


@transaction.atomic
def agreement_contact_remove(
    *, actor: Any, agreement: Agreement, staff: Staff | None = None, person: Person | None = None
) -> Agreement:
    require_perm(actor, "agreements.manage_agreement", agreement)
    if staff is not None and agreement.our_contacts.filter(pk=staff.pk).exists():
        agreement.our_contacts.remove(staff)
        label, side = str(staff), "our_contact"
    elif person is not None and agreement.their_contacts.filter(pk=person.pk).exists():
        agreement.their_contacts.remove(person)
        label, side = str(person), "their_contact"
    else:
        raise ValidationError("That official is not a contact of this agreement.")
    audit_log(
        actor=actor,
        action="agreement.contact_removed",
        obj=agreement,
        changes={side: [label, None]},
    )
    return agreement


# --- assistance requests ----------------------------------------------------------------------


def _state(request: AssistanceRequest) -> str:
    return request.status_label.lower()


def _check_owner(request: AssistanceRequest, owner: Any) -> None:
    if owner is None:
        return
    if not (owner.is_active and owner.has_perm("agreements.work_request", request)):
        country = request.agreement.country
        raise ValidationError(
            {"owner": f"{owner} may not work requests under the CMAA with {country}."}
        )


def _check_request(request: AssistanceRequest) -> None:
    errors: dict[str, str] = {}
    if not request.subject.strip():
        errors["subject"] = "Give the request's subject."
    if request.kind not in RequestKind.values:
        errors["kind"] = "Choose the kind of assistance."
    if request.received_on and request.received_on > _today():
        errors["received_on"] = "The request cannot have been received in the future."
    if request.due_on and request.received_on and request.due_on < request.received_on:
        errors["due_on"] = "The request is due before it was received."
    if errors:
        raise ValidationError(errors)
    request.full_clean(exclude=["reference"])


@transaction.atomic
def assistance_request_file(
    *,
    actor: Any,
    agreement: Agreement,
    direction: str,
    subject: str,
    kind: str,
    legal_basis: str = "",
    details: str = "",
    partner_reference: str = "",
    received_on: date | None = None,
    due_on: date | None = None,
    owner: Any = None,
) -> AssistanceRequest:
    """Record a request the partner sent us (received, its deadline running: by default
    :data:`DEFAULT_ANSWER_DAYS` after it came), or draft one to send (sent once complete).

    A request is made under an agreement in force: an incoming one on the day it came, an
    outgoing one now. Its owner defaults to whoever files it."""
    require_perm(actor, "agreements.file_request", agreement)
    if direction not in Direction.values:
        raise ValidationError({"direction": "Say whether the request is incoming or outgoing."})
    request = AssistanceRequest(
        agreement=agreement,
        direction=direction,
        subject=subject.strip(),
        kind=kind,
        legal_basis=legal_basis.strip(),
        details=details.strip(),
        partner_reference=partner_reference.strip(),
        created_by=actor,
    )
    if direction == Direction.INCOMING:
        if received_on is None:
            raise ValidationError({"received_on": "Give the date the request came."})
        in_force = Agreement.objects.in_force_on(received_on).filter(pk=agreement.pk).exists()
        if not in_force:
            raise ValidationError(
                {
                    "agreement": f"The CMAA with {agreement.country} was not in force on "
                    f"{received_on.day} {received_on:%B %Y}: no request can be made under it."
                }
            )
        request.status = RequestStatus.RECEIVED
        request.received_on = received_on
        request.due_on = due_on or received_on + timedelta(days=DEFAULT_ANSWER_DAYS)
    else:
        if agreement.status != AgreementStatus.IN_FORCE:
            raise ValidationError(
                {
                    "agreement": f"The CMAA with {agreement.country} is "
                    f"{agreement.get_status_display().lower()}: no request can be sent under it."
                }
            )
        request.status = RequestStatus.DRAFT
        request.due_on = due_on
    _check_request(request)
    owner = owner if owner is not None else actor
    _check_owner(request, owner)
    request.owner = owner
    request.reference = next_reference(agreement, direction, request.received_on or _today())
    request.save()
    audit_log(
        actor=actor,
        action="assistance_request.filed",
        obj=request,
        changes={
            "direction": [None, direction],
            "status": [None, request.status],
            "owner": [None, str(owner)],
        },
    )
    _schedule_reminders(request)
    return request


@transaction.atomic
def assistance_request_file_with_letter(
    *, actor: Any, letter: tuple[str, bytes] | None, **values: Any
) -> AssistanceRequest:
    """File a request and attach its letter (its name and bytes) at once: both or neither."""
    request = assistance_request_file(actor=actor, **values)
    if letter is not None:
        filename, data = letter
        document_attach(
            actor=actor,
            request=request,
            kind=DocumentKind.REQUEST_LETTER,
            filename=filename,
            data=data,
        )
    return request


def reference_prefix(country_code: str, direction: str, day: date) -> str:
    """ "IN-PE-2026-": direction, country, fiscal year (of the day received, or drafted)."""
    way = "IN" if direction == Direction.INCOMING else "OUT"
    return f"{way}-{country_code}-{fiscal_year_of(day).year}-"


def next_reference(agreement: Agreement, direction: str, day: date) -> str:
    """The next number of its series ("IN-PE-2026-004"); the agreement's row is locked while
    it is taken, so two requests filed at once are numbered one after the other."""
    Agreement.objects.select_for_update().filter(pk=agreement.pk).values_list("pk").get()
    prefix = reference_prefix(str(agreement.country.code), direction, day)
    taken = AssistanceRequest.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


REQUEST_FIELDS = (
    "subject",
    "kind",
    "legal_basis",
    "details",
    "partner_reference",
    "received_on",
    "due_on",
)


@transaction.atomic
def assistance_request_update(
    *, actor: Any, request: AssistanceRequest, **changes: Any
) -> AssistanceRequest:
    """Correct an open request (or a draft); its deadline's reminders follow the new date.
    The day an incoming request came is corrected here; an outgoing one's is the day sent."""
    require_perm(actor, "agreements.work_request", request)
    if request.status in (*SETTLED, RequestStatus.ANSWERED):
        raise ValidationError(f"This request is {_state(request)}: it is no longer changed.")
    received_before, due_before = request.received_on, request.due_on
    if not request.is_incoming and changes.get("received_on", received_before) != received_before:
        raise ValidationError({"received_on": "An outgoing request's date is the day it is sent."})

    def validate(changed: AssistanceRequest) -> None:
        _check_request(changed)
        if changed.is_incoming and changed.received_on != received_before:
            if changed.received_on is None:
                raise ValidationError({"received_on": "Give the date the request came."})
            in_force = (
                Agreement.objects.in_force_on(changed.received_on)
                .filter(pk=changed.agreement_id)
                .exists()
            )
            if not in_force:
                raise ValidationError(
                    {"received_on": "The agreement was not in force on that date."}
                )
        if changed.is_open and changed.due_on is None:
            raise ValidationError({"due_on": "An open request needs its deadline."})

    apply_changes(
        actor=actor,
        obj=request,
        changes=changes,
        fields=REQUEST_FIELDS,
        action="assistance_request.updated",
        validate=validate,
    )
    if request.due_on != due_before:
        _schedule_reminders(request)
    return request


@transaction.atomic
def assistance_request_assign(
    *, actor: Any, request: AssistanceRequest, owner: Any
) -> AssistanceRequest:
    """Give the request to another handler, who is reminded of its deadline from now on."""
    require_perm(actor, "agreements.work_request", request)
    if request.status in SETTLED:
        raise ValidationError(f"This request is {_state(request)}: it needs no owner now.")
    if owner is None:
        raise ValidationError({"owner": "Choose who works the request."})
    _check_owner(request, owner)
    before = request.owner
    if before == owner:
        return request
    request.owner = owner
    request.save(update_fields=["owner"])
    audit_log(
        actor=actor,
        action="assistance_request.assigned",
        obj=request,
        changes={"owner": [str(before) if before else None, str(owner)]},
    )
    _schedule_reminders(request)
    return request


def _still_changing(request: AssistanceRequest, what: str) -> None:
    if request.status in SETTLED:
        raise ValidationError(f"This request is {_state(request)}: its {what} are settled.")


@transaction.atomic
def assistance_request_person_add(
    *, actor: Any, request: AssistanceRequest, person: Person, role: str = PersonRole.SUBJECT
) -> RequestPerson:
    require_perm(actor, "agreements.work_request", request)
    _still_changing(request, "persons")
    if role not in PersonRole.values:
        raise ValidationError({"role": f"“{role}” is not a role a person has in a request."})
    if person.is_merged:
        raise ValidationError({"person": f"{person} was merged into another record."})
    if request.person_links.filter(person=person).exists():
        raise ValidationError({"person": f"{person} is already named in this request."})
    link = RequestPerson.objects.create(request=request, person=person, role=role)
    audit_log(
        actor=actor,
        action="assistance_request.person_added",
        obj=request,
        changes={"person": [None, str(link)]},
    )
    return link


@transaction.atomic
def assistance_request_person_remove(*, actor: Any, link: RequestPerson) -> None:
    request = link.request
    require_perm(actor, "agreements.work_request", request)
    _still_changing(request, "persons")
    label = str(link)
    link.delete()
    audit_log(
        actor=actor,
        action="assistance_request.person_removed",
        obj=request,
        changes={"person": [label, None]},
    )


@transaction.atomic
def assistance_request_company_add(
    *,
    actor: Any,
    request: AssistanceRequest,
    name: str,
    role: str = CompanyRole.OTHER,
    country: Country | None = None,
    identifier: str = "",
) -> RequestCompany:
    require_perm(actor, "agreements.work_request", request)
    _still_changing(request, "companies")
    name, identifier = " ".join(name.split()), identifier.strip()
    if not name:
        raise ValidationError({"name": "Give the company's name."})
    if role not in CompanyRole.values:
        raise ValidationError({"role": f"“{role}” is not a company's role in a request."})
    if request.companies.filter(name__iexact=name, identifier=identifier).exists():
        raise ValidationError({"name": f"{name} is already named in this request."})
    company = RequestCompany(
        request=request, name=name, role=role, country=country, identifier=identifier
    )
    company.full_clean()
    company.save()
    audit_log(
        actor=actor,
        action="assistance_request.company_added",
        obj=request,
        changes={"company": [None, str(company)]},
    )
    return company


@transaction.atomic
def assistance_request_company_remove(*, actor: Any, company: RequestCompany) -> None:
    request = company.request
    require_perm(actor, "agreements.work_request", request)
    _still_changing(request, "companies")
    label = str(company)
    company.delete()
    audit_log(
        actor=actor,
        action="assistance_request.company_removed",
        obj=request,
        changes={"company": [label, None]},
    )


# --- completeness before an outgoing request is sent ------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str  # what the page lists
    done: bool
    missing: str  # what the refusal says when it is not done


def send_checklist(request: AssistanceRequest) -> list[ChecklistItem]:
    """What an outgoing request needs before it is sent, each ticked or not: the page shows
    the list, and sending refuses while anything is missing."""
    agreement = request.agreement
    has_letter = request.documents.filter(kind=DocumentKind.REQUEST_LETTER).exists()
    concerns = request.person_links.exists() or request.companies.exists()
    today = _today()
    return [
        ChecklistItem(
            "agreement",
            f"The CMAA with {agreement.country} is in force",
            agreement.status == AgreementStatus.IN_FORCE,
            f"The CMAA with {agreement.country} is {agreement.get_status_display().lower()}: "
            "no request can be sent under it.",
        ),
        ChecklistItem(
            "subject",
            "Subject, and the facts and what is asked",
            bool(request.subject.strip() and request.details.strip()),
            "Describe the facts and what is asked of the partner.",
        ),
        ChecklistItem(
            "legal_basis",
            "Legal basis: the article of the agreement",
            bool(request.legal_basis.strip()),
            "Give the article of the agreement the request is made under.",
        ),
        ChecklistItem(
            "concerns",
            "Who or what it concerns: a person or a company",
            concerns,
            "Name at least one person or company the request concerns.",
        ),
        ChecklistItem(
            "letter",
            "The signed request letter is attached",
            has_letter,
            "Attach the signed request letter.",
        ),
        ChecklistItem(
            "due_on",
            "A deadline for the partner's answer, not past",
            request.due_on is not None and request.due_on >= today,
            "Set a deadline for the partner's answer, today or later.",
        ),
        ChecklistItem(
            "owner",
            "An owner to follow it up",
            request.owner_id is not None,
            "Choose who follows the request up.",
        ),
        ChecklistItem(
            "contact",
            "The partner's designated contact is named on the agreement",
            agreement.their_contacts.exists(),
            f"Name the partner's designated contact on the CMAA with {agreement.country} "
            "first: the request goes to them.",
        ),
    ]


def send_refusals(request: AssistanceRequest) -> list[str]:
    return [item.missing for item in send_checklist(request) if not item.done]


# --- the requests' workflows ------------------------------------------------------------------


def _request_move(
    request: AssistanceRequest,
    move: str,
    *,
    actor: Any,
    fields: dict[str, Any] | None = None,
    reason: str = "",
    check: Callable[[], None] | None = None,
) -> AssistanceRequest:
    transition(
        actor=actor,
        obj=request,
        workflow=request_workflow(request),
        move=move,
        why=reason,
        fields={**(fields or {}), **({"status_reason": reason} if reason else {})},
        audited=tuple(fields or {}),
        check=check,
    )
    return request


@transaction.atomic
def assistance_request_send(
    *, actor: Any, request: AssistanceRequest, sent_on: date | None = None
) -> AssistanceRequest:
    """Send a complete outgoing request (:func:`send_checklist`); its deadline runs from now."""
    sent_on = sent_on or _today()

    def check() -> None:
        refusals = send_refusals(request)
        if refusals:
            raise ValidationError(refusals)
        _not_future(sent_on, "received_on", "it was sent")
        if request.due_on is not None and request.due_on < sent_on:
            raise ValidationError({"due_on": "The deadline comes before the day it was sent."})

    _request_move(request, "sent", actor=actor, fields={"received_on": sent_on}, check=check)
    _schedule_reminders(request)
    return request


@transaction.atomic
def assistance_request_start(*, actor: Any, request: AssistanceRequest) -> AssistanceRequest:
    return _request_move(request, "started", actor=actor)


@transaction.atomic
def assistance_request_answer(
    *,
    actor: Any,
    request: AssistanceRequest,
    answer_summary: str,
    answered_on: date | None = None,
) -> AssistanceRequest:
    """Record the answer (ours to an incoming request, the partner's to an outgoing one): when,
    and what it said."""
    answer_summary = answer_summary.strip()
    answered_on = answered_on or _today()

    def check() -> None:
        if not answer_summary:
            raise ValidationError({"answer_summary": "Say what the answer was."})
        _not_future(answered_on, "answered_on", "of the answer")
        if request.received_on and answered_on < request.received_on:
            raise ValidationError(
                {"answered_on": "The answer cannot come before the request was received."}
            )

    return _request_move(
        request,
        "answered",
        actor=actor,
        fields={"answered_on": answered_on, "answer_summary": answer_summary},
        check=check,
    )


@transaction.atomic
def assistance_request_close(*, actor: Any, request: AssistanceRequest) -> AssistanceRequest:
    return _request_move(request, "closed", actor=actor)


@transaction.atomic
def assistance_request_refuse(
    *, actor: Any, request: AssistanceRequest, reason: str
) -> AssistanceRequest:
    """An incoming request refused by headquarters, or the partner's refusal of ours recorded:
    always with the reason (the agreement's grounds, such as sovereignty or public order)."""
    reason = reason.strip()
    return _request_move(
        request,
        "refused",
        actor=actor,
        reason=reason,
        check=_reason_required(reason, "it is refused"),
    )


# The moves whose page form or API body gives more than the request.
REQUEST_MOVE_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "sent": ("sent_on",),
    "started": (),
    "answered": ("answer_summary", "answered_on"),
    "closed": (),
    "refused": ("reason",),
}


@transaction.atomic
def assistance_request_move(
    *, actor: Any, request: AssistanceRequest, move: str, **given: Any
) -> AssistanceRequest:
    """A move as the request page or the API asks for it, by name, made by its service."""
    workflow = request_workflow(request)
    if move not in {m.name for m in workflow.moves}:
        raise ValidationError(
            {"move": f"An {request.get_direction_display().lower()} request has no move “{move}”."}
        )
    defaults = {"sent_on": None, "answered_on": None, "answer_summary": "", "reason": ""}
    arguments = {name: given.get(name, defaults[name]) for name in REQUEST_MOVE_ARGUMENTS[move]}
    result: AssistanceRequest = workflow.service(workflow.named(move))(
        actor=actor, request=request, **arguments
    )
    return result


def request_move_refusals(*, request: AssistanceRequest, move: str) -> list[str]:
    """Why the service would refuse ``move`` for a rule of its own now (the page then shows the
    checklist instead of the button)."""
    return send_refusals(request) if move == "sent" else []


# --- reminders --------------------------------------------------------------------------------


def _schedule_reminders(request: AssistanceRequest) -> None:
    """Queue the deadline's two reminders once the change commits (a rolled-back change queues
    nothing); a reminder's time already past goes out at once."""
    if not (request.is_open and request.due_on and request.owner_id):
        return
    due_on = request.due_on
    times = tasks.reminder_times(due_on)
    now = timezone.now()
    wanted = {name: max(at, now) for name, at in times.items() if at > now}
    if due_on < _today():
        wanted[tasks.OVERDUE] = now  # already overdue: say so now
    elif times[tasks.DUE_SOON] <= now:
        wanted[tasks.DUE_SOON] = now  # due within the week already

    def enqueue() -> None:
        for reminder, at in wanted.items():
            tasks.assistance_request_reminder.using(run_after=at).enqueue(
                request_id=request.pk, due_on=due_on.isoformat(), reminder=reminder
            )

    if wanted:
        transaction.on_commit(enqueue)


# --- documents --------------------------------------------------------------------------------

AGREEMENT_DOCUMENT_KINDS = (DocumentKind.AGREEMENT_TEXT, DocumentKind.SUPPORTING)
REQUEST_DOCUMENT_KINDS = (
    DocumentKind.REQUEST_LETTER,
    DocumentKind.RESPONSE,
    DocumentKind.SUPPORTING,
)


def _document_owner(document: Document) -> tuple[str, Any]:
    """The audit namespace and record a document's entries are filed under."""
    if document.request_id is not None:
        return "assistance_request", document.request
    return "agreement", document.agreement


@transaction.atomic
def document_attach(
    *,
    actor: Any,
    kind: str,
    filename: str,
    data: bytes,
    agreement: Agreement | None = None,
    request: AssistanceRequest | None = None,
) -> Document:
    """Keep a document of an agreement (its text) or of a request (its letter, the answer):
    checked by its content (``core.attachments``), named safely, stored encrypted."""
    if (agreement is None) == (request is None):
        raise ValidationError("Attach the document to an agreement or to a request.")
    if request is not None:
        agreement = request.agreement
    assert agreement is not None
    document = Document(agreement=agreement, request=request, kind=kind, uploaded_by=actor)
    require_perm(actor, "agreements.attach_document", document)
    allowed = REQUEST_DOCUMENT_KINDS if request is not None else AGREEMENT_DOCUMENT_KINDS
    if kind not in allowed:
        names = ", ".join(DocumentKind(k).label.lower() for k in allowed)
        raise ValidationError({"kind": f"Attach here: {names}."})
    checked = attachment_check(filename=filename, data=data)
    same = Document.objects.filter(agreement=agreement, request=request, sha256=checked.sha256)
    if same.exists():
        name = same.values_list("filename", flat=True)[0]
        raise ValidationError({"file": f"This file is already attached, as “{name}”."})
    document.filename = checked.filename
    document.content_type = checked.content_type
    document.size = checked.size
    document.sha256 = checked.sha256
    document.payload = seal(data)
    document.save()
    namespace, owner = _document_owner(document)
    audit_log(
        actor=actor,
        action=f"{namespace}.document_attached",
        obj=owner,
        changes={
            "document": [None, f"{document.get_kind_display()}: {document.filename}"],
            "size": [None, document.size],
        },
    )
    return document


@transaction.atomic
def document_download(*, actor: Any, document: Document) -> bytes:
    """The document's bytes, for whoever may read it; every download is recorded (who, when,
    which file) in the trail of its agreement or request."""
    require_perm(actor, "agreements.download_document", document)
    payload = Document.objects.filter(pk=document.pk).values_list("payload", flat=True).get()
    data = unseal(payload)
    namespace, owner = _document_owner(document)
    audit_log(
        actor=actor,
        action=f"{namespace}.document_downloaded",
        obj=owner,
        changes={"document": [None, f"{document.get_kind_display()}: {document.filename}"]},
    )
    return data
