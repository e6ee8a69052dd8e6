"""``familyhubs outbox status | run | retry``: watch, work and unstick the delivery outbox."""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from familyhubs_sdk._config import load_settings
from familyhubs_sdk.delivery._message import DeliveryChannel
from familyhubs_sdk.delivery._outbox import OutboxWorker, outbox_status, retry_dead
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.store import create_engine


def register(subparsers: Any) -> None:
    outbox = subparsers.add_parser("outbox", help="watch and work the delivery outbox")
    outbox.set_defaults(handler=lambda _args: outbox.print_help() or 2)
    commands = outbox.add_subparsers(title="outbox commands", metavar="COMMAND")

    summary = "jobs by status, the oldest waiting job, and dead-lettered jobs (exit 1 if any)"
    status = commands.add_parser("status", help=summary, description=summary)
    status.add_argument("--url", help="database URL (default: FAMILYHUBS_DATABASE_URL or SQLite)")
    status.set_defaults(handler=_status)

    summary = "deliver due jobs until stopped (Ctrl-C or SIGTERM finishes the current job)"
    run = commands.add_parser("run", help=summary, description=summary)
    run.add_argument("--url", help="database URL (default: FAMILYHUBS_DATABASE_URL or SQLite)")
    run.add_argument(
        "--channels",
        metavar="MODULE:ATTR",
        help="your channels: a list of DeliveryChannel objects, or a function returning one",
    )
    run.add_argument("--file-drop", metavar="FOLDER", help="deliver to files in FOLDER")
    run.add_argument("--once", action="store_true", help="deliver what is due now, then stop")
    run.set_defaults(handler=_run)

    summary = "put dead-lettered jobs back in the queue"
    retry = commands.add_parser("retry", help=summary, description=summary)
    retry.add_argument("--url", help="database URL (default: FAMILYHUBS_DATABASE_URL or SQLite)")
    which = retry.add_mutually_exclusive_group(required=True)
    which.add_argument("--job", help="one job, by id")
    which.add_argument("--reference", help="every dead job of one request")
    which.add_argument("--all", action="store_true", help="every dead job")
    retry.set_defaults(handler=_retry)


def _engine(args: argparse.Namespace) -> Any:
    return create_engine(args.url or load_settings().database_url_value())


def _status(args: argparse.Namespace) -> int:
    engine = _engine(args)
    try:
        report = outbox_status(engine)
    finally:
        engine.dispose()
    for status, count in report.counts.items():
        print(f"{status:10} {count}")
    if report.oldest_waiting_s is not None:
        print(f"oldest waiting job: {report.oldest_waiting_s / 60:.1f} minutes")
    for job in report.dead:
        print(
            f"dead: {job.reference} via {job.channel} after {job.attempts} attempts "
            f"({job.last_error or 'no detail'}) job {job.job_id}"
        )
    return 1 if report.dead else 0


def load_channels(spec: str) -> list[DeliveryChannel]:
    """Channels from ``module:attr`` — a sequence of channels, or a callable returning one."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ConfigurationError(f"--channels {spec!r}: give it as module:attribute")
    try:
        found: Any = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigurationError(f"--channels {spec!r}: {type(exc).__name__}") from None
    if callable(found):
        found = found()
    if isinstance(found, Mapping):
        found = list(found.values())
    if not isinstance(found, Sequence) or not all(
        isinstance(channel, DeliveryChannel) for channel in found
    ):
        raise ConfigurationError(f"--channels {spec!r}: not a list of DeliveryChannel objects")
    return list(found)


def _run(args: argparse.Namespace) -> int:
    from familyhubs_sdk.delivery._drop import FileDropChannel
    from familyhubs_sdk.support import default_tree
    from familyhubs_sdk.support.requests._composer import RequestComposer

    channels = load_channels(args.channels) if args.channels else []
    if args.file_drop:
        channels.append(FileDropChannel(args.file_drop))
    if not channels:
        raise ConfigurationError("outbox run needs --channels MODULE:ATTR or --file-drop FOLDER")
    engine = _engine(args)
    worker = OutboxWorker(engine, channels, RequestComposer(engine, tree=default_tree()))
    try:
        if args.once:
            total = 0
            while (report := worker.run_once()).claimed:
                total += report.delivered
            print(f"{total} delivered", file=sys.stderr)
            return 0
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        print(
            f"delivering via {', '.join(c.name for c in channels)}; Ctrl-C stops", file=sys.stderr
        )
        worker.run(stop)
        return 0
    finally:
        engine.dispose()


def _retry(args: argparse.Namespace) -> int:
    engine = _engine(args)
    try:
        count = retry_dead(engine, job_id=args.job, reference=args.reference)
    finally:
        engine.dispose()
    print(f"{count} jobs queued again", file=sys.stderr)
    return 0
