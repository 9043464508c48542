"""Generating the annual report: asked for on its page, written by the task worker with its
progress kept on the report, its PDF sent only to headquarters and every download recorded;
and the same report from the command line."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from liaison.accounts.roles import Role
from liaison.audit.models import AuditEntry
from liaison.catalog.models import Course, FundingSource, Venue
from liaison.catalog.services import reference_catalog_load
from liaison.reports import annual, services
from liaison.reports.models import AnnualReport, AnnualReportStatus
from liaison.reports.tasks import generate_annual_report
from liaison.training.models import Delivery
from liaison.training.services import delivery_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(users, frozen_today):
    """One delivery at ILEA San Salvador in FY2015 (moved to 3 March 2015 once planned)."""
    reference_catalog_load()
    course = Course.objects.get(code="LBI-101")
    starts_on = frozen_today + timedelta(days=30)
    delivery = delivery_create(
        actor=users[Role.PROGRAM_MANAGER],
        course=course,
        venue=Venue.objects.get(code="ILEA-SAL"),
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=4),
        funding_source=FundingSource.objects.get(code="INL"),
        capacity=20,
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        starts_on=date(2015, 3, 3), ends_on=date(2015, 3, 7)
    )
    return delivery


def test_asking_for_a_report_queues_it_for_the_worker(
    users, frozen_today, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.annual_report_request(actor=users[Role.PROGRAM_MANAGER], fiscal_year=2015)
    assert report.status == AnnualReportStatus.QUEUED
    assert report.filters == {"fiscal_year": 2015}
    task = DBTaskResult.objects.get()
    assert task.task_path.endswith("generate_annual_report")
    assert task.args_kwargs["args"] == [report.pk]
    assert AuditEntry.objects.filter(action="annual_report.requested").count() == 1


def test_only_headquarters_asks_for_a_report(users, frozen_today):
    for role in (Role.ATTACHE, Role.SPONSOR, Role.TRAINING_ADVISOR):
        with pytest.raises(PermissionDenied):
            services.annual_report_request(actor=users[role], fiscal_year=2015)
    assert not AnnualReport.objects.exists()


def test_a_year_outside_the_records_is_refused_with_a_reason(users, frozen_today):
    with pytest.raises(ValidationError, match="FY2008 to FY2026"):
        services.annual_report_request(actor=users[Role.ADMINISTRATOR], fiscal_year=2031)


def test_the_worker_writes_the_report_and_its_progress(users, delivered, monkeypatch):
    report = services.annual_report_request(actor=users[Role.PROGRAM_MANAGER], fiscal_year=2015)
    seen = []
    real_pdf = annual.annual_pdf

    def watched_pdf(document):
        # While the PDF is laid out, the page polling the report reads the last step.
        row = AnnualReport.objects.get(pk=report.pk)
        seen.append((row.status, row.progress_done, row.progress_total, row.progress_label))
        return real_pdf(document)

    monkeypatch.setattr(annual, "annual_pdf", watched_pdf)
    generate_annual_report.call(report.pk)

    assert seen == [("running", annual.STEPS - 1, annual.STEPS, "Laying out the PDF")]
    report.refresh_from_db()
    assert report.status == AnnualReportStatus.DONE and report.percent == 100
    assert bytes(report.pdf).startswith(b"%PDF")
    assert report.pdf_size == len(bytes(report.pdf))
    assert report.figures["year"]["deliveries"] == 1
    assert report.narrative[0].startswith(
        "In Fiscal Year 2015, the agency provided one technical assistance and capacity "
        "building session in one country"
    )
    # Running it again (a task delivered twice) changes nothing.
    generate_annual_report.call(report.pk)
    assert AuditEntry.objects.filter(action="annual_report.done").count() == 1


def test_a_failure_is_kept_on_the_report_with_why(users, monkeypatch):
    report = services.annual_report_request(actor=users[Role.PROGRAM_MANAGER], fiscal_year=2015)

    def broken(document):
        raise OSError("no space left on device")

    monkeypatch.setattr(annual, "annual_pdf", broken)
    generate_annual_report.call(report.pk)
    report.refresh_from_db()
    assert report.status == AnnualReportStatus.FAILED
    assert "no space left on device" in report.error
    assert not bytes(report.pdf)


def test_the_page_polls_the_progress_then_reloads_when_done(client, users, delivered):
    manager = users[Role.PROGRAM_MANAGER]
    client.force_login(manager)
    response = client.post(reverse("reports:annual_list"), {"fiscal_year": "2015"})
    report = AnnualReport.objects.get()
    assert response["Location"] == reverse("reports:annual_detail", args=[report.pk])
    page = client.get(response["Location"])
    assert b'role="status"' in page.content and b"Waiting for the task worker" in page.content

    poll = reverse("reports:annual_detail", args=[report.pk]) + "?progress=1"
    assert "HX-Refresh" not in client.get(poll)
    generate_annual_report.call(report.pk)
    assert client.get(poll)["HX-Refresh"] == "true"

    page = client.get(reverse("reports:annual_detail", args=[report.pk]))
    assert b"one technical assistance and capacity building session" in page.content
    assert b"FY2015 (1 October 2014 to 30 September 2015)" in page.content


def test_a_bad_year_on_the_form_is_an_error_not_a_500(client, users, frozen_today):
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = client.post(reverse("reports:annual_list"), {"fiscal_year": "FY15x"})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not AnnualReport.objects.exists()


def test_the_pdf_goes_to_headquarters_and_each_download_is_recorded(client, users, delivered):
    report = services.annual_report_request(actor=users[Role.ADMINISTRATOR], fiscal_year=2015)
    generate_annual_report.call(report.pk)
    url = reverse("reports:annual_pdf", args=[report.pk])
    client.force_login(users[Role.PROGRAM_MANAGER])
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    entry = AuditEntry.objects.get(action="annual_report.downloaded")
    assert entry.actor == users[Role.PROGRAM_MANAGER]
    assert entry.changes["file"][1] == report.filename
    client.force_login(users[Role.SPONSOR])
    assert client.get(url).status_code == 403
    assert AuditEntry.objects.filter(action="annual_report.downloaded").count() == 1


def test_a_report_still_queued_has_no_pdf_yet(client, users, frozen_today):
    report = services.annual_report_request(actor=users[Role.ADMINISTRATOR], fiscal_year=2015)
    client.force_login(users[Role.ADMINISTRATOR])
    response = client.get(reverse("reports:annual_pdf", args=[report.pk]), follow=True)
    assert b"no PDF yet" in response.content
    assert not AuditEntry.objects.filter(action="annual_report.downloaded").exists()


def test_the_command_line_writes_a_real_pdf(tmp_path, delivered):
    target = tmp_path / "fy2015.pdf"
    out = io.StringIO()
    call_command("annual_report", fy=2015, pdf=target, stdout=out, stderr=io.StringIO())
    data = target.read_bytes()
    assert data.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Annual report, Fiscal Year 2015" in text
    assert "technical assistance and capacity" in text
    assert "FY2015 (1 October 2014 to 30 September 2015)" in text
    assert "In Fiscal Year 2015, the agency provided one technical" in out.getvalue()


def test_the_filters_chosen_are_printed_and_a_figure_they_cannot_narrow_is_left_out(
    client, users, delivered
):
    client.force_login(users[Role.PROGRAM_MANAGER])
    client.post(
        reverse("reports:annual_list"),
        {"fiscal_year": "2015", "region": "WHA", "funding_source": "INL"},
    )
    report = AnnualReport.objects.get()
    assert report.filters == {"fiscal_year": 2015, "region": "WHA", "funding_source": "INL"}
    generate_annual_report.call(report.pk)
    report.refresh_from_db()
    # The delivery at ILEA San Salvador is WHA's and INL's; agreements carry no funding source.
    assert report.figures["year"]["deliveries"] == 1
    assert report.figures["year"]["cmaas_in_force"] is None
    assert not any("Customs Mutual Assistance" in p for p in report.narrative)
    page = client.get(reverse("reports:annual_detail", args=[report.pk])).content.decode()
    assert "WHA — " in page
    assert "Customs Mutual Assistance Agreements: not recorded by funding source" in page
    text = " ".join(
        p.extract_text()
        for p in pypdf.PdfReader(
            io.BytesIO(client.get(reverse("reports:annual_pdf", args=[report.pk])).content)
        ).pages
    )
    assert "Bureau" in text and "WHA" in text and "not recorded by funding source" in text


def test_a_filter_that_cannot_be_read_is_refused_and_nothing_is_queued(users, frozen_today):
    with pytest.raises(ValidationError, match="cannot be read"):
        services.annual_report_request(
            actor=users[Role.ADMINISTRATOR], fiscal_year=2015, filters={"country": "X" * 40}
        )
    assert not AnnualReport.objects.exists()
