"""In Chromium: headquarters approves a proposed tour, the region's attaché records the
officer's arrival, and the coverage page draws both world maps (the countries of world-atlas,
Mexico among the shaded) beside their tables. axe checks every page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from liaison.accounts.roles import Role
from liaison.core.tests.browser import (
    assert_accessible,
    browser_fixture,  # noqa: F401  (registers the "browser" fixture)
    page_fixture,  # noqa: F401  (registers the "page" fixture)
    sign_in,
    visit,
)
from liaison.postings.models import Posting, PostingStatus

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)


def test_a_tour_approved_then_begun_and_the_coverage_maps(
    page, live_server, transactional_db, make_user, make_posting, today
):
    manager = make_user(Role.PROGRAM_MANAGER)
    attache = make_user(Role.ATTACHE)  # the Western Hemisphere
    posting = make_posting(starts_on=today - timedelta(days=2))  # Mexico City, proposed
    make_posting(PostingStatus.ACTIVE)  # another officer already on post there
    detail = f"{live_server.url}/postings/{posting.pk}/"

    sign_in(page, live_server, manager.username, PASSWORD)
    visit(page, f"{live_server.url}/postings/")
    page.get_by_role(
        "link", name=f"{posting.staff.family_name.upper()}, {posting.staff.given_name}"
    ).click()
    page.wait_for_url(detail)
    assert_accessible(page)
    page.get_by_label("Approval reference").fill("26 STATE 123456")
    page.get_by_role("button", name="Approve", exact=True).click()
    page.wait_for_url(detail)
    assert_accessible(page)
    expect(page.get_by_text("Posting approved.")).to_be_visible()
    expect(page.locator("dl.liaison-facts")).to_contain_text("26 STATE 123456")
    _sign_out(page)

    sign_in(page, live_server, attache.username, PASSWORD)
    visit(page, detail)
    expect(page.get_by_role("button", name="Cancel the posting")).to_have_count(0)
    page.get_by_role("button", name="Record the arrival on post").click()
    page.wait_for_url(detail)
    assert_accessible(page)
    expect(page.get_by_text("Arrival on post recorded")).to_be_visible()
    posting.refresh_from_db()
    assert posting.status == PostingStatus.ACTIVE and posting.starts_on == today

    visit(page, f"{live_server.url}/postings/coverage/")
    for key in ("posts-map", "coverage-map"):
        drawing = page.locator(f'[data-chart-spec="{key}-spec"]')
        expect(drawing.locator("svg")).to_have_count(1)
        # world-atlas's countries, each a path: the TopoJSON loaded and the map drew.
        expect(drawing.locator("svg path").nth(150)).to_be_attached()
    assert_accessible(page)
    table = page.locator("#coverage-map-caption").locator("xpath=..").locator("table")
    expect(table.get_by_role("row", name=re.compile(r"^Mexico 2 "))).to_have_count(1)
    assert Posting.objects.filter(status=PostingStatus.ACTIVE).count() == 2
