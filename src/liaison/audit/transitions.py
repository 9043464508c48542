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
    to: str,
    why: str = "",
    fields: dict[str, Any] | None = None,
    audited: tuple[str, ...] = (),
    check: Callable[[], None] | None = None,
    move: str = "",
    refused: Callable[[], str] | None = None,
) -> Move:
    """Move ``obj`` to state ``to`` and save it with ``fields`` set.

    In this order: the actor needs the move's permission on ``obj`` (or on what the workflow's
    ``perm_on`` names; PermissionDenied), the workflow must declare the move from the current
    state, then ``check`` runs the caller's own domain rules (both ValidationError).
    ``audited`` names the fields whose new values the audit entry shows beside the state;
    ``why`` goes to the history row and the audit entry. ``move`` names the move when several
    lead to ``to``; ``refused`` words the refusal of an undeclared move in the caller's terms.
    """
    before = workflow.state_of(obj)
    declared = workflow.move_to(before, to, name=move)
    perms = (
        {declared.perm}
        if declared
        else {m.perm for m in workflow.moves if m.target == to and (not move or m.name == move)}
    )
    for perm in sorted(perms):
        require_perm(actor, perm, workflow.guarded(obj))
    if declared is None:
        states = workflow.states
        raise ValidationError(
            refused()
            if refused is not None
            else f"{_article(obj._meta.verbose_name)} that is {states(before).label.lower()} "
            f"cannot become {states(to).label.lower()}."
        )
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
    changes: dict[str, Any] = {workflow.field: [before, to]}
    changes.update({name: [None, str(getattr(obj, name))] for name in audited})
    if why:
        changes["reason"] = [None, why]
    audit_log(actor=actor, action=workflow.action(declared), obj=obj, changes=changes)
    return declared


def _article(noun: object) -> str:
    noun = str(noun)
    return f"{'An' if noun[:1].lower() in 'aeiou' else 'A'} {noun}"
