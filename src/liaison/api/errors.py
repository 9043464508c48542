"""API errors: always JSON, always with a code from :class:`ErrorCode`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from liaison.core.api import ErrorCode, actor, error_body
from liaison.people.selectors import matches_with_people
from liaison.people.services import PossibleDuplicates


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(
            request, 401, error_body(ErrorCode.UNAUTHENTICATED, "Send a valid API token.")
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 403, error_body(ErrorCode.FORBIDDEN, str(exc) or "Forbidden."))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return respond(request, 404, error_body(ErrorCode.NOT_FOUND, "No such record."))

    @api.exception_handler(PossibleDuplicates)
    def duplicates(request: HttpRequest, exc: PossibleDuplicates) -> HttpResponse:
        # Only people the caller may see, with the reasons they may read (birth dates).
        matches = [
            {"person_id": m.person_id, "score": round(m.score, 3), "reasons": list(m.reasons)}
            for m, _ in matches_with_people(user=actor(request), matches=exc.matches)
        ]
        return respond(
            request,
            409,
            error_body(
                ErrorCode.POSSIBLE_DUPLICATES,
                exc.messages[0] + " Send allow_duplicates=true to add anyway.",
                matches=matches,
            ),
        )

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        return respond(
            request, 400, error_body(ErrorCode.INVALID, "; ".join(exc.messages), fields=fields)
        )

    @api.exception_handler(SchemaValidationError)
    def invalid_input(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
        return respond(
            request,
            422,
            error_body(
                ErrorCode.INVALID, "The request does not match the schema.", detail=exc.errors
            ),
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {401: ErrorCode.UNAUTHENTICATED, 403: ErrorCode.FORBIDDEN, 404: ErrorCode.NOT_FOUND}
        return respond(
            request,
            exc.status_code,
            error_body(code.get(exc.status_code, ErrorCode.ERROR), str(exc)),
        )
