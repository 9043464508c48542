"""In Chromium, a visit from request to itinerary (issue 4): file the request, name the
delegation, plan it, see the stops and why the planner chose them, a host declines one,
re-plan around it, ask the hosts again, they accept, confirm, and download the itinerary
PDF. axe checks every page and every htmx update."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from liaison.accounts.roles import Role
from liaison.catalog.models import FundingSource
from liaison.catalog.services import reference_catalog_load
from liaison.core.tests.browser import (
    assert_accessible,
    browser_fixture,  # noqa: F401  (registers the "browser" fixture)
    htmx_update,
    page_fixture,  # noqa: F401  (registers the "page" fixture)
    sign_in,
    visit,
)
from liaison.partners.models import Country
from liaison.people.models import Staff
from liaison.vetting.services import vetting_approve, vetting_submit
from liaison.visits.models import FocusArea, HostAnswer, Site, SiteFocus, Stop, Visit, VisitStatus
from liaison.visits.services import VISIT_VETTING
from liaison.visits.tests.conftest import START

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
DECLINE_REASON = "Port exercise that day"


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert_accessible(page)


def _registry() -> dict[str, Site]:
    """Four sites with what they show, open on weekdays, and where they are."""
    focus = {
        code: FocusArea.objects.create(code=code, name=name)
        for code, name in (
            ("targeting_risk", "Targeting and risk"),
            ("trade_facilitation", "Trade facilitation"),
            ("land_border_operations", "Land border operations"),
        )
    }
    rows = (
        ("HQ", "CBP Headquarters", "headquarters", "Washington", "DC", 38.89, -77.03),
        ("NTC", "National Targeting Center", "targeting_center", "Sterling", "VA", 39.0, -77.4),
        ("POE-LRD", "Laredo Port of Entry", "port_of_entry", "Laredo", "TX", 27.5, -99.5),
        ("BP-LRD", "Laredo North Station", "port_of_entry", "Laredo", "TX", 27.6, -99.5),
    )
    sites = {
        code: Site.objects.create(
            code=code,
            name=name,
            kind=kind,
            city=city,
            state=state,
            latitude=lat,
            longitude=lon,
            open_weekdays="01234",
        )
        for code, name, kind, city, state, lat, lon in rows
    }
    for code, area, strength in (
        ("HQ", "targeting_risk", 1),
        ("NTC", "targeting_risk", 3),
        ("POE-LRD", "land_border_operations", 3),
        ("POE-LRD", "trade_facilitation", 2),
        ("BP-LRD", "land_border_operations", 2),
    ):
        SiteFocus.objects.create(site=sites[code], focus_area=focus[area], strength=strength)
    return sites


def _answer_every_asked_stop(page: Page) -> None:
    """The host accepts each stop waiting in the inbox, one htmx update at a time."""
    accept = page.get_by_role("button", name=re.compile(r"^Accept "))
    while accept.count():
        with htmx_update(page):
            accept.first.click()


def test_a_visit_from_request_to_itinerary_pdf(
    page, live_server, transactional_db, make_user, make_person
):
    page.set_viewport_size({"width": 1280, "height": 900})
    reference_catalog_load()
    sites = _registry()
    coordinator = make_user(Role.IVP_COORDINATOR)
    officer = make_user(Role.VETTING_OFFICER)
    host = make_user(Role.SITE_HOST)
    staff = Staff.objects.create(
        kind="site_host", given_name="Lupe", family_name="Ortiz", user=host
    )
    for site in sites.values():
        site.hosts.add(staff)
    head = make_person("Rosa", "Huaman")
    member = make_person("Jorge", "Mamani")
    for person in (head, member):
        record = vetting_submit(actor=officer, person=person, purpose=VISIT_VETTING)
        vetting_approve(actor=officer, record=record, valid_until=START + timedelta(days=365))

    # --- the coordinator files the request.
    sign_in(page, live_server, coordinator.username, PASSWORD)
    visit(page, f"{live_server.url}/visits/")
    page.get_by_role("link", name="File a visit request").first.click()
    page.wait_for_url(f"{live_server.url}/visits/new/")
    assert_accessible(page)
    with htmx_update(page):
        page.get_by_label("Country").select_option(label=str(Country.objects.get(code="PE")))
    page.get_by_label("Sponsor").select_option(label=str(FundingSource.objects.get(code="INL")))
    page.get_by_label("Purpose").fill("Risk management and targeting at land ports")
    page.get_by_label("Earliest start").fill(START.isoformat())
    page.get_by_label("Latest end").fill((START + timedelta(days=13)).isoformat())
    page.get_by_label("Length of the visit (days)").fill("3")
    page.get_by_label("Delegation size (people)").fill("2")
    page.get_by_label("Targeting and risk").select_option("3")
    page.get_by_label("Land border operations").select_option("2")
    page.get_by_role("button", name="File the request").click()
    expect(page.get_by_role("status")).to_contain_text("filed")
    request = Visit.objects.get()
    page.wait_for_url(f"{live_server.url}/visits/{request.pk}/")
    assert_accessible(page)

    # --- names the delegation from the registry.
    for person, role in ((head, "Head of delegation"), (member, "Member")):
        page.get_by_label("Add a delegate: search the registry by name").fill(person.family_name)
        page.get_by_role("button", name="Find", exact=True).click()
        assert_accessible(page)
        page.get_by_label(f"Role of {person}").select_option(label=role)
        page.get_by_role("button", name=f"Add {person}").click()
        expect(page.get_by_role("status")).to_contain_text("added to the delegation")
        assert_accessible(page)
    delegation = page.get_by_role("region", name="Delegation (table)")
    expect(delegation).to_contain_text("HUAMAN, Rosa")
    expect(delegation).to_contain_text("Head of delegation")
    expect(delegation).to_contain_text("MAMANI, Jorge")

    # --- plans it: the stops, each with the planner's reason.
    page.get_by_role("button", name="Start planning").click()
    expect(page.get_by_role("status")).to_contain_text("Planning started")
    assert_accessible(page)
    page.get_by_role("button", name="Plan the itinerary").click()
    expect(page.get_by_role("status")).to_contain_text("Itinerary planned")
    assert_accessible(page)
    stops = list(Stop.objects.filter(visit=request).select_related("site"))
    assert stops
    itinerary = page.locator("#itinerary")
    for stop in stops:
        assert stop.why
        row = itinerary.locator(f"#stop-{stop.pk}")
        expect(row).to_contain_text(stop.site.name)
        expect(row).to_contain_text(stop.why)
    page.get_by_role("button", name="Ask the sites' hosts").click()
    expect(page.get_by_role("status")).to_contain_text("hosts are asked")
    assert_accessible(page)
    _sign_out(page)

    # --- the host declines one stop, with a reason.
    declined = max(stops, key=lambda s: (s.site.code != "HQ", s.day, s.order))
    sign_in(page, live_server, host.username, PASSWORD)
    visit(page, f"{live_server.url}/visits/hosts/inbox/")
    answer = page.get_by_role(
        "form", name=f"Answer for {declined.site.name} on {declined.day:%-d %b %Y}"
    )
    answer.get_by_label("Reason, to decline").fill(DECLINE_REASON)
    with htmx_update(page):
        answer.get_by_role("button", name=re.compile(r"^Decline ")).click()
    expect(page.locator(f"#stop-{declined.pk}")).to_contain_text(DECLINE_REASON)
    declined.refresh_from_db()
    assert declined.answer == HostAnswer.DECLINED
    _sign_out(page)

    # --- the coordinator sees the decline, re-plans around it and asks again.
    sign_in(page, live_server, coordinator.username, PASSWORD)
    visit(page, f"{live_server.url}/visits/{request.pk}/")
    banner = page.get_by_role("region", name="Hosts who declined")
    expect(banner).to_contain_text(declined.site.name)
    expect(banner).to_contain_text(DECLINE_REASON)
    page.get_by_role("button", name="Resume planning").click()
    expect(page.get_by_role("status")).to_contain_text("Back to planning")
    assert_accessible(page)
    page.get_by_role("button", name="Re-plan around pins and removals").click()
    expect(page.get_by_role("status")).to_contain_text("Itinerary planned")
    assert_accessible(page)
    request.refresh_from_db()
    assert request.starts_on is not None
    day_label = f"{declined.day:%A} {declined.day.day} {declined.day:%B %Y}"
    # Whether or not the visit still covers that day, the declined site is not on it.
    expect(
        page.get_by_role("region", name=f"Stops on {day_label} (table)").get_by_role(
            "rowheader", name=declined.site.name
        )
    ).to_have_count(0)
    assert not Stop.objects.filter(visit=request, site=declined.site, day=declined.day).exists()
    page.get_by_role("button", name="Ask the sites' hosts").click()
    expect(page.get_by_role("status")).to_contain_text("hosts are asked")
    assert_accessible(page)
    _sign_out(page)

    sign_in(page, live_server, host.username, PASSWORD)
    visit(page, f"{live_server.url}/visits/hosts/inbox/")
    _answer_every_asked_stop(page)
    assert not Stop.objects.filter(visit=request).exclude(answer=HostAnswer.ACCEPTED).exists()
    _sign_out(page)

    # --- confirms, and downloads the itinerary.
    sign_in(page, live_server, coordinator.username, PASSWORD)
    visit(page, f"{live_server.url}/visits/{request.pk}/")
    expect(page.get_by_role("main")).to_contain_text(
        "Every host has accepted and every delegate holds a valid access approval."
    )
    page.get_by_role("button", name="Confirm the visit").click()
    expect(page.get_by_role("status")).to_contain_text("Visit confirmed.")
    assert_accessible(page)
    expect(page.locator("h1 + .usa-intro")).to_contain_text("Confirmed")
    request.refresh_from_db()
    assert request.status == VisitStatus.CONFIRMED
    page.get_by_role("link", name="The delegation's itinerary (page)").click()
    page.wait_for_url(f"{live_server.url}/visits/{request.pk}/itinerary/")
    assert_accessible(page)
    main = page.get_by_role("main")
    for stop in Stop.objects.filter(visit=request).select_related("site"):
        expect(main).to_contain_text(stop.site.name)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the itinerary (PDF)").click()
    download = download_info.value
    path = download.path()
    assert path is not None
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
