"""The conformance kit, run against the in-memory connector and the SQL view connector on SQLite."""

from __future__ import annotations

from pathlib import Path

from familyhubs_sdk.connectors import SourceConnector, SQLViewConnector
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.testing import ContractDataset, InMemoryConnector, write_contract_tables
from familyhubs_sdk.testing.contract import ConnectorContract, IndexedConnectorContract
from familyhubs_sdk.views import explain_lookups


class TestInMemoryConnector(ConnectorContract):
    def make_connector(self, dataset: ContractDataset, tmp_path: Path) -> SourceConnector:
        return InMemoryConnector(
            "contract",
            people=dataset.people,
            events=dataset.events,
            involvements=dataset.involvements,
            professionals=dataset.professionals,
            contact_points=dataset.contact_points,
            family=dataset.family,
            coverage=dataset.coverage,
        )


class TestSQLViewConnectorOnSQLite(IndexedConnectorContract):
    def make_connector(self, dataset: ContractDataset, tmp_path: Path) -> SourceConnector:
        engine = create_engine(f"sqlite:///{tmp_path / 'warehouse.db'}")
        return SQLViewConnector(engine, write_contract_tables(engine, dataset))

    def index_uses(self, connector: SourceConnector) -> list[tuple[str, bool | None]]:
        assert isinstance(connector, SQLViewConnector)
        return [
            (u.definition, u.uses_index)
            for u in explain_lookups(connector.engine, connector.catalog)
        ]
