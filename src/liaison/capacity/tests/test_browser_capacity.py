"""In Chromium: headquarters sets a SAFE program's targets and opens its initial assessment
naming the administration's officials who took part; the assessor scores every standard with
its evidence and submits; headquarters reviews and approves. The manager generates the training
plan, moves and removes items, links a planned course to its scheduled delivery; a monitoring
assessment goes the same way, and the gap view shows the trend (chart and table); the country
page shows the program and its current maturity. axe-core checks every page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from liaison.capacity.models import Assessment, AssessmentStatus, PlanItem
from liaison.capacity.tests.conftest import World
from liaison.catalog.models import FundingSource, Venue
from liaison.conftest import create_person
from liaison.core.tests.browser import (
    assert_accessible,
    browser_fixture,  # noqa: F401  (registers the "browser" fixture)
    page_fixture,  # noqa: F401  (registers the "page" fixture)
    sign_in,
    tick,
    visit,
)
from liaison.training.models import Delivery

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
# Below target on the initial mission, better on the monitoring one; the rest established.
INITIAL = {"1.4": 0, "1.6": 1}
MONITORING = {"1.4": 2, "1.6": 1}


@pytest.fixture(autouse=True)
def _today() -> None:
    """The live server and Chromium run on the real clock (the app's tests freeze it): dates
    here are relative to the real today, and the plan's open quarters start from it."""


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)


def _submitted(page: Page) -> None:
    """After a form posts and redirects: the page is checked and says it worked."""
    page.wait_for_load_state("load")
    assert_accessible(page)


def _open_assessment(
    page: Page, live_server, world: World, kind: str, starts_on: date, official: str
) -> Assessment:
    """Headquarters opens the assessment from the program page, naming assessor and official."""
    visit(page, f"{live_server.url}/capacity/{world.program.pk}/")
    page.get_by_role("link", name="New assessment").click()
    assert_accessible(page)
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_label("Mission starts on").fill(starts_on.isoformat())
    page.get_by_label("Mission ends on").fill((starts_on + timedelta(days=4)).isoformat())
    page.get_by_label("Assessors").select_option(label="Ada Vise")
    tick(page, official)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/capacity/assessments/\d+/$"))
    assert_accessible(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{kind} assessment of {world.program.agency.name}"
    )
    expect(page.locator("#participants")).to_contain_text(official)
    return Assessment.objects.get(program=world.program, kind=kind.lower())


def _score_and_submit(page: Page, live_server, assessment: Assessment, levels: dict) -> None:
    """The assessor scores every standard with its evidence and submits it for review."""
    visit(page, f"{live_server.url}/capacity/assessments/{assessment.pk}/")
    submit = page.get_by_role("button", name="Submit for review")
    for score in assessment.scores.select_related("standard__pillar"):
        code = score.standard.code
        level = levels.get(code, 3)
        page.get_by_label(f"{code} level", exact=True).select_option(str(level))
        page.get_by_label(f"{code} evidence", exact=True).fill(f"Interviews and files: {code}")
    page.get_by_role("button", name="Save the scores").click()
    expect(page.get_by_role("status")).to_contain_text("Scores saved")
    assert_accessible(page)
    submit.click()
    expect(page.get_by_role("status")).to_contain_text("The assessment is submitted")
    assert_accessible(page)


def _review_and_approve(page: Page, live_server, assessment: Assessment) -> None:
    visit(page, f"{live_server.url}/capacity/assessments/{assessment.pk}/")
    page.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_role("status")).to_contain_text("The assessment is reviewed")
    assert_accessible(page)
    expect(page.get_by_text("An approved assessment is the program's record")).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("The assessment is approved")
    assert_accessible(page)
    expect(page.locator("#assessment-status")).to_have_text("Approved")
    expect(page.get_by_role("button", name="Save the scores")).to_have_count(0)


