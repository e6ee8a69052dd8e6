"""Connecting professionals in the demo: the SDK's timeline screens behind the demo sign-in.

The adapter work a portal does (:meth:`~familyhubs_sdk.demo._http.Pages.serve`): pass the screens
the signed-in viewer and the SDK's session values, keep what the response changes, and put the
page in the layout — here with a link to who has viewed the record, for those the access policy
shows it to.
"""

from __future__ import annotations

import re

from familyhubs_sdk.demo._http import AUDIT_PREFIX, TIMELINE_PREFIX, DemoRequest, Pages, Reply
from familyhubs_sdk.demo._services import DemoServices
from familyhubs_sdk.demo._users import DemoUser

__all__ = ["FindAChildPages"]

#: A record's own pages, where the demo adds a link to who has viewed it.
_RECORD_PAGE = re.compile(r"/record/([A-Za-z0-9_-]{1,64})(?:/contacts|/family)?")
_PROFESSIONALS = "a social worker, family support worker or health visitor"


def _finds_children(user: DemoUser) -> bool:
    return user.finds_children


class FindAChildPages:
    """``/find-a-child/...``: search → reason → timeline, who to contact and family."""

    def __init__(self, pages: Pages, services: DemoServices) -> None:
        self.pages = pages
        self.services = services

    def handle(self, request: DemoRequest, path: str) -> Reply:
        """``path`` is below the mount point (``""``, ``"/record/<id>/reason"``...)."""
        user = self.pages.signed_in(
            request, "find a child", allowed=_finds_children, who=_PROFESSIONALS
        )
        if isinstance(user, Reply):
            return user
        record = _RECORD_PAGE.fullmatch(path.rstrip("/"))
        # Offered only to whom the policy would show it: a reason for access is not enough.
        viewed_by = (
            (f"{AUDIT_PREFIX}/record/{record.group(1)}", "Who has viewed this record")
            if record is not None
            and self.services.timeline.viewed_by_decision(user.viewer, record.group(1)).allowed
            else None
        )
        return self.pages.serve(
            self.services.screens,
            request,
            path,
            base_path=TIMELINE_PREFIX,
            viewer=user.viewer,
            link=viewed_by,
        )
