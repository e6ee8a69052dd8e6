"""The demo portal's own screens reflow into 320 CSS px (WCAG 2.2, 1.4.10), as a practitioner on
a phone or at 400 % zoom would use them: the demo's layout (service navigation, phase banner, the
sign-in bar) around the SDK's screens, reached as a person reaches them. Each screen is recorded
in ``build/a11y-report.json`` beside the fragments, named ``demo/<screen>``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from tests.browser.demo_driver import follow, sign_in_as
from tests.browser.harness import REFLOW_VIEWPORT, A11yReport, ReflowCheck, measure_reflow
from tests.browser.test_demo_browser import RunningDemo, demo
from tests.helpers.journeys import known_child

from familyhubs_sdk.demo._services import WAREHOUSE_FILE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

__all__ = ["demo"]  # the demo portal, started once for this module (a fixture)


@pytest.fixture
def narrow(browser: Browser) -> Iterator[Page]:
    """A fresh 320 px window with no cookies."""
    context = browser.new_context(viewport=REFLOW_VIEWPORT)
    yield context.new_page()
    context.close()


def _switch_to(page: Page, name: str) -> None:
    follow(page, page.locator(".demo-user-bar").get_by_role("button", name="Sign out"))
    sign_in_as(page, name)


def _fits(page: Page, name: str, report: A11yReport) -> ReflowCheck:
    result = measure_reflow(page, f"demo/{name}")
    report.reflow[result.page] = result
    return result


def test_the_demo_screens_fit_320_css_pixels(
    narrow: Page, demo: RunningDemo, a11y_report: A11yReport
) -> None:
    page = narrow
    child = known_child(f"sqlite:///{demo.data_dir / WAREHOUSE_FILE}")
    checks: list[ReflowCheck] = []
    page.goto(f"{demo.url}/")
    checks.append(_fits(page, "home", a11y_report))
    sign_in_as(page, "Sam Okafor")
    page.goto(f"{demo.url}/find-a-child/")
    checks.append(_fits(page, "find-a-child", a11y_report))
    page.locator("#by").check()
    page.locator("#nhs-number").fill(child.nhs_number)
    follow(page, page.get_by_role("button", name="Search"))
    checks.append(_fits(page, "search-results", a11y_report))
    follow(page, page.locator("main").get_by_role("link", name=child.name))
    checks.append(_fits(page, "reason-for-access", a11y_report))
    page.locator('input[name="reason"][value="early_help"]').check()
    follow(page, page.get_by_role("button", name="Continue"))
    assert page.title().startswith(f"{child.name} – timeline"), page.title()
    checks.append(_fits(page, "timeline", a11y_report))
    record = page.url
    for screen in ("contacts", "family"):
        page.goto(f"{record}/{screen}")
        checks.append(_fits(page, screen, a11y_report))
    _switch_to(page, "Rae Tan")
    for screen in ("inbox", "analytics"):
        page.goto(f"{demo.url}/{screen}/")
        checks.append(_fits(page, screen, a11y_report))
    _switch_to(page, "Ines Grant")
    page.goto(f"{demo.url}/audit/")
    checks.append(_fits(page, "audit", a11y_report))
    page.goto(f"{demo.url}/audit/reviews")
    checks.append(_fits(page, "audit-reviews", a11y_report))
    wide = {check.page: (check.scroll_width, check.offenders) for check in checks if check.overflows}
    assert not wide, wide
