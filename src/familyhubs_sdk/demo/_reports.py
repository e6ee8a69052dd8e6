"""Oversight in the demo: how the form is used, what requests are about, and the access audit.

Form analytics and request insights are counts only: no answers, no personal data. The audit
never holds what was shown, and records subjects as opaque references. The audit and "who has
viewed this record" are for roles the access rules give ``audit: true`` (and who has viewed a
record also for a professional the relationship hook says works with the child); anyone else is
refused, and a refused "who has viewed" is itself audited.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from familyhubs_sdk.demo._http import TIMELINE_PREFIX, DemoRequest, Pages, Reply
from familyhubs_sdk.demo._services import DemoServices
from familyhubs_sdk.demo._users import DEMO_USERS, DemoUser
from familyhubs_sdk.support import (
    build_report,
    load_events,
    render_insights,
    render_report,
    request_insights,
)
from familyhubs_sdk.support.analytics import Suppression
from familyhubs_sdk.timeline import AccessReason, AccessReviews, AuditAction, render_viewed_by
from familyhubs_sdk.web import WebRequest, read_session

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
        # One suppression rule for every figure on the page, so the report and the insights
        # never show the same small count one way and the other.
        rule = Suppression()
        report = build_report(load_events(store, tree.id), tree)
        insights = request_insights(store, tree=tree, suppress_below=rule.below)
        return self.pages.render(
            request,
            "familyhubs/demo/analytics.html",
            "Form analytics",
            report=render_report(report, renderer=renderer, suppression=rule),
            insights=render_insights(insights, renderer=renderer),
            suppression=rule,
        )


class AuditPages:
    """``/audit/`` (the newest events, for the information governance team),
    ``/audit/events.csv`` (every event) and ``/audit/record/<id>`` (who has viewed a record)."""

    def __init__(self, pages: Pages, services: DemoServices) -> None:
        self.pages = pages
        self.services = services

    def handle(self, request: DemoRequest, path: str) -> Reply:
        parts = [part for part in path.split("/") if part]
        if len(parts) == 2 and parts[0] == "record" and _SUBJECT.fullmatch(parts[1]):
            someone = self.pages.signed_in(request, "see who has viewed a record")
            if isinstance(someone, Reply):
                return someone
            return self._viewed_by(request, someone, parts[1])
        user = self.pages.signed_in(
            request, "see the access audit", allowed=self._audits, who=self._auditors()
        )
        if isinstance(user, Reply):
            return user
        audit = self.services.audit
        if not parts:
            return self.pages.render(
                request,
                "familyhubs/demo/audit.html",
                "Access audit",
                events=audit.query(limit=RECENT_AUDIT_EVENTS),
                limit=RECENT_AUDIT_EVENTS,
                pending_reviews=len(
                    AccessReviews(
                        self.services.store, audit=audit, policy=self.services.timeline.policy
                    ).queue(user.viewer, status="pending")
                ),
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
        return self.pages.message(request, "Page not found", "Check the address.", 404)

    def _audits(self, user: DemoUser) -> bool:
        """Whether the access rules give ``user``'s role the ``audit`` permission."""
        rule = self.services.timeline.policy.rules.roles.get(user.viewer.role)
        return rule is not None and rule.audit

    def _auditors(self) -> str:
        return " or ".join(f"the {u.role_name.lower()}" for u in DEMO_USERS if self._audits(u))

    def _viewed_by(self, request: DemoRequest, user: DemoUser, subject_id: str) -> Reply:
        viewer = user.viewer
        if self._audits(user):
            reason = AccessReason(reason="audit_review")
        else:
            # A professional says why first; the policy then decides, whatever the reason.
            given = self.services.screens.reasons_given(
                WebRequest("GET", session=read_session(request.session.values), viewer=viewer)
            )
            if subject_id not in given:
                return Reply.redirect(f"{TIMELINE_PREFIX}/record/{subject_id}/reason")
            reason = given[subject_id]
        result = self.services.timeline.viewed_by(viewer, subject_id, reason)
        if not result.allowed:
            if result.decision.reason == "unknown_subject":
                return self.pages.message(request, "Page not found", "Check the address.", 404)
            return self.pages.message(
                request,
                "You cannot see who has viewed this record",
                "Only information governance, or a professional working with the child, can "
                "see who has viewed a record.",
                403,
            )
        return self.pages.render(
            request,
            "familyhubs/demo/record_access.html",
            "Who has viewed this record",
            record=f"{TIMELINE_PREFIX}/record/{subject_id}",
            viewed_by=render_viewed_by(result.events, renderer=self.pages.renderer),
        )