def test_a_program_assessed_planned_and_monitored_through_its_pages(
    page, live_server, transactional_db, world: World
):
    page.set_viewport_size({"width": 1280, "height": 900})
    today = date.today()
    program = world.program
    official = create_person(
        "Rosa", "Huaman", nationality="PE", agency=program.agency, position="Risk analyst"
    )
    manager, advisor = world.manager, world.advisor

    # Headquarters sets the targets, then opens the initial assessment.
    sign_in(page, live_server, manager.username, PASSWORD)
    visit(page, f"{live_server.url}/capacity/")
    page.get_by_role("link", name=re.compile(program.agency.name)).first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Set the targets").click()
    assert_accessible(page)
    for code in INITIAL:
        page.get_by_label(re.compile(rf"^{re.escape(code)} .*: target$")).select_option("4")
        page.get_by_label(f"{code}: priority").select_option(label="High")
    page.get_by_role("button", name="Save the targets").click()
    expect(page.get_by_role("status")).to_contain_text("Targets saved")
    assert_accessible(page)
    initial = _open_assessment(
        page, live_server, world, "Initial", date(2025, 11, 3), str(official)
    )
    # The official's page lists the assessment they took part in.
    visit(page, f"{live_server.url}/people/{official.pk}/")
    expect(page.get_by_role("main")).to_contain_text("Initial assessment")
    _sign_out(page)

    # The assessor scores it and submits; headquarters reviews and approves.
    sign_in(page, live_server, advisor.username, PASSWORD)
    _score_and_submit(page, live_server, initial, INITIAL)
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    _sign_out(page)
    sign_in(page, live_server, manager.username, PASSWORD)
    _review_and_approve(page, live_server, initial)
    initial.refresh_from_db()
    assert initial.status == AssessmentStatus.APPROVED and initial.submitted_by == advisor

    # The plan, generated from the gaps, then edited.
    visit(page, f"{live_server.url}/capacity/{program.pk}/plan/")
    expect(page.get_by_role("main")).to_contain_text("Not generated yet")
    page.get_by_role("button", name="Generate the plan").click()
    expect(page.get_by_role("status")).to_contain_text("Plan generated")
    assert_accessible(page)
    items = list(PlanItem.objects.filter(plan__program=program).select_related("course"))
    assert len(items) >= 3, [i.course.code for i in items]
    last = max(items, key=lambda i: (i.fiscal_year, i.quarter))
    # Removing a course nothing else needs.
    page.get_by_role("button", name=f"Remove {last.course.code}").click()
    expect(page.get_by_role("status")).to_contain_text(f"{last.course.code} removed")
    assert_accessible(page)
    assert not PlanItem.objects.filter(pk=last.pk).exists()
    # Moving one (the one that has no course after it) a quarter later.
    items = list(PlanItem.objects.filter(plan__program=program).select_related("course"))
    moved = max(items, key=lambda i: (i.fiscal_year, i.quarter))
    later = f"{moved.fiscal_year + 1}-{moved.quarter}"
    page.get_by_label(f"Move {moved.course.code} to").select_option(later)
    page.get_by_role("button", name=f"Move {moved.course.code}", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("now")
    assert_accessible(page)
    moved.refresh_from_db()
    assert (moved.fiscal_year, moved.quarter) == (int(later[:4]), int(later[5:]))

    # The first course gets its real delivery at ILEA San Salvador, and the manager links it.
    first = min(items, key=lambda i: (i.fiscal_year, i.quarter))
    venue = Venue.objects.get(code="ILEA-SAL")
    delivery = Delivery.objects.create(
        course=first.course,
        venue=venue,
        country=venue.country,
        starts_on=today + timedelta(days=40),
        ends_on=today + timedelta(days=44),
        funding_source=FundingSource.objects.get(code="INL"),
        capacity=20,
    )
    visit(page, f"{live_server.url}/capacity/{program.pk}/plan/")
    page.get_by_label(f"Link a delivery of {first.course.code}").select_option(str(delivery.pk))
    page.get_by_role("button", name=f"Link the delivery to {first.course.code}").click()
    expect(page.get_by_role("status")).to_contain_text(f"{first.course.code} linked")
    assert_accessible(page)
    row = page.locator(f"#item-{first.course.code}")
    expect(row.get_by_role("link", name=re.compile(venue.name))).to_be_visible()
    first.refresh_from_db()
    assert first.delivery == delivery

    # The monitoring assessment, the same way.
    monitoring = _open_assessment(
        page, live_server, world, "Monitoring", date(2026, 6, 1), str(official)
    )
    _sign_out(page)
    sign_in(page, live_server, advisor.username, PASSWORD)
    _score_and_submit(page, live_server, monitoring, MONITORING)
    _sign_out(page)
    sign_in(page, live_server, manager.username, PASSWORD)
    _review_and_approve(page, live_server, monitoring)

    # The gap view: the trend drawn and tabled.
    visit(page, f"{live_server.url}/capacity/{program.pk}/")
    gaps = page.get_by_role("region", name="Gaps per standard (table)")
    expect(gaps.get_by_role("row", name=re.compile(r"^1\.4 "))).to_contain_text("+2")
    expect(gaps.get_by_role("row", name=re.compile(r"^1\.6 "))).to_contain_text("no change")
    drawing = page.locator(f'[data-chart-spec="safe-trend-{program.pk}-spec"]')
    expect(drawing.locator("svg")).to_have_count(1)
    assert_accessible(page)
    figures = page.locator(f"#safe-trend-{program.pk}-caption").locator("xpath=..").locator("table")
    expect(figures.get_by_role("columnheader")).to_have_text(
        ["Standard", "Initial Nov 2025", "Monitoring Jun 2026", "Target"]
    )
    expect(figures.get_by_role("row", name=re.compile(r"^1\.4 ")).get_by_role("cell")).to_have_text(
        ["0", "2", "4"]
    )

    # The country page, from the program's: the program and its current maturity (the mean
    # level of the monitoring mission, the latest approved).
    page.locator("dl.liaison-facts").get_by_role("link", name="Peru").click()
    page.wait_for_url(re.compile(r"/partners/countries/PE/$"))
    assert_accessible(page)
    levels = [
        MONITORING.get(s.standard.code, 3)
        for s in monitoring.scores.select_related("standard__pillar")
    ]
    mean = round(sum(levels) / len(levels), 1)
    safe = page.get_by_role("region", name="SAFE Framework capacity building")
    expect(safe.get_by_role("link", name=program.agency.name)).to_be_visible()
    expect(safe).to_contain_text(f"current maturity {mean} of 4 (latest approved assessment)")
    safe.get_by_role("link", name="All SAFE programs").click()
    assert_accessible(page)
    expect(page.get_by_role("main").get_by_role("link", name=program.agency.name)).to_be_visible()
