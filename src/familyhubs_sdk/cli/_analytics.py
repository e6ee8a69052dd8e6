"""``familyhubs analytics``: how the form is used, and what requests ask for, as HTML, CSV or text.

Both reports hold counts only: the form report is built from analytics events (no answers), and
the insights hide counts below ``--suppress-below``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from familyhubs_sdk._config import load_settings
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.questiontree import QuestionTree, load_tree_file
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.support import default_tree
from familyhubs_sdk.support.analytics._events import load_events
from familyhubs_sdk.support.analytics._insights import (
    DEFAULT_SUPPRESS_BELOW,
    insights_csv,
    insights_text,
    render_insights,
    request_insights,
)
from familyhubs_sdk.support.analytics._report import (
    DEFAULT_ABANDON_AFTER,
    build_report,
    render_report,
    report_csv,
    report_text,
)

FORMATS = ("text", "html", "csv")


def register(subparsers: Any) -> None:
    analytics = subparsers.add_parser("analytics", help="reports on form use and requests")
    analytics.set_defaults(handler=lambda _args: analytics.print_help() or 2)
    commands = analytics.add_subparsers(title="analytics commands", metavar="COMMAND")

    summary = "how the form is used: completion, drop-off, errors and routes (no answers)"
    report = commands.add_parser("report", help=summary, description=summary)
    report.add_argument("--tree-id", required=True, help="the form's tree id")
    report.add_argument(
        "--tree", type=Path, help="the tree file, for labels (default: the shipped tree)"
    )
    report.add_argument(
        "--abandon-after",
        type=float,
        default=DEFAULT_ABANDON_AFTER.total_seconds() / 3600,
        metavar="HOURS",
        help="hours without activity before an unsent journey counts as abandoned (default 24)",
    )
    _common(report)
    report.set_defaults(handler=_report)

    summary = "requests counted by area of need, support, status and month; small counts hidden"
    insights = commands.add_parser("insights", help=summary, description=summary)
    insights.add_argument("--tree-id", help="only requests made on this tree")
    insights.add_argument(
        "--tree", type=Path, help="the tree file, for labels (default: the shipped tree)"
    )
    insights.add_argument(
        "--suppress-below",
        type=int,
        default=DEFAULT_SUPPRESS_BELOW,
        metavar="N",
        help=f"show counts below N as 'fewer than N' (default {DEFAULT_SUPPRESS_BELOW})",
    )
    _common(insights)
    insights.set_defaults(handler=_insights)


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument("--since", type=_day, help="from this day (YYYY-MM-DD, UTC), inclusive")
    command.add_argument("--until", type=_day, help="to this day (YYYY-MM-DD, UTC), inclusive")
    command.add_argument("--format", choices=FORMATS, default="text", help="default: text")
    command.add_argument("--output", help="file to write (default: standard output)")
    command.add_argument("--url", help="database URL (default: FAMILYHUBS_DATABASE_URL or SQLite)")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2026-03-31: {text!r}") from None


def _period(args: argparse.Namespace) -> tuple[datetime | None, datetime | None]:
    """``--since`` and ``--until`` as a half-open UTC range: ``--until`` includes its whole day."""
    since = datetime.combine(args.since, time(), UTC) if args.since else None
    until = datetime.combine(args.until + timedelta(days=1), time(), UTC) if args.until else None
    if since and until and since >= until:
        raise ConfigurationError("--since must be on or before --until")
    return since, until


def _tree(args: argparse.Namespace) -> QuestionTree:
    if args.tree is not None:
        return load_tree_file(args.tree)
    return default_tree()


def _write(args: argparse.Namespace, text: str) -> None:
    if not args.output:
        sys.stdout.write(text)
        return
    try:
        with open(args.output, "x", encoding="utf-8", newline="") as out:
            out.write(text)
    except FileExistsError:
        raise ConfigurationError(f"{args.output} exists; choose a new file") from None


def _report(args: argparse.Namespace) -> int:
    tree = _tree(args)
    if tree.id != args.tree_id:
        raise ConfigurationError(
            f"the tree file is for {tree.id!r}, not {args.tree_id!r}; pass --tree with its file"
        )
    if args.abandon_after <= 0:
        raise ConfigurationError("--abandon-after must be more than 0 hours")
    since, until = _period(args)
    engine = create_engine(args.url or load_settings().database_url_value())
    try:
        events = load_events(engine, args.tree_id, since, until)
    finally:
        engine.dispose()
    report = build_report(events, tree, abandon_after=timedelta(hours=args.abandon_after))
    if args.format == "html":
        _write(args, str(render_report(report)) + "\n")
    elif args.format == "csv":
        _write(args, report_csv(report))
    else:
        _write(args, report_text(report))
    return 0


def _insights(args: argparse.Namespace) -> int:
    if args.suppress_below < 1:
        raise ConfigurationError("--suppress-below must be 1 or more")
    tree = _tree(args)
    since, until = _period(args)
    engine = create_engine(args.url or load_settings().database_url_value())
    try:
        insights = request_insights(
            engine,
            since,
            until,
            tree=tree,
            tree_id=args.tree_id,
            suppress_below=args.suppress_below,
        )
    finally:
        engine.dispose()
    if args.format == "html":
        _write(args, str(render_insights(insights)) + "\n")
    elif args.format == "csv":
        _write(args, insights_csv(insights))
    else:
        _write(args, insights_text(insights))
    return 0
