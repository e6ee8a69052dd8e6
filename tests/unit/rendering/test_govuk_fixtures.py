"""Our component templates render what GOV.UK Frontend's own fixtures say, fixture by fixture.

One test per fixture of every component we ship (``component:fixture name``), rendered through
:func:`familyhubs_sdk.rendering.render` with the fixture's options and compared with the
fixture's HTML as trees (see :mod:`tests.helpers.govuk_fixtures`), and with no HTML parse error theirs has not. Fixtures in ``EXCLUDED`` are not rendered;
each carries its reason, and docs/components.md lists them.
"""

from __future__ import annotations

import pytest
from tests.helpers.govuk_fixtures import (
    EXCLUDED,
    Fixture,
    fixtures_or_reason,
    parse,
    parse_errors,
    pretty,
    require_available,
)

from familyhubs_sdk.rendering import render

FIXTURES, UNAVAILABLE = fixtures_or_reason()
COMPARED = [fixture for fixture in FIXTURES if (fixture.component, fixture.name) not in EXCLUDED]


@pytest.mark.parametrize("fixture", COMPARED, ids=[fixture.test_id for fixture in COMPARED])
def test_component_renders_the_fixture(fixture: Fixture) -> None:
    html = render(fixture.template, params=fixture.options)
    assert pretty(parse(html)) == pretty(parse(fixture.html)), fixture.test_id
    # The trees forgive what browsers forgive; our markup must not be less well formed than theirs.
    assert parse_errors(html) <= parse_errors(fixture.html), html


def test_fixtures_are_available() -> None:
    require_available(UNAVAILABLE)
    assert COMPARED, "no fixture to compare: no component template found"


def test_every_exclusion_names_a_fixture_we_have() -> None:
    require_available(UNAVAILABLE)
    known = {(fixture.component, fixture.name) for fixture in FIXTURES}
    assert set(EXCLUDED) <= known, sorted(set(EXCLUDED) - known)
    assert all(reason.strip() for reason in EXCLUDED.values())
