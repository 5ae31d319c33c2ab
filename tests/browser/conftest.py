"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's
live server. Run them with `make test-browser`; `make chromium` installs the browser.

The live server serves the static files itself (pytest-django hands it Django's
StaticFilesHandler when django.contrib.staticfiles is installed), so the pages are
styled even though the tests run with DEBUG off.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop in this thread, and Django
# refuses ORM calls (the test database's set-up and flush, the tests' own
# queries) while one runs. `make test` runs tests/browser in its own pytest.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

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
    options = {"locale": "nl-NL", "timezone_id": "Europe/Amsterdam", **context_options}
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def log_in(page: Page, user: User, password: str = PASSWORD) -> None:
    """Log in through the real login form, as a person would."""
    page.goto("/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/login/" not in page.url, f"login failed for {user.username}"
