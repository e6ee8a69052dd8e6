"""The fragment environment: autoescape, Markup out, host templates win, host env untouched."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup

from familyhubs_sdk.errors import RenderingError, TemplateNotFoundError
from familyhubs_sdk.rendering import Renderer, make_environment, render
from familyhubs_sdk.rendering._attributes import html_attributes

BANNER = "familyhubs/components/notification_banner.html"


@pytest.fixture
def strict() -> Renderer:
    return Renderer(undefined=jinja2.StrictUndefined)


def test_render_returns_markup_and_escapes(strict: Renderer) -> None:
    html = strict.render(
        BANNER, params={"text": "<script>alert(1)</script>", "titleText": "Tom & Jerry"}
    )
    assert isinstance(html, Markup)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "Tom &amp; Jerry" in html


def test_markup_html_parameter_is_trusted_but_strings_are_not(strict: Renderer) -> None:
    trusted = strict.render(BANNER, params={"html": Markup("<p class='x'>ok</p>")})
    untrusted = strict.render(BANNER, params={"html": "<p class='x'>no</p>"})
    assert "<p class='x'>ok</p>" in trusted
    assert "&lt;p class=" in untrusted


def test_module_level_render_uses_package_templates() -> None:
    assert "govuk-back-link" in render("familyhubs/components/back_link.html", params={"href": "/"})


def test_host_loader_overrides_a_fragment(tmp_path: Path) -> None:
    override = tmp_path / "familyhubs" / "components"
    override.mkdir(parents=True)
    (override / "back_link.html").write_text(
        '<a class="host-back" href="{{ params.href }}">Back</a>'
    )
    renderer = Renderer([jinja2.FileSystemLoader(tmp_path)])

    assert 'class="host-back"' in renderer.render(
        "familyhubs/components/back_link.html", params={"href": "/"}
    )
    assert renderer.which("familyhubs/components/back_link.html") == str(
        override / "back_link.html"
    )
    # Fragments the host did not override still come from the package.
    assert "site-packages" in renderer.which(BANNER) or "src/familyhubs_sdk" in renderer.which(
        BANNER
    )


def test_host_environment_is_used_but_not_changed() -> None:
    host = jinja2.Environment(
        loader=jinja2.DictLoader(
            {"familyhubs/components/back_link.html": "HOST {{ params.href }}"}
        ),
        autoescape=False,  # noqa: S701 - proves the SDK forces autoescape on anyway
    )
    host.globals["portal_name"] = "Exampleshire portal"
    renderer = Renderer(environment=host)

    assert (
        renderer.render("familyhubs/components/back_link.html", params={"href": "<x>"})
        == "HOST &lt;x&gt;"
    )
    assert "govuk-notification-banner" in renderer.render(BANNER, params={"text": "t"})
    assert renderer.environment.globals["portal_name"] == "Exampleshire portal"
    assert host.autoescape is False
    assert "safe_url" not in host.filters
    assert isinstance(host.loader, jinja2.DictLoader)


def test_make_environment_always_autoescapes() -> None:
    env = make_environment()
    assert env.autoescape is True
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"


def test_missing_template_is_a_lookup_error() -> None:
    with pytest.raises(TemplateNotFoundError, match=r"familyhubs/nope\.html") as caught:
        Renderer().render("familyhubs/nope.html")
    assert isinstance(caught.value, LookupError)


def test_strict_undefined_names_the_template() -> None:
    renderer = Renderer(
        [jinja2.DictLoader({"t.html": "{{ missing }}"})], undefined=jinja2.StrictUndefined
    )
    with pytest.raises(RenderingError, match=r"'t.html'.*missing"):
        renderer.render("t.html")


def test_unsafe_href_becomes_inert(strict: Renderer) -> None:
    html = strict.render(
        "familyhubs/components/back_link.html", params={"href": "javascript:alert(1)"}
    )
    assert 'href="#"' in html


@pytest.mark.parametrize(
    "name", ["onclick", "ONCLICK", "style", "srcdoc", "x y", 'a"b', "", "formaction"]
)
def test_forbidden_attribute_names_are_refused(name: str) -> None:
    with pytest.raises(RenderingError, match="not allowed"):
        html_attributes({name: "x"})


def test_attribute_values_are_escaped_and_urls_checked() -> None:
    rendered = html_attributes({"data-x": '"><script>', "href": "javascript:x"})
    assert rendered == Markup(' data-x="&#34;&gt;&lt;script&gt;" href="#"')


def test_plain_attribute_values_render_as_govuk_attributes_does() -> None:
    """A plain value always renders: ``True`` as "true", ``False`` as "false", ``None`` empty;
    only ``optional`` values may be left out or written as a bare name."""
    plain = html_attributes({"aria-expanded": True, "aria-hidden": False, "data-empty": None})
    assert plain == Markup(' aria-expanded="true" aria-hidden="false" data-empty=""')
    optional = html_attributes(
        {
            "hidden": {"value": True, "optional": True},
            "disabled": {"value": False, "optional": True},
            "data-gone": {"value": None, "optional": True},
        }
    )
    assert optional == Markup(" hidden")


def test_banner_heading_level_is_clamped(strict: Renderer) -> None:
    html = strict.render(BANNER, params={"text": "t", "titleHeadingLevel": "9"})
    assert "<h2 " in html
    assert "<h3 " in strict.render(BANNER, params={"text": "t", "titleHeadingLevel": 3})


def test_success_banner_uses_alert_role(strict: Renderer) -> None:
    html = strict.render(BANNER, params={"text": "Saved", "type": "success"})
    assert 'role="alert"' in html
    assert "govuk-notification-banner--success" in html
    assert ">Success</h2>" in html
