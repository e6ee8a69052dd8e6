"""Serve the demo portal on loopback with the standard library's WSGI server, and deliver the
requests it receives with an outbox worker in the background."""

from __future__ import annotations

import ipaddress
import logging
import re
import signal
import socket
import sys
import threading
from socketserver import ThreadingMixIn
from typing import Any, TextIO
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from familyhubs_sdk._config import Settings
from familyhubs_sdk.delivery import OutboxWorker
from familyhubs_sdk.demo._app import DemoApp
from familyhubs_sdk.demo._services import DemoServices, with_demo_secret
from familyhubs_sdk.demo._users import DEMO_USERS
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.store import create_engine, upgrade

__all__ = ["DEFAULT_PORT", "pick_port", "run_demo"]

DEFAULT_PORT = 8000
#: How long the outbox worker waits, when nothing is due, before looking again.
OUTBOX_IDLE_S = 1.0

logger = logging.getLogger(__name__)

# A resume link is a bearer secret: it stays out of the log like a query string does.
_RESUME_TOKEN = re.compile(r"/resume/[^/]+")


class _QuietHandler(WSGIRequestHandler):
    """Logs method, path and status only: a query string may carry personal data."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = _RESUME_TOKEN.sub("/resume/…", self.path.split("?", 1)[0])
        sys.stderr.write(f"{self.command} {path} {code}\n")


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    """One thread per request: a browser's idle pre-opened connection cannot hold up the rest."""

    daemon_threads = True


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


def _deliver(worker: OutboxWorker, stop: threading.Event) -> None:
    """Run the outbox worker until ``stop``; a fault is reported and the worker tries again."""
    while not stop.is_set():
        try:
            worker.run(stop, idle_s=OUTBOX_IDLE_S)
        except Exception as exc:  # a passing fault (a locked database) must not end delivery
            logger.warning("outbox worker: %s; trying again shortly", type(exc).__name__)
            stop.wait(5)


def run_demo(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    out: TextIO = sys.stdout,
) -> None:
    """Migrate the demo database, build the synthetic warehouse, then serve and deliver until
    interrupted (Ctrl-C or SIGTERM stops both cleanly)."""
    _require_loopback(host)
    settings, generated_key = with_demo_secret(settings)
    engine = create_engine(settings.database_url_value())
    upgrade(engine)
    renderer = Renderer()
    services = DemoServices(settings, engine, renderer=renderer)
    app = DemoApp(settings, engine, renderer, services=services)
    server: WSGIServer = make_server(
        host,
        pick_port(host, port),
        app,
        server_class=_ThreadingServer,
        handler_class=_QuietHandler,
    )
    bound: Any = server.server_address
    summary = services.summary
    # The URL comes first: scripts and tests read it from the first line.
    print(f"Family Hubs SDK demo running at http://{host}:{bound[1]}/", file=out)
    print(f"Database: {engine.url.render_as_string(hide_password=True)}", file=out)
    print(
        f"Synthetic warehouse: {summary.children} children, {len(summary.families)} families, "
        f"{summary.events} events (rebuilt in {summary.seconds:.1f}s) in "
        f"{services.warehouse.url.database}",
        file=out,
    )
    print(f"Sent requests are delivered as files to: {services.drop_folder}", file=out)
    if generated_key:
        print(
            "No FAMILYHUBS_SECRET_KEY is set: using a random key for this run only "
            "(audit references will not match after a restart).",
            file=out,
        )
    print("Demo users (sign in at /sign-in, no password):", file=out)
    for user in DEMO_USERS:
        print(f"  {user.viewer.name} – {user.role_name}, {user.viewer.organisation}", file=out)
    for child in services.sample_children:
        print(f"Try finding {child.name}: NHS number {child.nhs_number}", file=out)
    print("Synthetic data only. Press Ctrl-C to stop.", file=out, flush=True)
    # Signals only set an event: wsgiref's request handler swallows a KeyboardInterrupt raised
    # mid-request, so the server runs in a thread and the main thread waits to stop it. Handlers
    # are installed explicitly, so Ctrl-C works even when SIGINT was ignored by the parent.
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda _signum, _frame: stop.set())
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    serving = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.2}, name="demo-server"
    )
    delivering = threading.Thread(
        target=_deliver, args=(services.outbox_worker(), stop), name="demo-outbox"
    )
    serving.start()
    delivering.start()
    try:
        while not stop.wait(0.5):
            pass
        print("Stopping the demo.", file=out, flush=True)
    finally:
        stop.set()  # also when the wait above was interrupted by an error
        server.shutdown()
        serving.join()
        delivering.join()
        server.server_close()
        services.close()
        engine.dispose()
