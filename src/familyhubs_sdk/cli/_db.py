"""``familyhubs db``: migrate the SDK's own database and show its revision."""

from __future__ import annotations

import argparse
from typing import Any

from familyhubs_sdk._config import load_settings
from familyhubs_sdk.store import create_engine, current_revision, head_revision, upgrade


def register(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="migrate the SDK's own database")
    db.set_defaults(handler=lambda _args: db.print_help() or 2)
    commands = db.add_subparsers(title="db commands", metavar="COMMAND")
    for name, handler, summary in (
        ("upgrade", _upgrade, "apply migrations up to the newest (or --revision)"),
        ("current", _current, "print the database's revision and the newest one shipped"),
    ):
        command = commands.add_parser(name, help=summary, description=summary)
        command.add_argument(
            "--url", help="SQLAlchemy database URL (default: FAMILYHUBS_DATABASE_URL or SQLite)"
        )
        if name == "upgrade":
            command.add_argument("--revision", default="head", help="target revision")
        command.set_defaults(handler=handler)


def _engine(args: argparse.Namespace) -> Any:
    url = args.url or load_settings().database_url_value()
    return create_engine(url)


def _upgrade(args: argparse.Namespace) -> int:
    engine = _engine(args)
    try:
        upgrade(engine, args.revision)
        print(f"database at revision {current_revision(engine)}")
    finally:
        engine.dispose()
    return 0


def _current(args: argparse.Namespace) -> int:
    engine = _engine(args)
    try:
        revision = current_revision(engine)
    finally:
        engine.dispose()
    head = head_revision()
    print(f"current: {revision or '(empty database)'}")
    print(f"head:    {head}")
    return 0 if revision == head else 1
