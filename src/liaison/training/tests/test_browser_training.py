"""In Chromium, the whole life of a delivery: plan it, import a partner's 30-row roster (three
near-duplicates, two bad rows: see the errors, fix, apply), send the roster to vetting, see the
gate stop the two still pending, record their vetting, confirm, take attendance every day,
enter scores, issue certificates, and verify one on the public page. axe checks every page."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from liaison.accounts.roles import Role
from liaison.catalog.models import Course
from liaison.core.tests.browser import (
    assert_accessible,
    browser_fixture,  # noqa: F401  (registers the "browser" fixture)
    htmx_update,
    page_fixture,  # noqa: F401  (registers the "page" fixture)
    sign_in,
    visit,
)
from liaison.training.models import Certificate, Delivery, EnrollmentStatus
from liaison.training.tests.rosterdata import (
    create_existing_people,
    roster_csv,
    roster_rows,
    roster_xlsx,
)
from liaison.vetting.models import VettingRecord, VettingStatus
from liaison.vetting.services import vetting_approve, vetting_submit

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
# The two nominees the vetting office has not answered for when the roster is confirmed.
STILL_PENDING = 2


def _sign_out(page: Page, live_server) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)


def _results_file(records: list[VettingRecord], valid_until: date) -> bytes:
    """What the vetting office sends back: every record approved."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["record_id", "decision", "valid_until", "reference", "notes"])
    for record in records:
        sheet.append([record.pk, "approved", valid_until.isoformat(), f"L-{record.pk}", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(page: Page, label: str, name: str, content: bytes, mime: str) -> None:
    page.get_by_label(label).set_input_files({"name": name, "mimeType": mime, "buffer": content})


def test_a_delivery_from_plan_to_verified_certificate(
    page, live_server, transactional_db, make_user, make_instructor
):
    page.set_viewport_size({"width": 1280, "height": 900})
    manager = make_user(Role.PROGRAM_MANAGER)
    officer = make_user(Role.VETTING_OFFICER)
    instructor = make_instructor("LBI-101", given_name="Norman", family_name="Roy")
    course = Course.objects.get(code="LBI-101")
    existing = create_existing_people(manager)
    starts_on = date.today() + timedelta(days=21)
    ends_on = starts_on + timedelta(days=course.length_days - 1)
    valid_until = ends_on + timedelta(days=365)
    # The three registered people were vetted for an earlier course.
    for person in existing:
        vetting_approve(
            actor=officer,
            record=vetting_submit(actor=officer, person=person),
            valid_until=valid_until,
        )

    # --- plan: a program manager creates the delivery, assigns the lead, approves, confirms.
    sign_in(page, live_server, manager.username, PASSWORD)
    visit(page, f"{live_server.url}/training/deliveries/new/")
    page.get_by_label("Course").select_option(label=str(course))
    page.get_by_label("Venue").select_option(
        label="International Law Enforcement Academy San Salvador"
    )
    page.get_by_label("First day").fill(starts_on.isoformat())
    page.get_by_label("Last day").fill(ends_on.isoformat())
    page.get_by_label("Funding source").select_option(index=1)
    page.get_by_label("Capacity").fill("30")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    delivery = Delivery.objects.get()
    page.wait_for_url(f"{live_server.url}/training/deliveries/{delivery.pk}/")
    assert_accessible(page)

    page.get_by_label("Instructor").select_option(label=str(instructor))
    page.get_by_label("Role").select_option(label="Lead instructor")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text("assigned")
    assert_accessible(page)
    for button, status in (("Approve", "approved"), ("Confirm", "confirmed")):
        page.get_by_role("button", name=button, exact=True).click()
        expect(page.get_by_role("status")).to_contain_text(f"now {status}")
        assert_accessible(page)

    # --- the partner's roster: errors first, then the fixed file.
    page.get_by_role("link", name="Roster", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Import a roster (XLSX or CSV)").click()
    assert_accessible(page)
    _upload(
        page,
        "Roster file (XLSX or CSV)",
        "roster.xlsx",
        roster_xlsx(roster_rows(existing, with_errors=True)),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    page.get_by_role("button", name="Check the file").click()
    assert_accessible(page)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Row 11")
    expect(main).to_contain_text("Row 23")
    expect(page.get_by_test_id("roster-summary")).to_contain_text("3 matched")
    expect(page.get_by_role("button", name=re.compile(r"^Import \d+"))).to_have_count(0)
    for person in existing:
        expect(main.get_by_role("link", name=f"#{person.pk} {person}").first).to_be_visible()

    page.get_by_role("button", name="Cancel and delete the uploaded file").click()
    assert_accessible(page)
    page.get_by_role("link", name="Import a roster (XLSX or CSV)").click()
    assert_accessible(page)
    _upload(
        page,
        "Roster file (XLSX or CSV)",
        "roster-fixed.csv",
        roster_csv(roster_rows(existing, with_errors=False)),
        "text/csv",
    )
    page.get_by_role("button", name="Check the file").click()
    assert_accessible(page)
    # Its slash dates read both ways: Liaison asks rather than guesses.
    expect(
        page.get_by_role("group", name="In what order does this file write its dates?")
    ).to_be_visible()
    page.get_by_text("Day first: 07/03/1985 is 7 March 1985").click()  # the radio's label
    page.get_by_role("button", name="Check again with these answers").click()
    assert_accessible(page)
    page.get_by_role("button", name="Import 30 participants").click()
    expect(page.get_by_role("status")).to_contain_text("30")
    assert_accessible(page)
    assert delivery.enrollments.filter(status=EnrollmentStatus.NOMINATED).count() == 30
    for person in existing:
        assert delivery.enrollments.filter(person=person).exists()

    # --- vetting: the roster goes to the vetting office, which answers for all but two.
    page.get_by_role("button", name="Submit unvetted nominees for vetting").click()
    expect(page.get_by_role("status")).to_contain_text("27 nominee(s) submitted")
    assert_accessible(page)
    pending = list(
        VettingRecord.objects.filter(status=VettingStatus.SUBMITTED).order_by("person__family_name")
    )
    answered, unanswered = pending[STILL_PENDING:], pending[:STILL_PENDING]
    _sign_out(page, live_server)
    sign_in(page, live_server, officer.username, PASSWORD)
    visit(page, f"{live_server.url}/vetting/results/")
    _upload(
        page,
        "Results file (CSV or XLSX)",
        "results.xlsx",
        _results_file(answered, valid_until),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    page.get_by_role("button", name="Check the file").click()
    assert_accessible(page)
    page.get_by_role("button", name=f"Apply {len(answered)} results").click()
    expect(page.get_by_role("status")).to_contain_text(f"{len(answered)} vetting result(s)")
    assert_accessible(page)
    _sign_out(page, live_server)

    # --- the gate: confirming stops the two still pending, and says why.
    sign_in(page, live_server, manager.username, PASSWORD)
    visit(page, f"{live_server.url}/training/deliveries/{delivery.pk}/roster/")
    page.get_by_role("button", name="Confirm everyone vetted").click()
    expect(page.get_by_role("status")).to_contain_text("28 participant(s) confirmed")
    expect(page.get_by_role("status")).to_contain_text("The vetting gate stopped 2")
    for record in unanswered:
        expect(page.get_by_role("status")).to_contain_text(
            f"{record.person}'s human-rights (Leahy) vetting is submitted, not approved."
        )
    assert_accessible(page)
    visit(page, f"{live_server.url}/training/blocked/")
    for record in unanswered:
        expect(page.get_by_role("main")).to_contain_text(str(record.person))
    _sign_out(page, live_server)

    # --- the vetting officer records the two outstanding decisions.
    sign_in(page, live_server, officer.username, PASSWORD)
    for record in unanswered:
        visit(page, f"{live_server.url}/vetting/{record.pk}/")
        page.get_by_label("Decision").select_option(label="Approve")
        page.get_by_label("Valid until").fill(valid_until.isoformat())
        page.get_by_label("Case number").fill(f"L-{record.pk}")
        page.get_by_role("button", name="Record decision").click()
        expect(page.get_by_role("status")).to_contain_text("approved")
        assert_accessible(page)
    _sign_out(page, live_server)

    sign_in(page, live_server, manager.username, PASSWORD)
    visit(page, f"{live_server.url}/training/deliveries/{delivery.pk}/roster/")
    page.get_by_role("button", name="Confirm everyone vetted").click()
    expect(page.get_by_role("status")).to_contain_text("2 participant(s) confirmed")
    assert_accessible(page)
    assert delivery.enrollments.filter(status=EnrollmentStatus.CONFIRMED).count() == 30

    # --- the course runs: attendance every day on the check-in sheet.
    visit(page, f"{live_server.url}/training/deliveries/{delivery.pk}/")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("status")).to_contain_text("now in progress")
    assert_accessible(page)
    enrollments = list(delivery.enrollments.order_by("person__family_name", "person__given_name"))
    often_absent, late_once, low_scorer = enrollments[0], enrollments[1], enrollments[2]
    for number, day in enumerate(delivery.days, start=1):
        visit(
            page,
            f"{live_server.url}/training/deliveries/{delivery.pk}/attendance/?day={day.isoformat()}",
        )
        sheet = page.get_by_role("region", name="Check-in sheet (table)")
        if number <= 2:  # absent two days of five: 60%, under the 80% needed
            with htmx_update(page):
                sheet.get_by_role("form", name=f"Attendance of {often_absent.person}").get_by_role(
                    "button", name="Absent"
                ).click()
        if number == 1:
            with htmx_update(page):
                sheet.get_by_role("form", name=f"Attendance of {late_once.person}").get_by_role(
                    "button", name="Late"
                ).click()
        page.get_by_role("button", name="Mark everyone not yet marked present").click()
        expect(page.get_by_role("status")).to_contain_text("marked")
        expect(page.locator("#attendance-progress")).to_contain_text("30 of 30 marked")
        assert_accessible(page)

    # --- scores: everyone passes the post-test but one.
    visit(page, f"{live_server.url}/training/deliveries/{delivery.pk}/results/")
    for enrollment in enrollments:
        page.get_by_label(f"Pre-test of {enrollment.person}").fill("45")
        score = "50" if enrollment == low_scorer else "86"
        page.get_by_label(f"Post-test of {enrollment.person}").fill(score)
    page.get_by_role("button", name="Save scores").click()
    expect(page.get_by_role("status")).to_contain_text("Scores saved for 30")
    assert_accessible(page)

    visit(page, f"{live_server.url}/training/deliveries/{delivery.pk}/")
    page.get_by_role("button", name="Mark delivered").click()
    expect(page.get_by_role("status")).to_contain_text("now delivered")
    assert_accessible(page)

    # --- certificates for the 28 who completed.
    visit(page, f"{live_server.url}/training/deliveries/{delivery.pk}/results/")
    expect(page.get_by_role("main")).to_contain_text("28 of 30 complete")
    page.get_by_role("button", name="Issue certificates to every completer").click()
    assert_accessible(page)
    assert Certificate.objects.count() == 28
    assert not Certificate.objects.filter(enrollment__in=[often_absent, low_scorer]).exists()
    certificate = Certificate.objects.get(enrollment=late_once)
    expect(page.get_by_role("link", name=re.compile(certificate.code))).to_be_visible()
    _sign_out(page, live_server)

    # --- anyone holding the code can check it, and sees nothing else.
    visit(page, f"{live_server.url}/verify/{certificate.code}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text(late_once.person.family_name)
    expect(main).to_contain_text(course.title)
    expect(main).to_contain_text("Valid")
    expect(main).not_to_contain_text(late_once.person.email)
