"""DuckDB as the warehouse engine, and a data lake of Parquet or CSV files read in place: the
synthetic warehouse, ``views check``, the conformance kit and the timeline all work on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from familyhubs_sdk.cli import main
from familyhubs_sdk.connectors import SourceConnector, SQLViewConnector
from familyhubs_sdk.deployment import lake_engine, lake_views
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.synthetic import WarehouseSummary, build_warehouse, catalogs, export_lake
from familyhubs_sdk.testing import ContractDataset, write_contract_tables
from familyhubs_sdk.testing.contract import ConnectorContract


class TestSQLViewConnectorOnDuckDB(ConnectorContract):
    @pytest.fixture
    def connector(self, dataset: ContractDataset, tmp_path: Path) -> Iterator[SourceConnector]:
        engine = create_engine(f"duckdb:///{tmp_path / 'contract.duckdb'}")
        connector = SQLViewConnector(engine, write_contract_tables(engine, dataset))
        yield connector
        connector.close()

    def make_connector(self, dataset: ContractDataset, tmp_path: Path) -> SourceConnector:
        raise AssertionError("the connector fixture builds it on DuckDB")


class TestSQLViewConnectorOnAParquetLake(ConnectorContract):
    """The kit's tables written to DuckDB, copied out as Parquet, and read back as a lake."""

    @pytest.fixture
    def connector(self, dataset: ContractDataset, tmp_path: Path) -> Iterator[SourceConnector]:
        staging = create_engine(f"duckdb:///{tmp_path / 'staging.duckdb'}")
        catalog = write_contract_tables(staging, dataset)
        lake = tmp_path / "lake"
        lake.mkdir()
        with staging.begin() as conn:
            for table in sa.inspect(staging).get_table_names():
                conn.exec_driver_sql(f"COPY {table} TO '{lake / table}.parquet' (FORMAT parquet)")
        staging.dispose()
        connector = SQLViewConnector(lake_engine(lake), catalog)
        yield connector
        connector.close()

    def make_connector(self, dataset: ContractDataset, tmp_path: Path) -> SourceConnector:
        raise AssertionError("the connector fixture builds it over the lake")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, WarehouseSummary]:
    path = tmp_path_factory.mktemp("duck") / "warehouse.duckdb"
    url = f"duckdb:///{path}"
    assert main(["views", "synthetic", "--url", url, "--children", "150", "--seed", "5"]) == 0
    engine = create_engine(url)
    summary = build_warehouse(engine, children=150, seed=5)  # the same seed: the same rows
    engine.dispose()
    return url, summary


def test_views_check_passes_on_duckdb(warehouse: tuple[str, WarehouseSummary]) -> None:
    url, _ = warehouse
    folder = Path(__file__).parents[3] / "src/familyhubs_sdk/synthetic/views"
    for source in ("lcs", "health", "education", "police"):
        assert main(["views", "check", str(folder / f"{source}.yaml"), "--url", url]) == 0


def test_views_check_finds_a_missing_column_on_duckdb(
    warehouse: tuple[str, WarehouseSummary], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = warehouse
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "source_system: police\ndefinitions:\n  - name: pn\n    view: timeline_event\n"
        "    table: police_notifications\n    columns: {source_ref: pn_id, person_key: nope,\n"
        "      period_start: pn_notified_at, kind: {const: police.missing_episode}}\n"
    )
    assert main(["views", "check", str(broken), "--url", url]) == 1
    assert "has no column 'nope'" in capsys.readouterr().out


def test_the_same_timeline_from_duckdb_tables_and_from_the_parquet_lake(
    warehouse: tuple[str, WarehouseSummary], tmp_path: Path
) -> None:
    url, summary = warehouse
    engine = create_engine(url)
    files = export_lake(engine, tmp_path / "lake")
    assert {f.name for f in files} >= {"ssd_person.parquet", "police_notifications.parquet"}
    subject = summary.subject_near(20)
    lake = lake_engine(tmp_path / "lake")
    for catalog in catalogs():
        tables = SQLViewConnector(engine, catalog)
        parquet = SQLViewConnector(lake, catalog)
        key = {
            "health": subject.nhs_number,
            "education": subject.upn,
        }.get(catalog.source_system or "", subject.la_person_id)
        assert key is not None
        read = tables.read_timeline([key])
        assert read == parquet.read_timeline([key])
        assert parquet.check().ok
    assert (
        sum(
            len(SQLViewConnector(lake, c).read_timeline([subject.la_person_id]))
            for c in catalogs()
            if c.source_system in ("lcs", "police")
        )
        > 0
    )
    engine.dispose()
    lake.dispose()


def test_lake_views_read_csv_and_partitioned_parquet_folders(tmp_path: Path) -> None:
    (tmp_path / "contacts.csv").write_text("id,person,at\nc1,P1,2026-01-05 09:30:00\n")
    (tmp_path / "notes.txt").write_text("ignored")
    staging = sa.create_engine("duckdb:///:memory:")
    (tmp_path / "events").mkdir()
    with staging.connect() as conn:
        for n in (1, 2):
            conn.exec_driver_sql(
                f"COPY (SELECT 'e{n}' AS id) TO '{tmp_path / 'events'}/part{n}.parquet' "
                "(FORMAT parquet)"
            )
    staging.dispose()
    assert sorted(lake_views(tmp_path)) == ["contacts", "events"]
    engine = lake_engine(tmp_path)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar() == 2
        typed = conn.exec_driver_sql('SELECT typeof("at") FROM contacts').scalar()
        assert typed == "TIMESTAMP"  # CSV dates and times are typed, not text
    engine.dispose()


def test_a_lake_folder_with_no_tables_or_bad_names_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="holds no Parquet or CSV files"):
        lake_views(tmp_path)
    (tmp_path / "bad name.csv").write_text("a\n1\n")
    with pytest.raises(ConfigurationError, match="cannot name a view"):
        lake_views(tmp_path)
    with pytest.raises(ConfigurationError, match="does not exist"):
        lake_views(tmp_path / "missing")
