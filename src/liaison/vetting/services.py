"""Vetting transitions (one function each, audited) and the bulk file exchange with the vetting
office. The gate (who may be confirmed) is a read: :mod:`liaison.vetting.selectors`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.audit.services import audit_log, audit_log_many
from liaison.audit.transitions import transition
from liaison.core.access import require_perm
from liaison.core.imports import import_file_applied, import_file_data
from liaison.core.models import ImportFile
from liaison.core.tabular import CellError, Column, DateOrder, TableError, read_table
from liaison.people.models import Person
from liaison.vetting.models import Purpose, VettingRecord, VettingStatus

# The gate is a read (see the selectors); visits still asks the services for it.
from liaison.vetting.selectors import vetting_gate_refusal as vetting_gate_refusal
from liaison.vetting.workflows import VETTING


def vetting_record_for(person: Person, purpose: str = Purpose.LEAHY) -> VettingRecord:
    record, _ = VettingRecord.objects.get_or_create(person=person, purpose=purpose)
    return record


def _move(
    record: VettingRecord,
    to: str,
    *,
    actor: Any,
    why: str = "",
    check: Callable[[], None] | None = None,
    **fields: Any,
) -> VettingRecord:
    transition(
        actor=actor,
        obj=record,
        workflow=VETTING,
        to=to,
        why=why,
        fields=fields,
        audited=tuple(k for k in fields if k in ("valid_until", "reference")),
        check=check,
    )
    return record


@transaction.atomic
def vetting_submit(*, actor: Any, person: Person, purpose: str = Purpose.LEAHY) -> VettingRecord:
    def check() -> None:
        if person.is_merged:
            raise ValidationError(f"{person} was merged into another record; submit that one.")

    return _move(
        vetting_record_for(person, purpose),
        VettingStatus.SUBMITTED,
        actor=actor,
        check=check,
        submitted_at=timezone.now(),
        valid_until=None,
    )


@transaction.atomic
def vetting_approve(
    *, actor: Any, record: VettingRecord, valid_until: date, reference: str = ""
) -> VettingRecord:
    def check() -> None:
        if valid_until < timezone.localdate():
            raise ValidationError({"valid_until": "An approval must be valid until a future date."})

    return _move(
        record,
        VettingStatus.APPROVED,
        actor=actor,
        check=check,
        valid_until=valid_until,
        reference=reference or record.reference,
        decided_at=timezone.now(),
    )


@transaction.atomic
def vetting_deny(
    *, actor: Any, record: VettingRecord, reason: str = "", reference: str = ""
) -> VettingRecord:
    return _move(
        record,
        VettingStatus.DENIED,
        actor=actor,
        why=reason,
        valid_until=None,
        notes=reason or record.notes,
        reference=reference or record.reference,
        decided_at=timezone.now(),
    )


@transaction.atomic
def vetting_suspend(*, actor: Any, record: VettingRecord, reason: str) -> VettingRecord:
    def check() -> None:
        if not reason.strip():
            raise ValidationError({"notes": "Say why the approval is suspended."})

    return _move(
        record,
        VettingStatus.SUSPENDED,
        actor=actor,
        why=reason,
        check=check,
        notes=reason,
        decided_at=timezone.now(),
    )


# The decisions a vetting officer records, each with what its service takes from the form.
DECISION_MOVES = ("approved", "denied", "suspended")


@transaction.atomic
def vetting_decide(
    *,
    actor: Any,
    record: VettingRecord,
    decision: str,
    valid_until: date | None = None,
    reference: str = "",
    notes: str = "",
) -> VettingRecord:
    """A decision as the page's form and the API send it, made by its move's service."""
    if decision not in DECISION_MOVES:
        raise ValidationError({"decision": "Use approved, denied or suspended."})
    if decision == VettingStatus.APPROVED and valid_until is None:
        raise ValidationError({"valid_until": "Give the last day the approval covers."})
    arguments: dict[str, dict[str, Any]] = {
        "approved": {"valid_until": valid_until, "reference": reference},
        "denied": {"reason": notes, "reference": reference},
        "suspended": {"reason": notes},
    }
    service = VETTING.service(VETTING.named(decision))
    result: VettingRecord = service(actor=actor, record=record, **arguments[decision])
    return result


# --- the bulk exchange with the vetting office -------------------------------------------

EXPORT_HEADER = [
    "record_id",
    "purpose",
    "family_name",
    "given_name",
    "native_name",
    "birth_date",
    "nationality",
    "passport_number",
    "agency",
    "position",
    "submitted",
]
KIND_RESULTS = "vetting.results"
# The vetting office's results file; headers may use any of these names.
RESULT_COLUMNS: tuple[Column, ...] = (
    Column(
        "record_id", "Record ID", ("record", "id", "record no", "vetting record"), "digits", True
    ),
    Column(
        "decision",
        "Decision",
        ("result", "outcome", "status", "decisión", "résultat"),
        required=True,
    ),
    Column(
        "valid_until",
        "Valid until",
        ("valid to", "expires", "expiry", "expiry date", "approval ends", "válido hasta"),
        "date",
        future_dates=True,
    ),
    Column("reference", "Reference", ("ref", "reference number", "case", "case number")),
    Column("notes", "Notes", ("note", "comments", "comment", "reason", "remarks")),
)
DECISIONS = {
    "approved": VettingStatus.APPROVED,
    "approve": VettingStatus.APPROVED,
    "denied": VettingStatus.DENIED,
    "deny": VettingStatus.DENIED,
    "suspended": VettingStatus.SUSPENDED,
    "suspend": VettingStatus.SUSPENDED,
}


def vetting_pending_export(*, actor: Any, file: str = "vetting-pending") -> list[list[Any]]:
    """Every submitted record, with what the vetting office needs; the read is logged, and
    each person's history records that ``actor`` exported them in ``file``."""
    require_perm(actor, "vetting.exchange_files")
    records = (
        VettingRecord.objects.filter(status=VettingStatus.SUBMITTED)
        .select_related("person", "person__nationality", "person__agency")
        .order_by("submitted_at", "pk")
    )
    rows = []
    for record in records:
        person = record.person
        rows.append(
            [
                record.pk,
                record.purpose,
                person.family_name,
                person.given_name,
                person.native_name,
                person.birth_date.isoformat() if person.birth_date else "",
                str(person.nationality.code) if person.nationality else "",
                person.passport_number or "",
                person.agency.name if person.agency else "",
                person.position,
                record.submitted_at.date().isoformat() if record.submitted_at else "",
            ]
        )
    audit_log(
        actor=actor,
        action="vetting.pending_exported",
        obj=actor,
        changes={"records": [None, str(len(rows))]},
    )
    audit_log_many(
        actor=actor,
        action="person.exported",
        entries=((record.person, {"file": [None, file]}) for record in records),
    )
    return rows


