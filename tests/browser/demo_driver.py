"""Driving the demo portal in Chromium, shared by the demo browser test and
``scripts/screenshots.py``: follow a link or button, sign in, answer a question page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

Form = Mapping[str, str | Sequence[str]]


def follow(page: Page, target: Locator) -> None:
    """Click ``target`` (a link or a form's button) and wait for the page it leads to."""
    with page.expect_navigation():
        target.click()


def sign_in_as(page: Page, name: str) -> None:
    """Use the demo sign-in from wherever the page is, choosing the person called ``name``."""
    follow(page, page.locator(".demo-user-bar").get_by_role("link", name="Demo sign-in"))
    assert page.title().startswith("Demo sign-in")
    page.locator("main").get_by_label(name, exact=False).check()
    follow(page, page.get_by_role("button", name="Sign in"))
    assert f"Signed in as {name}" in page.inner_text(".demo-user-bar")


def answer(page: Page, form: Form) -> None:
    """Fill in one question page and continue (the primary button, never "Save and come back
    later")."""
    main = page.locator("main")
    for name, given in form.items():
        values = [given] if isinstance(given, str) else list(given)
        fields = main.locator(f'[name="{name}"]')
        kind = fields.first.get_attribute("type") or ""
        if kind in ("radio", "checkbox"):
            for value in values:
                fields.and_(main.locator(f'[value="{value}"]')).check()
        else:
            fields.first.fill(values[0])
    follow(page, main.locator("form button.govuk-button:not(.govuk-button--secondary)").first)
