"""``familyhubs links``: propose links between records no identifier joins, review them, and
accept or reject each one (every decision audited)."""

from __future__ import annotations

import argparse
from typing import Any

from familyhubs_sdk.cli._timeline import add_deployment_arguments, viewer_of
from familyhubs_sdk.timeline._links import ReviewedLink


def register(subparsers: Any) -> None:
    links = subparsers.add_parser("links", help="review links between records of different sources")
    links.set_defaults(handler=lambda _args: links.print_help() or 2)
    commands = links.add_subparsers(title="links commands", metavar="COMMAND")

    summary = "propose links on name, date of birth (and postcode) with Splink, for review"
    propose = commands.add_parser("propose", help=summary, description=summary)
    propose.add_argument("--config", required=True, help="the deployment file (YAML)")
    propose.set_defaults(handler=_propose)

    summary = "list proposals awaiting a decision, strongest first"
    review = commands.add_parser("review", help=summary, description=summary)
    review.add_argument("--config", required=True, help="the deployment file (YAML)")
    review.set_defaults(handler=_review)

    for name, summary in (
        ("accept", "accept a proposal: its two records become one child (audited)"),
        ("reject", "reject a proposal: it is never proposed again (audited)"),
    ):
        decide = commands.add_parser(name, help=summary, description=summary)
        decide.add_argument("link_id", type=int, help="the id `familyhubs links review` shows")
        add_deployment_arguments(decide)
        decide.set_defaults(handler=_decide, decision=name)


def _propose(args: argparse.Namespace) -> int:
    from familyhubs_sdk.deployment import load_deployment

    with load_deployment(args.config) as deployment:
        proposals = deployment.linker().propose(deployment.people)
        new = deployment.links.propose(proposals, resolver=deployment.resolver())
        for link in new:
            print(_line(link))
        print(f"{len(new)} new proposals ({len(proposals)} found at or above the threshold)")
    return 0


def _review(args: argparse.Namespace) -> int:
    from familyhubs_sdk.deployment import load_deployment

    with load_deployment(args.config) as deployment:
        pending = deployment.links.pending()
        for link in pending:
            print(_line(link))
        print(f"{len(pending)} proposals awaiting a decision")
    return 0


def _decide(args: argparse.Namespace) -> int:
    from familyhubs_sdk.deployment import load_deployment

    viewer = viewer_of(args)
    with load_deployment(args.config) as deployment:
        if args.decision == "accept":
            link = deployment.links.accept(args.link_id, viewer, resolver=deployment.resolver())
        else:
            link = deployment.links.reject(args.link_id, viewer, resolver=deployment.resolver())
        print(f"link {link.id} {link.status.value} by {link.decided_by}")
    return 0


def _line(link: ReviewedLink) -> str:
    weight = "-" if link.match_weight is None else f"{link.match_weight:.1f}"
    fields = ", ".join(link.matched_fields) or "-"
    return (
        f"{link.id:>6}  {link.left[0]}:{link.left[1]} ~ {link.right[0]}:{link.right[1]}  "
        f"weight {weight}  agreeing: {fields}"
    )
