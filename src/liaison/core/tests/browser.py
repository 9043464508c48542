"""Browser-test helpers: Chromium through sync Playwright, and axe-core on every page.

pytest only reads ``pytest_plugins`` in the root conftest, so a browser test module imports
the fixtures it uses (that is what makes pytest see them) along with the helpers::

    from liaison.core.tests.browser import (
        assert_accessible,
        browser_fixture,  # noqa: F401  (registers the "browser" fixture)
        page_fixture,  # noqa: F401  (registers the "page" fixture)
        visit,
    )

    def test_something(page, live_server, transactional_db): ...

The fixtures are named ``browser`` and ``page``; their functions are not, so the test's
``page`` argument does not shadow an import. ``live_server`` needs ``transactional_db``
(request it explicitly): the server thread must see the rows the test creates.

Every page is checked with axe-core. The ``page`` fixture counts the documents it loads and
the htmx swaps they go through; a test that leaves a loaded page or an htmx update without
an axe check fails at teardown. ``visit`` and ``htmx_update`` check for you; after any other
navigation (a form submitted, a link clicked) call ``assert_accessible``. A stylesheet or
script under /static/ that does not load fails the next check too: axe's colour checks mean
nothing without the CSS.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

# The sync Playwright API keeps an asyncio loop running in the test thread; Django would
# otherwise refuse the ORM calls the tests make (fixtures, assertions) from that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

__all__ = [
    "AXE_PATH",
    "CHROMIUM_PATH",
    "assert_accessible",
    "browser_fixture",
    "htmx_update",
    "page_fixture",
    "sign_in",
    "tick",
    "visit",
]

CHROMIUM_PATH = Path("/usr/bin/chromium")
AXE_PATH = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000

# Runs in every document before its own scripts: counts the htmx swaps it goes through.
_INIT_SCRIPT = """
window.__liaisonSwaps = 0;
window.__liaisonCheckedSwaps = 0;
document.addEventListener("htmx:afterSettle", () => { window.__liaisonSwaps += 1; });
"""
_HTMX_IDLE = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


def _missing(what: str) -> None:
    """Skip when a browser prerequisite is absent on a workstation; fail on CI."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(what, pytrace=False)
    pytest.skip(what)


# One Chromium for the whole run, however many test modules import the fixture: each import
# makes pytest register its own session fixture, and two sync Playwrights cannot coexist.
_RUNNING: dict[str, Any] = {}


def _stop() -> None:
    browser: Browser | None = _RUNNING.pop("browser", None)
    playwright: Playwright | None = _RUNNING.pop("playwright", None)
    if browser is not None:
        browser.close()
    if playwright is not None:
        playwright.stop()


@pytest.fixture(scope="session", name="browser")
def browser_fixture(request: pytest.FixtureRequest) -> Browser:
    if not CHROMIUM_PATH.exists():
        _missing(f"Chromium not installed at {CHROMIUM_PATH}: apt-get install -y chromium")
    if not AXE_PATH.exists():
        _missing(f"axe-core missing at {AXE_PATH}: run npm install (it is in package.json)")
    if "browser" not in _RUNNING:
        expect.set_options(timeout=TIMEOUT_MS)
        playwright = sync_playwright().start()
        _RUNNING["playwright"] = playwright
        _RUNNING["browser"] = playwright.chromium.launch(
            executable_path=str(CHROMIUM_PATH), headless=True, args=CHROMIUM_ARGS
        )
        request.addfinalizer(_stop)
    return _RUNNING["browser"]


@dataclass
class _Tracker:
    """What a page loaded: documents (and which axe has checked), static files that failed."""

    loaded: list[str] = field(default_factory=list)
    checked: int = 0
    broken_assets: list[str] = field(default_factory=list)

    def on_load(self, page: Page) -> None:
        self.loaded.append(page.url)

    def on_response(self, response: Any) -> None:
        if "/static/" in response.url and response.status >= 400:
            self.broken_assets.append(f"{response.url} ({response.status})")

    def on_request_failed(self, request: Any) -> None:
        if "/static/" in request.url and not any(
            broken.startswith(f"{request.url} ") for broken in self.broken_assets
        ):
            self.broken_assets.append(f"{request.url} ({request.failure})")


