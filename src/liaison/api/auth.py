from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from liaison.accounts.services import api_token_authenticate


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer lsn_…`` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return api_token_authenticate(token)


AUTH = [ApiTokenAuth(), SessionAuth()]
