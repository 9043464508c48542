"""The roster: nominations (free seats first, then the waiting list), the vetting gate on
confirmation, withdrawals and the waiting list moving up; and importing a partner's roster file,
previewed then applied all or nothing.

The roster file's rows are read and checked in :mod:`liaison.training.roster_file` (no database)
and :mod:`liaison.training.selectors.roster` (against the registry); this module writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from liaison.audit.services import audit_log, audit_log_many, create_with_history
from liaison.audit.transitions import transition
from liaison.core.access import require_perm
from liaison.core.imports import (
    INLINE_ROWS,
    Progress,
    estimate_rows,
    import_file_applied,
    import_file_data,
    import_file_preview,
    import_file_save_preview,
    import_step_queue,
    no_progress,
)
from liaison.core.models import ImportFile, ImportState
from liaison.partners.models import Agency, AgencyKind
from liaison.partners.services import agency_create
from liaison.people.models import Person
from liaison.people.services import person_create_many
from liaison.training.models import Delivery, Enrollment, EnrollmentStatus
from liaison.training.roster_file import NEW, Known, Plan, RosterImported, Row, digest, plan_summary
from liaison.training.rules import NOMINATION_STATES, roster_settled, status_phrase
from liaison.training.selectors.roster import (
    build_plan,
    matching_state,
    roster_upload_delivery,
    seated_count,
)
from liaison.training.workflows import ENROLLMENT
from liaison.vetting.models import Purpose, VettingStatus
from liaison.vetting.selectors import vetting_gate_refusal
from liaison.vetting.services import vetting_submit


def _next_waitlist_position(delivery: Delivery) -> int:
    top = delivery.enrollments.filter(status=EnrollmentStatus.WAITLISTED).aggregate(
        top=Max("waitlist_position")
    )["top"]
    return (top or 0) + 1


def _nomination_refusal(delivery: Delivery, person: Person) -> str | None:
    if delivery.status not in NOMINATION_STATES:
        return f"This delivery is {status_phrase(delivery)}; it takes no more nominations."
    if person.is_merged:
        return f"{person} was merged into another record; nominate that record instead."
    existing = delivery.enrollments.filter(person=person).first()
    if existing is not None:
        return f"{person} is already on this roster ({status_phrase(existing)})."
    return None


@transaction.atomic
def enrollment_nominate(
    *, actor: Any, delivery: Delivery, person: Person, nominated_by: str = ""
) -> Enrollment:
    """Add a participant: a free seat makes them nominated, a full delivery waitlists them."""
    require_perm(actor, "training.manage_roster", delivery)
    Delivery.objects.select_for_update().filter(pk=delivery.pk).first()
    refusal = _nomination_refusal(delivery, person)
    if refusal:
        raise ValidationError({"person": refusal})
    enrollment = Enrollment(delivery=delivery, person=person, nominated_by=nominated_by)
    if seated_count(delivery) >= delivery.capacity:
        enrollment.status = EnrollmentStatus.WAITLISTED
        enrollment.waitlist_position = _next_waitlist_position(delivery)
    enrollment.full_clean()
    enrollment.save()
    audit_log(
        actor=actor,
        action="enrollment.nominated",
        obj=enrollment,
        changes={"status": [None, enrollment.status]},
    )
    return enrollment


@transaction.atomic
def enrollment_set_supervisor(
    *, actor: Any, enrollment: Enrollment, supervisor: Person | None
) -> Enrollment:
    """Name (or clear) the participant's supervisor, whom follow-up surveys ask about them."""
    require_perm(actor, "training.manage_roster", enrollment.delivery)
    if supervisor is not None and supervisor.pk == enrollment.person_id:
        raise ValidationError({"supervisor": "A participant cannot be their own supervisor."})
    if supervisor is not None and supervisor.is_merged:
        raise ValidationError({"supervisor": f"{supervisor} was merged into another record."})
    before = str(enrollment.supervisor) if enrollment.supervisor_id else None
    enrollment.supervisor = supervisor
    enrollment.save(update_fields=["supervisor"])
    audit_log(
        actor=actor,
        action="enrollment.supervisor_set",
        obj=enrollment,
        changes={"supervisor": [before, str(supervisor) if supervisor else None]},
    )
    return enrollment


