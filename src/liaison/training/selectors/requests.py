"""Reads of training requests, scoped to the user."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from liaison.audit.models import AuditEntryQuerySet
from liaison.audit.selectors import audit_history
from liaison.core.access import get_for_user, require_perm
from liaison.partners.models import Country
from liaison.partners.permissions import scope_countries
from liaison.training.models import Delivery, TrainingRequest
from liaison.training.permissions import scope_requests


def _scoped_requests(user: Any) -> QuerySet[TrainingRequest]:
    requests = TrainingRequest.objects.select_related(
        "country", "agency", "course", "funding_source", "requested_by"
    )
    return scope_requests(user, requests)


def request_list(
    *, user: Any, status: str = "", search: str = "", country: str = ""
) -> QuerySet[TrainingRequest]:
    require_perm(user, "training.browse_requests")
    requests = _scoped_requests(user)
    if status:
        requests = requests.filter(status=status)
    if country:
        requests = requests.filter(country__code=country)
    if search:
        requests = requests.filter(
            Q(need__icontains=search)
            | Q(justification__icontains=search)
            | Q(course__title__icontains=search)
            | Q(course__code__icontains=search)
        )
    return requests.order_by("-created_at", "-pk")


def request_get(*, user: Any, pk: int, perm: str = "training.view_request") -> TrainingRequest:
    require_perm(user, "training.browse_requests")  # 403 for roles without requests at all
    return get_for_user(_scoped_requests(user), user, perm, pk=pk)


def request_history(*, request: TrainingRequest) -> AuditEntryQuerySet:
    return audit_history(object_type="training.trainingrequest", object_ids=[str(request.pk)])


def request_deliveries(*, request: TrainingRequest) -> QuerySet[Delivery]:
    """The deliveries approving the request planned."""
    return request.deliveries.select_related("venue", "course")


def request_countries(*, user: Any) -> QuerySet[Country]:
    """The countries a user may file for: an attaché's region, or every country."""
    return scope_countries(user, Country.objects.all())


def request_filter_countries(*, user: Any) -> QuerySet[Country]:
    """The request list's country filter: the countries the user may file for."""
    return request_countries(user=user).only("code", "name")
