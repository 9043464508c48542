"""In Chromium: a program manager opens the fiscal-year dashboard, sees its map and charts drawn
beside their tables, filters to one bureau, and the figures, the chart, the map and the table
change in place (htmx). axe checks every page and every swap."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from liaison.accounts.roles import Role
from liaison.core.tests.browser import (
    browser_fixture,  # noqa: F401  (registers the "browser" fixture)
    htmx_update,
    page_fixture,  # noqa: F401  (registers the "page" fixture)
    sign_in,
    visit,
)

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def _table(page: Page, key: str):
    return page.locator(f"#{key}-caption").locator("xpath=..").locator("table")


def test_open_the_dashboard_filter_and_see_chart_map_and_table_change(
    page, live_server, transactional_db, make_user, make_delivery, seat, crowd
):
    manager = make_user(Role.PROGRAM_MANAGER)
    ana, luz = crowd(2)
    seat(make_delivery(budget=1000, actual=1200), ana)  # El Salvador (WHA), program area ILEA
    seat(make_delivery(venue="ILEA-BKK", course="SCS-101"), luz)  # Thailand (EAP), WCO

    sign_in(page, live_server, manager.username, PASSWORD)
    visit(page, f"{live_server.url}/reports/?fiscal_year=2015")
    expect(page.get_by_role("heading", name="FY2015, the whole agency")).to_be_visible()
    drawing = page.locator('[data-chart-spec="deliveries-map-spec"]')
    expect(drawing.locator("svg path").nth(150)).to_be_attached()  # world-atlas drawn
    areas = page.locator('[data-chart-spec="areas-chart-spec"]')
    expect(areas.locator("svg")).to_have_count(1)
    map_table = _table(page, "deliveries-map")
    expect(map_table.get_by_role("row", name=re.compile(r"^El Salvador 1 1"))).to_have_count(1)
    expect(map_table.get_by_role("row", name=re.compile(r"^Thailand 1 1"))).to_have_count(1)
    expect(_table(page, "areas-chart").locator("tbody tr")).to_have_count(2)

    with htmx_update(page):
        page.get_by_label("Bureau").select_option("EAP")
    expect(page).to_have_url(re.compile(r"region=EAP"))
    expect(page.get_by_role("heading", name="FY2015, bureau EAP")).to_be_visible()
    expect(page.locator('[data-figure="deliveries"]')).to_contain_text("1")
    map_table = _table(page, "deliveries-map")
    expect(map_table.get_by_role("row", name=re.compile(r"^El Salvador"))).to_have_count(0)
    expect(map_table.get_by_role("row", name=re.compile(r"^Thailand 1 1"))).to_have_count(1)
    expect(_table(page, "areas-chart").locator("tbody tr")).to_have_count(1)
    # The swapped-in map and chart are drawn again, from their new specifications.
    drawing = page.locator('[data-chart-spec="deliveries-map-spec"]')
    expect(drawing.locator("svg path").nth(150)).to_be_attached()
    expect(page.locator('[data-chart-spec="areas-chart-spec"] svg')).to_have_count(1)
    caption = page.locator("#areas-chart-caption")
    expect(caption).to_have_text("Deliveries by program area, FY2015 (bureau EAP)")
