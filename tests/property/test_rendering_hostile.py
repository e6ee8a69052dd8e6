"""Hostile data through every context of the sample fragments adds no markup, ever."""

from __future__ import annotations

import jinja2
from hypothesis import given, settings
from tests.helpers.hostile import attribute_values, hostile_text, structure

from familyhubs_sdk.rendering import Renderer, is_safe_url

RENDERER = Renderer(undefined=jinja2.StrictUndefined)
BANNER = "familyhubs/components/notification_banner.html"
BACK_LINK = "familyhubs/components/back_link.html"


def _banner(value: str) -> str:
    params = {
        "titleText": value,
        "text": value,
        "titleId": value or "x",
        "classes": value,
        "attributes": {"data-ref": value, "aria-label": value},
    }
    return RENDERER.render(BANNER, params=params)


def _back_link(value: str) -> str:
    params = {"href": value, "text": value, "classes": value, "attributes": {"data-ref": value}}
    return RENDERER.render(BACK_LINK, params=params)


BASELINE = {"banner": structure(_banner("harmless")), "back": structure(_back_link("harmless"))}


#: A banner given empty ``text`` has no heading paragraph, as in GOV.UK Frontend.
_HEADING = ("p", ("class",))


def assert_inert(value: str) -> None:
    banner, back = _banner(value), _back_link(value)
    expected = [e for e in BASELINE["banner"] if value or e != _HEADING]
    assert structure(banner) == expected, value
    assert structure(back) == BASELINE["back"], value
    for page in (banner, back):
        for tag, attrs in structure(page):
            assert not any(name.startswith("on") for name in attrs), (tag, value)
    for href in attribute_values(back, "href"):
        assert is_safe_url(href), (href, value)


def test_a_thousand_hostile_strings_add_no_elements_attributes_or_handlers() -> None:
    checked: list[str] = []

    @settings(max_examples=1000, database=None)
    @given(hostile_text)
    def check(value: str) -> None:
        checked.append(value)
        assert_inert(value)

    check()
    assert len(checked) >= 1000
    print(f"hostile strings checked: {len(checked)}")
