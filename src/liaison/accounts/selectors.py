"""Reads of accounts: a user's own API tokens, and the user list administrators keep."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from liaison.accounts.models import ApiToken, User
from liaison.core.access import get_for_user, require_perm


def api_tokens_of(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user.pk)


def api_token_get_own(*, user: Any, pk: int) -> ApiToken:
    """One of the user's own tokens; anyone else's is a 404, as if it did not exist."""
    return get_for_user(
        ApiToken.objects.filter(user_id=user.pk), user, "accounts.own_tokens", pk=pk
    )


def user_list(*, actor: Any, search: str = "") -> QuerySet[User]:
    require_perm(actor, "accounts.manage_users")
    users = User.objects.select_related("region").order_by("username")
    return users.filter(username__icontains=search) if search else users


def user_get(*, actor: Any, pk: int) -> User:
    return get_for_user(User.objects.all(), actor, "accounts.manage_users", pk=pk)
