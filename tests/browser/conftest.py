"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's
live server. Run them with `make test-browser`; `make chromium` installs the browser,
and `make test-browser` installs axe-core and the Nu HTML Checker (tests/browser/
package.json) with npm.

`check_page(name)` runs axe-core on the page in the browser and keeps the HTML the
server sent; the last test of the run validates all of it in one vnu run.

The live server serves the static files itself (pytest-django hands it Django's
StaticFilesHandler when django.contrib.staticfiles is installed), so the pages are
styled even though the tests run with DEBUG off.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop in this thread, and Django
# refuses ORM calls (the test database's set-up and flush, the tests' own
# queries) while one runs. `make test` runs tests/browser in its own pytest.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect, sync_playwright

from tests.browser.checks import HtmlDocuments, assert_accessible
from tests.factories import PASSWORD
from tracker.models import User

CHROMIUM = Path("/usr/bin/chromium")
# The machine has no internet: without these Chromium keeps trying to reach
# Google's services and fills the log with refused connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the whole run. Never skipped: a missing browser fails."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make chromium` to install Debian's Chromium.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def context_options() -> dict:
    """Options of each test's browser context; a test module overrides this for a phone."""
    return {}


@pytest.fixture
def context(browser: Browser, live_server, context_options: dict) -> Iterator[BrowserContext]:
    """A fresh context (cookies, storage) per test, pointed at the live server."""
    # Reduced motion: Bootstrap then drops its colour transitions, so a check never
    # measures a colour halfway through one.
    options = {
        "locale": "nl-NL",
        "timezone_id": "Europe/Amsterdam",
        "reduced_motion": "reduce",
        **context_options,
    }
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def full_page_screenshot(page: Page, path: Path) -> None:
    """A screenshot of the whole page. The phone's bottom menu, fixed to the
    screen, would be drawn over the middle of a page taller than the screen: for
    the picture it is put back in the header, where wider screens have it (set
    through the DOM, which the page's Content-Security-Policy allows)."""
    pin = """on => {
      const menu = document.querySelector('.patient-menu');
      if (menu) menu.style.position = on ? 'static' : '';
    }"""
    page.evaluate(pin, True)
    try:
        page.screenshot(path=path, full_page=True, animations="disabled")
    finally:
        page.evaluate(pin, False)


def log_in(page: Page, user: User, password: str = PASSWORD) -> None:
    """Log in through the real login form, as a person would."""
    page.goto("/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/login/" not in page.url, f"login failed for {user.username}"


def make_totp_device(user: User) -> TOTPDevice:
    """A confirmed authenticator app for a physiotherapist or an admin."""
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def pass_two_factor(page: Page, device: TOTPDevice) -> None:
    """Type the current code of the user's authenticator app at /2fa/ (the right
    code first: after a wrong one, verification is throttled)."""
    expect(page).to_have_url(re.compile(r"/2fa/"))
    page.fill("#id_token", f"{totp(device.bin_key):06d}")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/2fa/" not in page.url, "the two-factor code was refused"


def switch_language(page: Page, language: str) -> None:
    """Choose the language with the form in the footer, as a person would."""
    if page.locator("html").get_attribute("lang") == language:
        return
    page.select_option("#language-switch", language)
    with page.expect_navigation():
        page.locator("footer form button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


# --- accessibility (axe-core) and valid HTML (the Nu HTML Checker) ---------------

HTML_CHECK = "test_every_checked_page_is_valid_html"
_axe_pages = pytest.StashKey[list[str]]()
_documents = pytest.StashKey[HtmlDocuments]()


@pytest.fixture(scope="session")
def html_documents(request, tmp_path_factory) -> HtmlDocuments:
    """The server's HTML of every checked page of the run, for one vnu run at the end."""
    documents = HtmlDocuments(tmp_path_factory.mktemp("html"))
    request.config.stash[_documents] = documents
    return documents


@pytest.fixture
def check_page(page: Page, html_documents: HtmlDocuments, request) -> Callable[[str], None]:
    """`check_page(name)`: the page as it is now has no WCAG 2.1 A/AA violation
    (axe-core), and the HTML the server sent for it is kept for the Nu HTML Checker.
    That is the response body, not page.content() (which is the DOM, re-serialized)."""
    documents: list[Response] = []

    def remember(response: Response) -> None:
        if (
            response.request.is_navigation_request()
            and response.frame == page.main_frame
            and not 300 <= response.status < 400
        ):
            documents.append(response)

    page.on("response", remember)
    axe_pages = request.config.stash.setdefault(_axe_pages, [])

    def check(name: str) -> None:
        assert documents, "no page has loaded yet"
        assert documents[-1].url.split("#")[0] == page.url.split("#")[0], (
            f"the last document loaded ({documents[-1].url}) is not the page ({page.url})"
        )
        assert_accessible(page)
        axe_pages.append(page.url)
        test = request.node.originalname.removeprefix("test_")[:40]
        params = getattr(request.node, "callspec", None)
        where = f"{test}-{params.id}" if params else test
        html_documents.add(f"{where}-{name}", documents[-1].text())

    return check


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The HTML check runs last, after every journey has added its pages."""
    last = [item for item in items if getattr(item, "originalname", "") == HTML_CHECK]
    items[:] = [item for item in items if item not in last] + last


def pytest_terminal_summary(terminalreporter, config) -> None:
    axe_pages = config.stash.get(_axe_pages, [])
    documents = config.stash.get(_documents, None)
    if axe_pages:
        terminalreporter.write_line(
            f"axe-core (WCAG 2.1 A/AA): {len(axe_pages)} page views without violations"
        )
    if documents is not None and documents.result is not None:
        errors, warnings = documents.result
        terminalreporter.write_line(
            f"Nu HTML Checker: {len(documents.files)} documents, {len(errors)} errors, "
            f"{len(warnings)} warnings (-s prints them)"
        )
