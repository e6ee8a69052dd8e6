"""The shipped GOV.UK Frontend assets: the pinned release, its licence, and tags that load them."""

from __future__ import annotations

import re

import html5lib
import pytest
from markupsafe import Markup

from familyhubs_sdk.errors import UnsafeURLError
from familyhubs_sdk.rendering import GOVUK_FRONTEND_VERSION, asset_tags, static_path

GOVUK = static_path() / "govuk"
CSS = GOVUK / "govuk-frontend.min.css"


def test_stylesheet_is_the_pinned_release() -> None:
    versions = re.findall(r'--govuk-frontend-version:\s*"([^"]+)"', CSS.read_text())
    assert versions == [GOVUK_FRONTEND_VERSION]


def test_script_is_the_pinned_release() -> None:
    script = (GOVUK / "govuk-frontend.min.js").read_text()
    assert f'"{GOVUK_FRONTEND_VERSION}"' in script
    assert "initAll" in script


def test_licence_ships_beside_the_files() -> None:
    licence = (GOVUK / "LICENSE.txt").read_text()
    assert licence.startswith("The MIT License (MIT)")
    assert "Crown Copyright (Government Digital Service)" in licence


def test_stylesheet_uses_system_fonts_not_gds_transport() -> None:
    css = CSS.read_text()
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert "font-family:system-ui," in css


def test_every_url_in_the_stylesheet_resolves_beside_it() -> None:
    urls = set(re.findall(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", CSS.read_text()))
    assert urls, "expected the stylesheet to reference its images"
    for url in urls:
        assert not url.startswith("/"), f"{url} would not follow the folder where a host mounts it"
        assert (GOVUK / url).is_file(), url


def test_init_module_imports_the_shipped_script() -> None:
    init = (static_path() / "familyhubs-init.js").read_text()
    assert 'from "./govuk/govuk-frontend.min.js"' in init
    assert "govuk-frontend-supported" in init


def test_asset_tags_link_the_stylesheets_and_the_module() -> None:
    tags = asset_tags("/assets/fh")
    assert isinstance(tags, Markup)
    head = html5lib.parse(f"<head>{tags}</head>", treebuilder="etree", namespaceHTMLElements=False)
    links = [link.attrib["href"] for link in head.iter("link")]
    scripts = [(s.attrib["type"], s.attrib["src"], s.text) for s in head.iter("script")]
    assert links == ["/assets/fh/govuk/govuk-frontend.min.css", "/assets/fh/familyhubs.css"]
    assert scripts == [("module", "/assets/fh/familyhubs-init.js", None)]
    for url in [*links, scripts[0][1]]:
        assert (static_path() / url.removeprefix("/assets/fh/")).is_file()


def test_asset_tags_escape_and_check_the_url() -> None:
    assert 'href="https://cdn.example/a&amp;b/govuk/' in asset_tags("https://cdn.example/a&b/")
    with pytest.raises(UnsafeURLError):
        asset_tags("javascript:alert(1)//")
