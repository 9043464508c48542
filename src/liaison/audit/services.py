"""Writing the audit trail. Every service that changes a record calls :func:`audit_log`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone

from liaison.audit.context import current_origin
from liaison.audit.models import AuditEntry
from liaison.core.bulk import insert_rows

M = TypeVar("M", bound=models.Model)

# Values never written into the audit trail in clear.
MASKED = "(hidden)"


def object_type_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields``, to compare after a change."""
    return {name: getattr(obj, name) for name in fields}


def diff(
    before: dict[str, Any], after: dict[str, Any], *, masked: Iterable[str] = ()
) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for each changed field; masked fields say only that they changed."""
    hidden = set(masked)
    changes: dict[str, list[Any]] = {}
    for name, new in after.items():
        old = before.get(name)
        if old != new:
            if name in hidden:
                changes[name] = [MASKED if old else "", MASKED if new else ""]
            else:
                changes[name] = [_plain(old), _plain(new)]
    return changes


def audit_log(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry: ``action`` is namespaced, e.g. ``"person.merged"``."""
    origin = current_origin()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_name=(actor.get_username() if is_user else "system"),
        action=action,
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        object_label=str(obj)[:255],
        changes={k: v for k, v in (changes or {}).items()},
        ip_address=origin.ip_address,
        channel=origin.channel,
    )


def audit_log_many(
    *, actor: Any, action: str, entries: Iterable[tuple[models.Model, dict[str, Any]]]
) -> int:
    """Append one entry per object, as :func:`audit_log` would, in one plain statement per
    thousand: an import of ten thousand rows records each of them without building ten
    thousand model objects."""
    db = connections[DEFAULT_DB_ALIAS]
    origin = current_origin()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    constant = {
        "at": timezone.now(),
        "actor_id": actor.pk if is_user else None,
        "actor_name": actor.get_username() if is_user else "system",
        "action": action,
        "ip_address": origin.ip_address,
        "channel": origin.channel,
    }
    prepared = tuple(
        _concrete_field(AuditEntry, name).get_db_prep_save(value, db)
        for name, value in constant.items()
    )
    changes_field = _concrete_field(AuditEntry, "changes")
    rows = [
        (
            *prepared,
            object_type_of(obj),
            str(obj.pk),
            str(obj)[:255],
            changes_field.get_db_prep_save(dict(changes), db),
        )
        for obj, changes in entries
    ]
    columns = [*constant, "object_type", "object_id", "object_label", "changes"]
    fields = [_concrete_field(AuditEntry, name) for name in columns]
    insert_rows(AuditEntry._meta.db_table, [str(f.column) for f in fields], rows)
    return len(rows)


def create_with_history(model: type[M], objects: list[M], *, actor: Any = None) -> list[M]:
    """``bulk_create``, then each record's first history row ("+", now, by ``actor``): the
    rows ``bulk_create_with_history`` writes, as plain inserts. Each value is prepared once by
    its field (encrypted fields encrypted, dates adapted) and serves both the record and its
    history row, so an import of ten thousand people encrypts each passport number once."""
    db = connections[DEFAULT_DB_ALIAS]  # the real connection: the proxy costs a lookup a value
    meta = model._meta
    fields = meta.concrete_fields
    pk_index = fields.index(meta.pk)
    rows = []
    for obj in objects:
        # As bulk_create does: a related object saved since it was assigned lends its id.
        obj._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
        rows.append([f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields])
    ids = _insert_with_new_ids(meta.db_table, [str(f.column) for f in fields], pk_index, rows, db)
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = db.alias
    if not objects or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return objects
    history: Any = model.history.model  # type: ignore[attr-defined]
    tracked = [_concrete_field(history, f.attname) for f in history.tracked_fields]
    position = {f.attname: i for i, f in enumerate(fields)}
    taken = [position[f.attname] for f in tracked]
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    extra = {
        "history_date": timezone.now(),
        "history_type": "+",
        "history_change_reason": "",
        "history_user_id": actor.pk if is_user else None,
    }
    prepared_extra = tuple(
        _concrete_field(history, name).get_db_prep_save(value, db) for name, value in extra.items()
    )
    columns = [str(f.column) for f in tracked] + [
        str(_concrete_field(history, name).column) for name in extra
    ]
    insert_rows(
        str(history._meta.db_table),
        columns,
        (tuple(row[i] for i in taken) + prepared_extra for row in rows),
    )
    return objects


def _insert_with_new_ids(
    table: str, columns: list[str], pk_index: int, rows: list[list[Any]], db: Any
) -> list[int]:
    """Insert ``rows`` under new primary keys, set in each row; returns the keys in order.

    PostgreSQL hands out the keys from the table's sequence first. SQLite gives the first
    row its key as it is inserted; that insert holds the database's write lock until the
    transaction ends, so the next keys are that one's successors and nobody else's."""
    if not rows:
        return []
    quote = db.ops.quote_name
    with transaction.atomic(using=db.alias), db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, columns[pk_index], len(rows)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        else:
            rest = [c for i, c in enumerate(columns) if i != pk_index]
            first = [v for i, v in enumerate(rows[0]) if i != pk_index]
            cursor.execute(
                f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in rest)}) "  # noqa: S608 - quoted names
                f"VALUES ({', '.join(['%s'] * len(rest))})",
                first,
            )
            ids = list(range(cursor.lastrowid, cursor.lastrowid + len(rows)))
        for row, pk in zip(rows, ids, strict=True):
            row[pk_index] = pk
        insert_rows(table, columns, rows if db.vendor == "postgresql" else rows[1:])
    return ids


def _concrete_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def apply_changes(
    *,
    actor: Any,
    obj: M,
    changes: dict[str, Any],
    fields: Sequence[str],
    action: str,
    validate: Callable[[M], None],
    masked: Iterable[str] = (),
) -> dict[str, list[Any]]:
    """The common end of every ``<entity>_update`` service.

    Refuses unknown fields, sets the (stripped) values, lets ``validate`` check rules and
    permissions on the changed object, saves, and audits what really changed.
    """
    unknown = set(changes) - set(fields)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}")
    before = snapshot(obj, fields)
    for field, value in changes.items():
        setattr(obj, field, value.strip() if isinstance(value, str) else value)
    try:
        validate(obj)
    except Exception:
        # A refused change leaves the caller's object as it was, not half-changed.
        for field, value in before.items():
            setattr(obj, field, value)
        raise
    obj.save()
    changed = diff(before, snapshot(obj, fields), masked=masked)
    if changed:
        audit_log(actor=actor, action=action, obj=obj, changes=changed)
    return changed
