"""Reads of certificates: the public check by code, and one certificate for signed-in staff."""

from __future__ import annotations

from typing import Any

from liaison.core.access import get_for_user, require_perm
from liaison.training.models import Certificate


def certificate_by_code(*, code: str) -> Certificate | None:
    """The public check: anyone holding a code may see that one certificate."""
    return (
        Certificate.objects.select_related(
            "enrollment__person", "enrollment__delivery__course", "enrollment__delivery__venue"
        )
        .filter(code=code.strip().upper())
        .first()
    )


def certificate_get(*, user: Any, pk: int, perm: str = "training.view_delivery") -> Certificate:
    """The certificate, or 404; 403 unless ``user`` holds ``perm`` on its delivery."""
    certificate = get_for_user(
        Certificate.objects.select_related(
            "enrollment__person",
            "enrollment__delivery__course",
            "enrollment__delivery__venue",
            "enrollment__delivery__country",
            "enrollment__delivery__request",
        ),
        user,
        "training.browse",
        pk=pk,
    )
    require_perm(user, perm, certificate.enrollment.delivery)
    return certificate
