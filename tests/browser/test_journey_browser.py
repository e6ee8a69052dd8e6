"""The request-for-support journey in headless Chromium, served by the Flask adapter: on the
"add another" page Enter continues and never removes anyone, removing asks first on its own page;
and the second example form (a health visitor's request to a family hub) completes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from tests.browser.demo_driver import answer, follow
from tests.helpers.journeys import FIRST_STEPS

from familyhubs_sdk.questiontree import QuestionTree
from familyhubs_sdk.support import default_tree

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytest.importorskip("flask")

from examples.family_hub_request.app import PREFIX, create_app

Serve = Callable[[QuestionTree | None], str]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    """``serve(tree)``: the form running under werkzeug on a free loopback port; its base URL."""
    from werkzeug.serving import make_server

    servers = []

    def start(tree: QuestionTree | None) -> str:
        server = make_server("127.0.0.1", 0, create_app(tmp_path, tree=tree), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}{PREFIX}"

    yield start
    for server in servers:
        server.shutdown()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    yield page
    context.close()


def _due_in(days: int) -> dict[str, str]:
    when = date.today() + timedelta(days=days)
    return {"answer-day": str(when.day), "answer-month": str(when.month),
            "answer-year": str(when.year)}  # fmt: skip


def _two_children(page: Page, base: str) -> None:
    page.goto(f"{base}/")
    for _, form in FIRST_STEPS:
        answer(page, {k: v for k, v in form.items()})  # type: ignore[misc]
    assert page.title().startswith("You have added 1 child")
    answer(page, {"add": "yes"})
    for form in ({"answer": "Baby Example"}, {"answer": "no"}, _due_in(60),
                 {"answer": "not_known"}, {"answer": ""}):  # fmt: skip
        answer(page, form)
    assert page.title().startswith("You have added 2 children")


def test_enter_on_the_add_another_page_continues_and_never_removes(
    serve: Serve, page: Page
) -> None:
    base = serve(default_tree())
    _two_children(page, base)
    # Enter with nothing chosen: the form is submitted by Continue, and says what to choose.
    with page.expect_navigation():
        page.locator("#add").press("Enter")
    assert page.title().startswith("Error: You have added 2 children")
    # Choose "No" and press Enter: the journey continues; both children are still there.
    page.get_by_label("No", exact=True).check()
    with page.expect_navigation():
        page.get_by_label("No", exact=True).press("Enter")
    assert page.url == f"{base}/other_adults"
    # Back goes to the second child's last question: nobody was removed.
    back = page.locator("a.govuk-back-link")
    assert back.get_attribute("href") == f"{PREFIX}/children/2/child_nhs_number"
    follow(page, back)
    assert page.title().startswith("What is the child’s NHS number?")


def test_removing_a_child_asks_to_confirm_first(serve: Serve, page: Page) -> None:
    base = serve(default_tree())
    _two_children(page, base)
    follow(page, page.get_by_role("link", name="Remove Child 1"))
    assert page.title().startswith("Are you sure you want to remove Child 1?")
    answer(page, {"remove": "no"})
    assert page.title().startswith("You have added 2 children")
    follow(page, page.get_by_role("link", name="Remove Child 1"))
    answer(page, {"remove": "yes"})
    assert page.title().startswith("You have added 1 child")
    listed = page.inner_text("main")
    assert "Baby Example" in listed
    assert "Jo Example" not in listed


def test_the_family_hub_request_form_completes(serve: Serve, page: Page) -> None:
    base = serve(None)
    page.goto(f"{base}/")
    assert page.title().startswith("Is anyone in the family in immediate danger?")
    for form in (
        {"answer": "no"}, {"answer": "yes"}, {"answer": "Sam Patel"},
        {"answer": "North health visiting"}, {"answer": "01632 960 001"},
        {"answer": "Alex Example"}, {"answer": "2"}, {"answer": "Unborn baby"},
        {"answer": "no"}, _due_in(90), {"add": "no"},
        {"answer": "yes"},  # antenatal contact: the group's route for an expected baby
        {"answer": ["development", "groups"]}, {"answer": ["speech"]},
        {"answer": "family"}, {"answer": ""},
    ):  # fmt: skip
        answer(page, form)
    assert page.title().startswith("Check your answers before sending your request")
    assert "the family has agreed to it" in page.inner_text("main")
    follow(page, page.get_by_role("button", name="Accept and send"))
    assert page.title().startswith("Request sent to the family hub")
    assert "within 3 working days" in page.inner_text("main")


@pytest.fixture
def demo_url(tmp_path: Path) -> Iterator[str]:
    """``familyhubs demo --port 0`` in a folder of its own, as ``make demo`` starts it."""
    import os
    import re
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILYHUBS_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "familyhubs_sdk", "demo", "--port", "0", "--data-dir",
         str(tmp_path / "demo")],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip
    assert process.stdout is not None
    match = re.search(r"(http://127\.0\.0\.1:\d+)/", process.stdout.readline())
    try:
        assert match, "the demo did not print its URL"
        yield match.group(1)
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_evidence_can_be_uploaded_in_the_demo(demo_url: str, page: Page, tmp_path: Path) -> None:
    from tests.browser.fragment_pages import JOURNEY
    from tests.helpers.journeys import LETTER_PDF

    page.goto(f"{demo_url}/request-support/")
    for _, form in JOURNEY:
        answer(page, form)
    assert page.title().startswith("Upload supporting evidence")
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(LETTER_PDF)
    page.set_input_files("#evidence", str(letter))
    follow(page, page.get_by_role("button", name="Upload file"))
    assert "letter.pdf" in page.inner_text("main")
    follow(page, page.get_by_role("button", name="Continue"))
    assert page.title().startswith("Check your answers before sending your request")
    assert "letter.pdf" in page.inner_text("main")