@dataclass(frozen=True)
class ResultRow:
    row: int
    record: VettingRecord
    decision: str
    valid_until: date | None
    reference: str
    notes: str


@dataclass(frozen=True)
class ResultPreview:
    rows: list[ResultRow]
    errors: list[CellError]
    ambiguous_dates: list[CellError] = field(default_factory=list)
    suggested_order: str = ""
    date_order: str = ""

    @property
    def can_apply(self) -> bool:
        return bool(self.rows) and not self.errors and not self.ambiguous_dates


def vetting_results_preview(
    *, actor: Any, data: bytes, filename: str, date_order: str = ""
) -> ResultPreview:
    """Check a results file row by row; nothing is written.

    Dates that read both ways (07/03/2027) are never guessed: they are listed until the
    user gives the file's date order."""
    require_perm(actor, "vetting.exchange_files")
    try:
        table = read_table(
            data,
            filename,
            RESULT_COLUMNS,
            date_order=DateOrder(date_order) if date_order in ("dmy", "mdy") else None,
        )
    except TableError as error:
        return ResultPreview(rows=[], errors=[CellError(1, "", str(error))])
    # Problems name the column as the file writes it.
    label = {c.key: table.columns.get(c.key, c.label) for c in RESULT_COLUMNS}
    ids = [r.cells.get("record_id", "") for r in table.rows]
    records = {
        str(r.pk): r
        for r in VettingRecord.objects.select_related("person").filter(
            pk__in=[i for i in ids if i.isdigit()]
        )
    }
    rows: list[ResultRow] = []
    errors: list[CellError] = list(table.errors)
    seen: set[int] = set()

    def problem(number: int, column: str, message: str) -> None:
        errors.append(CellError(number, label[column], message, table.sheet))

    for table_row in table.rows:
        number, values = table_row.number, table_row.cells

        record = records.get(values.get("record_id", ""))
        if record is None:
            problem(number, "record_id", "No vetting record has this number.")
            continue
        if record.pk in seen:
            problem(number, "record_id", "This record appears twice in the file.")
            continue
        seen.add(record.pk)
        decision = DECISIONS.get(values.get("decision", "").strip().lower())
        if decision is None:
            problem(number, "decision", "Write approved, denied or suspended.")
            continue
        if decision not in VETTING.targets(record.status):
            problem(
                number,
                "decision",
                f"The record is {record.get_status_display().lower()}; "
                f"it cannot become {decision}.",
            )
            continue
        valid_until = None
        if decision == VettingStatus.APPROVED:
            text = values.get("valid_until", "")
            if not text:
                problem(number, "valid_until", "An approval needs its end date.")
                continue
            try:
                valid_until = date.fromisoformat(text)
            except ValueError:
                continue  # unreadable or read both ways: the reader has said so

            if valid_until < timezone.localdate():
                problem(number, "valid_until", "The approval has already ended.")
                continue
        if decision == VettingStatus.SUSPENDED and not values.get("notes", "").strip():
            problem(number, "notes", "Say why the approval is suspended.")
            continue
        rows.append(
            ResultRow(
                number,
                record,
                decision,
                valid_until,
                values.get("reference", ""),
                values.get("notes", ""),
            )
        )
    return ResultPreview(
        rows=rows,
        errors=errors,
        ambiguous_dates=table.ambiguous_dates,
        suggested_order=table.suggested_order.value if table.suggested_order else "",
        date_order=table.date_order.value if table.date_order else "",
    )


@transaction.atomic
def vetting_results_apply(*, actor: Any, upload: ImportFile) -> int:
    """Apply an uploaded results file with the user's answers: every row, or none if any row
    is wrong; the file is then deleted."""
    require_perm(actor, "vetting.exchange_files")
    preview = vetting_results_preview(
        actor=actor,
        data=import_file_data(upload),
        filename=upload.filename,
        date_order=upload.decisions.get("date_order", ""),
    )
    if not preview.can_apply:
        reasons = [str(e) for e in preview.errors][:10]
        if preview.ambiguous_dates:
            reasons.append("Say in what order the file writes its dates.")
        raise ValidationError(reasons or ["The file has no rows."])
    for row in preview.rows:
        if row.decision == VettingStatus.APPROVED:
            assert row.valid_until is not None
            vetting_approve(
                actor=actor, record=row.record, valid_until=row.valid_until, reference=row.reference
            )
        elif row.decision == VettingStatus.DENIED:
            vetting_deny(actor=actor, record=row.record, reason=row.notes, reference=row.reference)
        else:
            vetting_suspend(actor=actor, record=row.record, reason=row.notes)
    import_file_applied(upload, f"{len(preview.rows)} vetting result(s) applied.")
    return len(preview.rows)
