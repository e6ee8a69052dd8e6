"""Fixtures of the accessibility suite: one headless Chromium, one page server and one report for
the whole session (the harness is in ``harness.py``, the pages in ``fragment_pages.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tests.browser.harness import (
    CHROMIUM_ARGS,
    CSP_LISTENER,
    REFLOW_VIEWPORT,
    REPORT,
    A11yReport,
    PageAudit,
    ReflowCheck,
    audit_page,
    check_reflow,
    fragment_handler,
    install_chromium,
    install_node_packages,
    serve,
    unavailable,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

# -- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium, driven by Playwright for Python (never Playwright's own browsers)."""
    # A dev dependency: `make test-min` leaves the browser suite out (--ignore), so a missing
    # Playwright anywhere else is a broken install — failed under CI, skipped on a laptop.
    try:
        import playwright.sync_api as sync_api
    except ImportError:
        unavailable("playwright", "install the test group: pip install --group test")
    executable = install_chromium()
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def node_modules() -> Path:
    return install_node_packages()


@pytest.fixture(scope="session")
def fragment_server() -> Iterator[str]:
    """Base URL of the server that shows every fragment as a page."""
    yield from serve(ThreadingHTTPServer(("127.0.0.1", 0), fragment_handler()))


# -- auditing ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def a11y_report() -> Iterator[A11yReport]:
    report = A11yReport()
    yield report
    if report.audits or report.reflow:
        report.write(REPORT)


@pytest.fixture(scope="session")
def browser_context(browser: Browser, node_modules: Path) -> Iterator[BrowserContext]:
    """One context for the session: axe and the CSP listener are injected into every document
    through the DevTools protocol, which the page's Content-Security-Policy does not govern."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    context.add_init_script(script=CSP_LISTENER)
    context.add_init_script(path=node_modules / "axe-core" / "axe.min.js")
    yield context
    context.close()


@pytest.fixture(scope="session")
def audit(
    browser: Browser,
    browser_context: BrowserContext,
    fragment_server: str,
    a11y_report: A11yReport,
) -> Iterator[Callable[[str, bool], PageAudit]]:
    """``audit(page_id, javascript)``: the page's audit, loaded and run once per session."""
    page = browser_context.new_page()
    a11y_report.chromium_version = browser.version

    def run(page_id: str, javascript: bool) -> PageAudit:
        name = f"{page_id} ({'js' if javascript else 'no-js'})"
        if name not in a11y_report.audits:
            url = f"{fragment_server}/pages/{page_id}" + ("" if javascript else "?js=0")
            result, version = audit_page(page, url, name)
            a11y_report.audits[name] = result
            a11y_report.axe_version = version
        return a11y_report.audits[name]

    yield run
    page.close()


@pytest.fixture(scope="session")
def reflow(
    browser: Browser, fragment_server: str, a11y_report: A11yReport
) -> Iterator[Callable[[str, bool], ReflowCheck]]:
    """``reflow(page_id, javascript)``: how the page fits a 320 CSS px wide window, measured once
    per session and recorded in the report."""
    context = browser.new_context(viewport=REFLOW_VIEWPORT)
    page = context.new_page()

    def run(page_id: str, javascript: bool) -> ReflowCheck:
        name = f"{page_id} ({'js' if javascript else 'no-js'})"
        if name not in a11y_report.reflow:
            url = f"{fragment_server}/pages/{page_id}" + ("" if javascript else "?js=0")
            a11y_report.reflow[name] = check_reflow(page, url, name)
        return a11y_report.reflow[name]

    yield run
    context.close()
