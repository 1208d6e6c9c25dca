"""Headless Chromium against Django's live server, recording every CSP violation.

The tests skip, saying why, where Debian's Chromium is not installed (.ci/run installs it).
"""

import os

import pytest

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
