"""``familyhubs tree``: check a question tree, list its routes, draw it."""

from __future__ import annotations

import argparse
from typing import Any

from familyhubs_sdk.questiontree import check_tree, load_tree_file, mermaid

#: What every ``familyhubs tree`` command exits with, so a pull request check can rely on it.
EXIT_STATUSES = (
    "exit status: 0 when the tree has no problems, 1 when the checker finds problems, "
    "2 when the file cannot be loaded (missing, not YAML or JSON, or refused by the loader)"
)


def register(subparsers: Any) -> None:
    tree = subparsers.add_parser(
        "tree", help="check, list and draw question trees", epilog=EXIT_STATUSES
    )
    tree.set_defaults(handler=lambda _args: tree.print_help() or 2)
    commands = tree.add_subparsers(title="tree commands", metavar="COMMAND")
    for name, handler, summary in (
        ("check", _check, "report cycles, dead ends, unreachable questions and unsafe conditions"),
        ("paths", _paths, "list the routes through the tree (up to --cap) and count them all"),
        ("graph", _graph, "print the routes as a Mermaid flowchart, conditions on the edges"),
    ):
        command = commands.add_parser(name, help=summary, description=summary, epilog=EXIT_STATUSES)
        command.add_argument("file", help="tree file (.yaml, .yml or .json)")
        if name == "paths":
            command.add_argument("--cap", type=int, default=50, help="routes to list (default 50)")
        command.set_defaults(handler=handler)


def _check(args: argparse.Namespace) -> int:
    report = check_tree(load_tree_file(args.file))
    for problem in report.problems:
        print(problem)
    if report.ok:
        print(f"{args.file}: no problems; {report.path_count} routes through the tree")
        return 0
    print(f"{args.file}: {len(report.problems)} problem(s)")
    return 1


def _paths(args: argparse.Namespace) -> int:
    report = check_tree(load_tree_file(args.file), path_cap=args.cap)
    for path in report.paths:
        print(" → ".join(path))
    shown = len(report.paths)
    print(
        f"{report.path_count} routes in all"
        + (f"; first {shown} shown" if report.paths_capped else "")
    )
    return 0 if report.ok else 1


def _graph(args: argparse.Namespace) -> int:
    print(mermaid(load_tree_file(args.file)))
    return 0
