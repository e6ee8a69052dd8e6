"""Printed, the timeline, who to contact and the copy of a request keep what a reader needs on
paper: no navigation, filters or buttons; contacts' email addresses spelt out; an event or a
contact card never split across two pages (familyhubs.css, ``@media print``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

_DISPLAY = "(selector) => [...document.querySelectorAll(selector)].map((e) => getComputedStyle(e).display)"
_AFTER = "(selector) => [...document.querySelectorAll(selector)].map((e) => getComputedStyle(e, '::after').content)"
_BREAK = "(selector) => [...document.querySelectorAll(selector)].map((e) => getComputedStyle(e).breakInside)"


@pytest.fixture
def printed(browser: Browser, fragment_server: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 800, "height": 1000})
    page = context.new_page()
    page.emulate_media(media="print")
    yield page
    context.close()


def _load(page: Page, fragment_server: str, page_id: str) -> None:
    response = page.goto(f"{fragment_server}/pages/{page_id}", wait_until="load")
    assert response is not None
    assert response.ok


def test_the_timeline_prints_without_navigation_filters_or_buttons(
    printed: Page, fragment_server: str
) -> None:
    _load(printed, fragment_server, "timeline/page-long-values")
    for selector in (".familyhubs-timeline-filters", ".moj-sub-navigation", ".govuk-button"):
        shown = printed.evaluate(_DISPLAY, selector)
        assert shown, f"{selector} is not on the page: the check would prove nothing"
        assert set(shown) == {"none"}, (selector, shown)
    assert set(printed.evaluate(_DISPLAY, ".moj-timeline__item")) == {"block"}
    assert set(printed.evaluate(_BREAK, ".moj-timeline__item")) == {"avoid"}
    assert set(printed.evaluate(_BREAK, ".govuk-summary-card")) == {"avoid"}
    # On screen the same page keeps its filters and buttons.
    printed.emulate_media(media="screen")
    assert "none" not in printed.evaluate(_DISPLAY, ".familyhubs-timeline-filters")


def test_contacts_print_their_email_addresses(printed: Page, fragment_server: str) -> None:
    _load(printed, fragment_server, "timeline/page-long-values")
    links = printed.evaluate(
        "() => [...document.querySelectorAll('.govuk-summary-card a[href^=\"mailto:\"]')]"
        ".map((e) => e.getAttribute('href'))"
    )
    assert links
    after = printed.evaluate(_AFTER, '.govuk-summary-card a[href^="mailto:"]')
    assert all(href in content for href, content in zip(links, after, strict=True)), after
    printed.emulate_media(media="screen")
    assert set(printed.evaluate(_AFTER, '.govuk-summary-card a[href^="mailto:"]')) == {"none"}


def test_the_copy_of_a_request_prints_whole_rows(printed: Page, fragment_server: str) -> None:
    _load(printed, fragment_server, "support/copy-of-request")
    rows = printed.evaluate(_BREAK, ".familyhubs-request-copy .govuk-summary-list__row")
    assert rows
    assert set(rows) == {"avoid"}
