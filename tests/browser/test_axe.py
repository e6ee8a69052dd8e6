"""axe-core finds no WCAG 2.2 AA or best-practice violation in any fragment, in any state.

Each page is checked twice: as GOV.UK Frontend's JavaScript enhances it, and without JavaScript
(conditional reveals shown, the character count as plain text), which is how the fragments must
work first.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.browser.fragment_pages import PAGES
from tests.browser.harness import PageAudit, describe


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
