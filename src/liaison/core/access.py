"""Fetch-and-authorize helpers shared by every app's selectors and services, and the scope
helpers every app's permissions.py writes its scopes with (it alone knows the roles)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
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


# --- scopes: which records a user may see, written once ----------------------------------
#
# An app's permissions.py writes a scope as a ``Q`` of plain lookups. ``scope_<model>`` filters
# a list with it; the object predicate (``can_view_<model>``) tests one record with
# :func:`matches`, which reads the same ``Q`` off the object. A list and a detail page cannot
# disagree, and a record not saved yet (a form being filled) is judged the same way.

EVERYTHING = Q()
NOTHING = Q(pk__in=[])


def within_region(user: Any, *paths: str) -> Q:
    """Records whose region, reached by any of ``paths`` (``"country__region_id"``), is the
    user's; nothing for a user without a region (``region_id=None`` would match every record
    without one)."""
    if user.region_id is None:
        return NOTHING
    condition = Q()
    for path in paths:
        condition |= Q(**{path: user.region_id})
    return condition


def matches(obj: Any, condition: Q) -> bool:
    """Whether ``obj`` satisfies ``condition`` as the database would: lookups ``a__b__c`` (exact),
    ``…__in`` and ``…__isnull`` across foreign keys and to-many relations (any related record),
    combined with AND, OR and NOT."""
    children: list[Any] = list(condition.children)
    results = (
        matches(obj, child) if isinstance(child, Q) else _lookup_holds(obj, *child)
        for child in children
    )
    value = any(results) if condition.connector == Q.OR else all(results)
    return not value if condition.negated else value


_OPERATORS = {"exact", "in", "isnull"}


def _lookup_holds(obj: Any, lookup: str, expected: Any) -> bool:
    parts = lookup.split("__")
    operator = parts.pop() if parts[-1] in _OPERATORS else "exact"
    values = list(_values(obj, parts))
    if operator == "isnull":
        return any(v is None for v in values) == bool(expected)
    if operator == "in":
        wanted = {_key(e) for e in expected}
        return any(v is not None and _key(v) in wanted for v in values)
    return any(v is not None and _key(v) == _key(expected) for v in values)


def _values(obj: Any, parts: list[str]) -> Any:
    if obj is None:
        yield None
        return
    if not parts:
        yield obj
        return
    head, rest = parts[0], parts[1:]
    if head == "pk":
        yield from _values(obj.pk, rest)
        return
    value = getattr(obj, head)
    if isinstance(value, models.Manager):
        related = list(value.all()) if obj.pk is not None else []
        if not related:
            yield None
        for item in related:
            yield from _values(item, rest)
        return
    yield from _values(value, rest)


def _key(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value
