"""Reports kept once made: an annual report, generated in the background, with its PDF."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AnnualReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class AnnualReport(models.Model):
    """One generation of a fiscal year's annual report: the filters it was made with, the
    figures and the narrative it wrote, and its PDF. The PDF is kept in the database (never
    under the static or media roots, so no web server can hand it out): it is sent only by
    ``services.annual_report_download``, which checks the permission and records the
    download."""

    fiscal_year = models.PositiveSmallIntegerField()
    # The filters as printed on the report: {"fiscal_year": 2015, ...} (names to values).
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=AnnualReportStatus.choices, default=AnnualReportStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.PositiveSmallIntegerField(default=0)
    progress_total = models.PositiveSmallIntegerField(default=0)
    progress_label = models.CharField(max_length=120, blank=True)
    figures = models.JSONField(default=dict, blank=True)
    # The narrative, one paragraph per entry.
    narrative = models.JSONField(default=list, blank=True)
    pdf = models.BinaryField(blank=True, editable=False)
    pdf_size = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Annual report FY{self.fiscal_year} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def busy(self) -> bool:
        return self.status in (AnnualReportStatus.QUEUED, AnnualReportStatus.RUNNING)

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def filename(self) -> str:
        return f"annual-report-fy{self.fiscal_year}-{self.pk}.pdf"
