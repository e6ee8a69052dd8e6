"""Connecting professionals in the demo: the SDK's timeline screens behind the demo sign-in.

The adapter work a portal does: build a :class:`~familyhubs_sdk.timeline.ScreenRequest` with the
signed-in viewer and the reasons this session has given, call the screens, keep the reason a
response asks to remember, and put the page in the layout.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from familyhubs_sdk.demo._http import AUDIT_PREFIX, TIMELINE_PREFIX, DemoRequest, Pages, Reply
from familyhubs_sdk.demo._services import DemoServices
from familyhubs_sdk.demo._users import DemoUser
from familyhubs_sdk.integrations._common import keep_reason, screen_request

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
        screen = screen_request(
            request.session.values,
            viewer=user.viewer,
            method=request.method,
            path=path,
            base_path=TIMELINE_PREFIX,
            form=request.form,
            query=request.query,
            csrf_token=request.session.csrf_token,
        )
        response = self.services.screens.handle(screen)
        keep_reason(request.session.values, response)
        if response.location is not None:
            return Reply.redirect(response.location)
        html = response.html
        record = _RECORD_PAGE.fullmatch(path.rstrip("/"))
        if record is not None and response.status == 200:
            html += Markup(
                '<p class="govuk-body"><a class="govuk-link" href="{}">'
                "Who has viewed this record</a></p>"
            ).format(f"{AUDIT_PREFIX}/record/{record.group(1)}")
        return self.pages.page(request, response.title, html, response.status)