@transaction.atomic
def enrollment_nominate_many(
    *, actor: Any, delivery: Delivery, nominees: list[tuple[Person, str]]
) -> list[Enrollment]:
    """Nominate many people in file order (a roster import) under the rules of
    :func:`enrollment_nominate`: free seats first, then the waiting list, nobody twice.

    ``nominees`` pairs each person with who nominated them (their agency, usually).
    """
    require_perm(actor, "training.manage_roster", delivery)
    Delivery.objects.select_for_update().filter(pk=delivery.pk).first()
    if delivery.status not in NOMINATION_STATES:
        raise ValidationError(
            f"This delivery is {status_phrase(delivery)}; it takes no more nominations."
        )
    already = dict(
        delivery.enrollments.filter(person__in=[p for p, _ in nominees]).values_list(
            "person_id", "status"
        )
    )
    free = max(0, delivery.capacity - seated_count(delivery))
    position = _next_waitlist_position(delivery)
    enrollments = []
    seen: set[int] = set()
    for person, nominated_by in nominees:
        if person.is_merged:
            raise ValidationError(
                {"person": f"{person} was merged into another record; nominate that record."}
            )
        if person.pk in already or person.pk in seen:
            raise ValidationError({"person": f"{person} is already on this roster."})
        seen.add(person.pk)
        enrollment = Enrollment(delivery=delivery, person=person, nominated_by=nominated_by)
        if free:
            free -= 1
        else:
            enrollment.status = EnrollmentStatus.WAITLISTED
            enrollment.waitlist_position = position
            position += 1
        enrollment.clean_fields(exclude=["delivery", "person", "pre_score", "post_score"])
        enrollments.append(enrollment)
    enrollments = create_with_history(Enrollment, enrollments, actor=actor)
    audit_log_many(
        actor=actor,
        action="enrollment.nominated",
        entries=((e, {"status": [None, e.status]}) for e in enrollments),
    )
    return enrollments


def _enrollment_move(
    enrollment: Enrollment,
    to: str,
    *,
    actor: Any,
    move: str = "",
    why: str = "",
    check: Callable[[], None] | None = None,
    **fields: Any,
) -> Enrollment:
    """Move the enrollment by the ENROLLMENT workflow (the permission is on its delivery)."""
    transition(
        actor=actor,
        obj=enrollment,
        workflow=ENROLLMENT,
        to=to,
        move=move,
        why=why,
        fields=fields,
        check=check,
    )
    return enrollment


@transaction.atomic
def enrollment_confirm(*, actor: Any, enrollment: Enrollment) -> Enrollment:
    """The vetting gate: only an approval valid through the last day confirms a seat."""
    delivery = enrollment.delivery

    def check() -> None:
        refusal = roster_settled(delivery) or vetting_gate_refusal(
            enrollment.person, delivery.ends_on
        )
        if refusal:
            raise ValidationError(refusal)

    return _enrollment_move(
        enrollment,
        EnrollmentStatus.CONFIRMED,
        actor=actor,
        check=check,
        confirmed_at=timezone.now(),
    )


@dataclass(frozen=True)
class ConfirmResult:
    confirmed: list[Enrollment]
    blocked: list[tuple[Enrollment, str]]


def enrollment_confirm_all(*, actor: Any, delivery: Delivery) -> ConfirmResult:
    """Confirm every nominated participant the gate lets through; say who it stopped and why."""
    require_perm(actor, "training.manage_roster", delivery)
    confirmed: list[Enrollment] = []
    blocked: list[tuple[Enrollment, str]] = []
    nominated = delivery.enrollments.filter(status=EnrollmentStatus.NOMINATED).select_related(
        "person", "delivery"
    )
    for enrollment in nominated:
        try:
            confirmed.append(enrollment_confirm(actor=actor, enrollment=enrollment))
        except ValidationError as error:
            blocked.append((enrollment, " ".join(error.messages)))
    return ConfirmResult(confirmed, blocked)


def roster_submit_for_vetting(*, actor: Any, delivery: Delivery) -> list[Person]:
    """Submit every nominee who has never been submitted (or was denied and is nominated
    again) for Leahy vetting, so the vetting office gets the whole roster in one file."""
    require_perm(actor, "training.manage_roster", delivery)
    submitted = []
    for enrollment in delivery.enrollments.filter(
        status__in=(EnrollmentStatus.NOMINATED, EnrollmentStatus.WAITLISTED)
    ).select_related("person"):
        record = enrollment.person.vetting_records.filter(purpose=Purpose.LEAHY).first()
        if record is None or record.status in (VettingStatus.NOT_SUBMITTED, VettingStatus.DENIED):
            vetting_submit(actor=actor, person=enrollment.person)
            submitted.append(enrollment.person)
    return submitted


def _first_waiting(delivery: Delivery) -> Enrollment | None:
    return (
        delivery.enrollments.filter(status=EnrollmentStatus.WAITLISTED)
        .order_by("waitlist_position", "id")
        .first()
    )


