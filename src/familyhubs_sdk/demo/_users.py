"""The demo's people: three professionals who find a child, a member of the receiving team, and
an information governance officer who reads the access audit and reviews emergency access.

Demo sign-in has no password: choosing a person is the whole of it. A real portal asks its own
sign-in (Entra ID, GOV.UK One Login, the LA's SSO) who is there and passes the SDK a
:class:`~familyhubs_sdk.timeline.Viewer`.
"""

from __future__ import annotations

from dataclasses import dataclass

from familyhubs_sdk.synthetic import DEMO_VIEWERS
from familyhubs_sdk.timeline import Viewer

__all__ = ["DEMO_USERS", "INFORMATION_GOVERNANCE", "RECEIVING_TEAM", "DemoUser", "demo_user"]

#: Receives requests for support: the early help front door's inbox.
RECEIVING_TEAM = Viewer(
    id="demo-rt",
    name="Rae Tan",
    role="receiving_team",
    organisation="Exampleshire Early Help Front Door",
)

#: Reads the access audit and its CSV, sees who has viewed any record and reviews emergency
#: access: the only demo role with the ``audit`` permission.
INFORMATION_GOVERNANCE = Viewer(
    id="demo-ig",
    name="Ines Grant",
    role="information_governance",
    organisation="Exampleshire Council Information Governance",
)


@dataclass(frozen=True, slots=True)
class DemoUser:
    """A person to sign in as, what their role is called on screen and what they can try."""

    viewer: Viewer
    role_name: str
    try_this: str

    @property
    def finds_children(self) -> bool:
        """Whether the demo's access rules have a role for them (the three professionals)."""
        return self.viewer in DEMO_VIEWERS

    @property
    def receives_requests(self) -> bool:
        return self.viewer == RECEIVING_TEAM


_ROLE_NAMES = {
    "social_worker": (
        "Social worker",
        "Find a child: sees every kind of event, sensitive ones included.",
    ),
    "family_support": (
        "Family support worker",
        "Find a child: sees standard events only; police and sensitive events are withheld.",
    ),
    "health_visitor": (
        "Health visitor",
        "Find a child: no caseload in the demo, so every record needs emergency access, "
        "which is flagged in the audit.",
    ),
}

#: Everyone the demo sign-in offers, in the order it lists them.
DEMO_USERS: tuple[DemoUser, ...] = (
    *(DemoUser(viewer, *_ROLE_NAMES[viewer.role]) for viewer in DEMO_VIEWERS),
    DemoUser(
        RECEIVING_TEAM,
        "Receiving team member",
        "The inbox: open the requests for support that arrive, accept or decline them.",
    ),
    DemoUser(
        INFORMATION_GOVERNANCE,
        "Information governance officer",
        "The access audit: who has viewed each record, the audit's CSV, and the queue of "
        "emergency access to review.",
    ),
)


def demo_user(user_id: str | None) -> DemoUser | None:
    """The demo user with ``user_id``; ``None`` for nobody or an id the demo does not know."""
    return next((user for user in DEMO_USERS if user.viewer.id == user_id), None)
