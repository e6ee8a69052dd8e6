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
