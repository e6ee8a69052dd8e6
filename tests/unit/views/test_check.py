"""``views check``: problems exit 1, warnings exit 0 and are listed; select definitions checked."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from familyhubs_sdk.cli import main
from familyhubs_sdk.views import ViewCatalog, check_warehouse, explain_lookups

TABLES = (
    "CREATE TABLE contacts (id INTEGER PRIMARY KEY, person TEXT, at TEXT, ended TEXT, code TEXT, "
    "OUTCOME_COMMENTS TEXT, site TEXT, worker INTEGER)",
    "CREATE INDEX ix_contacts ON contacts (person, at)",
    "CREATE TABLE workers (worker_sk INTEGER, staff_no TEXT)",
    "INSERT INTO workers VALUES (1, 'S1')",
    "INSERT INTO contacts VALUES (1, 'P1', '2026-01-05 09:30:00', '2026-01-04 09:00:00', 'A', "
    "'free text that must never show', 'Harbour Road Clinic', 1)",
    "INSERT INTO contacts VALUES (2, 'P2', '2026-02-05T10:00:00', NULL, 'A', "
    "'Mum said she was worried about him at school.', 'Harbour Road Clinic', 1)",
)
DEFINITION = """
source_system: lcs
definitions:
  - name: contacts
    view: timeline_event
    table: contacts
    columns:
      source_ref: id
      person_key: person
      period_start: at
      period_end: ended
      kind: {const: social_care.contact}
      %s
"""


@pytest.fixture
def url(tmp_path: Path) -> str:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'warehouse.db'}")
    with engine.begin() as conn:
        for statement in TABLES:
            conn.exec_driver_sql(statement)
    engine.dispose()
    return f"sqlite:///{tmp_path / 'warehouse.db'}"


def _check(
    tmp_path: Path, url: str, text: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    path = tmp_path / "views.yaml"
    path.write_text(text)
    status = main(["views", "check", str(path), "--url", url])
    return status, capsys.readouterr().out


def test_iso_text_dates_on_sqlite_pass_with_warnings(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = _check(tmp_path, url, DEFINITION % "service: site", capsys)
    assert status == 0, out
    assert (
        "warning: contacts: column 'at' holds period_start as text (2 of 2 sampled values parse "
        "as ISO 8601 dates); they are read correctly"
    ) in out
    assert "warning: contacts: 1 of 2 sampled rows end before they start" in out
    assert "contacts: lookup uses an index" in out
    assert "problem:" not in out


def test_a_free_text_column_onto_label_fails_naming_it(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = _check(tmp_path, url, DEFINITION % "label: OUTCOME_COMMENTS", capsys)
    assert status == 1
    assert "problem:" in out
    assert "(contacts)" in out
    assert "column 'OUTCOME_COMMENTS' mapped to timeline_event.label looks like free text" in out
    assert "must never show" not in out


def test_prose_in_a_reviewed_looking_column_is_a_problem(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE contacts SET site = OUTCOME_COMMENTS")
    engine.dispose()
    status, out = _check(tmp_path, url, DEFINITION % "service: site", capsys)
    assert status == 1
    assert (
        "problem: contacts: column 'site' mapped to timeline_event.service holds text that reads "
        "as prose (1 of 2 sampled values)"
    ) in out
    assert "worried" not in out


def test_a_select_with_free_text_on_period_start_fails(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = """
source_system: lcs
definitions:
  - name: contacts
    view: timeline_event
    select: "SELECT id, person, OUTCOME_COMMENTS AS happened FROM contacts"
    columns:
      source_ref: id
      person_key: person
      period_start: happened
      kind: {const: social_care.contact}
"""
    status, out = _check(tmp_path, url, text, capsys)
    assert status == 1
    assert (
        "problem: contacts: column 'happened' mapped to timeline_event.period_start holds values "
        "that are not dates (2 of 2 sampled)"
    ) in out
    status, out = _check(
        tmp_path, url, text.replace("OUTCOME_COMMENTS AS happened", "at AS happened"), capsys
    )
    assert status == 0, out
    status, out = _check(
        tmp_path, url, text.replace("OUTCOME_COMMENTS AS happened", "nope AS happened"), capsys
    )
    assert status == 1
    assert "problem: contacts: its select fails (OperationalError)" in out


def test_rowid_lookups_count_as_indexed_and_lookups_get_advice(url: str) -> None:
    engine = sa.create_engine(url)
    catalog = ViewCatalog.from_yaml(
        """
source_system: lcs
definitions:
  - name: by_id
    view: professional
    table: contacts
    lookups: [{name: w, table: workers, keys: {worker: worker_sk}}]
    columns: {professional_id: id, name: w.staff_no}
"""
    )
    (use,) = explain_lookups(engine, catalog)
    assert use.uses_index is True
    assert "USING INTEGER PRIMARY KEY" in use.detail
    found = check_warehouse(engine, catalog)
    assert found.ok
    assert found.advice == ("by_id: lookup 'w' would be served by an index on workers (worker_sk)",)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE UNIQUE INDEX ix_workers ON workers (worker_sk)")
    assert check_warehouse(engine, catalog).advice == ()
    engine.dispose()
