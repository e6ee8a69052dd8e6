"""Warehouse data is untrusted: hostile strings through every field of every timeline fragment."""

from __future__ import annotations

import jinja2
from hypothesis import given, settings
from tests.helpers.hostile import attribute_values, hostile_text, structure
from tests.helpers.timeline_samples import sample_page

from familyhubs_sdk.rendering import Renderer, is_safe_url
from familyhubs_sdk.timeline._render import (
    render_contacts,
    render_family,
    render_reason_form,
    render_timeline_page,
)

STRICT = Renderer(undefined=jinja2.StrictUndefined)


def fragments(value: str) -> list[str]:
    page = sample_page(value)
    return [
        render_timeline_page(page, action="/t/p1", renderer=STRICT),
        render_contacts(page.contacts, renderer=STRICT),
        render_family(
            page.person, page.family, member_href=lambda m: "/t/" + value, renderer=STRICT
        ),
        render_reason_form(
            action="/t/p1",
            csrf_token=value,
            subject_label=value,
            reasons=[(value, value)],
            allow_break_glass=True,
            justification=value,
            errors=[{"text": value, "href": "#reason"}],
            renderer=STRICT,
        ),
    ]


def shape(html: str) -> list[tuple[str, tuple[str, ...]]]:
    # Phone numbers and email addresses become links only when they look like one; the links
    # themselves are checked separately below.
    return [element for element in structure(html) if element[0] != "a"]


BASELINE = [shape(html) for html in fragments("harmless")]


def test_hostile_values_add_no_markup_to_any_timeline_fragment() -> None:
    checked: list[str] = []

    # An empty value legitimately hides an optional row; every other value must not matter.
    @settings(max_examples=300, database=None)
    @given(hostile_text.filter(bool))
    def check(value: str) -> None:
        checked.append(value)
        for html, expected in zip(fragments(value), BASELINE, strict=True):
            assert shape(html) == expected, value
            for tag, attributes in structure(html):
                assert not any(name.startswith("on") for name in attributes), (tag, value)
            for href in attribute_values(html, "href") + attribute_values(html, "action"):
                assert is_safe_url(href), (href, value)

    check()
    assert len(checked) >= 300
    print(f"hostile strings through timeline fragments: {len(checked)}")
