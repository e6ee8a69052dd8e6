"""The Flask portal serves for real: it refuses to start without its secret or on a store nobody
migrated, and several gunicorn workers (forked from a preloaded app) start and answer together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.helpers.portals import TEST_SECRET, prepare_portal

pytest.importorskip("flask")

from familyhubs_sdk.errors import ConfigurationError

ROOT = Path(__file__).resolve().parents[3]


def test_refuses_to_start_without_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from examples.flask_portal.app import create_app

    prepare_portal(tmp_path, monkeypatch, children=20)
    monkeypatch.delenv("FAMILYHUBS_SECRET_KEY")
    with pytest.raises(ConfigurationError, match="FAMILYHUBS_SECRET_KEY is not set"):
        create_app(tmp_path)


def test_refuses_to_start_on_a_store_nobody_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from examples.flask_portal.app import create_app

    monkeypatch.setenv("FAMILYHUBS_SECRET_KEY", TEST_SECRET)
    monkeypatch.delenv("FAMILYHUBS_DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="familyhubs db upgrade"):
        create_app(tmp_path)
    assert not (tmp_path / "warehouse.db").exists()  # nothing built at start either


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_two_preloaded_gunicorn_workers_start_and_serve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("gunicorn")
    httpx = pytest.importorskip("httpx")
    prepare_portal(tmp_path, monkeypatch, children=20)
    port = _free_port()
    env = {**os.environ, "FAMILYHUBS_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(  # noqa: S603 - our own fixed command line
        [
            sys.executable, "-m", "gunicorn", "-w", "2", "--preload", "-b", f"127.0.0.1:{port}",
            "examples.flask_portal.app:create_app()",
        ],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.HTTPError:
                assert server.poll() is None, "gunicorn stopped"
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        # Many requests, so both workers answer (each with its own connections after the fork);
        # each starts a draft in the store, so every one uses the database.
        statuses = {
            httpx.get(f"http://127.0.0.1:{port}/request-support/", timeout=10).status_code
            for _ in range(20)
        }
        assert statuses == {303}
        assert server.poll() is None
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    assert "Worker failed to boot" not in output
    assert "Traceback" not in output, output[-2000:]
