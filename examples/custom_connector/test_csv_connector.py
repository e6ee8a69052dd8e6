"""The CSV connector passes the conformance kit, and reports bad exports without leaking values."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

import pytest
from examples.custom_connector.csv_connector import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    EVENT_CODES,
    SENSITIVITY_CODES,
    STATUS_CODES,
    CSVConnector,
)

from familyhubs_sdk import connectors
from familyhubs_sdk.connectors import SourceConnector
from familyhubs_sdk.connectors import _registry as registry
from familyhubs_sdk.errors import ConnectorError, ConnectorRegistrationError
from familyhubs_sdk.testing import ContractDataset, contract_dataset
from familyhubs_sdk.testing.contract import ConnectorContract
from familyhubs_sdk.views import EVENT_KINDS

EVENT_HEADER = (
    "record_id", "child_id", "event_code", "started_at", "ended_at", "status", "team",
    "worker_id", "event_desc", "sensitivity",
)  # fmt: skip
PEOPLE_HEADER = (
    "child_id", "forename", "surname", "dob", "gender", "nhs_number", "upn", "la_person_id",
)  # fmt: skip
COVERAGE_HEADER = ("extract_from", "extract_to", "extracted_at")


def write_export(dataset: ContractDataset, folder: Path) -> None:
    """Write the kit's dataset as the case system would export it: local codes, UK dates."""
    local_kind = {kind: code for code, kind in EVENT_CODES.items()}
    local_status = {status: code for code, status in STATUS_CODES.items()}
    local_sensitivity = {level: code for code, level in SENSITIVITY_CODES.items()}

    def when(value: date | datetime | None, pattern: str) -> str:
        return value.strftime(pattern) if value is not None else ""

    _write_csv(
        folder / "events.csv",
        EVENT_HEADER,
        (
            (
                e.source_ref,
                e.person_key,
                local_kind[e.kind],
                when(e.period_start, DATETIME_FORMAT),
                when(e.period_end, DATETIME_FORMAT),
                local_status[e.status] if e.status else "",
                e.service or "",
                e.professional_id or "",
                e.label or "",
                local_sensitivity[e.sensitivity],
            )
            for e in dataset.events
        ),
    )
    _write_csv(
        folder / "people.csv",
        PEOPLE_HEADER,
        (
            (
                p.person_key,
                p.given_name or "",
                p.family_name or "",
                when(p.birth_date, DATE_FORMAT),
                p.gender or "",
                p.nhs_number or "",
                p.upn or "",
                p.la_person_id or "",
            )
            for p in dataset.people
        ),
    )
    coverage = dataset.coverage
    _write_csv(
        folder / "coverage.csv",
        COVERAGE_HEADER,
        [
            (
                when(coverage.coverage_start, DATE_FORMAT),
                when(coverage.coverage_end, DATE_FORMAT),
                when(coverage.last_synchronised, DATETIME_FORMAT),
            )
        ],
    )


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _set_cell(path: Path, key: str, column: str, value: str) -> int:
    """Put ``value`` in ``column`` of the row whose first cell is ``key``; returns its line."""
    rows = _read_csv(path)
    position = rows[0].index(column)
    for number, row in enumerate(rows[1:], start=2):  # one line per row; the header is line 1
        if row[0] == key:
            row[position] = value
            _write_csv(path, rows[0], rows[1:])
            return number
    raise AssertionError(f"no row {key}")


class TestCSVConnector(ConnectorContract):
    def make_connector(self, dataset: ContractDataset, tmp_path: Path) -> SourceConnector:
        write_export(dataset, tmp_path)
        return CSVConnector("contract", tmp_path)


@pytest.fixture
def connector(tmp_path: Path) -> CSVConnector:
    write_export(contract_dataset(), tmp_path)
    return CSVConnector("contract", tmp_path)


def test_code_map_is_one_to_one_onto_canonical_kinds() -> None:
    assert set(EVENT_CODES.values()) <= set(EVENT_KINDS)
    assert len(set(EVENT_CODES.values())) == len(EVENT_CODES)


