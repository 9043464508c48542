"""Where the current change comes from (address and channel), for the audit trail."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    ip_address: str | None = None
    channel: str = "cli"  # web, api or cli


_origin: ContextVar[Origin | None] = ContextVar("liaison_audit_origin", default=None)


def current_origin() -> Origin:
    return _origin.get() or Origin()


def set_origin(origin: Origin) -> object:
    return _origin.set(origin)


def reset_origin(token: object) -> None:
    _origin.reset(token)  # type: ignore[arg-type]
