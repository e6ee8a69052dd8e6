"""`familyhubs demo` in headless Chromium, as an LA developer evaluating it would use it: sign in →
find a child → reason → timeline → a contact card's link; and a request for support → its
confirmation → sign in as the receiving team → the request in the inbox (and in the file drop).

The demo runs as a subprocess on a free loopback port, exactly as ``make demo`` starts it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tests.browser.demo_driver import answer, follow, sign_in_as
from tests.browser.fragment_pages import JOURNEY
from tests.helpers.journeys import KnownChild, known_child

from familyhubs_sdk.demo._services import FILE_DROP_FOLDER, WAREHOUSE_FILE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

DEMO = [sys.executable, "-m", "familyhubs_sdk", "demo", "--port", "0"]


@dataclass
class RunningDemo:
    url: str
    data_dir: Path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    """``familyhubs demo --port 0`` with a data folder of its own, stopped with SIGTERM."""
    data_dir = tmp_path_factory.mktemp("demo-browser")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILYHUBS_")}
    process = subprocess.Popen(
        [*DEMO, "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+)/", first)
    try:
        if match is None:
            pytest.fail(f"the demo did not print its URL: {first!r}")
        yield RunningDemo(match.group(1), data_dir)
    finally:
        process.terminate()
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate(timeout=10)
    assert process.returncode == 0, "the demo did not stop cleanly on SIGTERM"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh context (no cookies), as a new browser window would be."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def child(demo: RunningDemo) -> KnownChild:
    return known_child(f"sqlite:///{demo.data_dir / WAREHOUSE_FILE}")


def test_sign_in_find_a_child_and_use_a_contact_card(
    page: Page, demo: RunningDemo, child: KnownChild
) -> None:
    page.goto(f"{demo.url}/")
    assert page.title() == "Home – Family Hubs SDK demo"
    follow(page, page.locator("main").get_by_role("link", name="Find a child"))
    assert page.title().startswith("Sign in to find a child")  # the timeline needs sign-in
    follow(page, page.locator("main").get_by_role("link", name="Sign in"))
    page.get_by_label("Sam Okafor", exact=False).check()
    follow(page, page.get_by_role("button", name="Sign in"))
    assert page.url == f"{demo.url}/find-a-child/"

    # Search by NHS number: posted, so it never reaches the address bar or the server log.
    page.locator("#by").check()
    page.locator("#nhs-number").fill(child.nhs_number)
    follow(page, page.get_by_role("button", name="Search"))
    assert "1 child found" in page.inner_text("main")
    assert child.nhs_number not in page.url
    follow(page, page.locator("main").get_by_role("link", name=child.name))

    assert page.title().startswith("Why do you need to see this record?")
    page.locator('input[name="reason"][value="early_help"]').check()
    follow(page, page.get_by_role("button", name="Continue"))
    assert page.title().startswith(f"{child.name} – timeline"), page.title()
    assert re.fullmatch(rf"{re.escape(demo.url)}/find-a-child/record/[A-Za-z0-9_-]+", page.url)
    assert child.nhs_number not in page.url
    assert page.locator(".moj-timeline__item").count() > 0

    # A professional's name on the timeline leads to their contact card, with a phone or email
    # link that opens the viewer's own phone or mail app (not followed: headless has neither).
    timeline = page.url
    professional = page.locator(".moj-timeline__item a[href^='#familyhubs-contact-']").first
    anchor = professional.get_attribute("href") or ""
    professional.click()
    assert page.url == timeline + anchor
    card = page.locator(anchor)
    assert card.is_visible()
    contact = card.locator("a[href^='tel:'], a[href^='mailto:']")
    assert contact.count() > 0, "no phone number or email address on the contact card"
    href = contact.first.get_attribute("href") or ""
    assert re.fullmatch(r"(tel:\+?[0-9]+|mailto:[^\s@]+@[^\s@]+)", href), href
    follow(page, page.locator("main").get_by_role("link", name="Who to contact").first)
    assert page.title().startswith(f"{child.name} – who to contact")
    assert page.locator(f".govuk-summary-card a[href='{href}']").count() > 0

    # Who has viewed a record is for information governance (or a relationship the demo has
    # no hook for): the social worker gets no link; the information-governance officer sees
    # the view audited, with the viewer's name, role and organisation.
    assert page.get_by_role("link", name="Who has viewed this record").count() == 0
    subject_id = timeline.rsplit("/", 1)[1]
    follow(page, page.locator(".demo-user-bar").get_by_role("button", name="Sign out"))
    sign_in_as(page, "Ines Grant")
    page.goto(f"{demo.url}/audit/record/{subject_id}")
    assert page.title().startswith("Who has viewed this record"), page.title()
    viewed = page.inner_text("main")
    assert "Sam Okafor" in viewed
    assert "Exampleshire Children's Services" in viewed


def test_request_support_then_find_it_in_the_inbox(page: Page, demo: RunningDemo) -> None:
    page.goto(f"{demo.url}/")
    follow(page, page.locator("main").get_by_role("link", name="Request support for a family"))
    for step, form in JOURNEY:
        assert page.url.endswith(f"/request-support/{step}"), (step, page.url)
        answer(page, form)
    # Evidence upload is on in the demo: this request goes without a file.
    assert page.url.endswith("/request-support/evidence"), page.url
    follow(page, page.get_by_role("button", name="Continue"))
    assert page.url.endswith("/request-support/check"), page.url
    follow(page, page.get_by_role("button", name="Accept and send"))
    assert page.title().startswith("Request sent")
    found = re.search(r"\b[A-Z0-9]{8}\b", page.inner_text(".govuk-panel"))
    assert found, page.inner_text("main")
    reference = found.group(0)

    sign_in_as(page, "Rae Tan")
    follow(page, page.locator(".govuk-service-navigation").get_by_role("link", name="Inbox"))
    assert page.title().startswith("Requests for support")
    follow(page, page.get_by_role("link", name=reference))
    assert page.title().startswith(f"Request {reference}")
    assert "Opened" in page.inner_text("main")

    # The outbox worker, running beside the server, has delivered it as a file.
    drop = demo.data_dir / FILE_DROP_FOLDER
    deadline = time.monotonic() + 30
    while not list(drop.glob(f"{reference}-*.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert list(drop.glob(f"{reference}-*.json")), f"{reference} was not delivered to {drop}"


def test_pages_run_govuk_frontend_from_the_wheel(page: Page, demo: RunningDemo) -> None:
    """The demo's pages load GOV.UK Frontend's stylesheet and script as shipped in the wheel, with
    no inline script: the font is the system stack, and a radio reveals its conditional question."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{demo.url}/")
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert font.startswith("system-ui"), font
    sign_in_as(page, "Sam Okafor")
    page.goto(f"{demo.url}/find-a-child/")
    page.locator("#by-3").check()
    assert page.locator("#conditional-by-3").is_visible()
    assert not page.locator("#conditional-by").is_visible()
    assert page.locator("#by-3").get_attribute("aria-expanded") == "true"  # set by the script
    assert errors == []
