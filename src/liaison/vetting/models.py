"""Vetting: one record per person and purpose. Nobody is confirmed without a valid approval."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Purpose(models.TextChoices):
    LEAHY = "leahy", "Human-rights (Leahy) vetting"
    ACCESS = "access", "Facility access clearance"


class VettingStatus(models.TextChoices):
    NOT_SUBMITTED = "not_submitted", "Not submitted"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    SUSPENDED = "suspended", "Suspended"
    # Never stored: an approval whose validity has run out reads as expired.
    EXPIRED = "expired", "Expired"


class VettingRecord(models.Model):
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="vetting_records"
    )
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.LEAHY)
    status = models.CharField(
        max_length=16,
        choices=[c for c in VettingStatus.choices if c[0] != VettingStatus.EXPIRED],
        default=VettingStatus.NOT_SUBMITTED,
    )
    valid_until = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=60, blank=True, help_text="The vetting case number.")
    notes = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose"], name="vetting_one_record_per_purpose"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(valid_until__isnull=False),
                name="vetting_approval_has_an_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} of {self.person}"

    def effective_status(self, today: date | None = None) -> str:
        today = today or timezone.localdate()
        if self.status == VettingStatus.APPROVED and self.valid_until and self.valid_until < today:
            return VettingStatus.EXPIRED
        return self.status

    def effective_status_label(self) -> str:
        return VettingStatus(self.effective_status()).label

    def is_valid_through(self, day: date) -> bool:
        return (
            self.status == VettingStatus.APPROVED
            and self.valid_until is not None
            and self.valid_until >= day
        )
