"""In Chromium: register an official, catch the duplicate, merge it; every page checked by axe."""

from __future__ import annotations

import re
import urllib.request
from datetime import date

import pytest
from playwright.sync_api import expect

from liaison.accounts.roles import Role
from liaison.core.tests.browser import (
    assert_accessible,
    browser_fixture,  # noqa: F401  (registers the "browser" fixture)
    htmx_update,
    page_fixture,  # noqa: F401  (registers the "page" fixture)
    sign_in,
    tick,
    visit,
)
from liaison.people import services
from liaison.people.models import Person

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
BIRTH_DATE = date(1979, 3, 14)


def test_uswds_assets_are_served(live_server, transactional_db):
    for path in ("/static/uswds/css/uswds.min.css", "/static/htmx/htmx.min.js"):
        with urllib.request.urlopen(f"{live_server.url}{path}") as response:  # noqa: S310
            assert response.status == 200, path


# USWDS changes layout (navigation behind "Menu", tables scrolling sideways) on narrow
# screens; axe must pass on both.
@pytest.mark.parametrize("width", [1280, 375], ids=["desktop", "mobile"])
def test_add_official_catch_duplicate_and_merge(
    width,
    page,
    live_server,
    transactional_db,
    make_user,
    country,
):
    page.set_viewport_size({"width": width, "height": 900})
    manager = make_user(Role.PROGRAM_MANAGER)
    colleague = make_user(Role.PROGRAM_MANAGER)
    # Registered earlier by a colleague, through the service rather than ``make_person``:
    # the service writes the ``person.created`` entry the merged history must show.
    existing = services.person_create(
        actor=colleague,
        given_name="Mohammed",
        family_name="Al-Rashid",
        birth_date=BIRTH_DATE,
        nationality=country("JO"),
    )

    sign_in(page, live_server, manager.username, PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")

    # People → "Add an official" (on a narrow screen the navigation is behind "Menu").
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="People"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Foreign officials")
    assert_accessible(page)
    page.get_by_role("main").get_by_role("link", name="Add an official").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a foreign official")
    assert_accessible(page)

    # Typing the name: the live check (htmx, on change) warns about the existing record.
    with htmx_update(page):
        page.get_by_label("Given name").fill("Muhammad")
        page.get_by_label("Given name").press("Tab")
    with htmx_update(page):
        page.get_by_label("Family name").fill("Alrashid")
        page.get_by_label("Family name").press("Tab")
    with htmx_update(page):
        page.get_by_label("Birth date").fill(BIRTH_DATE.isoformat())
    warning = page.locator("#duplicates")
    expect(warning.get_by_role("heading", name=re.compile("Possible duplicate"))).to_be_visible()
    expect(warning.get_by_role("link", name=f"#{existing.pk} {existing}")).to_be_visible()

    page.get_by_label("Nationality").select_option(label="Jordan")

    # Saving without confirming is refused, and the warning stays.
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").filter(has_text="look like this one")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Possible duplicate")).to_be_visible()
    assert_accessible(page)
    assert not Person.objects.filter(given_name="Muhammad").exists()

    tick(page, "I have checked the possible duplicates: this is a different person")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("added")
    new = Person.objects.get(given_name="Muhammad")
    page.wait_for_url(f"{live_server.url}/people/{new.pk}/")
    assert_accessible(page)

    # The new record lists the existing one as a possible duplicate.
    duplicates = page.get_by_role("region", name="Possible duplicates")
    expect(duplicates.get_by_role("link", name=f"#{existing.pk} {existing}")).to_be_visible()

    # Personal data stays hidden until asked for; the reveal is an htmx swap.
    expect(page.get_by_text(BIRTH_DATE.isoformat())).to_have_count(0)
    with htmx_update(page):
        page.get_by_role("button", name="Show passport number and date of birth").click()
    expect(page.locator("#personal-data")).to_contain_text(BIRTH_DATE.isoformat())

    # Merge: keep the older record.
    duplicates.get_by_role("link", name="Merge…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge two records of one person")
    assert_accessible(page)
    tick(page, f"#{existing.pk} {existing}")
    tick(page, "I confirm these two records are the same person")
    page.get_by_role("button", name="Merge records").click()
    page.wait_for_url(f"{live_server.url}/people/{existing.pk}/")
    expect(page.get_by_role("status")).to_contain_text(f"Merged #{new.pk} into #{existing.pk}")
    assert_accessible(page)

    history = page.get_by_role("region", name="History")
    merged = history.get_by_role("row").filter(has_text="person.merged")
    expect(merged.filter(has_not_text="merged_away")).to_have_count(1)
    created = history.get_by_role("row").filter(has_text="person.created")
    expect(created).to_have_count(2)
    expect(created.filter(has_text=f"(merged record #{new.pk})")).to_have_count(1)


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(
    page,
    live_server,
    transactional_db,
    make_user,
):
    manager = make_user(Role.PROGRAM_MANAGER)
    sign_in(page, live_server, manager.username, PASSWORD)
    visit(page, f"{live_server.url}/")

    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).not_to_be_in_viewport()  # USWDS hides it until focused: the CSS is there
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    assert_accessible(page)
