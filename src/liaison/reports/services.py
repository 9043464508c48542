"""The reports' writes: asking for an annual report, the worker generating it, and sending its
PDF (each download recorded, as every export is)."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError as PydanticError

from liaison.audit.services import audit_log
from liaison.core.access import require_perm
from liaison.core.fiscal import recorded_fiscal_years
from liaison.reports import annual
from liaison.reports.filters import ReportFilters
from liaison.reports.models import AnnualReport, AnnualReportStatus

logger = logging.getLogger(__name__)


def fiscal_years_reported() -> list[int]:
    """The fiscal years a report may be asked for, the current one first."""
    return recorded_fiscal_years(timezone.localdate())


def _check_year(fiscal_year: int) -> None:
    years = fiscal_years_reported()
    if fiscal_year not in years:
        raise ValidationError(
            {
                "fiscal_year": f"Choose a fiscal year from FY{years[-1]} to FY{years[0]} "
                f"(not FY{fiscal_year})."
            }
        )


@transaction.atomic
def annual_report_request(
    *, actor: Any, fiscal_year: int, filters: dict[str, Any] | None = None
) -> AnnualReport:
    """Queue the generation of a fiscal year's annual report; the task worker writes it."""
    require_perm(actor, "reports.generate_annual")
    _check_year(fiscal_year)
    try:
        narrowed = ReportFilters.model_validate(filters or {})
    except PydanticError as error:
        raise ValidationError(f"These filters cannot be read: {error}") from error
    chosen = {k: v for k in annual.SCOPE_KEYS if (v := getattr(narrowed, k))}
    report = AnnualReport.objects.create(
        fiscal_year=fiscal_year,
        filters={"fiscal_year": fiscal_year, **chosen},
        requested_by=actor,
        progress_total=annual.STEPS,
        progress_label="Waiting for the task worker",
    )
    audit_log(
        actor=actor,
        action="annual_report.requested",
        obj=report,
        changes={"fiscal_year": [None, fiscal_year], **{k: [None, v] for k, v in chosen.items()}},
    )
    transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    from liaison.reports.tasks import generate_annual_report

    generate_annual_report.enqueue(report_id)


def _reporter(report_id: int) -> annual.Progress:
    def report(done: int, total: int, label: str) -> None:
        AnnualReport.objects.filter(pk=report_id).update(
            progress_done=done, progress_total=total, progress_label=label[:120]
        )

    return report


def annual_report_generate(*, report_id: int) -> AnnualReport | None:
    """The worker's body: read the figures, write the narrative, draw the charts, lay out the
    PDF and keep it. A failure is kept on the report, with why; nothing half-made is kept."""
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status != AnnualReportStatus.QUEUED:
            return report
        report.status = AnnualReportStatus.RUNNING
        report.started_at = timezone.now()
        report.save(update_fields=["status", "started_at"])
    progress = _reporter(report.pk)
    try:
        document = annual.annual_document(report.filters, progress)
        progress(annual.STEPS - 1, annual.STEPS, "Laying out the PDF")
        pdf = annual.annual_pdf(document)
    except Exception as error:
        logger.exception("Annual report %s failed", report.pk)
        report.status = AnnualReportStatus.FAILED
        report.error = f"{type(error).__name__}: {error}"[:2000]
    else:
        report.status = AnnualReportStatus.DONE
        report.figures = {"year": document.figures, "trend": document.trend}
        report.narrative = document.narrative
        report.pdf = pdf
        report.pdf_size = len(pdf)
        report.progress_done = annual.STEPS
        report.progress_label = "Done"
    report.finished_at = timezone.now()
    report.save()
    audit_log(
        actor=None,
        action=f"annual_report.{report.status}",
        obj=report,
        changes={"error": [None, report.error]} if report.error else {},
    )
    return report


@transaction.atomic
def annual_report_download(*, actor: Any, report: AnnualReport) -> bytes:
    """The report's PDF, for whoever may read it; every download is recorded (who, when)."""
    require_perm(actor, "reports.download_annual", report)
    if report.status != AnnualReportStatus.DONE:
        raise ValidationError(f"This report is {report.get_status_display().lower()}: no PDF yet.")
    data = bytes(AnnualReport.objects.filter(pk=report.pk).values_list("pdf", flat=True).get())
    audit_log(
        actor=actor,
        action="annual_report.downloaded",
        obj=report,
        changes={"file": [None, report.filename]},
    )
    return data
