"""Keyboard only: every tab stop shows where focus is, and the whole request-for-support journey
in the demo portal can be completed with Tab, Space and Enter (and the arrow keys a radio group
uses to move between its options), from the first question to the confirmation page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from tests.browser.fragment_pages import JOURNEY, PAGES
from tests.browser.harness import serve

from familyhubs_sdk._config import Settings
from familyhubs_sdk.demo._app import SUPPORT_PREFIX, DemoApp
from familyhubs_sdk.store import create_engine, upgrade

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

#: What has focus, and whether it shows: a visible outline or a box shadow on the element, or, for
#: GOV.UK's radios and checkboxes (whose input is invisible), on its label's ::before.
FOCUSED = """\
() => {
  const element = document.activeElement;
  if (!element || element === document.body || element === document.documentElement) return null;
  const transparent = (colour) => colour === "transparent" || /rgba\\(.*,\\s*0\\)$/.test(colour);
  const shows = (node, pseudo) => {
    const style = getComputedStyle(node, pseudo);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
      && !transparent(style.outlineColor);
    return outline || (style.boxShadow !== "none" && style.boxShadow !== "");
  };
  let visible = getComputedStyle(element).opacity !== "0" && shows(element);
  if (!visible && (element.type === "radio" || element.type === "checkbox")) {
    const label = element.labels && element.labels[0];
    visible = Boolean(label) && (shows(label, "::before") || shows(label, "::after"));
  }
  return {
    tag: element.tagName.toLowerCase(),
    type: element.getAttribute("type") || "",
    name: element.getAttribute("name") || "",
    value: "value" in element ? String(element.value) : "",
    checked: Boolean(element.checked),
    text: (element.innerText || element.getAttribute("aria-label") || "").trim().slice(0, 80),
    id: element.id,
    html: element.outerHTML.slice(0, 200),
    visible,
    inMain: Boolean(element.closest("main")),
    inErrorSummary: Boolean(element.closest(".govuk-error-summary")),
    isBackLink: element.classList.contains("govuk-back-link"),
  };
}
"""

MAX_TAB_STOPS = 120


def focused(page: Page) -> dict[str, Any] | None:
    info: dict[str, Any] | None = page.evaluate(FOCUSED)
    if info is not None:
        assert info["visible"], f"{page.url}: focus is not visible on {info['html']}"
    return info


def tab(page: Page) -> dict[str, Any] | None:
    page.keyboard.press("Tab")
    return focused(page)


# -- every fragment page -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def tab_page(browser_context: BrowserContext) -> Iterator[Page]:
    page = browser_context.new_page()
    yield page
    page.close()


@pytest.mark.parametrize("page_id", list(PAGES))
def test_every_tab_stop_shows_focus(tab_page: Page, fragment_server: str, page_id: str) -> None:
    tab_page.goto(f"{fragment_server}/pages/{page_id}")
    tab_page.evaluate("() => document.activeElement && document.activeElement.blur()")
    seen: list[str] = []
    for _ in range(MAX_TAB_STOPS):
        info = tab(tab_page)
        if info is None or info["html"] in seen[:1]:
            break
        seen.append(info["html"])
    else:
        pytest.fail(f"{page_id}: focus never left the page after {MAX_TAB_STOPS} tab presses")
    assert len(seen) >= 2, f"{page_id}: only {seen} took focus"  # skip link and header at least


ERROR_SUMMARY_PAGES = [
    page_id for page_id, page in PAGES.items() if "govuk-error-summary" in page.html
]


@pytest.mark.parametrize("page_id", ERROR_SUMMARY_PAGES)
def test_error_summary_takes_focus(tab_page: Page, fragment_server: str, page_id: str) -> None:
    """GOV.UK Frontend moves focus to the error summary, so it is read out first."""
    tab_page.goto(f"{fragment_server}/pages/{page_id}")
    assert PAGES[page_id].title.startswith("Error: ")
    info = focused(tab_page)
    assert info is not None, "nothing has focus"
    assert "govuk-error-summary" in info["html"][:80], info
    # Its first link is the next tab stop, and following it focuses the field at fault.
    link = tab(tab_page)
    assert link is not None
    assert link["inErrorSummary"], link
    target = tab_page.evaluate("() => document.activeElement.getAttribute('href')")
    tab_page.keyboard.press("Enter")
    arrived = focused(tab_page)
    assert arrived is not None, f"following {target} focused nothing"
    assert f"#{arrived['id']}" == target, (target, arrived)


def test_every_page_with_errors_has_an_error_summary() -> None:
    for page_id, page in PAGES.items():
        if page_id.startswith(("support/", "timeline/")) and page.title.startswith("Error: "):
            assert page_id in ERROR_SUMMARY_PAGES, page_id


# -- the demo portal, keyboard only ------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: pytest shows what failed."""


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo portal (``make demo``) on a free loopback port."""
    data_dir: Path = tmp_path_factory.mktemp("demo")
    settings = Settings(data_dir=data_dir, la_name="Exampleshire County Council")
    engine = create_engine(settings.database_url_value())
    upgrade(engine)
    server: WSGIServer = make_server(
        "127.0.0.1", 0, DemoApp(settings, engine), handler_class=_QuietHandler
    )
    try:
        yield from serve(server)
    finally:
        engine.dispose()


@pytest.fixture
def keyboard_page(browser: Browser) -> Iterator[Page]:
    """A fresh context (no cookies) with a page that has focus, as a person's window would."""
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.bring_to_front()
    yield page
    context.close()


