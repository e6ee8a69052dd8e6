"""``familyhubs requests export``: accepted requests for a case-management system's import.

The export holds every answer of every request accepted since a date, so it is audited like a
screen that shows them: one ``export`` event per request, under the user id given with ``--by``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import UTC, date, datetime, time
from typing import IO, Any

from familyhubs_sdk._config import load_settings
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.support.inbox._export import RequestExport, export_csv
from familyhubs_sdk.support.inbox._inbox import RequestInbox
from familyhubs_sdk.timeline._audit import AuditLog
from familyhubs_sdk.web._viewer import Viewer


def register(subparsers: Any) -> None:
    requests = subparsers.add_parser(
        "requests", help="hand requests for support over to case management"
    )
    requests.set_defaults(handler=lambda _args: requests.print_help() or 2)
    commands = requests.add_subparsers(title="requests commands", metavar="COMMAND")
    summary = "write the requests accepted since a date as JSON (the published schema) or CSV"
    export = commands.add_parser("export", help=summary, description=summary)
    export.add_argument(
        "--since",
        type=_since,
        required=True,
        help="accepted on or after this date or UTC time (ISO 8601: 2026-05-01 or "
        "2026-05-01T09:00+00:00)",
    )
    export.add_argument(
        "--format", choices=("json", "csv"), default="json", help="json (default) or csv"
    )
    export.add_argument("--url", help="database URL (default: FAMILYHUBS_DATABASE_URL or SQLite)")
    export.add_argument(
        "--by",
        help="the user id recorded in the access audit for this export (default: the "
        "operating system user)",
    )
    export.add_argument("--output", help="file to write (default: standard output)")
    export.set_defaults(handler=_export)


def _since(text: str) -> datetime:
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
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
        viewer = Viewer(
            id=args.by or getpass.getuser(),
            name=args.by or getpass.getuser(),
            role="case_management_export",
            organisation="familyhubs command line",
        )
        export = RequestInbox(engine, audit=audit).export_accepted(args.since, viewer=viewer)
        if args.output:
            try:
                # Every answer of every accepted request: readable by its owner only.
                descriptor = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as out:
                    _write(export, args.format, out)
            except FileExistsError:
                raise ConfigurationError(f"{args.output} exists; choose a new file") from None
        else:
            _write(export, args.format, sys.stdout)
    finally:
        engine.dispose()
    print(f"{len(export.requests)} accepted requests exported", file=sys.stderr)
    return 0


def _write(export: RequestExport, kind: str, out: IO[str]) -> None:
    if kind == "csv":
        export_csv(export, out)
    else:
        out.write(export.model_dump_json(indent=2) + "\n")
