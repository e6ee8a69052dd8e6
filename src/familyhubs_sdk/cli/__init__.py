"""The ``familyhubs`` console script.

Each command group lives in its own module beside this one and exposes
``register(subparsers)``; :data:`COMMAND_GROUPS` lists them in the order ``--help`` shows them.
Errors from the SDK print one line with their code and exit with status 2 — never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from familyhubs_sdk import __version__
from familyhubs_sdk.errors import FamilyHubsError

__all__ = ["COMMAND_GROUPS", "main"]

#: Modules of ``familyhubs_sdk.cli`` that add a command group.
COMMAND_GROUPS: tuple[str, ...] = (
    "db",
    "tree",
    "views",
    "timeline",
    "links",
    "audit",
    "retention",
    "analytics",
    "outbox",
    "requests",
    "demo",
)

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command group registered."""
    parser = argparse.ArgumentParser(
        prog="familyhubs",
        description="Tools for the familyhubs SDK: database, demo portal and more.",
    )
    parser.add_argument("--version", action="version", version=f"familyhubs-sdk {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for group in COMMAND_GROUPS:
        importlib.import_module(f"familyhubs_sdk.cli._{group}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 a check failed, 2 an error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_ERROR
    try:
        return int(handler(args))
    except FamilyHubsError as exc:
        print(f"familyhubs: error: {exc} [{exc.code}]", file=sys.stderr)
        return EXIT_ERROR
    except DBAPIError as exc:
        # The driver's message can carry SQL and data; name the failure's kind only.
        print(
            f"familyhubs: error: the database refused the operation ({type(exc.orig).__name__}); "
            "is it reachable and migrated? Try `familyhubs db current` [store_error]",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
