"""Browser-test helpers: Chromium through sync Playwright, and axe-core on every page.

Import what a test module needs explicitly, e.g.::

    from liaison.core.tests.browser import assert_accessible, browser, htmx_update, page, visit

(``browser`` and ``page`` are fixtures: importing them into the module is what makes pytest
see them.) The ``page`` fixture keeps count of the documents it loads and of the htmx swaps
they go through; a test that leaves a loaded page or an htmx update without an axe check
fails at teardown. ``visit`` and ``htmx_update`` do the checking for the common cases; call
``assert_accessible`` yourself after any other navigation (a form submitted, a link clicked).
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

# The sync Playwright API keeps an asyncio loop running in the test thread; Django would
# otherwise refuse the ORM calls the tests make (fixtures, assertions) from that thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

__all__ = [
    "AXE_PATH",
    "CHROMIUM_PATH",
    "assert_accessible",
    "browser",
    "htmx_update",
    "page",
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
_HTMX_IDLE = (
    "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
)


def _missing(what: str) -> None:
    """Skip when a browser prerequisite is absent on a workstation; fail on CI."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(what, pytrace=False)
    pytest.skip(what)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM_PATH.exists():
        _missing(f"Chromium not installed at {CHROMIUM_PATH}: apt-get install -y chromium")
    if not AXE_PATH.exists():
        _missing(f"axe-core missing at {AXE_PATH}: npm install (axe-core is in package.json)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM_PATH), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@dataclass
class _Tracker:
    """Which documents a page loaded, and which of them axe has checked."""

    loaded: list[str] = field(default_factory=list)
    checked: int = 0

    def on_load(self, page: Any) -> None:
        self.loaded.append(page.url)


_TRACKERS: dict[int, _Tracker] = {}


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context per test; fails the test if a page went unchecked by axe."""
    context = browser.new_context(locale="en-US", timezone_id="America/New_York")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.add_init_script(_INIT_SCRIPT)
    new_page = context.new_page()
    tracker = _Tracker()
    _TRACKERS[id(new_page)] = tracker
    new_page.on("load", tracker.on_load)
    failed_before = request.session.testsfailed
    try:
        yield new_page
        if request.session.testsfailed == failed_before and not new_page.is_closed():
            _assert_all_checked(new_page, tracker)
    finally:
        _TRACKERS.pop(id(new_page), None)
        context.close()


def _assert_all_checked(page: Any, tracker: _Tracker) -> None:
    unchecked = tracker.loaded[tracker.checked :]
    if unchecked:
        pytest.fail(
            "Pages loaded but never checked with assert_accessible: " + ", ".join(unchecked),
            pytrace=False,
        )
    swaps = page.evaluate("() => [window.__liaisonSwaps, window.__liaisonCheckedSwaps]")
    if swaps[0] > swaps[1]:
        pytest.fail(
            f"{page.url}: {swaps[0] - swaps[1]} htmx update(s) never checked with "
            "assert_accessible",
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
                ">>".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            lines.append(f"    {target}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", "\n      ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_accessible(page: Any) -> None:
    """Run axe-core on the page as it is now; fail on any violation, however minor."""
    page.wait_for_load_state("load")
    page.wait_for_function(_HTMX_IDLE)
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
    tracker = _TRACKERS.get(id(page))
    if tracker is not None:
        tracker.checked = len(tracker.loaded)
    if violations:
        pytest.fail(
            f"axe-core found {len(violations)} accessibility violation(s) on {page.url}:\n"
            + _describe(violations),
            pytrace=False,
        )


def visit(page: Any, url: str) -> Any:
    """Open ``url`` and check the page with axe; returns the navigation's response."""
    response = page.goto(url)
    assert response is not None and response.ok, f"GET {url}: {response and response.status}"
    assert_accessible(page)
    return response


@contextmanager
def htmx_update(page: Any) -> Iterator[None]:
    """Wrap an action that makes htmx swap content: wait for the swap, then run axe.

    Usage::

        with htmx_update(page):
            page.get_by_role("button", name="Show …").click()
    """
    before = page.evaluate("() => window.__liaisonSwaps")
    yield
    page.wait_for_function(f"n => window.__liaisonSwaps > n && ({_HTMX_IDLE})()", arg=before)
    assert_accessible(page)


def tick(page: Any, label: str) -> None:
    """Tick a USWDS checkbox or radio button by its label, as a user does.

    USWDS moves the real input off-screen and draws the box on its label, so Playwright's
    ``check()`` on the input cannot click it; the label is what people click.
    """
    page.locator("label", has_text=label).click()
    expect_checked = page.get_by_label(label, exact=True)
    from playwright.sync_api import expect

    expect(expect_checked).to_be_checked()


def sign_in(page: Any, live_server: Any, username: str, password: str) -> None:
    """Sign in through the real allauth form, checking the sign-in page with axe."""
    visit(page, f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/")
    assert_accessible(page)
