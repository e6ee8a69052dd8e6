"""``familyhubs audit export``: the access audit as CSV, for information-governance teams."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from familyhubs_sdk._config import load_settings
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.timeline._audit import AuditLog


def register(subparsers: Any) -> None:
    audit = subparsers.add_parser("audit", help="read the access audit")
    audit.set_defaults(handler=lambda _args: audit.print_help() or 2)
    commands = audit.add_subparsers(title="audit commands", metavar="COMMAND")
    summary = "write audit events as CSV (newest first), formula-safe for spreadsheets"
    export = commands.add_parser("export", help=summary, description=summary)
    export.add_argument("--url", help="database URL (default: FAMILYHUBS_DATABASE_URL or SQLite)")
    export.add_argument("--subject", help="only events about this person id")
    export.add_argument("--actor", help="only events by this user id")
    export.add_argument("--since", type=_utc, help="from this UTC time (ISO 8601), inclusive")
    export.add_argument("--until", type=_utc, help="to this UTC time (ISO 8601), exclusive")
    export.add_argument("--output", help="file to write (default: standard output)")
    export.set_defaults(handler=_export)


def _utc(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or time: {text!r}") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"give a time zone, e.g. {text}+00:00")
    return value


def _export(args: argparse.Namespace) -> int:
    settings = load_settings()
    engine = create_engine(args.url or settings.database_url_value())
    try:
        audit = AuditLog(engine, key=settings.derived_key("audit"))
        filters = {
            "subject_id": args.subject,
            "actor_id": args.actor,
            "since": args.since,
            "until": args.until,
        }
        if args.output:
            try:
                with open(args.output, "x", encoding="utf-8", newline="") as out:
                    count = audit.export_csv(out, **filters)
            except FileExistsError:
                raise ConfigurationError(f"{args.output} exists; choose a new file") from None
        else:
            count = audit.export_csv(sys.stdout, **filters)
    finally:
        engine.dispose()
    print(f"{count} audit events exported", file=sys.stderr)
    return 0
