"""Recording exports in the histories of the records they carry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import models

from liaison.audit.services import audit_log_many


def export_recorder(*, actor: Any, action: str) -> Callable[[Sequence[models.Model], str], None]:
    """An ``on_export`` for :func:`liaison.core.export.table_response`: each exported record
    gets an entry ``action`` (e.g. ``"person.exported"``) naming who exported it, when, and
    the file; written in bulk, a batch at a time."""

    def record(objs: Sequence[models.Model], filename: str) -> None:
        audit_log_many(
            actor=actor, action=action, entries=((obj, {"file": [None, filename]}) for obj in objs)
        )

    return record
