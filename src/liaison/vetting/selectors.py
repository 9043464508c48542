"""Reads of vetting records, scoped to the user; and the gate: whether a person's vetting lets
them be confirmed for an event (the services that confirm enforce it, the pages show it)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from liaison.audit.models import AuditEntryQuerySet
from liaison.audit.selectors import audit_history
from liaison.core.access import get_for_user, require_perm
from liaison.people.matching import normalize
from liaison.people.models import Person
from liaison.vetting.models import Purpose, VettingRecord, VettingStatus
from liaison.vetting.permissions import scope_vetting_records

EXPIRY_WINDOW_DAYS = 60


def _scoped(user: Any) -> QuerySet[VettingRecord]:
    return scope_vetting_records(
        user, VettingRecord.objects.select_related("person", "person__nationality")
    )


def vetting_list(
    *, user: Any, status: str = "", search: str = "", purpose: str = ""
) -> QuerySet[VettingRecord]:
    require_perm(user, "vetting.browse")
    records = _scoped(user)
    today = timezone.localdate()
    if status == VettingStatus.EXPIRED:
        records = records.filter(status=VettingStatus.APPROVED, valid_until__lt=today)
    elif status == VettingStatus.APPROVED:
        records = records.filter(status=VettingStatus.APPROVED, valid_until__gte=today)
    elif status:
        records = records.filter(status=status)
    if purpose:
        records = records.filter(purpose=purpose)
    for token in normalize(search).split():
        records = records.filter(person__search_name__contains=token)
    return records.order_by("person__family_name", "person__given_name", "pk")


def vetting_expiring(*, user: Any, days: int = EXPIRY_WINDOW_DAYS) -> QuerySet[VettingRecord]:
    """Approvals that run out within ``days``: renew them before they block anyone."""
    require_perm(user, "vetting.browse")
    today = timezone.localdate()
    return (
        _scoped(user)
        .filter(
            status=VettingStatus.APPROVED,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=days),
        )
        .order_by("valid_until", "pk")
    )


def vetting_get(*, user: Any, pk: int, perm: str = "vetting.view_record") -> VettingRecord:
    require_perm(user, "vetting.browse")  # 403 for roles without vetting; else 404 out of scope
    return get_for_user(_scoped(user), user, perm, pk=pk)


def vetting_records_of_person(*, user: Any, person: Any) -> list[VettingRecord] | None:
    """The person's records of every purpose, or None for a role that does not see vetting."""
    if not user.has_perm("vetting.browse"):
        return None
    return list(_scoped(user).filter(person=person).order_by("purpose"))


def vetting_record_of(*, person: Any, purpose: str) -> VettingRecord:
    """The person's record for ``purpose``; a new, unsaved one ("not submitted") if none."""
    record = VettingRecord.objects.filter(person=person, purpose=purpose).first()
    return record or VettingRecord(person=person, purpose=purpose)


def vetting_history(*, record: VettingRecord) -> AuditEntryQuerySet:
    return audit_history(object_type="vetting.vettingrecord", object_ids=[str(record.pk)])


def vetting_counts(*, user: Any) -> dict[str, int]:
    records = _scoped(user)
    today = timezone.localdate()
    return {
        "submitted": records.filter(status=VettingStatus.SUBMITTED).count(),
        "expiring": records.filter(
            status=VettingStatus.APPROVED,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=EXPIRY_WINDOW_DAYS),
        ).count(),
        "expired": records.filter(status=VettingStatus.APPROVED, valid_until__lt=today).count(),
    }


# --- the gate ----------------------------------------------------------------------------------


def vetting_gate_refusal(
    person: Person, last_day: date, purpose: str = Purpose.LEAHY
) -> str | None:
    """Why ``person`` may not be confirmed for an event ending ``last_day``, or None.

    The hard rule: an approval valid through the event's last day.
    """
    record = VettingRecord.objects.filter(person=person, purpose=purpose).first()
    return gate_refusal(person, record, last_day, purpose)


def gate_refusal(
    person: Person, record: VettingRecord | None, last_day: date, purpose: str = Purpose.LEAHY
) -> str | None:
    """The gate on an already-fetched record, so lists can check many people in one query."""
    label = _in_sentence(Purpose(purpose).label)
    if record is None or record.status == VettingStatus.NOT_SUBMITTED:
        return f"{person} has no {label}: it was never submitted."
    if record.status != VettingStatus.APPROVED:
        return f"{person}'s {label} is {record.get_status_display().lower()}, not approved."
    if not record.is_valid_through(last_day):
        return (
            f"{person}'s {label} approval ends on {record.valid_until:%Y-%m-%d}, "
            f"before the last day, {last_day:%Y-%m-%d}."
        )
    return None


def _in_sentence(label: str) -> str:
    """ "Human-rights (Leahy) vetting" → "human-rights (Leahy) vetting"."""
    return label[:1].lower() + label[1:]
