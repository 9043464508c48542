"""What every app's API module shares: who the request acts for, and the error shape.

The API itself (its routers, authentication and error handlers) is assembled in
``liaison.api``, above every app."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.http import HttpRequest


def actor(request: HttpRequest) -> Any:
    """The user the request acts for, whichever way it signed in."""
    return request.auth  # type: ignore[attr-defined]


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    INVALID = "invalid"
    POSSIBLE_DUPLICATES = "possible_duplicates"
    ERROR = "error"


def error_body(code: ErrorCode, message: str, **extra: Any) -> dict[str, Any]:
    return {"code": str(code), "message": message, **extra}
