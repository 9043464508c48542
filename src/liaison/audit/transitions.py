"""The one way a record changes state: the move is checked against its workflow and the
actor's permission, and who made it, when and why is recorded in the record's history and in
the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from liaison.audit.services import audit_log
from liaison.core.access import require_perm
from liaison.core.workflows import Move, Workflow


def transition(
    *,
    actor: Any,
    obj: models.Model,
    workflow: Workflow,
    to: str = "",
    move: str = "",
    why: str = "",
    fields: dict[str, Any] | None = None,
    audited: tuple[str, ...] = (),
    check: Callable[[], None] | None = None,
    logged_on: models.Model | None = None,
) -> Move:
    """Move ``obj`` to state ``to``, or by the move named ``move`` (when two moves reach one
    state and only one is meant), and save it with ``fields`` set.

    In this order: the actor needs the move's permission on ``obj`` (or on what the workflow's
    ``perm_on`` names; PermissionDenied), the workflow must declare the move from the current
    state, then ``check`` runs the caller's own domain rules (both ValidationError).
    An undeclared move is refused in the declaration's words (``Workflow.refusal_of``).
    ``audited`` names the fields whose new values the audit entry shows beside the state;
    ``why`` goes to the history row and the audit entry. ``logged_on`` files the audit entry
    under another record (a stop's answer belongs to its visit's trail), the state change then
    named after ``obj``.
    """
    if not (to or move):
        raise TypeError("Say where the record goes: to= a state, or move= a move's name.")
    before = workflow.state_of(obj)
    if move:
        named = workflow.named(move)
        to = to or named.target
        declared = named if before in named.sources and named.target == to else None
        perms = {named.perm}
    else:
        declared = workflow.move_to(before, to)
        perms = {declared.perm} if declared else {m.perm for m in workflow.moves if m.target == to}
    for perm in sorted(perms):
        require_perm(actor, perm, workflow.guarded(obj))
    if declared is None:
        raise ValidationError(workflow.refusal_of(obj, to, move=move))
    if check is not None:
        check()
    setattr(obj, workflow.field, to)
    for name, value in (fields or {}).items():
        setattr(obj, name, value)
    obj.full_clean()
    obj._change_reason = why  # type: ignore[attr-defined]  # the history row's "why" …
    if getattr(actor, "is_authenticated", False):
        obj._history_user = actor  # type: ignore[attr-defined]  # … and "who", off a request too
    obj.save()
    key = workflow.field if logged_on is None else str(obj)
    changes: dict[str, Any] = {key: [before, to]}
    changes.update({name: [None, str(getattr(obj, name))] for name in audited})
    if why:
        changes["reason"] = [None, why]
    audit_log(
        actor=actor,
        action=workflow.action(declared),
        obj=obj if logged_on is None else logged_on,
        changes=changes,
    )
    return declared
