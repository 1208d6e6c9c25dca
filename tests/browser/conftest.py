"""Headless Chromium against Django's live server, recording every CSP violation.

The tests skip, saying why, where Debian's Chromium is not installed (.ci/run installs it).
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

# Django's live server runs in a thread beside Playwright's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Runs before any script of the page: the policy's own report of what it blocked.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` (${event.sourceFile || ""}:${event.lineNumber})`);
});
"""


def pytest_collection_modifyitems(items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is absent (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


# Module scope, as in tests/pages/browser: Playwright's sync API runs an event loop in this
# thread while a browser is open, and another module's sync_playwright() cannot start then.
@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
        )
        yield browser
        browser.close()


class WatchedPage:
    """A page that keeps the CSP violations and console errors it saw."""

    def __init__(self, page):
        self.page = page
        self.console_errors: list[str] = []
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.add_init_script(RECORD_VIOLATIONS)

    def violations(self) -> list[str]:
        reported = self.page.evaluate("window.__csp || []")
        logged = [text for text in self.console_errors if "Content Security Policy" in text]
        return reported + logged


@pytest.fixture
def watched(chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield WatchedPage(page)
    context.close()
