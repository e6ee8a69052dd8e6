"""axe-core finds no WCAG 2.2 AA or best-practice violation in any fragment, in any state, and
every fragment reflows into 320 CSS px without scrolling sideways (WCAG 2.2, 1.4.10).

Each page is checked twice: as GOV.UK Frontend's JavaScript enhances it, and without JavaScript
(conditional reveals shown, the character count as plain text), which is how the fragments must
work first. axe runs at 1024 px wide; the reflow check at 320 px, where it fails on a page that
scrolls sideways or any element that reaches outside the window, naming each one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from tests.browser.fragment_pages import PAGES
from tests.browser.harness import REFLOW_VIEWPORT, PageAudit, ReflowCheck, check_reflow, describe

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("page_id", list(PAGES))
def test_no_axe_violations(
    audit: Callable[[str, bool], PageAudit], page_id: str, javascript: bool
) -> None:
    result = audit(page_id, javascript)
    assert not result.page_errors, f"{result.page}: script errors {result.page_errors}"
    # A missing stylesheet or script would make the audit meaningless.
    assert not result.console_errors, f"{result.page}: console errors {result.console_errors}"
    assert not result.violations, describe(result)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("page_id", list(PAGES))
def test_reflows_at_320_css_pixels(
    reflow: Callable[[str, bool], ReflowCheck], page_id: str, javascript: bool
) -> None:
    result = reflow(page_id, javascript)
    assert result.viewport_width <= 320, result  # the check ran in a narrow window
    assert not result.overflows, (
        f"{result.page} is {result.scroll_width} px wide in a {result.viewport_width} px window; "
        f"outside it: {result.offenders}"
    )


def test_the_reflow_canary_is_caught(browser: Browser, fragment_server: str) -> None:
    """A page with a line that cannot wrap fails the reflow check, which names the line."""
    context = browser.new_context(viewport=REFLOW_VIEWPORT)
    try:
        result = check_reflow(context.new_page(), f"{fragment_server}/reflow-canary", "canary")
    finally:
        context.close()
    assert result.overflows
    assert result.scroll_width > result.viewport_width
    assert any(offender.startswith("#too-wide") for offender in result.offenders), result
