"""The reports' background work, run by the task worker (``liaison db_worker``)."""

from __future__ import annotations

from django_tasks import task

from liaison.reports.services import annual_report_generate


@task()
def generate_annual_report(report_id: int) -> None:
    """Generate a queued annual report; one deleted meanwhile is simply skipped."""
    annual_report_generate(report_id=report_id)
