"""Every fragment works under ``default-src 'self'; script-src 'self'; style-src 'self'``.

A host with a strict Content-Security-Policy must be able to use the fragments as they are: no
inline script, inline style or inline event handler. The browser reports each violation as a
``securitypolicyviolation`` event and a console error; the canary proves both are heard.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from tests.browser.fragment_pages import PAGES
from tests.browser.harness import PageAudit, audit_page
from tests.helpers.hostile import structure

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page


@pytest.fixture
def fresh_page(browser_context: BrowserContext) -> Iterator[Page]:
    page = browser_context.new_page()
    yield page
    page.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("page_id", list(PAGES))
def test_no_csp_violations(
    audit: Callable[[str, bool], PageAudit], page_id: str, javascript: bool
) -> None:
    result = audit(page_id, javascript)
    assert not result.csp_violations, f"{result.page}: {result.csp_violations}"
    refused = [text for text in result.console_errors if "Content Security Policy" in text]
    assert not refused, f"{result.page}: {refused}"


@pytest.mark.parametrize("page_id", list(PAGES))
def test_markup_has_no_inline_script_style_or_handler(page_id: str) -> None:
    for tag, attributes in structure(PAGES[page_id].html):
        assert tag not in ("script", "style"), (page_id, tag)
        assert "style" not in attributes, (page_id, tag)
        assert not [name for name in attributes if name.startswith("on")], (page_id, tag)


def test_the_canary_is_caught(fresh_page: Page, fragment_server: str) -> None:
    """A page with an unlabelled field and inline script, style and handler fails both checks."""
    result, _ = audit_page(fresh_page, f"{fragment_server}/canary", "canary")
    assert "label" in {rule["id"] for rule in result.violations}
    directives = {violation["directive"] for violation in result.csp_violations}
    assert {"script-src-elem", "style-src-attr", "script-src-attr"} <= directives, directives
    assert any("Content Security Policy" in text for text in result.console_errors)
    assert fresh_page.title() == "Canary"  # neither the script nor the handler ran
