"""The receiving team triages a request in `familyhubs demo`, in headless Chromium: the triage
list shows who and what it is about, then the team assigns it, adds an internal note and declines
it with a reason — after every change a GOV.UK success banner says what happened, and the
referrer's status update, with the reason, is delivered through the outbox.

The demo runs as a subprocess on a free loopback port, exactly as ``make demo`` starts it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from tests.browser.demo_driver import answer, follow, sign_in_as
from tests.browser.fragment_pages import JOURNEY
from tests.browser.harness import (
    _RUN_AXE,
    AXE_DISABLED_RULES,
    AXE_TAGS,
    CSP_LISTENER,
    REFLOW_VIEWPORT,
    audit_page,
    check_reflow,
    describe,
)

from familyhubs_sdk.demo._services import MESSAGES_FOLDER

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

DEMO = [sys.executable, "-m", "familyhubs_sdk", "demo", "--port", "0"]
REASON = "The family lives outside Exampleshire; we have passed on the details of their own LA."
NOTE = "Called the referrer: the family is moving next month."


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("inbox-browser")


@pytest.fixture(scope="module")
def demo_url(data_dir: Path) -> Iterator[str]:
    """``familyhubs demo --port 0`` with a data folder of its own, stopped with SIGTERM."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILYHUBS_")}
    process = subprocess.Popen(
        [*DEMO, "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    match = re.search(r"(http://127\.0\.0\.1:\d+)/", process.stdout.readline())
    try:
        if match is None:
            pytest.fail("the demo did not print its URL")
        yield match.group(1)
    finally:
        process.terminate()
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate(timeout=10)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    yield page
    context.close()


def _send_request(page: Page, url: str) -> str:
    page.goto(f"{url}/")
    follow(page, page.locator("main").get_by_role("link", name="Request support for a family"))
    for step, form in JOURNEY:
        assert page.url.endswith(f"/request-support/{step}"), (step, page.url)
        answer(page, form)
    if page.url.endswith("/request-support/evidence"):  # supporting evidence is optional
        answer(page, {})
    assert page.url.endswith("/request-support/check"), page.url
    follow(page, page.get_by_role("button", name="Accept and send"))
    found = re.search(r"\b[A-Z0-9]{8}\b", page.inner_text(".govuk-panel"))
    assert found, page.inner_text("main")
    return found.group(0)


def _banner(page: Page) -> str:
    banner = page.locator(".govuk-notification-banner--success")
    assert banner.count() == 1, page.inner_text("main")
    assert banner.get_attribute("role") == "alert"
    return " ".join(banner.inner_text().split())


def _delivered_update(folder: Path, reference: str) -> dict[str, Any]:
    """The referrer's status update for ``reference``, once the demo's outbox worker (running
    beside the server) has delivered it into the messages folder."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for path in folder.glob("*.json"):
            notification = json.loads(path.read_text()).get("payload", {}).get("notification", {})
            if notification.get("kind") == "request_declined" and reference in path.read_text():
                return dict(notification)
        time.sleep(0.2)
    pytest.fail(f"no status update for {reference} was delivered to {folder}")


def test_the_team_assigns_notes_and_declines_with_a_reason(
    page: Page, demo_url: str, data_dir: Path
) -> None:
    reference = _send_request(page, demo_url)
    sign_in_as(page, "Rae Tan")
    follow(page, page.locator(".govuk-service-navigation").get_by_role("link", name="Inbox"))
    assert page.title().startswith("Requests for support")

    # The triage list: who, what about, who referred, how long open, who has it.
    row = page.locator("tbody tr", has=page.get_by_role("link", name=reference))
    text = " ".join(row.inner_text().split())
    assert "Jo Example" in text  # the lead child
    assert "Exampleshire NHS" in text  # the referrer's organisation
    assert "Nobody yet" in text  # not assigned
    # A search by name is posted: the name never reaches the address bar.
    page.locator("#q").fill("jo exam")
    follow(page, page.get_by_role("button", name="Search"))
    assert "jo" not in page.url.lower()
    assert page.get_by_role("link", name=reference).count() == 1

    follow(page, page.get_by_role("link", name=reference))
    assert page.title().startswith(f"Request {reference}")
    assert page.locator(".govuk-notification-banner").count() == 0  # nothing changed yet

    # Assign to a team.
    page.locator("#assignee").select_option(label="Hub North family support team")
    follow(page, page.get_by_role("button", name="Assign"))
    assert page.url.endswith(f"/inbox/{reference}?done=assigned")
    assert f"Request {reference} assigned to Hub North family support team" in _banner(page)

    # An internal note, for the team only.
    page.locator("#note").fill(NOTE)
    follow(page, page.get_by_role("button", name="Add note"))
    assert f"Internal note added to request {reference}" in _banner(page)
    assert NOTE in page.inner_text("main")

    # Declining without a reason is refused; with one, it is kept.
    follow(page, page.get_by_role("link", name="Change status"))
    page.locator('input[name="status"][value="declined"]').check()
    follow(page, page.get_by_role("button", name="Save"))
    assert page.title().startswith("Error: ")
    assert "Enter why you are declining this request" in page.inner_text(".govuk-error-summary")
    page.locator('input[name="status"][value="declined"]').check()
    page.locator("#decline-reason").fill(REASON)
    follow(page, page.get_by_role("button", name="Save"))
    assert page.url.endswith(f"/inbox/{reference}?done=declined")
    assert f"Request {reference} declined" in _banner(page)
    history = page.locator(".moj-timeline").inner_text()
    assert "Opened to Declined" in history
    assert REASON in history

    # The referrer hears back, with the reason: delivered by the outbox, never lost.
    update = _delivered_update(data_dir / MESSAGES_FOLDER, reference)
    assert update["personalisation"]["decline_reason"] == REASON
    assert update["personalisation"]["show_reason"] == "yes"
    assert NOTE not in json.dumps(update)  # internal notes never go out

    # Back in the list, the request shows as declined and assigned.
    follow(page, page.get_by_role("link", name="Back to the inbox"))
    row = page.locator("tbody tr", has=page.get_by_role("link", name=reference))
    text = " ".join(row.inner_text().split())
    assert "Declined" in text
    assert "Hub North family support team" in text
    assert NOTE not in page.inner_text("main")  # notes stay on the request, off the list

    # Both screens reflow on a 320 px wide screen: nothing scrolls sideways.
    page.set_viewport_size(REFLOW_VIEWPORT)
    for name, url in (("list", f"{demo_url}/inbox/"), ("detail", f"{demo_url}/inbox/{reference}")):
        fit = check_reflow(page, url, name)
        assert not fit.overflows, (name, fit.scroll_width, fit.offenders)


def test_the_triage_screens_pass_axe_with_no_csp_violation(
    browser: Browser, node_modules: Path, demo_url: str
) -> None:
    """axe-core on the triage list (filters open with a date error), a request, and the status
    form with its error: no violations, no Content-Security-Policy report, no script error."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    context.add_init_script(script=CSP_LISTENER)
    context.add_init_script(path=node_modules / "axe-core" / "axe.min.js")
    try:
        page = context.new_page()
        reference = _send_request(page, demo_url)
        sign_in_as(page, "Rae Tan")
        bad_date = "from-day=31&from-month=2&from-year=2026&flag=under_one"
        pages = {
            "triage list": f"{demo_url}/inbox/",
            "triage list, filtered with an error": f"{demo_url}/inbox/?{bad_date}",
            "triaged request": f"{demo_url}/inbox/{reference}?done=assigned",
            "status form": f"{demo_url}/inbox/{reference}/status",
        }
        for name, url in pages.items():
            if name == "triage list, filtered with an error":
                response = page.goto(url)
                assert response is not None
                assert response.status == 400  # the page still shows, with its error
                result = page.evaluate(_RUN_AXE, [AXE_TAGS, AXE_DISABLED_RULES])
                assert result["violations"] == [], name
                assert result["csp"] == [], name
                continue
            audited, _version = audit_page(page, url, name)
            assert audited.violations == [], describe(audited)
            assert audited.csp_violations == [], name
            assert audited.page_errors == [], name
    finally:
        context.close()