_TRACKERS: dict[int, _Tracker] = {}


@pytest.fixture(name="page")
def page_fixture(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context per test; fails the test if a page went unchecked by axe."""
    context = browser.new_context(locale="en-US", timezone_id="America/New_York")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.add_init_script(_INIT_SCRIPT)
    page = context.new_page()
    tracker = _Tracker()
    _TRACKERS[id(page)] = tracker
    page.on("load", tracker.on_load)
    page.on("response", tracker.on_response)
    page.on("requestfailed", tracker.on_request_failed)
    failed_before = request.session.testsfailed
    try:
        yield page
        # Only when the test itself passed: a failure's own message matters more.
        if request.session.testsfailed == failed_before and not page.is_closed():
            _assert_all_checked(page, tracker)
    finally:
        _TRACKERS.pop(id(page), None)
        context.close()


def _assert_all_checked(page: Page, tracker: _Tracker) -> None:
    unchecked = tracker.loaded[tracker.checked :]
    if unchecked:
        pytest.fail(
            "Pages loaded but never checked with assert_accessible: " + ", ".join(unchecked),
            pytrace=False,
        )
    swaps, checked = page.evaluate("() => [window.__liaisonSwaps, window.__liaisonCheckedSwaps]")
    if swaps > checked:
        pytest.fail(
            f"{page.url}: {swaps - checked} htmx update(s) never checked with assert_accessible",
            pytrace=False,
        )


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact') or 'n/a'}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            target = " ".join(
                " >> ".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            lines.append(f"    {target}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it is now; fail on any violation, however minor."""
    page.wait_for_load_state("load")
    page.wait_for_function(_HTMX_IDLE)
    tracker = _TRACKERS.get(id(page))
    if tracker is not None and tracker.broken_assets:
        pytest.fail("Static files did not load: " + ", ".join(tracker.broken_assets), pytrace=False)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_PATH))
    violations = page.evaluate(
        """async () => {
            const swaps = window.__liaisonSwaps;
            const results = await axe.run(document, {resultTypes: ["violations"]});
            window.__liaisonCheckedSwaps = swaps;
            return results.violations;
        }"""
    )
    if tracker is not None:
        tracker.checked = len(tracker.loaded)
    if violations:
        pytest.fail(
            f"axe-core found {len(violations)} accessibility violation(s) on {page.url}:\n"
            + _describe(violations),
            pytrace=False,
        )


def visit(page: Page, url: str) -> Any:
    """Open ``url`` and check the page with axe; returns the navigation's response."""
    response = page.goto(url)
    assert response is not None, f"GET {url}: no response"
    assert response.ok, f"GET {url}: {response.status}"
    assert_accessible(page)
    return response


@contextmanager
def htmx_update(page: Page) -> Iterator[None]:
    """Wrap an action that makes htmx swap content: wait for the swap, then run axe::

    with htmx_update(page):
        page.get_by_role("button", name="Show …").click()
    """
    before = page.evaluate("() => window.__liaisonSwaps")
    yield
    page.wait_for_function(f"n => window.__liaisonSwaps > n && ({_HTMX_IDLE})()", arg=before)
    assert_accessible(page)


def tick(page: Page, label: str) -> None:
    """Tick a USWDS checkbox or radio button by its label, as a user does.

    USWDS moves the real input off-screen and draws the box on its label, so Playwright's
    ``check()`` on the input cannot click it; people click the label.
    """
    page.locator("label", has_text=label).click()
    expect(page.get_by_label(label, exact=True)).to_be_checked()


def sign_in(page: Page, live_server: Any, username: str, password: str) -> None:
    """Sign in through the real allauth form; the form and the home page are checked by axe."""
    visit(page, f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    assert_accessible(page)
