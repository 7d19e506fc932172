"""Playwright fixtures: headless Chromium (the system's /usr/bin/chromium) against the live server.

Missing Chromium is a failure, not a skip: the browser tests are part of the suite."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# A real Celery worker for the journeys under --services (the fixture lives with the service tests).
from tests.faults.conftest import celery_worker, wait_for  # noqa: F401

# Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Test-password-1"
# Test runs write their screenshots under var/; `make screenshots` refreshes the committed ones in docs/.
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR") or Path(__file__).resolve().parents[2] / "var" / "screenshots")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install it (apt-get install -y chromium) to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, accept_downloads=True,
                                  permissions=["clipboard-read", "clipboard-write"])
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def signed_in_page(page, live_server, demo_world):
    """signed_in_page("admin.agent") → the page, signed in (short names are @contoso-partner.example)."""

    def sign_in(email: str):
        if "@" not in email:
            email = f"{email}@contoso-partner.example"
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=email], input[name=username]", email)
        page.fill("input[name=password]", PASSWORD)
        page.click("form:has(input[name=password]) button[type=submit]")
        page.wait_for_load_state()
        return page

    return sign_in


@pytest.fixture
def screenshot(page):
    def take(name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def cancellations_processed(request):
    """How a submitted cancellation is processed: by a real Celery worker under --services (PostgreSQL +
    Redis); in the SQLite suite, which has no broker, inline in the web request (Celery's eager mode).
    Yields a function that returns once the request for that order is completed."""
    from cancellations.models import CancellationRequest

    def done(order, timeout: float = 30.0):
        return wait_for(lambda: CancellationRequest.objects.filter(order=order, status="completed").exists(),
                        timeout=timeout, what="the cancellation to be processed")

    if request.config.getoption("--services"):
        request.getfixturevalue("celery_worker").start()
        yield done
        return
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield done
    finally:
        app.conf.task_always_eager = previous


# --- accessibility (axe-core) ------------------------------------------------------------------

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# What fails a page: axe's two worst impact levels. Moderate/minor findings are reported, not failed.
BLOCKING = ("serious", "critical")
AUDITED: dict[str, list[str]] = {}  # page state -> every rule axe flagged there, with its impact


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does) to install axe-core for the accessibility checks")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page, source: str) -> list[dict]:
    """Run axe-core on the page as it is now (open dialogs included). The strict CSP forbids inline
    scripts, so the source is evaluated through the DevTools protocol (page.evaluate), which CSP
    does not govern, rather than added as a <script> tag."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(source)
    # A dialog fades in: measure colours once every running animation has finished.
    result = page.evaluate("""async () => {
        await Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)));
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary.split('\\n').slice(1).join(' '))}));
    }""")
    return result


class Axe:
    """axe(page, "name") audits the page as it is now and records what axe found under that name; the
    test ends with `axe.assert_clean()`, so one run lists every page with a serious/critical finding."""

    def __init__(self, source: str):
        self.source = source
        self.blocking: list[str] = []

    def __call__(self, page, name: str, *, url_name: str | None = None) -> None:
        page.wait_for_load_state()
        if url_name is not None:
            from urllib.parse import urlparse

            from django.urls import resolve

            assert resolve(urlparse(page.url).path).view_name == url_name, (name, page.url)
        violations = axe_violations(page, self.source)
        AUDITED[name] = sorted(f"{v['id']} ({v['impact']})" for v in violations)
        for v in violations:
            if v["impact"] in BLOCKING:
                self.blocking.append(f"{name} ({page.url}) [{v['impact']}] {v['id']}: {v['help']}\n    "
                                     + "\n    ".join(v["nodes"][:5]))

    def assert_clean(self) -> None:
        assert not self.blocking, "axe-core found serious/critical violations:\n" + "\n".join(self.blocking)


@pytest.fixture
def axe(axe_source):
    return Axe(axe_source)


def pytest_terminal_summary(terminalreporter):
    if AUDITED:
        terminalreporter.section(f"axe-core: {len(AUDITED)} page states checked")
        for name, found in sorted(AUDITED.items()):
            if found:
                terminalreporter.write_line(f"{name}: {', '.join(found)}")
        clean = [name for name, found in AUDITED.items() if not found]
        terminalreporter.write_line(f"{len(clean)} without any violation: {', '.join(sorted(clean))}")
