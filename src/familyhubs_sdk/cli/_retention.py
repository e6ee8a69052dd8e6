"""``familyhubs retention``: purge rows past their retention window; legal holds."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from familyhubs_sdk._clock import utc_now
from familyhubs_sdk._config import load_settings
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.store._retention import (
    ENV_PREFIX,
    PurgeReport,
    RetentionPolicy,
    place_legal_hold,
    purge,
    release_legal_hold,
)
from familyhubs_sdk.support.evidence._storage import FilesystemEvidenceStorage


def register(subparsers: Any) -> None:
    retention = subparsers.add_parser("retention", help="purge old rows; legal holds")
    retention.set_defaults(handler=lambda _args: retention.print_help() or 2)
    commands = retention.add_subparsers(title="retention commands", metavar="COMMAND")
    url_help = "database URL (default: FAMILYHUBS_DATABASE_URL or SQLite)"

    summary = "remove rows past their retention window; never a held or undelivered request"
    command = commands.add_parser("purge", help=summary, description=summary)
    command.add_argument("--dry-run", action="store_true", help="count only; change nothing")
    command.add_argument(
        "--policy",
        metavar="FILE",
        help=f"retention policy YAML (default: {ENV_PREFIX}* settings, then the defaults)",
    )
    command.add_argument(
        "--evidence-dir",
        metavar="DIR",
        help="folder the evidence files are stored in (FilesystemEvidenceStorage); without it, "
        "a purge that would remove evidence files stops before removing anything",
    )
    command.add_argument("--url", help=url_help)
    command.set_defaults(handler=_purge)

    for name, held, summary in (
        ("hold", True, "keep a request, its evidence and records from every purge"),
        ("release", False, "let a held request be purged again once its windows pass"),
    ):
        command = commands.add_parser(name, help=summary, description=summary)
        command.add_argument("reference", help="the request's reference, e.g. K7QD4RXA")
        command.add_argument("--url", help=url_help)
        command.set_defaults(handler=_legal_hold, held=held)


def _engine(args: argparse.Namespace) -> Engine:
    return create_engine(args.url or load_settings().database_url_value())


def _purge(args: argparse.Namespace) -> int:
    policy = RetentionPolicy.load(args.policy) if args.policy else RetentionPolicy.from_env()
    storage = _evidence_storage(args.evidence_dir)
    now = utc_now()

    def clock() -> datetime:
        return now  # the check and the purge count from the same moment

    engine = _engine(args)
    try:
        if storage is None and not args.dry_run:
            # Bytes whose rows are gone could never be found again: refuse rather than orphan them.
            files = purge(engine, policy, dry_run=True, clock=clock).removed["fh_evidence_files"]
            if files:
                raise ConfigurationError(
                    f"{files} evidence files are due for removal; give --evidence-dir so their "
                    "bytes go too, or call familyhubs_sdk.store.purge() with "
                    "evidence_storage from your application"
                )
        report = purge(engine, policy, evidence_storage=storage, dry_run=args.dry_run, clock=clock)
    finally:
        engine.dispose()
    _print_report(policy, report)
    return 0


def _evidence_storage(folder: str | None) -> FilesystemEvidenceStorage | None:
    if folder is None:
        return None
    # The storage would make a missing folder, and a mistyped path would then delete nothing.
    if not Path(folder).is_dir():
        raise ConfigurationError(f"--evidence-dir {folder}: no such folder")
    return FilesystemEvidenceStorage(folder)


def _print_report(policy: RetentionPolicy, report: PurgeReport) -> None:
    windows = ", ".join(
        _window(name, value) for name, value in policy.model_dump(exclude={"batch_size"}).items()
    )
    print(f"policy: {windows}")
    print("would remove (dry run, nothing changed):" if report.dry_run else "removed:")
    width = max(len(table) for table in report.removed)
    for table, count in report.removed.items():
        print(f"  {table:<{width}}  {count:>8}")
    print(f"  {'total':<{width}}  {report.total:>8}")
    if report.requests_on_legal_hold or report.requests_undelivered:
        print(
            f"kept past the requests window: {report.requests_on_legal_hold} on legal hold, "
            f"{report.requests_undelivered} not yet delivered"
        )
    if report.evidence_files_left:
        print(f"warning: {report.evidence_files_left} evidence files left in storage")


def _window(name: str, value: int | None) -> str:
    """``requests 730 days``, ``evidence kept``, ``rate limits 15-minute windows``."""
    if name == "rate_limit_window_minutes":
        return "rate limits kept" if value is None else f"rate limits {value}-minute windows"
    return f"{name.removesuffix('_days')} {'kept' if value is None else f'{value} days'}"


def _legal_hold(args: argparse.Namespace) -> int:
    engine = _engine(args)
    try:
        change = place_legal_hold if args.held else release_legal_hold
        changed = change(engine, args.reference)
    finally:
        engine.dispose()
    outcome = {
        (True, True): "placed on",
        (True, False): "already on",
        (False, True): "released from",
        (False, False): "not on",
    }[args.held, changed]
    print(f"{args.reference.strip().upper()}: {outcome} legal hold")
    return 0
