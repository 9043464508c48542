"""In Chromium: a program manager asks for the FY2015 annual report, watches its progress
while the task worker writes it, reads it and opens its PDF; axe-core on every page."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from liaison.accounts.roles import Role
from liaison.core.tests.browser import (
    assert_accessible,
    browser_fixture,  # noqa: F401  (registers the "browser" fixture)
    page_fixture,  # noqa: F401  (registers the "page" fixture)
    sign_in,
    visit,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def test_generate_the_annual_report_and_open_its_pdf(
    page, live_server, transactional_db, make_user
):
    page.set_viewport_size({"width": 1280, "height": 900})
    manager = make_user(Role.PROGRAM_MANAGER)
    sign_in(page, live_server, manager.username, PASSWORD)
    visit(page, f"{live_server.url}/reports/annual/")
    page.get_by_label("Fiscal year").select_option("2015")
    page.get_by_role("button", name="Generate the annual report").click()
    expect(page.locator("#annual-progress")).to_contain_text("Waiting for the task worker")
    expect(page.get_by_label("Progress of the FY2015 annual report")).to_have_attribute(
        "value", "0"
    )
    assert_accessible(page)

    # The task worker picks the report up; the page's poll sees it finished and reloads.
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    pdf_link = page.get_by_role("link", name="Open the PDF")
    expect(pdf_link).to_be_visible(timeout=15_000)
    assert_accessible(page)
    expect(page.get_by_test_id("report-filters")).to_contain_text(
        "FY2015 (1 October 2014 to 30 September 2015)"
    )
    expect(page.get_by_role("figure").first).to_contain_text("Training sessions and visits")

    response = page.request.get(live_server.url + pdf_link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
