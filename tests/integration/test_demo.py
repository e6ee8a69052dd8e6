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

from familyhubs_sdk.web import security_headers

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
    for name, value in security_headers().items():  # the helper every portal can use
        assert headers[name] == value, name
    assert "script-src 'self';" in headers["Content-Security-Policy"]  # nothing inline
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "no-store"
    assert '<h1 class="govuk-heading-xl">Family Hubs SDK demo</h1>' in body
    assert "Schema revision" in body
    for href in ("/find-a-child/", "/request-support/", "/inbox/", "/analytics/", "/audit/"):
        assert f'href="{href}"' in body, href
    assert "600 children" in body
    assert ("main", ("class", "id")) in structure(body)
    css_status, css_headers, _ = _get(url + "static/demo.css")
    assert (css_status, css_headers["Content-Type"]) == (200, "text/css")
    assert "Cache-Control" not in css_headers  # static files may be cached
    assert css_headers["X-Content-Type-Options"] == "nosniff"


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


def test_half_sent_requests_time_out_and_do_not_pin_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """300 clients that send half a request and wait neither start 300 threads nor keep the
    demo from answering: each is cut off after the header timeout, a fixed pool serves all."""
    import socket
    import threading
    import time
    from wsgiref.simple_server import make_server

    from familyhubs_sdk.demo import _server

    monkeypatch.setattr(_server, "MAX_WORKERS", 8)
    monkeypatch.setattr(_server, "HEADER_TIMEOUT_S", 0.1)
    monkeypatch.setattr(_server._QuietHandler, "timeout", 1.0)

    def app(_environ: dict[str, object], start_response: object) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])  # type: ignore[operator]
        return [b"ok"]

    server = make_server(
        "127.0.0.1", 0, app, server_class=_server._PooledServer,
        handler_class=_server._QuietHandler,
    )  # fmt: skip
    port = server.server_address[1]
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    serving.start()
    threads_before = threading.active_count()
    half_sent: list[socket.socket] = []
    try:
        for _ in range(300):
            client = socket.create_connection(("127.0.0.1", port), timeout=30)
            client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never the blank line
            half_sent.append(client)
        most_threads = threading.active_count()
        # Every half-sent request is cut off; the server closes its side of each.
        started = time.monotonic()
        for client in half_sent:
            assert client.recv(1024) == b""
        assert time.monotonic() - started < 30
        assert most_threads - threads_before <= 2 * 8  # the workers and their deadlines
        status, _headers, body = _get(f"http://127.0.0.1:{port}/")
        assert (status, body) == (200, "ok")
    finally:
        for client in half_sent:
            client.close()
        server.shutdown()
        serving.join()
        server.server_close()
