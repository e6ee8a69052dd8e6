"""Serve the demo portal on loopback with the standard library's WSGI server, and deliver the
requests it receives with an outbox worker in the background."""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import re
import signal
import socket
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
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

__all__ = [
    "DEFAULT_PORT",
    "HEADER_TIMEOUT_S",
    "MAX_WORKERS",
    "READ_TIMEOUT_S",
    "pick_port",
    "run_demo",
]

DEFAULT_PORT = 8000
#: How many connections are served at once; more wait to be accepted.
MAX_WORKERS = 16
#: How long one read or write on a connection may wait.
READ_TIMEOUT_S = 10.0
#: How long a client has to send the request line and all its headers.
HEADER_TIMEOUT_S = 10.0
#: How long the outbox worker waits, when nothing is due, before looking again.
OUTBOX_IDLE_S = 1.0

logger = logging.getLogger(__name__)

# A resume link is a bearer secret: it stays out of the log like a query string does.
_RESUME_TOKEN = re.compile(r"/resume/[^/]+")


class _QuietHandler(WSGIRequestHandler):
    """Logs method, path and status only: a query string may carry personal data.

    Every read and write on the connection times out after :data:`READ_TIMEOUT_S`, and the
    request line and headers must all arrive within :data:`HEADER_TIMEOUT_S`: a client that
    sends half a request and waits, or trickles it a byte at a time, is cut off.
    """

    timeout = READ_TIMEOUT_S  # StreamRequestHandler sets it on the socket
    _header_deadline: threading.Timer | None = None

    def handle(self) -> None:
        self._header_deadline = threading.Timer(HEADER_TIMEOUT_S, self._too_slow)
        self._header_deadline.daemon = True
        self._header_deadline.start()
        try:
            super().handle()
        except OSError:  # the connection timed out or was cut off: nothing to answer
            self.close_connection = True
        finally:
            self._header_deadline.cancel()

    def parse_request(self) -> bool:
        parsed = super().parse_request()  # reads the headers
        if self._header_deadline is not None:
            self._header_deadline.cancel()
        return parsed

    def _too_slow(self) -> None:
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = _RESUME_TOKEN.sub("/resume/…", self.path.split("?", 1)[0])
        sys.stderr.write(f"{self.command} {path} {code}\n")


class _PooledServer(WSGIServer):
    """At most :data:`MAX_WORKERS` connections served at once, each by a worker from a fixed
    pool: a browser's idle pre-opened connection cannot hold up the rest, and a crowd of slow
    clients waits its turn (and times out) rather than starting a thread each. While every
    worker is busy no more connections are accepted; the system's backlog holds them."""

    request_queue_size = 128

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._free = threading.BoundedSemaphore(MAX_WORKERS)
        self._workers = ThreadPoolExecutor(MAX_WORKERS, thread_name_prefix="demo-request")

    def process_request(self, request: Any, client_address: Any) -> None:
        self._free.acquire()
        try:
            self._workers.submit(self._serve, request, client_address)
        except RuntimeError:  # shutting down
            self._free.release()
            self.shutdown_request(request)

    def _serve(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self._free.release()

    def server_close(self) -> None:
        super().server_close()
        self._workers.shutdown(wait=False, cancel_futures=True)


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
        server_class=_PooledServer,
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