def _renumber_waitlist(delivery: Delivery) -> None:
    """Close the gaps in the waiting list."""
    for position, waiting in enumerate(
        delivery.enrollments.filter(status=EnrollmentStatus.WAITLISTED).order_by(
            "waitlist_position", "id"
        ),
        start=1,
    ):
        if waiting.waitlist_position != position:
            waiting.waitlist_position = position
            waiting.save(update_fields=["waitlist_position"])


def _move_up(enrollment: Enrollment, *, actor: Any) -> Enrollment:
    delivery = enrollment.delivery

    def check() -> None:
        settled = roster_settled(delivery)
        if settled:
            raise ValidationError(settled)
        if seated_count(delivery) >= delivery.capacity:
            raise ValidationError("Every seat is taken; nobody moves up from the waiting list.")
        first = _first_waiting(delivery)
        if first is not None and first.pk != enrollment.pk:
            raise ValidationError(f"{first.person} is ahead on the waiting list.")

    return _enrollment_move(
        enrollment,
        EnrollmentStatus.NOMINATED,
        actor=actor,
        check=check,
        waitlist_position=None,
    )


@transaction.atomic
def enrollment_move_up(*, actor: Any, enrollment: Enrollment) -> Enrollment:
    """Give a free seat to the first on the waiting list; those behind move up a place.
    Withdrawals and a larger capacity do this by themselves."""
    delivery = enrollment.delivery
    Delivery.objects.select_for_update().filter(pk=delivery.pk).first()
    _move_up(enrollment, actor=actor)
    _renumber_waitlist(delivery)
    return enrollment


def _promote_waitlist(delivery: Delivery, *, actor: Any) -> Enrollment | None:
    """Give a free seat to the first in line, then close the gaps in the waiting list (also
    when someone left the list itself)."""
    first = None
    if seated_count(delivery) < delivery.capacity:
        first = _first_waiting(delivery)
    if first is not None:
        _move_up(first, actor=actor)
    _renumber_waitlist(delivery)
    return first


@transaction.atomic
def enrollment_withdraw(*, actor: Any, enrollment: Enrollment, reason: str) -> Enrollment:
    """Withdraw a participant; the first on the waiting list takes the freed seat."""
    delivery = enrollment.delivery
    Delivery.objects.select_for_update().filter(pk=delivery.pk).first()

    def check() -> None:
        settled = roster_settled(delivery)
        if settled:
            raise ValidationError(settled)
        if not reason.strip():
            raise ValidationError({"withdrawn_reason": "Say why the participant is withdrawn."})

    _enrollment_move(
        enrollment,
        EnrollmentStatus.WITHDRAWN,
        actor=actor,
        move="withdrawn",
        why=reason.strip(),
        check=check,
        withdrawn_reason=reason.strip(),
        waitlist_position=None,
    )
    _promote_waitlist(delivery, actor=actor)
    return enrollment


# --- importing a roster file ---------------------------------------------------------------


def _upload_plan(
    actor: Any,
    delivery: Delivery,
    upload: ImportFile,
    data: bytes,
    progress: Progress,
    known: Known | None = None,
) -> Plan:
    return build_plan(
        actor=actor,
        delivery=delivery,
        data=data,
        filename=upload.filename,
        decisions=upload.decisions,
        progress=progress,
        known=known,
    )


def roster_import_check(
    *, actor: Any, delivery: Delivery, upload: ImportFile, progress: Progress = no_progress
) -> dict[str, Any]:
    """Build and store the preview of an uploaded roster with the answers given so far."""
    data = import_file_data(upload)
    plan = _upload_plan(actor, delivery, upload, data, progress)
    summary = plan_summary(plan, digest(data))
    summary["matching_state"] = matching_state(data, upload.decisions)
    import_file_save_preview(upload, summary, rows=len(plan.rows))
    return summary


def roster_import_preview(*, actor: Any, delivery: Delivery, upload: ImportFile) -> bool:
    """Preview now, or queue a long file for the worker; True when queued."""
    require_perm(actor, "training.manage_roster", delivery)
    if _row_estimate(upload) > INLINE_ROWS:
        import_step_queue(upload, "preview")
        return True
    roster_import_check(actor=actor, delivery=delivery, upload=upload)
    return False


def _row_estimate(upload: ImportFile) -> int:
    """Rows the file holds, as its last preview counted them, else as its bytes suggest."""
    return upload.rows or estimate_rows(import_file_data(upload))


