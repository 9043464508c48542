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

    name: str  # "approve": the audit action is "<workflow>.<name>" (unless ``action`` says)
    sources: tuple[str, ...]
    target: str
    perm: str  # checked on the record (or on what the workflow's ``perm_on`` names)
    label: str  # the button
    service: str  # the function in the app's services that makes the move
    confirm: str = ""  # asked before a move that cannot be taken back
    # The audit action's last part when it is not ``name``: several moves recorded as one
    # action ("enrollment.outcome_recorded" for attended, no-show and lapsed; a visit's
    # planning, started or resumed).
    action: str = ""
    # How this move is refused from a state it does not leave, when not the workflow's
    # ``refusal``: ``{obj}`` (attributes too: ``{obj.person}``), ``{state}``, ``{target}``.
    refusal: str = ""


@dataclass(frozen=True)
class Workflow:
    """The moves of one model's state field."""

    name: str  # "vetting": audit actions are "vetting.<move>"
    field: str
    states: type[models.TextChoices]
    moves: tuple[Move, ...]
    services_module: str  # where each move's ``service`` lives, e.g. "liaison.vetting.services"
    # The attribute holding the object each move's permission is checked on, when it is not
    # the record itself ("delivery": an enrollment's moves are the delivery's roster's).
    perm_on: str = ""
    # How a move the workflow does not declare is refused, when the move has no ``refusal``
    # of its own and not "A <record> that is <state> cannot become <target>.": ``{obj}``,
    # ``{state}`` and ``{target}`` are filled in.
    refusal: str = ""
    # How a state reads inside a refusal when its label does not ("on the waiting list").
    phrases: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        known = set(self.states.values)
        names: set[str] = set()
        for move in self.moves:
            unknown = {*move.sources, move.target} - known
            if unknown:
                raise ValueError(f"{self.name}.{move.name} names unknown states {unknown}.")
            if move.name in names:
                raise ValueError(f"{self.name}.{move.name} is declared twice.")
            names.add(move.name)

    def state_of(self, obj: Any) -> str:
        return str(getattr(obj, self.field))

    def guarded(self, obj: Any) -> Any:
        """The object a move's permission is checked on."""
        return getattr(obj, self.perm_on) if self.perm_on else obj

    def action(self, move: Move) -> str:
        """The audit action a move records: "vetting.approved"."""
        return f"{self.name}.{move.action or move.name}"

    def moves_from(self, state: str) -> list[Move]:
        return [m for m in self.moves if state in m.sources]

    def targets(self, state: str) -> set[str]:
        return {m.target for m in self.moves_from(state)}

    def move_to(self, state: str, target: str, *, name: str = "") -> Move | None:
        """The declared move from ``state`` to ``target`` (the one called ``name``, when
        several lead there), if there is one."""
        return next(
            (
                m
                for m in self.moves_from(state)
                if m.target == target and (not name or m.name == name)
            ),
            None,
        )

    def named(self, name: str) -> Move:
        return next(m for m in self.moves if m.name == name)

    def phrase(self, state: str) -> str:
        """A state as it reads inside a sentence."""
        return dict(self.phrases).get(state) or str(self.states(state).label).lower()

    def refusal_of(self, obj: Any, target: str, *, move: str = "") -> str:
        """Why ``obj`` cannot take the move (called ``move``, or any that leads to ``target``)
        from its current state, in the declaration's words."""
        intended = [self.named(move)] if move else [m for m in self.moves if m.target == target]
        template = next((m.refusal for m in intended if m.refusal), "") or self.refusal
        state, goal = self.phrase(self.state_of(obj)), self.phrase(target)
        if template:
            return template.format(obj=obj, state=state, target=goal)
        noun = str(obj._meta.verbose_name)
        article = "An" if noun[:1].lower() in "aeiou" else "A"
        return f"{article} {noun} that is {state} cannot become {goal}."

    def available(self, user: Any, obj: Any, *, only: Iterable[str] | None = None) -> list[Move]:
        """The moves ``user`` may make on ``obj`` now (its state allows them and the user has
        each one's permission on it): what a page offers as buttons."""
        return self.available_many(user, [obj], only=only)[0]

    def available_many(
        self, user: Any, objs: Iterable[Any], *, only: Iterable[str] | None = None
    ) -> list[list[Move]]:
        """:meth:`available` for each of ``objs``, in order, asking each permission once per
        guarded object: a list page's buttons in a fixed number of queries."""
        wanted = set(only) if only is not None else None
        allowed: dict[tuple[str, Any], bool] = {}

        def may(move: Move, obj: Any) -> bool:
            guarded = self.guarded(obj)
            key = (move.perm, _identity(guarded))
            if key not in allowed:
                allowed[key] = user.has_perm(move.perm, guarded)
            return allowed[key]

        return [
            [
                m
                for m in self.moves_from(self.state_of(obj))
                if (wanted is None or m.name in wanted) and may(m, obj)
            ]
            for obj in objs
        ]

    def service(self, move: Move) -> Callable[..., Any]:
        """The service function that makes ``move`` (imported when first asked for: the
        services import this declaration)."""
        function: Callable[..., Any] = getattr(import_module(self.services_module), move.service)
        return function


def _identity(obj: Any) -> Any:
    """One guarded object, however many Python copies of it a page holds."""
    if isinstance(obj, models.Model) and obj.pk is not None:
        return (obj._meta.label, obj.pk)
    return id(obj)
