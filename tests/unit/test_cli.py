"""The familyhubs console script: version, db commands, and errors without tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from familyhubs_sdk import __version__
from familyhubs_sdk.cli import main
from familyhubs_sdk.store import head_revision


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"familyhubs-sdk {__version__}"


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "commands" in capsys.readouterr().out


def test_db_upgrade_then_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'fh.db'}"
    assert main(["db", "current", "--url", url]) == 1
    assert "current: (empty database)" in capsys.readouterr().out

    assert main(["db", "upgrade", "--url", url]) == 0
    assert f"database at revision {head_revision()}" in capsys.readouterr().out

    assert main(["db", "current", "--url", url]) == 0
    out = capsys.readouterr().out
    assert f"current: {head_revision()}" in out
    assert "fh_audit_events" in sa.inspect(sa.create_engine(url)).get_table_names()


def test_db_uses_settings_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAMILYHUBS_DATA_DIR", str(tmp_path))
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "familyhubs.db").exists()


def test_errors_print_one_line_with_code_and_no_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["db", "current", "--url", "postgresql://fh:pw-canary@127.0.0.1:1/none"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("familyhubs: error: ")
    assert "[store_unavailable]" in err
    assert "Traceback" not in err
    assert "pw-canary" not in err


def test_invalid_url_is_reported_as_configuration(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade", "--url", "nonsense"]) == 2
    assert "[configuration_invalid]" in capsys.readouterr().err


def test_audit_export_writes_csv_for_a_subject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from familyhubs_sdk import load_settings
    from familyhubs_sdk.store import create_engine, upgrade
    from familyhubs_sdk.timeline import AuditAction, AuditLog, Viewer

    monkeypatch.setenv("FAMILYHUBS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FAMILYHUBS_SECRET_KEY", "s" * 48)
    settings = load_settings()
    engine = create_engine(settings.database_url_value())
    upgrade(engine)
    audit = AuditLog(engine, key=settings.derived_key("audit"))
    viewer = Viewer(id="u1", name="Sam", role="hv", organisation="NHS")
    audit.record(viewer, AuditAction.TIMELINE_VIEW, subject_id="p1")
    audit.record(viewer, AuditAction.TIMELINE_VIEW, subject_id="p2")
    engine.dispose()

    output = tmp_path / "audit.csv"
    assert main(["audit", "export", "--subject", "p1", "--output", str(output)]) == 0
    lines = output.read_text().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("occurred_at,request_id,actor_id")
    assert "1 audit events exported" in capsys.readouterr().err
    # Never overwrite an earlier export.
    assert main(["audit", "export", "--output", str(output)]) == 2


def test_audit_export_needs_the_secret_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAMILYHUBS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FAMILYHUBS_SECRET_KEY", raising=False)
    assert main(["audit", "export"]) == 2
    assert "FAMILYHUBS_SECRET_KEY" in capsys.readouterr().err


def test_database_errors_print_no_sql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAMILYHUBS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FAMILYHUBS_SECRET_KEY", "s" * 48)
    assert main(["audit", "export"]) == 2  # the database was never migrated
    err = capsys.readouterr().err
    assert "[store_error]" in err
    assert "SELECT" not in err
    assert "fh_audit_events" not in err


def test_views_synthetic_check_and_ddl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.resources import files

    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    views = str(files("familyhubs_sdk.synthetic").joinpath("views/education.yaml"))
    assert main(["views", "synthetic", "--url", url, "--children", "40"]) == 0
    assert "events for 40 children" in capsys.readouterr().out
    assert main(["views", "check", views, "--url", url]) == 0
    out = capsys.readouterr().out
    assert "edu_exclusions: lookup uses an index" in out
    assert "4 definitions checked" in out
    assert main(["views", "ddl", "--dialect", "postgresql", views]) == 0
    out = capsys.readouterr().out
    assert "CREATE VIEW fh_education_timeline_event AS" in out
    assert "INCLUDE (" in out


def test_views_check_reports_missing_columns_and_indexes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'w.db'}"
    with sa.create_engine(url).begin() as conn:
        conn.exec_driver_sql("CREATE TABLE events (id TEXT, person TEXT, at TIMESTAMP)")
    views = tmp_path / "views.yaml"
    views.write_text(
        "source_system: s\ndefinitions:\n  - {name: ev, view: timeline_event, table: events,\n"
        "     columns: {source_ref: id, person_key: person, period_start: at, kind: {const: health.ae_attendance},\n"
        "               service: team}}\n",
        encoding="utf-8",
    )
    assert main(["views", "check", str(views), "--url", url]) == 1
    assert "problem: ev: table 'events' has no column 'team'" in capsys.readouterr().out
    views.write_text(
        views.read_text(encoding="utf-8").replace(",\n               service: team", ""),
        encoding="utf-8",
    )
    assert main(["views", "check", str(views), "--url", url]) == 1
    assert "ev: lookup NO INDEX" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("definitions: [{name: x}]\n", encoding="utf-8")
    assert main(["views", "ddl", "--dialect", "sqlite", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "definitions[0] (x)" in err
    assert "[view_invalid]" in err
    assert "Traceback" not in err


def test_views_ddl_on_a_file_nested_50000_deep_prints_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("definitions: " + "[" * 50_000 + "]" * 50_000)
    assert main(["views", "ddl", "--dialect", "postgresql", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"familyhubs: error: {path}: nested more than 64 deep (line 1, column 77) [view_invalid]\n"
    )


def test_links_and_timeline_commands_are_listed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "links" in out
    assert "timeline" in out
    assert main(["links"]) == 2
    assert main(["timeline"]) == 2


def test_timeline_show_names_a_missing_deployment_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["timeline", "show", "--config", str(tmp_path / "none.yaml"), "--upn", "X",
            "--as", "sam/social_worker", "--reason", "r"]  # fmt: skip
    assert main(argv) == 2
    assert "cannot read the deployment file" in capsys.readouterr().err