@transaction.atomic
def _write(actor: Any, plan: Plan) -> RosterImported:
    delivery = plan.delivery
    registered: dict[str, Agency] = {}
    for question in plan.agencies:
        if question.choice == NEW and question.country is not None:
            registered[question.key] = agency_create(
                actor=actor,
                perm="partners.register_agency_from_file",
                country=question.country,
                name=question.written[:200],
                kind=AgencyKind.OTHER,
                notes=f"Registered from the roster of {delivery} as the partner wrote it.",
            )
    answers = {q.key: q.choice for q in plan.agencies}

    def agency_of(row: Row) -> Agency | None:
        if not row.agency_key:
            return None
        if row.agency_key in registered:
            return registered[row.agency_key]
        answer = answers.get(row.agency_key, "")
        return plan.agencies_by_id.get(int(answer)) if answer.isdigit() else None

    kept = plan.kept
    new_rows = [r for r in kept if r.choice is None]
    new_values = []
    for row in new_rows:
        values = dict(row.values)
        agency = agency_of(row)
        if agency is not None:
            values["agency"] = agency
        new_values.append(values)
    created = dict(
        zip(
            (r.number for r in new_rows),
            person_create_many(actor=actor, people=new_values),
            strict=True,
        )
    )
    nominees = []
    for row in kept:
        person = created.get(row.number) or plan.people[row.choice]  # type: ignore[index]
        agency = agency_of(row) or person.agency
        nominees.append((person, (agency.acronym or agency.name)[:150] if agency else ""))
    enrollments = enrollment_nominate_many(actor=actor, delivery=delivery, nominees=nominees)
    waitlisted = sum(1 for e in enrollments if e.status == EnrollmentStatus.WAITLISTED)
    result = RosterImported(
        nominated=len(enrollments) - waitlisted,
        waitlisted=waitlisted,
        matched=len(kept) - len(new_rows),
        created=len(new_rows),
        agencies=len(registered),
    )
    audit_log(
        actor=actor,
        action="delivery.roster_imported",
        obj=delivery,
        changes={
            "rows": [None, len(plan.rows)],
            "skipped_as_duplicates": [None, len(plan.rows) - len(kept)],
            "nominated": [None, result.nominated],
            "waitlisted": [None, result.waitlisted],
            "matched_existing": [None, result.matched],
            "people_created": [None, result.created],
            "agencies_registered": [None, result.agencies],
        },
    )
    return result


def roster_import_write(
    *, actor: Any, delivery: Delivery, upload: ImportFile, progress: Progress = no_progress
) -> RosterImported:
    """Import every row of the stored file with the stored answers, or nothing.

    The preview is built again (the registry or the roster may have changed); if anything is
    wrong or unanswered, the new preview is stored and nothing is written."""
    data = import_file_data(upload)
    previous = import_file_preview(upload) or {}
    known = None
    if previous.get("matching_state") == matching_state(data, upload.decisions):
        known = Known(
            candidates={row["row"]: row["candidates"] for row in previous["rows"]},
            pairs=previous["duplicates"],
        )
    plan = _upload_plan(actor, delivery, upload, data, progress, known)
    if not plan.can_apply:
        import_file_save_preview(upload, plan_summary(plan, digest(data)))
        reasons = [str(p) for p in plan.problems][:5]
        if plan.questions_open:
            reasons.append("Answer the preview's questions first.")
        raise ValidationError(
            ["Nothing was imported.", *reasons]
            if reasons
            else ["Nothing was imported: the file has no rows."]
        )
    progress(len(plan.kept), len(plan.kept), f"Writing {len(plan.kept)} rows (all or nothing)")
    result = _write(actor, plan)
    import_file_applied(upload, str(result))
    return result


def roster_import_apply(
    *, actor: Any, delivery: Delivery, upload: ImportFile
) -> RosterImported | None:
    """Apply now, or queue a long file for the worker (None when queued)."""
    require_perm(actor, "training.manage_roster", delivery)
    if _row_estimate(upload) > INLINE_ROWS:
        import_step_queue(upload, "apply")
        return None
    return roster_import_write(actor=actor, delivery=delivery, upload=upload)


# --- the worker's side --------------------------------------------------------------------


def run_preview(upload: ImportFile, progress: Progress) -> None:
    roster_import_check(
        actor=upload.owner,
        delivery=roster_upload_delivery(upload),
        upload=upload,
        progress=progress,
    )


def run_apply(upload: ImportFile, progress: Progress) -> str:
    """A refusal leaves the new preview on the upload, as the page shows it."""
    try:
        result = roster_import_write(
            actor=upload.owner,
            delivery=roster_upload_delivery(upload),
            upload=upload,
            progress=progress,
        )
    except ValidationError as error:
        ImportFile.objects.filter(pk=upload.pk).update(
            state=ImportState.PREVIEWED, message=" ".join(error.messages)
        )
        return " ".join(error.messages)
    return str(result)
