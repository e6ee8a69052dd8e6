"""Screenshots of `familyhubs demo` for the docs: ``make screenshots`` writes docs/screenshots/.

Starts the demo as the browser suite does (``familyhubs demo --port 0`` with a temporary data
folder), drives it in headless Chromium through Playwright, and saves one PNG per screen, named
``NN-screen.png`` so the gallery (docs/screens.md) always finds them. A screen wider than the
window fails the run: ``--width 320 --out docs/screenshots/320`` is the reflow check (WCAG 2.2,
1.4.10) of the demo's own screens, and shows them as a phone or 400 % zoom would.

Chromium comes from the browser suite's own machinery (``tests/browser/harness.py``): Debian's
``/usr/bin/chromium``, installed with apt-get when missing, never Playwright's browser downloads.
The demo serves GOV.UK Frontend's stylesheet and script from the wheel itself (see
``familyhubs_sdk.rendering.asset_tags``), so the shots show the screens exactly as a browser
pointed at ``make demo`` does, JavaScript included.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the browser suite's harness and journey (tests.browser)

import pytest  # noqa: E402 - the harness reports a missing tool through pytest.skip/fail
from tests.browser.demo_driver import answer, follow, sign_in_as  # noqa: E402
from tests.browser.fragment_pages import JOURNEY  # noqa: E402
from tests.browser.harness import CHROMIUM_ARGS, install_chromium  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Page

OUT = ROOT / "docs" / "screenshots"
WIDTH = 1024
#: Longer pages are cut at this height, so each shot stays small enough for a docs page.
MAX_HEIGHT = 2000
#: The question shown as "a question page", then with the error of continuing with no answer.
QUESTION_STEP = "needs"
#: How far into the form the save-and-come-back-later shot goes before saving.
SAVE_AFTER = 4

#: Every screen, in the order taken; a shot's file is ``NN-name.png``, NN its place here.
SCREENS = (
    "home",
    "sign-in",
    "find-a-child",
    "search-results",
    "reason-for-access",
    "timeline",
    "who-to-contact",
    "family",
    "question",
    "question-error",
    "check-your-answers",
    "confirmation",
    "saved-for-later",
    "inbox",
    "request-detail",
    "status-form",
    "analytics",
    "audit",
)

_HARNESS_GAVE_UP = (pytest.skip.Exception, pytest.fail.Exception)


@dataclass
class Demo:
    url: str
    child_name: str
    nhs_number: str


@contextmanager
def running_demo() -> Iterator[Demo]:
    """``familyhubs demo --port 0`` with a temporary data folder, stopped with SIGTERM."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILYHUBS_")}
    with tempfile.TemporaryDirectory(prefix="familyhubs-screenshots-") as data_dir:
        command = [sys.executable, "-m", "familyhubs_sdk", "demo", "--port", "0"]
        process = subprocess.Popen(
            [*command, "--data-dir", data_dir],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        try:
            if process.stdout is None:
                raise SystemExit("screenshots: the demo's output cannot be read")
            url = child = None
            for line in process.stdout:  # the banner ends with "Synthetic data only."
                url = url or re.search(r"(http://127\.0\.0\.1:\d+)/", line)
                child = child or re.search(r"Try finding (.+): NHS number (\d+)", line)
                if line.startswith("Synthetic data only"):
                    break
            if url is None or child is None:
                raise SystemExit("screenshots: the demo did not print its URL and a sample child")
            yield Demo(url.group(1), child.group(1), child.group(2))
        finally:
            process.terminate()
            try:
                process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate(timeout=10)


# -- driving the demo --------------------------------------------------------------------------


class Camera:
    """Saves full-page shots, numbered by their place in :data:`SCREENS`."""

    def __init__(self, out: Path, max_height: int) -> None:
        self.out = out
        self.max_height = max_height
        self.taken: list[Path] = []
        #: Screens wider than the window (they would scroll sideways), with their width.
        self.too_wide: dict[str, int] = {}

    def shoot(self, page: Page, name: str) -> None:
        page.evaluate("document.fonts.ready.then(() => true)")
        path = self.out / f"{SCREENS.index(name) + 1:02d}-{name}.png"
        height = int(page.evaluate("document.documentElement.scrollHeight"))
        width = int(page.evaluate("document.documentElement.scrollWidth"))
        if width > int(page.evaluate("document.documentElement.clientWidth")):
            self.too_wide[name] = width
        if height > self.max_height:  # the top of a long page, as far as MAX_HEIGHT
            page.screenshot(
                path=str(path),
                full_page=True,
                clip={"x": 0, "y": 0, "width": width, "height": self.max_height},
                animations="disabled",
                caret="hide",
            )
        else:
            page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
        self.taken.append(path)
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}", flush=True)


