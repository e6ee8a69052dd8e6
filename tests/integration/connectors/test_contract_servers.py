"""The conformance kit for the SQL view connector on PostgreSQL and MariaDB (SQLite runs in unit)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from familyhubs_sdk.connectors import SourceConnector, SQLViewConnector
from familyhubs_sdk.testing import ContractDataset, write_contract_tables
from familyhubs_sdk.testing.contract import ConnectorContract, IndexedConnectorContract
from familyhubs_sdk.views import explain_lookups


@pytest.fixture(params=["postgresql", "mariadb"])
def dialect(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _connector(engine: sa.Engine, dataset: ContractDataset) -> Iterator[SQLViewConnector]:
    connector = SQLViewConnector(engine, write_contract_tables(engine, dataset))
    yield connector


class TestSQLViewConnectorOnServers(ConnectorContract):
    @pytest.fixture
    def connector(self, dataset: ContractDataset, engine: sa.Engine) -> Iterator[SourceConnector]:
        yield from _connector(engine, dataset)

    def make_connector(self, dataset: ContractDataset, tmp_path: Path) -> SourceConnector:
        raise AssertionError("the connector fixture builds it on the dialect's engine")


class TestSQLViewConnectorIndexUseOnPostgreSQL(IndexedConnectorContract):
    @pytest.fixture(params=["postgresql"])
    def dialect(self, request: pytest.FixtureRequest) -> str:
        return str(request.param)

    @pytest.fixture
    def connector(self, dataset: ContractDataset, engine: sa.Engine) -> Iterator[SourceConnector]:
        yield from _connector(engine, dataset)

    def make_connector(self, dataset: ContractDataset, tmp_path: Path) -> SourceConnector:
        raise AssertionError("the connector fixture builds it on the dialect's engine")

    def index_uses(self, connector: SourceConnector) -> list[tuple[str, bool | None]]:
        assert isinstance(connector, SQLViewConnector)
        uses = explain_lookups(connector.engine, connector.catalog)
        assert all(u.uses_index is not None for u in uses)
        return [(u.definition, u.uses_index) for u in uses]


def test_connector_from_config_limits_statements(engine: sa.Engine) -> None:
    from importlib.resources import files

    from familyhubs_sdk.connectors import create
    from familyhubs_sdk.synthetic import build_warehouse

    build_warehouse(engine, children=20)
    views = files("familyhubs_sdk.synthetic").joinpath("views/police.yaml")
    urls = [engine.url]
    if engine.url.get_backend_name() in ("mysql", "mariadb"):
        # MariaDB reached through either name: mysql:// learns the server's flavour on connecting.
        driver = engine.url.get_driver_name()
        urls = [engine.url.set(drivername=f"{name}+{driver}") for name in ("mysql", "mariadb")]
    for url in urls:
        connector = create(
            "sql_view",
            {
                "name": "police",
                "url": url.render_as_string(hide_password=False),
                "views": str(views),
                "statement_timeout_ms": 4000,
            },
        )
        assert isinstance(connector, SQLViewConnector)
        assert connector.check().ok
        with connector.engine.connect() as conn:
            if engine.url.get_backend_name() == "postgresql":
                assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "4s"
            else:
                setting = conn.exec_driver_sql("SELECT @@max_statement_time").scalar()
                assert float(setting) == 4.0, url.drivername
        connector.close()