def test_a_missing_column_fails_the_check_naming_it(connector: CSVConnector) -> None:
    path = connector.folder / "events.csv"
    rows = _read_csv(path)
    position = rows[0].index("started_at")
    _write_csv(
        path,
        rows[0][:position] + rows[0][position + 1 :],
        [row[:position] + row[position + 1 :] for row in rows[1:]],
    )

    result = connector.check()

    assert not result.ok
    assert result.problems == ("events.csv lacks column(s): started_at",)
    with pytest.raises(ConnectorError, match=r"events\.csv lacks column"):
        connector.read_timeline(["C1"])


def test_missing_files_and_folder_are_problems_not_errors(tmp_path: Path) -> None:
    result = CSVConnector("csv", tmp_path).check()
    assert not result.ok
    assert result.problems == ("events.csv is missing", "people.csv is missing")

    assert not CSVConnector("csv", tmp_path / "nowhere").check().ok
    with pytest.raises(ConnectorError, match=r"events\.csv is missing"):
        CSVConnector("csv", tmp_path).read_timeline(["C1"])


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("started_at", "31/02/2021 09:00:00"),
        ("started_at", "2021-02-03T09:00:00"),
        ("ended_at", "yesterday"),
        ("event_code", "XX_UNMAPPED"),
        ("sensitivity", "Z"),
        ("worker_id", "W" * 80),
    ],
)
def test_a_bad_cell_names_file_line_and_column_but_not_the_value(
    connector: CSVConnector, column: str, value: str
) -> None:
    line = _set_cell(connector.folder / "events.csv", "F002", column, value)

    with pytest.raises(ConnectorError) as caught:
        connector.read_timeline(["C2"])

    message = str(caught.value)
    assert message.startswith(f"events.csv line {line}: column {column} ")
    assert value not in message
    # Nothing chained either: a logged traceback must not carry the value.
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None


def test_a_bad_person_row_is_reported_the_same_way(connector: CSVConnector) -> None:
    line = _set_cell(connector.folder / "people.csv", "C1", "nhs_number", "1234567890")

    with pytest.raises(ConnectorError) as caught:
        connector.read_people(["C1"])

    message = str(caught.value)
    assert message == f"people.csv line {line}: column nhs_number is not valid (value_error)"


def test_a_bad_row_breaks_only_the_reads_that_return_it(connector: CSVConnector) -> None:
    _set_cell(connector.folder / "events.csv", "F002", "started_at", "not a date")

    expected = contract_dataset().events_for("C1")
    assert [e.source_ref for e in connector.read_timeline(["C1"])] == [
        e.source_ref for e in expected
    ]


def test_a_new_export_is_picked_up_without_a_restart(connector: CSVConnector) -> None:
    assert len(connector.read_timeline(["C1"])) == 24

    path = connector.folder / "events.csv"
    rows = _read_csv(path)
    _write_csv(path, rows[0], [row for row in rows[1:] if row[0] != "E000"])

    assert len(connector.read_timeline(["C1"])) == 23


def test_coverage_falls_back_to_when_the_events_were_exported(connector: CSVConnector) -> None:
    (connector.folder / "coverage.csv").unlink()

    assert connector.check().ok
    coverage = connector.coverage()
    assert coverage is not None
    assert coverage.coverage_start is None
    assert isinstance(coverage.last_synchronised, datetime)


def test_registered_by_name_and_built_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Keep this registration out of every other test's registry.
    monkeypatch.setattr(registry, "_registered", {})
    write_export(contract_dataset(), tmp_path)

    connectors.register("csv_example", "examples.custom_connector.csv_connector:CSVConnector")
    built = connectors.create("csv_example", {"name": "csv", "folder": str(tmp_path)})

    assert isinstance(built, CSVConnector)
    assert (built.name, built.folder) == ("csv", tmp_path)
    assert built.check().ok
    assert [p.source_system for p in built.read_people(["C1"])] == ["csv"]
    with pytest.raises(ConnectorRegistrationError, match="setting folder"):
        connectors.create("csv_example", {"name": "csv"})