def find_a_child(page: Page, demo: Demo, shoot: Callable[[Page, str], None]) -> None:
    page.goto(f"{demo.url}/")
    shoot(page, "home")
    follow(page, page.locator(".demo-user-bar").get_by_role("link", name="Demo sign-in"))
    shoot(page, "sign-in")
    page.locator("main").get_by_label("Sam Okafor", exact=False).check()
    follow(page, page.get_by_role("button", name="Sign in"))
    page.goto(f"{demo.url}/find-a-child/")
    page.locator("#by").check()
    page.locator("#nhs-number").fill(demo.nhs_number)
    shoot(page, "find-a-child")
    follow(page, page.get_by_role("button", name="Search"))
    shoot(page, "search-results")
    follow(page, page.locator("main").get_by_role("link", name=demo.child_name))
    page.locator('input[name="reason"][value="early_help"]').check()
    shoot(page, "reason-for-access")
    follow(page, page.get_by_role("button", name="Continue"))
    shoot(page, "timeline")
    follow(page, page.locator("main").get_by_role("link", name="Who to contact").first)
    shoot(page, "who-to-contact")
    follow(page, page.locator("main").get_by_role("link", name="Family", exact=True).first)
    shoot(page, "family")


def request_support(page: Page, demo: Demo, shoot: Callable[[Page, str], None]) -> str:
    """The whole form, with a question page, a refused answer, check your answers and the
    confirmation on the way; returns the request's reference."""
    page.goto(f"{demo.url}/")
    follow(page, page.locator("main").get_by_role("link", name="Request support for a family"))
    for step, form in JOURNEY:
        if step == QUESTION_STEP:
            shoot(page, "question")
            answer(page, {})
            shoot(page, "question-error")
        answer(page, form)
    if page.url.endswith("/evidence"):  # supporting evidence is optional: none for the shots
        answer(page, {})
    shoot(page, "check-your-answers")
    follow(page, page.get_by_role("button", name="Accept and send"))
    shoot(page, "confirmation")
    found = re.search(r"\b[A-Z0-9]{8}\b", page.inner_text(".govuk-panel"))
    if found is None:
        raise SystemExit("screenshots: no reference on the confirmation page")
    return found.group(0)


def save_for_later(page: Page, demo: Demo, shoot: Callable[[Page, str], None]) -> None:
    page.goto(f"{demo.url}/request-support/")
    for _step, form in JOURNEY[:SAVE_AFTER]:
        answer(page, form)
    follow(page, page.get_by_role("button", name="Save and come back later"))
    shoot(page, "saved-for-later")


def receiving_team(
    page: Page, demo: Demo, reference: str, shoot: Callable[[Page, str], None]
) -> None:
    page.goto(f"{demo.url}/")
    sign_in_as(page, "Rae Tan")
    page.goto(f"{demo.url}/inbox/")
    shoot(page, "inbox")
    follow(page, page.get_by_role("link", name=reference))
    shoot(page, "request-detail")
    follow(page, page.locator("main").get_by_role("link", name="Change status"))
    shoot(page, "status-form")
    page.goto(f"{demo.url}/analytics/")
    shoot(page, "analytics")
    # The access audit is for information governance.
    follow(page, page.locator(".demo-user-bar").get_by_role("button", name="Sign out"))
    sign_in_as(page, "Ines Grant")
    page.goto(f"{demo.url}/audit/")
    shoot(page, "audit")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNGs")
    parser.add_argument("--width", type=int, default=WIDTH)
    parser.add_argument("--max-height", type=int, default=MAX_HEIGHT)
    args = parser.parse_args(argv)

    try:
        import playwright.sync_api as sync_api
    except ImportError:
        raise SystemExit("screenshots: Playwright is missing: pip install --group test") from None
    try:
        chromium = install_chromium()
    except _HARNESS_GAVE_UP as exc:
        raise SystemExit(f"screenshots: {exc}") from None

    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("[0-9][0-9]-*.png"):
        old.unlink()
    camera = Camera(args.out, args.max_height)
    with running_demo() as demo, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        try:

            def window() -> Page:  # a fresh context: no cookies, as a new browser window
                context = browser.new_context(viewport={"width": args.width, "height": 768})
                return context.new_page()

            find_a_child(window(), demo, camera.shoot)
            reference = request_support(window(), demo, camera.shoot)
            save_for_later(window(), demo, camera.shoot)
            receiving_team(window(), demo, reference, camera.shoot)
        finally:
            browser.close()
    missing = set(SCREENS) - {path.stem[3:] for path in camera.taken}
    if missing:
        raise SystemExit(f"screenshots: not taken: {', '.join(sorted(missing))}")
    total = sum(path.stat().st_size for path in camera.taken)
    print(f"{len(camera.taken)} screenshots, {total / 1e6:.1f} MB")
    if camera.too_wide:  # at --width 320 this is WCAG 2.2's reflow failure (1.4.10)
        wide = ", ".join(f"{name} ({px} px)" for name, px in camera.too_wide.items())
        raise SystemExit(f"screenshots: wider than {args.width} px: {wide}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
