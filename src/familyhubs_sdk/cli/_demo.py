"""``familyhubs demo``: run the demo portal (both solutions) on synthetic data."""

from __future__ import annotations

import argparse
from typing import Any

from familyhubs_sdk._config import load_settings
from familyhubs_sdk.demo._server import DEFAULT_PORT, run_demo


def register(subparsers: Any) -> None:
    summary = (
        "run the demo portal on 127.0.0.1: find a child, request support, the inbox, "
        "analytics and the audit (synthetic data, embedded SQLite)"
    )
    demo = subparsers.add_parser("demo", help=summary, description=summary)
    demo.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    demo.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; a free one if taken; 0 for any)",
    )
    demo.add_argument(
        "--data-dir",
        help="folder for the demo database, synthetic warehouse and file drop "
        "(default: familyhubs-data)",
    )
    demo.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    overrides = {"data_dir": args.data_dir} if args.data_dir else {}
    run_demo(load_settings(**overrides), host=args.host, port=args.port)
    return 0
