"""Certificates: issued to those who completed, with a code the public can check; revoked
with a reason."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.audit.services import audit_log
from liaison.core.access import require_perm
from liaison.training.models import (
    Certificate,
    Delivery,
    DeliveryStatus,
    Enrollment,
    EnrollmentStatus,
)
from liaison.training.rules import status_phrase
from liaison.training.selectors.learning import enrollment_completion

# No 0/O or 1/I: the code is read off paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def new_certificate_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Certificate.objects.filter(code=code).exists():
            return code


@transaction.atomic
def certificate_issue(*, actor: Any, enrollment: Enrollment) -> Certificate:
    delivery = enrollment.delivery
    require_perm(actor, "training.issue_certificate", delivery)
    if delivery.status not in (DeliveryStatus.DELIVERED, DeliveryStatus.CLOSED):
        raise ValidationError("Certificates are issued once the delivery is delivered.")
    if Certificate.objects.filter(enrollment=enrollment).exists():
        raise ValidationError(f"{enrollment.person} already has a certificate for this delivery.")
    if enrollment.status != EnrollmentStatus.ATTENDED:
        raise ValidationError(f"{enrollment.person} is {status_phrase(enrollment)}, not attended.")
    completion = enrollment_completion(enrollment)
    if not completion.completed:
        raise ValidationError(f"{enrollment.person} did not complete: {completion.reason}.")
    certificate = Certificate.objects.create(enrollment=enrollment, code=new_certificate_code())
    audit_log(
        actor=actor,
        action="certificate.issued",
        obj=certificate,
        changes={"code": [None, certificate.code]},
    )
    return certificate


@transaction.atomic
def certificates_issue_all(*, actor: Any, delivery: Delivery) -> list[Certificate]:
    """A certificate for every completer who has none yet."""
    require_perm(actor, "training.issue_certificate", delivery)
    if delivery.status not in (DeliveryStatus.DELIVERED, DeliveryStatus.CLOSED):
        raise ValidationError("Certificates are issued once the delivery is delivered.")
    issued = []
    for enrollment in delivery.enrollments.filter(
        status=EnrollmentStatus.ATTENDED, certificate__isnull=True
    ).select_related("person", "delivery__course"):
        if enrollment_completion(enrollment).completed:
            issued.append(certificate_issue(actor=actor, enrollment=enrollment))
    return issued


@transaction.atomic
def certificate_revoke(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    require_perm(actor, "training.revoke_certificate", certificate.enrollment.delivery)
    if certificate.revoked_at is not None:
        raise ValidationError("This certificate is already revoked.")
    if not reason.strip():
        raise ValidationError({"revoked_reason": "Say why the certificate is revoked."})
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason.strip()
    certificate.save()
    audit_log(
        actor=actor,
        action="certificate.revoked",
        obj=certificate,
        changes={"revoked_reason": [None, certificate.revoked_reason]},
    )
    return certificate
