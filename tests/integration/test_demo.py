"""`familyhubs demo` starts, builds its synthetic warehouse, serves real pages on loopback and
stops cleanly (server and outbox worker) on Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.helpers.hostile import structure

DEMO = [sys.executable, "-m", "familyhubs_sdk", "demo", "--port", "0"]


@dataclass
class RunningDemo:
    process: subprocess.Popen[str]
    url: str
    #: Everything it printed before serving: the URL first, then the users and children.
    banner: str


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[RunningDemo]:
    # As on a fresh machine: no secret key, no database URL from the developer's environment.
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILYHUBS_")}
    process = subprocess.Popen(
        [*DEMO, "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    lines = [process.stdout.readline()]
    match = re.search(r"(http://127\.0\.0\.1:\d+/)", lines[0])
    try:
        if match is None:
            process.kill()
            _out, err = process.communicate(timeout=10)
            pytest.fail(f"demo did not print its URL: {lines[0]!r} {err}")
        while lines[-1] and "Press Ctrl-C to stop." not in lines[-1]:
            lines.append(process.stdout.readline())
        yield RunningDemo(process, match.group(1), "".join(lines))
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def _get(url: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, method=method)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def test_demo_serves_the_home_page(demo: RunningDemo) -> None:
    url = demo.url
    status, headers, body = _get(url)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "script-src" not in headers["Content-Security-Policy"]  # default-src 'self' covers it
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert '<h1 class="govuk-heading-xl">Family Hubs SDK demo</h1>' in body
    assert "Schema revision" in body
    for href in ("/find-a-child/", "/request-support/", "/inbox/", "/analytics/", "/audit/"):
        assert f'href="{href}"' in body, href
    assert "600 children" in body
    assert ("main", ("class", "id")) in structure(body)
    css_status, css_headers, _ = _get(url + "static/demo.css")
    assert (css_status, css_headers["Content-Type"]) == (200, "text/css")


def test_demo_answers_unknown_pages_and_methods(demo: RunningDemo) -> None:
    url = demo.url
    status, _, body = _get(url + "no-such-page?nhs=9434765919")
    assert status == 404
    assert "Page not found" in body
    assert _get(url, method="POST")[0] == 405


def test_demo_logs_no_query_strings_and_stops_on_ctrl_c(
    demo: RunningDemo,
) -> None:
    process, url = demo.process, demo.url
    _get(url + "?name=canary-family-name")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0
    assert "Stopping the demo." in out
    assert "GET / 200" in err
    assert "canary-family-name" not in err + out
    assert "Traceback" not in err


def test_demo_stops_cleanly_on_sigterm(demo: RunningDemo, tmp_path: Path) -> None:
    process, url = demo.process, demo.url
    assert _get(url)[0] == 200
    assert _get(url + "find-a-child/")[0] == 401  # sign in first
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Stopping the demo." in out
    assert "Traceback" not in err
    # What the start-up built and told the evaluator.
    assert (tmp_path / "familyhubs.db").is_file()
    assert (tmp_path / "demo-warehouse.db").is_file()
    assert (tmp_path / "file-drop").is_dir()
    assert "Synthetic warehouse: 600 children" in demo.banner
    assert "using a random key for this run only" in demo.banner
    for name in ("Sam Okafor", "Flo Reyes", "Hari Bell", "Rae Tan"):
        assert name in demo.banner
    assert re.search(r"NHS number \d{10}", demo.banner)


def test_demo_refuses_a_non_loopback_address(tmp_path: Path) -> None:
    result = subprocess.run(
        [*DEMO, "--host", "0.0.0.0", "--data-dir", str(tmp_path)],  # noqa: S104 - refused
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "[configuration_invalid]" in result.stderr
