"""Oversight in the demo: how the form is used, what requests are about, and the access audit.

Form analytics and request insights are counts only: no answers, no personal data. The audit
never holds what was shown, and records subjects as opaque references; "who has viewed this
record" is for a professional who has just looked at that record themselves.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from familyhubs_sdk.demo._http import TIMELINE_PREFIX, DemoRequest, Pages, Reply
from familyhubs_sdk.demo._services import DemoServices
from familyhubs_sdk.support import (
    build_report,
    load_events,
    render_insights,
    render_report,
    request_insights,
)
from familyhubs_sdk.timeline import AuditAction, render_viewed_by
from familyhubs_sdk.web import Viewer, WebRequest, read_session

__all__ = ["RECENT_AUDIT_EVENTS", "AnalyticsPages", "AuditPages"]

#: How many of the newest audit events the audit page lists.
RECENT_AUDIT_EVENTS = 50

_SUBJECT = re.compile(r"[A-Za-z0-9_-]{1,64}")


class AnalyticsPages:
    """``/analytics/``: the form report and the request insights."""

    def __init__(self, pages: Pages, services: DemoServices) -> None:
        self.pages = pages
        self.services = services

    def handle(self, request: DemoRequest, path: str) -> Reply:
        user = self.pages.signed_in(request, "see the form analytics")
        if isinstance(user, Reply):
            return user
        if path.strip("/"):
            return self.pages.message(request, "Page not found", "Check the address.", 404)
        store, tree, renderer = self.services.store, self.services.tree, self.pages.renderer
        report = build_report(load_events(store, tree.id), tree)
        insights = request_insights(store, tree=tree)
        return self.pages.render(
            request,
            "familyhubs/demo/analytics.html",
            "Form analytics",
            report=render_report(report, renderer=renderer),
            insights=render_insights(insights, renderer=renderer),
        )


class AuditPages:
    """``/audit/`` (the newest events, for the information governance team),
    ``/audit/events.csv`` (every event) and ``/audit/record/<id>`` (who has viewed a record)."""

    def __init__(self, pages: Pages, services: DemoServices) -> None:
        self.pages = pages
        self.services = services

    def handle(self, request: DemoRequest, path: str) -> Reply:
        user = self.pages.signed_in(request, "see the access audit")
        if isinstance(user, Reply):
            return user
        audit = self.services.audit
        parts = [part for part in path.split("/") if part]
        if not parts:
            return self.pages.render(
                request,
                "familyhubs/demo/audit.html",
                "Access audit",
                events=audit.query(limit=RECENT_AUDIT_EVENTS),
                limit=RECENT_AUDIT_EVENTS,
            )
        if parts == ["events.csv"]:
            out = io.StringIO()
            audit.export_csv(out)
            # Exporting the audit is itself an access worth recording.
            audit.record(user.viewer, AuditAction.EXPORT, reason="audit_review")
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            return Reply(
                200,
                out.getvalue().encode(),
                [("Content-Disposition", f'attachment; filename="audit-{stamp}.csv"')],
                content_type="text/csv; charset=utf-8",
            )
        if len(parts) == 2 and parts[0] == "record" and _SUBJECT.fullmatch(parts[1]):
            return self._viewed_by(request, user.viewer, parts[1])
        return self.pages.message(request, "Page not found", "Check the address.", 404)

    def _viewed_by(self, request: DemoRequest, viewer: Viewer, subject_id: str) -> Reply:
        # Only for someone who has given a reason to see this record in this session.
        given = self.services.screens.reasons_given(
            WebRequest("GET", session=read_session(request.session.values), viewer=viewer)
        )
        if subject_id not in given:
            return Reply.redirect(f"{TIMELINE_PREFIX}/record/{subject_id}/reason")
        return self.pages.render(
            request,
            "familyhubs/demo/record_access.html",
            "Who has viewed this record",
            record=f"{TIMELINE_PREFIX}/record/{subject_id}",
            viewed_by=render_viewed_by(
                self.services.audit.query(subject_id=subject_id, limit=200),
                renderer=self.pages.renderer,
            ),
        )
