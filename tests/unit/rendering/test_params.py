"""``component_params``: what the component macros read their parameters through."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest

from familyhubs_sdk.errors import RenderingError
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.rendering._params import ComponentParams, component_params


def test_a_missing_parameter_reads_as_none_and_given_ones_as_given() -> None:
    hint = {"text": "For example, 27 3 2025"}
    p = component_params({"id": "dob", "hint": hint, "classes": ""})
    assert p["id"] == "dob"
    assert p["classes"] == ""
    assert p["label"] is None
    assert "label" not in p, "reading a missing key must not add it"
    assert p["hint"] is hint, "nested mappings stay the caller's"


def test_params_already_read_through_the_filter_are_not_copied_again() -> None:
    p = component_params({"id": "x"})
    assert isinstance(p, ComponentParams)
    assert component_params(p) is p


@pytest.mark.parametrize("params", [None, "text", ["a"], 3])
def test_params_that_are_not_a_mapping_are_refused(params: object) -> None:
    with pytest.raises(jinja2.UndefinedError, match="must be a mapping"):
        component_params(params)


def test_undefined_params_fail_as_undefined() -> None:
    with pytest.raises(jinja2.UndefinedError, match="'nothing' is undefined"):
        component_params(jinja2.StrictUndefined(name="nothing"))


def test_a_component_called_with_bad_params_is_a_rendering_error() -> None:
    renderer = Renderer(
        [jinja2.DictLoader({"page.html": LABEL_PAGE})], undefined=jinja2.StrictUndefined
    )
    with pytest.raises(RenderingError, match="must be a mapping, not str"):
        renderer.render("page.html", params="Full name")


LABEL_PAGE = (
    '{% from "familyhubs/components/label.html" import govukLabel %}{{ govukLabel(params) }}'
)


def test_strict_undefined_components_render_with_optional_parameters_left_out() -> None:
    strict = Renderer(undefined=jinja2.StrictUndefined)
    html = strict.render(
        "familyhubs/components/checkboxes.html",
        params={"name": "kind", "items": [{"value": "a", "text": "A", "hint": {"text": "h"}}]},
    )
    assert 'aria-describedby="kind-item-hint"' in html


def test_a_host_label_override_reaches_the_components_that_draw_labels(tmp_path: Path) -> None:
    folder = tmp_path / "familyhubs" / "components"
    folder.mkdir(parents=True)
    (folder / "label.html").write_text(
        '{% macro govukLabel(params) %}<span class="host-label">{{ params.text }}</span>'
        "{% endmacro %}"
    )
    renderer = Renderer([jinja2.FileSystemLoader(tmp_path)])
    html = renderer.render(
        "familyhubs/components/radios.html",
        params={"name": "when", "items": [{"value": "1y", "text": "Last year"}]},
    )
    assert '<span class="host-label">Last year</span>' in html
    assert "govuk-radios__input" in html


def test_lenient_params_read_an_object_by_its_attributes() -> None:
    class Row:
        text = "Alex"

    p = component_params(Row(), lenient=True)
    assert p["text"] == "Alex"
    assert p["html"] is None
    assert "text" in p
    assert "html" not in p


def test_a_summary_row_given_as_objects_renders_as_it_always_has() -> None:
    class Key:
        text = "Name"

    html = Renderer(undefined=jinja2.StrictUndefined).render(
        "familyhubs/components/summary_list.html",
        params={"rows": [{"key": Key(), "value": "not a mapping"}]},
    )
    assert "Name" in html
    assert '<dd class="govuk-summary-list__value">\n      \n    </dd>' in html


class _LastValue(dict[str, Any]):
    """Stores lists and reads the last item, as Django's QueryDict does."""

    def __getitem__(self, key: str) -> Any:
        return super().__getitem__(key)[-1]


def test_a_mapping_subclass_is_read_as_its_own_getitem_reads() -> None:
    params = component_params(_LastValue({"text": ["first", "last"]}))
    assert params["text"] == "last"


def test_lenient_components_take_an_undefined_value_as_missing() -> None:
    strict = jinja2.StrictUndefined(name="colour")
    params = component_params({"text": "Open", "classes": strict}, lenient=True)
    assert params["classes"] is None
    assert params["text"] == "Open"
