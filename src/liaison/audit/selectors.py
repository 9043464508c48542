from __future__ import annotations

from datetime import date

from django.db.models import Q

from liaison.audit.models import AuditEntry, AuditEntryQuerySet


def audit_history(*, object_type: str, object_ids: list[str]) -> AuditEntryQuerySet:
    """The entries about one record (and the records merged into it), newest first."""
    return AuditEntry.objects.for_object(object_type, object_ids).select_related("actor")


def audit_search(
    *,
    text: str = "",
    action: str = "",
    actor: str = "",
    object_type: str = "",
    since: date | None = None,
    until: date | None = None,
) -> AuditEntryQuerySet:
    entries = AuditEntry.objects.select_related("actor")
    if text:
        entries = entries.filter(
            Q(object_label__icontains=text) | Q(object_id=text) | Q(action__icontains=text)
        )
    if action:
        entries = entries.filter(action__startswith=action)
    if actor:
        entries = entries.filter(actor_name__icontains=actor)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries


def audit_object_types() -> list[str]:
    return list(
        AuditEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    )