Form = Mapping[str, str | Sequence[str]]


class KeyboardForm:
    """Fills in and sends one question page with the keyboard, checking focus at every stop."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def submit(self, answers: Form) -> list[dict[str, Any]]:
        """Tab through the page, answering ``answers`` on the way, then Enter on the submit
        button. Returns every tab stop visited."""
        wanted = {name: [v] if isinstance(v, str) else list(v) for name, v in answers.items()}
        done: set[str] = set()
        stops: list[dict[str, Any]] = []
        for _ in range(MAX_TAB_STOPS):
            info = tab(self.page)
            assert info is not None, f"{self.page.url}: focus left the page; visited {stops}"
            stops.append(info)
            name = info["name"]
            if info["type"] == "radio" and name in wanted and name not in done:
                self._choose_radio(wanted[name][0])
                done.add(name)
            elif info["type"] == "checkbox" and name in wanted:
                if (info["value"] in wanted[name]) != info["checked"]:
                    self.page.keyboard.press("Space")
                done.add(name)
            elif info["tag"] in ("input", "textarea") and name in wanted and name not in done:
                if wanted[name][0]:
                    self.page.keyboard.type(wanted[name][0])
                done.add(name)
            elif info["tag"] == "button" and info["type"] == "submit" and name != "remove":
                missing = set(wanted) - done
                assert not missing, f"{self.page.url}: reached {info['text']!r} before {missing}"
                with self.page.expect_navigation():
                    self.page.keyboard.press("Enter")
                return stops
        pytest.fail(f"{self.page.url}: no submit button within {MAX_TAB_STOPS} tab stops")

    def _choose_radio(self, value: str) -> None:
        """Tab lands on a radio group once; its arrow keys move the choice between options."""
        for _ in range(30):
            info = focused(self.page)
            assert info is not None
            if info["value"] == value:
                if not info["checked"]:
                    self.page.keyboard.press("Space")
                return
            self.page.keyboard.press("ArrowDown")
        pytest.fail(f"{self.page.url}: no radio with value {value!r}")


def test_keyboard_only_journey_to_the_confirmation_page(
    keyboard_page: Page, demo_server: str
) -> None:
    page = keyboard_page
    form = KeyboardForm(page)
    page.goto(f"{demo_server}{SUPPORT_PREFIX}/")
    assert page.url.endswith(f"{SUPPORT_PREFIX}/{JOURNEY[0][0]}")

    # Sent with no answer: the error summary is the first thing in the page's content, its link
    # leads to the field, and the question can then be answered from there.
    form.submit({})
    assert page.title().startswith("Error: ")
    stops = []
    for _ in range(MAX_TAB_STOPS):
        info = tab(page)
        assert info is not None
        stops.append(info)
        if info["inMain"] and not info["isBackLink"]:
            break
    assert stops[-1]["inErrorSummary"], f"first stop in the content: {stops[-1]['html']}"
    # GOV.UK Frontend's script focuses the field (and scrolls its label into view) in place of
    # following the link.
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'answer'")
    assert (focused(page) or {}).get("id") == "answer", "the error link did not focus the field"

    page.goto(f"{demo_server}{SUPPORT_PREFIX}/{JOURNEY[0][0]}")
    for step, answers in JOURNEY:
        assert page.url.endswith(f"{SUPPORT_PREFIX}/{step}"), (step, page.url)
        form.submit(answers)
    # Evidence upload is on: Continue is the page's first button, so Enter goes on without a file.
    assert page.url.endswith(f"{SUPPORT_PREFIX}/evidence"), page.url
    form.submit({})
    assert page.url.endswith(f"{SUPPORT_PREFIX}/check"), page.url
    assert "Alex Example" in page.inner_text("main")
    form.submit({})  # "Accept and send"
    assert page.url.endswith(f"{SUPPORT_PREFIX}/confirmation"), page.url
    assert page.title().startswith("Request sent")
    assert re.search(r"\b[A-Z0-9]{8}\b", page.inner_text(".govuk-panel"))
