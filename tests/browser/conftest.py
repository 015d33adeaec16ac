"""Browser tests: Playwright driving the system's Chromium against a live server on the test database.

No browser is downloaded: the tests use Debian's Chromium (`apt-get install chromium`), or the one
CHROMIUM names. Without it they are skipped locally, and fail in CI. Each page a test visits is
saved as a screenshot under BROWSER_ARTIFACTS (default `test-artifacts/browser/`), for a reviewer.
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client

# Playwright's sync API runs an event loop in the test's thread, and Django refuses ORM calls made
# while a loop runs (it cannot tell the test's own calls from a coroutine's). Only the test calls it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts/browser"))
MISSING_CHROMIUM = (
    f"Chromium is not installed at {CHROMIUM}: the browser tests need it "
    "(apt-get install chromium, or set CHROMIUM to a Chromium binary)"
)
#: The window width curators work at; no page may be wider.
WINDOW = {"width": 1400, "height": 900}


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    here = Path(__file__).parent
    browser_tests = [item for item in items if here in Path(item.fspath).parents]
    if browser_tests and os.environ.get("CI"):
        raise pytest.UsageError(MISSING_CHROMIUM)
    for item in browser_tests:
        item.add_marker(pytest.mark.skip(reason=MISSING_CHROMIUM))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": ["--no-sandbox"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": WINDOW}


@dataclass
class Visits:
    """What the browser met on a page: console errors and uncaught exceptions, and screenshots taken."""

    test_name: str
    errors: list[str] = field(default_factory=list)
    count: int = 0

    def screenshot(self, page, name: str) -> Path:
        self.count += 1
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = ARTIFACTS / self.test_name / f"{self.count:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def visits(page, request):
    """Records the page's console errors, failed requests and error responses; tests assert there were none."""
    seen = Visits(test_name=re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name))

    def on_console(message):
        if message.type == "error":
            seen.errors.append(f"{page.url}: {message.text}")

    def on_response(response):
        if response.status >= 400:
            seen.errors.append(f"{page.url}: {response.url} answered {response.status}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.errors.append(f"{page.url}: {error}"))

    def on_failed_request(failed):
        # Leaving a page, or select2 asking again as the curator types, aborts a request: not an error.
        if failed.failure != "net::ERR_ABORTED":
            seen.errors.append(f"{page.url}: {failed.url} failed ({failed.failure})")

    page.on("requestfailed", on_failed_request)
    page.on("response", on_response)
    return seen


@pytest.fixture
def curator(transactional_db, django_user_model):
    return django_user_model.objects.create_superuser("curator", "curator@example.org", "curator-password")


@pytest.fixture
def curator_page(page, live_server, curator):
    """A page logged in as the curator (by session cookie; one test logs in through the form)."""
    client = Client()
    client.force_login(curator)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return page


#: What scrolls sideways on a page: the page itself, or a box inside it (the admin scrolls a wide
#: changelist table inside its own box, so the page alone would not tell).
OVERFLOWING = """() => {
    const wide = [];
    const page = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
    if (page > window.innerWidth) wide.push(`the page is ${page} px wide`);
    for (const box of document.querySelectorAll('#content *')) {
        if (["TEXTAREA", "SELECT", "INPUT"].includes(box.tagName)) continue;
        // Boxes that clip on purpose: hidden for screen readers only, and select2 cutting a long choice.
        if (box.closest(".visually-hidden, .select2")) continue;
        const overflow = getComputedStyle(box).overflowX;
        if (['auto', 'scroll', 'hidden'].includes(overflow) && box.scrollWidth > box.clientWidth + 1) {
            const name = box.id ? `#${box.id}` : `.${[...box.classList].join('.')}`;
            wide.push(`${box.tagName.toLowerCase()}${name} holds ${box.scrollWidth} px in ${box.clientWidth} px`);
        }
    }
    return wide;
}"""


def overflowing(page) -> list[str]:
    """What is wider than its room on the page (empty when nothing scrolls sideways)."""
    return page.evaluate(OVERFLOWING)
