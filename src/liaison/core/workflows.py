"""State machines declared as data: each record's states, the moves between them, the
permission each move needs, its button label and the service that makes it.

Services enforce a workflow (:func:`liaison.audit.transitions.transition` refuses a move the
declaration does not allow); pages and the API read the same declaration to offer buttons and
to route a requested move to its service, so a button never offers a move the service refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Move:
    """One allowed move: from any of ``sources`` to ``target``."""

    name: str  # "approve": the audit action is "<workflow>.<name>"
    sources: tuple[str, ...]
    target: str
    perm: str  # checked on the record
    label: str  # the button
    service: str  # the function in the app's services that makes the move
    confirm: str = ""  # asked before a move that cannot be taken back
    # The audit action's last part when it is not ``name``: two moves that reach one state
    # from different ones (a visit's planning, started or resumed) keep one action.
    action: str = ""


@dataclass(frozen=True)
class Workflow:
    """The moves of one model's state field."""

    name: str  # "vetting": audit actions are "vetting.<move>"
    field: str
    states: type[models.TextChoices]
    moves: tuple[Move, ...]
    services_module: str  # where each move's ``service`` lives, e.g. "liaison.vetting.services"
    # How a move the workflow does not declare is refused, when not "A <record> that is
    # <state> cannot become <target>.": ``{obj}``, ``{state}`` and ``{target}`` are filled in.
    refusal: str = ""

    def __post_init__(self) -> None:
        known = set(self.states.values)
        for move in self.moves:
            unknown = {*move.sources, move.target} - known
            if unknown:
                raise ValueError(f"{self.name}.{move.name} names unknown states {unknown}.")
        names = [move.name for move in self.moves]
        if len(set(names)) < len(names):
            raise ValueError(f"{self.name} names a move twice.")

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.field))

    def moves_from(self, state: str) -> list[Move]:
        return [m for m in self.moves if state in m.sources]

    def targets(self, state: str) -> set[str]:
        return {m.target for m in self.moves_from(state)}

    def move_to(self, state: str, target: str) -> Move | None:
        """The declared move from ``state`` to ``target``, if there is one."""
        return next((m for m in self.moves_from(state) if m.target == target), None)

    def named(self, name: str) -> Move:
        return next(m for m in self.moves if m.name == name)

    def action(self, move: Move) -> str:
        """The audit action ``move`` records: "<workflow>.<move>"."""
        return f"{self.name}.{move.action or move.name}"

    def available(self, user: Any, obj: Any, *, only: Iterable[str] | None = None) -> list[Move]:
        """The moves ``user`` may make on ``obj`` now (its state allows them and the user has
        each one's permission on it): what a page offers as buttons."""
        wanted = set(only) if only is not None else None
        return [
            m
            for m in self.moves_from(self.state_of(obj))
            if (wanted is None or m.name in wanted) and user.has_perm(m.perm, obj)
        ]

    def service(self, move: Move) -> Callable[..., Any]:
        """The service function that makes ``move`` (imported when first asked for: the
        services import this declaration)."""
        function: Callable[..., Any] = getattr(import_module(self.services_module), move.service)
        return function
