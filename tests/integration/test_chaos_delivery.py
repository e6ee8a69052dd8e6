"""benchmarks/chaos_delivery.py on PostgreSQL, smaller: failing receivers (a webhook, SMTP and
the local Notify-shaped API), several worker processes, one killed with SIGKILL mid-delivery —
nothing lost, nothing applied twice."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.helpers.databases import fresh_database

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "chaos_delivery.py"

pytest.importorskip("aiosmtpd")


def test_no_request_is_lost_or_applied_twice(tmp_path_factory: pytest.TempPathFactory) -> None:
    with fresh_database("postgresql", tmp_path_factory) as url:
        run = subprocess.run(
            [sys.executable, str(SCRIPT), "--json", "--requests", "120", "--workers", "3",
             "--url", url.render_as_string(hide_password=False)],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:] + run.stdout[-2000:]
    result = json.loads(run.stdout)
    assert result["submitted"] == 120
    assert result["notify_jobs"] == 60  # --notify-share 0.5: half the requests send a receipt
    assert result["jobs"] == 240 + 60
    assert result["killed"] == 1
    assert result["lost"] == 0
    assert result["duplicate_effects"] == 0
    assert result["alerts"] == result["dead_lettered"]
    assert result["delivered"] + result["dead_lettered"] == result["jobs"]
    assert result["redeliveries"] > 0  # dropped answers were retried and de-duplicated
    assert result["notify_delivered"] >= 1
    assert result["notify_refused"] > 0  # Notify's 429s and 500s were met and retried
