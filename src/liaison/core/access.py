"""Fetch-and-authorize helpers shared by every app's selectors and services."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404

M = TypeVar("M", bound=models.Model)


def require_perm(user: Any, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless ``user`` holds ``perm`` (on ``obj`` when given)."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(f"You do not have permission to do this ({perm}).")


def get_for_user(queryset: models.QuerySet[M], user: Any, perm: str, **lookup: Any) -> M:
    """The object, or 404 if it does not exist, or 403 if ``user`` may not ``perm`` it."""
    obj = get_object_or_404(queryset, **lookup)
    require_perm(user, perm, obj)
    return obj
