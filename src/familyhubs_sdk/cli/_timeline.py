"""``familyhubs timeline show``: a child's timeline and contacts in the terminal, for integrators
checking a deployment. The read goes through the access policy and is audited like any other."""

from __future__ import annotations

import argparse
from typing import Any

from familyhubs_sdk.errors import ConfigurationError, IdentifierError
from familyhubs_sdk.timeline._display import TimelinePage
from familyhubs_sdk.timeline._service import AccessReason
from familyhubs_sdk.web._viewer import Viewer

#: Who the command line reads as, unless ``--organisation`` says otherwise.
COMMAND_LINE_ORGANISATION = "familyhubs command line"


def register(subparsers: Any) -> None:
    timeline = subparsers.add_parser("timeline", help="read a child's timeline from a deployment")
    timeline.set_defaults(handler=lambda _args: timeline.print_help() or 2)
    commands = timeline.add_subparsers(title="timeline commands", metavar="COMMAND")
    summary = "print a child's timeline and contacts (audited, under the access rules)"
    show = commands.add_parser("show", help=summary, description=summary)
    add_deployment_arguments(show)
    who = show.add_mutually_exclusive_group(required=True)
    who.add_argument("--nhs-number")
    who.add_argument("--upn")
    who.add_argument("--source-id", help="a source's own key, written <source>:<person key>")
    show.add_argument("--reason", required=True, help="the reason code recorded in the audit")
    show.add_argument("--basis", default="public_task", help="the lawful basis (audited)")
    show.set_defaults(handler=_show)


def add_deployment_arguments(parser: argparse.ArgumentParser) -> None:
    """``--config`` and ``--as``, shared with ``familyhubs links``."""
    parser.add_argument("--config", required=True, help="the deployment file (YAML)")
    parser.add_argument(
        "--as",
        dest="viewer",
        required=True,
        metavar="USER/ROLE",
        help="who is reading: a user id and a role of the access rules",
    )
    parser.add_argument("--organisation", default=COMMAND_LINE_ORGANISATION)


def viewer_of(args: argparse.Namespace) -> Viewer:
    user, slash, role = str(args.viewer).partition("/")
    if not slash or not user.strip() or not role.strip():
        raise ConfigurationError("--as takes a user id and a role: --as sam/social_worker")
    return Viewer(
        id=user.strip(), name=user.strip(), role=role.strip(), organisation=args.organisation
    )


def _show(args: argparse.Namespace) -> int:
    from familyhubs_sdk.deployment import load_deployment

    viewer = viewer_of(args)
    with load_deployment(args.config) as deployment:
        service = deployment.service
        if args.nhs_number:
            subject = service.resolver.resolve("nhs_number", args.nhs_number)
        elif args.upn:
            subject = service.resolver.resolve("upn", args.upn)
        else:
            subject = service.resolver.resolve("source_id", args.source_id)
        if subject is None:
            raise IdentifierError("no child in this deployment has that identifier")
        result = service.timeline(
            viewer, subject.master_id, AccessReason(reason=args.reason, basis=args.basis)
        )
        if not result.allowed or result.page is None:
            print(f"refused: {result.decision.reason} (the refusal is audited)")
            return 1
        _print_page(result.page)
    return 0


def _print_page(page: TimelinePage) -> None:
    person = page.person
    born = f", born {person.birth_date.isoformat()}" if person.birth_date else ""
    print(f"{person.name}{born}")
    for label, value in person.identifiers:
        print(f"  {label}: {value}")
    print(f"\nTimeline ({len(page.entries)} entries, newest first)")
    for entry in page.entries:
        end = f" to {entry.end.isoformat()}" if entry.end else ""
        service = f" — {entry.service}" if entry.service else ""
        who = f" ({entry.professional_name})" if entry.professional_name else ""
        print(
            f"  {entry.start.isoformat()}{end}  {entry.label}{service}{who}  [{entry.source_name}]"
        )
    print(f"\nWho to contact ({len(page.contacts)})")
    for card in page.contacts:
        role = ", ".join(filter(None, [card.role, card.team, card.organisation]))
        print(f"  {card.name}" + (f" — {role}" if role else ""))
        for point in card.contact_points:
            print(f"    {point.label}: {point.value}")
    unavailable = [n.source_name for n in page.sources if n.state.value == "unavailable"]
    if unavailable:
        print("\nUnavailable right now: " + ", ".join(unavailable))
