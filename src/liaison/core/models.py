"""What the bottom layer stores: a partner's file waiting between its preview and its apply."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportState(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Running"
    PREVIEWED = "previewed", "Previewed"
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed"


class ImportFile(models.Model):
    """An uploaded file, encrypted with the personal-data keys, readable only by its owner.

    Rosters and vetting results carry passport numbers and birth dates: the file and its preview
    are kept as Fernet tokens, never in the session, and are deleted on apply, on cancel, or
    after ``core.imports.KEEP_FOR`` by the purge task.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    kind = models.CharField(max_length=40)  # e.g. "training.roster": the handler that reads it
    target_id = models.PositiveIntegerField(null=True, blank=True)  # e.g. the delivery
    filename = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    rows = models.PositiveIntegerField(default=0)  # as the last preview counted them
    payload = models.BinaryField(blank=True)  # the file, encrypted; emptied once applied
    preview = models.BinaryField(blank=True)  # the last preview, encrypted JSON
    decisions = models.JSONField(default=dict, blank=True)  # the user's answers to the preview
    state = models.CharField(
        max_length=12, choices=ImportState.choices, default=ImportState.UPLOADED
    )
    step = models.CharField(max_length=12, blank=True)  # "preview" or "apply" while queued
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_label = models.CharField(max_length=120, blank=True)
    message = models.TextField(blank=True)  # the outcome, or why it failed
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_state_display().lower()})"

    @property
    def busy(self) -> bool:
        return self.state in (ImportState.QUEUED, ImportState.RUNNING)

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))
