"""Serve the demo portal on loopback with the standard library's WSGI server."""

from __future__ import annotations

import ipaddress
import signal
import socket
import sys
import threading
from typing import Any, TextIO
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from familyhubs_sdk.config import Settings
from familyhubs_sdk.demo.app import DemoApp
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.store import create_engine, upgrade

__all__ = ["DEFAULT_PORT", "pick_port", "run_demo"]

DEFAULT_PORT = 8000


class _QuietHandler(WSGIRequestHandler):
    """Logs method, path and status only: a query string may carry personal data."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = self.path.split("?", 1)[0]
        sys.stderr.write(f"{self.command} {path} {code}\n")


def pick_port(host: str, preferred: int) -> int:
    """``preferred`` if it is free on ``host``, else a free port the system chooses."""
    if preferred == 0:
        return 0
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, preferred))
        except OSError:
            return 0
    return preferred


def _require_loopback(host: str) -> None:
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        raise ConfigurationError(
            f"the demo only listens on loopback (e.g. 127.0.0.1), not {host!r}: "
            "its sign-in is for demonstration and protects nothing"
        )


def run_demo(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    out: TextIO = sys.stdout,
) -> None:
    """Migrate the demo database, then serve until interrupted (Ctrl-C stops cleanly)."""
    _require_loopback(host)
    engine = create_engine(settings.database_url_value())
    upgrade(engine)
    app = DemoApp(settings, engine)
    server: WSGIServer = make_server(host, pick_port(host, port), app, handler_class=_QuietHandler)
    bound: Any = server.server_address
    print(f"Family Hubs SDK demo running at http://{host}:{bound[1]}/", file=out)
    print(f"Database: {engine.url.render_as_string(hide_password=True)}", file=out)
    print("Synthetic data only. Press Ctrl-C to stop.", file=out, flush=True)
    # Signals only set an event: wsgiref's request handler swallows a KeyboardInterrupt raised
    # mid-request, so the server runs in a thread and the main thread waits to stop it. Handlers
    # are installed explicitly, so Ctrl-C works even when SIGINT was ignored by the parent.
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda _signum, _frame: stop.set())
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    worker = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2})
    worker.start()
    try:
        while not stop.wait(0.5):
            pass
        print("Stopping the demo.", file=out, flush=True)
    finally:
        server.shutdown()
        worker.join()
        server.server_close()
        engine.dispose()
