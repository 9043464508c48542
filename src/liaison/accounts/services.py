"""Accounts: users and their roles (administrators only) and personal API tokens."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.accounts.models import TOKEN_PREFIX_LENGTH, ApiToken, User
from liaison.accounts.roles import Role
from liaison.audit.services import apply_changes, audit_log, diff, snapshot
from liaison.core.access import require_perm

USER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "region",
    "funding_source",
    "is_active",
)


def _validate_scope(user: User) -> None:
    if user.role == Role.ATTACHE and user.region_id is None:
        raise ValidationError({"region": "An attaché must be given the region they cover."})
    if user.role != Role.ATTACHE and user.region_id is not None:
        raise ValidationError({"region": "Only attachés are scoped to a region."})
    if user.role != Role.SPONSOR and user.funding_source_id is not None:
        raise ValidationError({"funding_source": "Only sponsors are scoped to a funding source."})


@transaction.atomic
def user_create(*, actor: Any, password: str | None = None, **values: Any) -> User:
    require_perm(actor, "accounts.manage_users")
    user = User(**values)
    _validate_scope(user)
    user.full_clean(exclude=["password"])
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_log(
        actor=actor, action="user.created", obj=user, changes=diff({}, snapshot(user, USER_FIELDS))
    )
    return user


@transaction.atomic
def user_update(*, actor: Any, user: User, **changes: Any) -> User:
    require_perm(actor, "accounts.manage_users")
    if user.pk == actor.pk and changes.get("role", user.role) != Role.ADMINISTRATOR:
        raise ValidationError({"role": "You cannot remove your own administrator role."})

    def validate(changed: User) -> None:
        _validate_scope(changed)
        changed.full_clean(exclude=["password"])

    apply_changes(
        actor=actor,
        obj=user,
        changes=changes,
        fields=USER_FIELDS,
        action="user.updated",
        validate=validate,
    )
    return user


@transaction.atomic
def api_token_create(*, actor: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for the actor. The raw value is returned once and never stored."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("Sign in to create an API token.")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the token after what will use it."})
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=actor,
        name=name[:100],
        prefix=raw[4 : 4 + TOKEN_PREFIX_LENGTH],
        digest=ApiToken.hash(raw),
    )
    audit_log(actor=actor, action="api_token.created", obj=token)
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk and not actor.has_perm("accounts.manage_users"):
        raise PermissionDenied("You can only revoke your own tokens.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_log(actor=actor, action="api_token.revoked", obj=token)
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user holding this token, or None; records when it was last used."""
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(digest=ApiToken.hash(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
