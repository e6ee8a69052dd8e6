"""Fixtures shared by the whole suite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from sqlalchemy.engine import URL

from familyhubs_sdk.store import create_engine
from tests.helpers.databases import DIALECTS, fresh_database

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Mark dialect-parametrised tests so `-m "not postgres"` works as expected.
    for item in items:
        callspec = getattr(item, "callspec", None)
        dialect = callspec.params.get("dialect") if callspec else None
        if dialect in ("postgresql", "mariadb"):
            item.add_marker(
                getattr(pytest.mark, "postgres" if dialect == "postgresql" else dialect)
            )


@pytest.fixture(params=DIALECTS)
def dialect(request: pytest.FixtureRequest) -> str:
    """Each test that uses this runs once per supported database."""
    return str(request.param)


@pytest.fixture
def database_url(dialect: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[URL]:
    """An empty database of the current ``dialect``, dropped after the test."""
    with fresh_database(dialect, tmp_path_factory) as url:
        yield url


@pytest.fixture
def engine(database_url: URL) -> Iterator[sa.Engine]:
    """An engine on an empty database of the current ``dialect``."""
    engine = create_engine(database_url)
    yield engine
    engine.dispose()
