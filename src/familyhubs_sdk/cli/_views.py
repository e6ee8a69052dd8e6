"""``familyhubs views``: write ``CREATE VIEW`` DDL, check definitions against a warehouse, and
build the synthetic warehouse."""

from __future__ import annotations

import argparse
from typing import Any

from familyhubs_sdk.errors import ViewDefinitionError
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.views._check import check_warehouse
from familyhubs_sdk.views._ddl import DIALECTS, create_views, recommended_indexes
from familyhubs_sdk.views._definition import ViewCatalog


def register(subparsers: Any) -> None:
    views = subparsers.add_parser("views", help="data-view definitions over the LA warehouse")
    views.set_defaults(handler=lambda _args: views.print_help() or 2)
    commands = views.add_subparsers(title="views commands", metavar="COMMAND")

    summary = "print CREATE VIEW statements and recommended indexes for a definitions file"
    ddl = commands.add_parser("ddl", help=summary, description=summary)
    ddl.add_argument("--dialect", choices=DIALECTS, required=True)
    ddl.add_argument("file", help="view definitions (YAML)")
    ddl.set_defaults(handler=_ddl)

    summary = (
        "check definitions against a database: columns, types, sampled values, index use "
        "(problems exit 1; warnings are listed and exit 0)"
    )
    check = commands.add_parser("check", help=summary, description=summary)
    check.add_argument("file", help="view definitions (YAML)")
    check.add_argument("--url", required=True, help="SQLAlchemy URL of the warehouse")
    check.set_defaults(handler=_check)

    summary = "write the synthetic warehouse (never real data) into a database"
    synthetic = commands.add_parser("synthetic", help=summary, description=summary)
    synthetic.add_argument("--url", required=True, help="SQLAlchemy URL; its tables are replaced")
    synthetic.add_argument("--children", type=int, default=2_000)
    synthetic.add_argument("--seed", type=int, default=7)
    synthetic.set_defaults(handler=_synthetic)


def _ddl(args: argparse.Namespace) -> int:
    catalog = ViewCatalog.load(args.file)
    for statement in create_views(catalog, args.dialect):
        print(f"{statement};\n")
    print("-- Recommended indexes: one per lookup, key then time newest first")
    for statement in recommended_indexes(catalog, args.dialect):
        print(f"{statement};")
    return 0


def _check(args: argparse.Namespace) -> int:
    """Problems (exit 1), then warnings and advice (listed, exit 0), then index use."""
    try:
        catalog = ViewCatalog.load(args.file)
    except ViewDefinitionError as exc:
        # A definition refused on loading (free text, a bad mapping) is a failed check.
        print(f"problem: {exc}")
        return 1
    engine = create_engine(args.url)
    try:
        found = check_warehouse(engine, catalog)
    finally:
        engine.dispose()
    for problem in found.problems:
        print(f"problem: {problem}")
    for warning in found.warnings:
        print(f"warning: {warning}")
    for advice in found.advice:
        print(f"advice: {advice}")
    failing = 0
    for use in found.index_uses:
        verdict = {True: "uses an index", False: "NO INDEX", None: "not checked"}[use.uses_index]
        print(f"{use.definition}: lookup {verdict}")
        failing += use.uses_index is False
    counts = [f"{len(found.problems)} problems", f"{len(found.warnings)} warnings"]
    if failing:
        counts.append(f"{failing} without an index")
    print(f"{len(catalog.definitions)} definitions checked: {'; '.join(counts)}")
    return 0 if found.ok else 1


def _synthetic(args: argparse.Namespace) -> int:
    from familyhubs_sdk.synthetic import build_warehouse

    engine = create_engine(args.url)
    try:
        summary = build_warehouse(engine, seed=args.seed, children=args.children)
    finally:
        engine.dispose()
    print(
        f"wrote {summary.events:,} events for {summary.children:,} children "
        f"({sum(summary.rows.values()):,} rows) in {summary.seconds:.1f} s"
    )
    return 0
