"""In Chromium: headquarters records a program's initial SAFE assessment through the pages (the
officials met named, the assessor scoring and submitting it, headquarters reviewing and
approving it), generates the training plan from the gaps and edits it (a course moved, one
removed, one linked to its scheduled delivery), records a monitoring assessment, and reads the
trend on the gap view and the program on the country page. axe-core checks every page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from liaison.capacity import services
from liaison.capacity.models import Assessment, AssessmentStatus, PlanItem
from liaison.capacity.tests.conftest import World, set_targets
from liaison.catalog.models import Course, FundingSource, Venue
from liaison.conftest import create_person
from liaison.core.tests.browser import (
    assert_accessible,
    browser_fixture,  # noqa: F401  (registers the "browser" fixture)
    page_fixture,  # noqa: F401  (registers the "page" fixture)
    sign_in,
    visit,
)
from liaison.training.models import Delivery

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _today() -> None:
    """The live server and Chromium run on the real clock (the app's tests freeze it): the
    program runs from October 2025 to September 2028, around the real today."""


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def _record_assessment(page: Page, world: World, kind: str, starts_on: date, official: str) -> str:
    """Headquarters opens the program and records a draft; returns the assessment's address."""
    visit(page, f"{page.url.split('/capacity')[0]}/capacity/{world.program.pk}/")
    page.get_by_role("link", name="New assessment").click()
    assert_accessible(page)
    page.get_by_label("Kind").select_option(kind)
    page.get_by_label("Mission starts on").fill(starts_on.isoformat())
    page.get_by_label("Mission ends on").fill((starts_on + timedelta(days=4)).isoformat())
    page.get_by_label("Assessors").select_option(label=str(world.assessor))
    page.get_by_label(official).check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/capacity/assessments/\d+/$"))
    assert_accessible(page)
    expect(page.locator("#participants")).to_contain_text(official)
    return page.url


def _score(page: Page, level_of_1_4: str) -> None:
    """Every standard scored 2 with its evidence, standard 1.4 as given; then saved."""
    page.evaluate(
        """() => {
          document.querySelectorAll("select[name^='level_']").forEach(s => { s.value = "2"; });
          document.querySelectorAll("textarea[name^='evidence_']")
            .forEach(t => { t.value = "Procedures and records reviewed on the mission."; });
        }"""
    )
    page.get_by_label("1.4 level").select_option(level_of_1_4)
    page.get_by_role("button", name="Save the scores").click()
    expect(page.get_by_role("status")).to_contain_text("Scores saved")
    assert_accessible(page)


def _move(page: Page, label: str, status: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()
    expect(page.locator("#assessment-status")).to_have_text(status)
    assert_accessible(page)


def test_an_assessment_a_plan_and_the_trend_through_the_pages(
    page, live_server, transactional_db, world: World
):
    page.set_viewport_size({"width": 1280, "height": 900})
    set_targets(world, {"1.4": (4, 1)})
    person = create_person("Rosa", "Huaman", agency=world.program.agency)
    official = str(person)
    program_url = f"{live_server.url}/capacity/{world.program.pk}/"

    # The initial assessment: headquarters records it, the named assessor scores and submits.
    sign_in(page, live_server, world.manager.username, PASSWORD)
    visit(page, program_url)
    assert_accessible(page)
    initial_url = _record_assessment(page, world, "initial", date(2025, 11, 3), official)
    _sign_out(page)
    sign_in(page, live_server, world.advisor.username, PASSWORD)
    visit(page, initial_url)
    _score(page, "1")
    _move(page, "Submit for review", "Submitted for review")
    _sign_out(page)
    # A second person reviews; headquarters approves.
    sign_in(page, live_server, world.manager.username, PASSWORD)
    visit(page, initial_url)
    _move(page, "Mark reviewed", "Reviewed")
    _move(page, "Approve", "Approved")

    # The plan, generated from the gap, then edited.
    visit(page, f"{program_url}plan/")
    assert_accessible(page)
    page.get_by_role("button", name="Generate the plan").click()
    expect(page.get_by_role("status")).to_contain_text("Plan generated")
    assert_accessible(page)
    items = list(
        PlanItem.objects.filter(plan__program=world.program)
        .select_related("course")
        .order_by("fiscal_year", "quarter", "pk")
    )
    assert len(items) >= 2, [str(i) for i in items]
    first, last = items[0], items[-1]
    page.get_by_label(f"Move {last.course.code} to").select_option(
        f"{world.program.planned_end.year}-4"
    )
    page.get_by_role("button", name=f"Move {last.course.code}", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"{last.course.code} in FY")
    last.refresh_from_db()
    assert (last.fiscal_year, last.quarter) == (world.program.planned_end.year, 4)
    venue = Venue.objects.get(code="ILEA-SAL")
    held = Delivery.objects.create(
        course=first.course,
        venue=venue,
        country=venue.country,
        starts_on=date(2026, 3, 2),
        ends_on=date(2026, 3, 6),
        funding_source=FundingSource.objects.get(code="INL"),
        capacity=24,
    )
    visit(page, f"{program_url}plan/")
    page.get_by_label(f"Link a delivery of {first.course.code}").select_option(str(held.pk))
    page.get_by_role("button", name=f"Link the delivery to {first.course.code}").click()
    expect(page.get_by_role("status")).to_contain_text(f"{first.course.code} linked")
    assert_accessible(page)
    expect(page.get_by_role("link", name=re.compile("San Salvador, 2 Mar 2026"))).to_be_visible()
    # A course added by hand, then taken out again.
    planned = {i.course.code for i in items}
    extra = next(c for c in ("CID-101", "INT-101", "CCT-101") if c not in planned)
    page.get_by_label("Course", exact=True).select_option(str(Course.objects.get(code=extra).pk))
    page.get_by_label("Quarter", exact=True).select_option(f"{world.program.planned_end.year}-3")
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.get_by_role("status")).to_contain_text(f"{extra} added to the plan")
    page.get_by_role("button", name=f"Remove {extra}").click()
    expect(page.get_by_role("status")).to_contain_text(f"{extra} removed from the plan")
    assert_accessible(page)
    assert not PlanItem.objects.filter(plan__program=world.program, course__code=extra)

    # The monitoring assessment: recorded, scored and submitted through the pages by
    # headquarters; reviewed by a second manager and approved (the moves proven above).
    monitoring_url = _record_assessment(page, world, "monitoring", date(2026, 5, 4), official)
    _score(page, "3")
    _move(page, "Submit for review", "Submitted for review")
    monitoring = Assessment.objects.get(pk=int(monitoring_url.rstrip("/").split("/")[-1]))
    services.assessment_review(actor=world.other_manager, assessment=monitoring)
    services.assessment_approve(actor=world.manager, assessment=monitoring)
    assert monitoring.status == AssessmentStatus.APPROVED

    # The gap view: 1.4 went from 1 to 3, one short of its target; the chart beside its table
    # (the chart's own table lists the scores by assessment too).
    visit(page, program_url)
    assert_accessible(page)
    row = page.get_by_role("row", name=re.compile(r"^1\.4 ")).first
    expect(row.get_by_role("cell").nth(4)).to_have_text("1")  # the gap: target 4 - current 3
    expect(row.get_by_role("cell").nth(5)).to_have_text("+2")  # the trend since the initial
    expect(page.locator(".vega-embed svg, .vega-embed canvas").first).to_be_visible()

    # The country page: the program, at its current maturity.
    visit(page, f"{live_server.url}/partners/countries/PE/")
    assert_accessible(page)
    safe = page.locator("section[aria-labelledby='safe-heading']")
    expect(safe.get_by_role("link", name=world.program.agency.name)).to_be_visible()
    # The mean level of the monitoring mission (the latest approved), to one decimal.
    levels = [level or 0 for level in monitoring.scores.values_list("level", flat=True)]
    mean = round(sum(levels) / len(levels), 1)
    expect(safe).to_contain_text(f"current maturity {mean} of 4 (latest approved assessment)")

    # The official's page lists both missions they took part in, each linked.
    visit(page, f"{live_server.url}/people/{person.pk}/")
    took_part = page.locator("#safe-assessments")
    agency = world.program.agency.name
    expect(took_part.get_by_role("link")).to_have_text(
        [f"Monitoring assessment of {agency}", f"Initial assessment of {agency}"]
    )
