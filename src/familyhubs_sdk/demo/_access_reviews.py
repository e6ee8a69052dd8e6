"""The emergency access review queue in the demo: ``/audit/reviews`` for information governance.

Every use of emergency (break-glass) access lands in the queue (the SDK reads it from the access
audit); a user whose role has ``audit: true`` records an outcome and a note, and the review is
itself audited. Anyone else is refused (403).
"""

from __future__ import annotations

import re
from contextlib import suppress

from familyhubs_sdk.demo._http import AUDIT_PREFIX, DemoRequest, Pages, Reply, first
from familyhubs_sdk.demo._services import DemoServices
from familyhubs_sdk.demo._users import DemoUser
from familyhubs_sdk.errors import AccessReviewError
from familyhubs_sdk.timeline import REVIEW_OUTCOMES, AccessReviews

__all__ = ["REVIEWS_PREFIX", "ReviewPages"]

#: Where the queue is mounted.
REVIEWS_PREFIX = f"{AUDIT_PREFIX}/reviews"
_KEY = re.compile(r"r1-[0-9a-f]{32}")
_STATUSES = {"pending", "reviewed"}


class ReviewPages:
    """``/audit/reviews`` (the queue) and ``/audit/reviews/<key>`` (review one item)."""

    def __init__(self, pages: Pages, services: DemoServices) -> None:
        self.pages = pages
        timeline = services.timeline
        self.reviews = AccessReviews(services.store, audit=timeline.audit, policy=timeline.policy)

    def _audits(self, user: DemoUser) -> bool:
        return self.reviews.may_review(user.viewer)

    def handle(self, request: DemoRequest, path: str) -> Reply:
        user = self.pages.signed_in(
            request,
            "review emergency access",
            allowed=self._audits,
            who="the information governance officer",
        )
        if isinstance(user, Reply):
            return user
        parts = [part for part in path.split("/") if part]
        if not parts and request.method == "GET":
            status = first(request.query, "status")
            chosen = status if status in _STATUSES else None
            return self.pages.render(
                request,
                "familyhubs/demo/reviews.html",
                "Emergency access to review",
                items=self.reviews.queue(user.viewer, status=chosen),  # type: ignore[arg-type]
                outcomes=REVIEW_OUTCOMES,
                shown=chosen,
            )
        if len(parts) == 1 and _KEY.fullmatch(parts[0]):
            return self._review(request, user, parts[0])
        if not parts:
            return self.pages.not_allowed(request, "GET, HEAD")
        return self.pages.message(request, "Page not found", "Check the address.", 404)

    def _review(self, request: DemoRequest, user: DemoUser, key: str) -> Reply:
        try:
            item = self.reviews.item(user.viewer, key)
        except AccessReviewError:
            return self.pages.message(request, "Page not found", "Check the address.", 404)
        outcome = first(request.form, "outcome") if request.method == "POST" else ""
        note = first(request.form, "note") if request.method == "POST" else ""
        errors = []
        if request.method == "POST":
            if item.status == "reviewed":
                return Reply.redirect(f"{REVIEWS_PREFIX}?status=reviewed")
            if outcome not in REVIEW_OUTCOMES:
                errors.append({"text": "Select whether the access was appropriate",
                               "href": "#outcome"})  # fmt: skip
            if len(note) > 500:
                errors.append({"text": "Note must be 500 characters or fewer", "href": "#note"})
            if not errors:
                # Reviewed by someone else meanwhile: the queue shows their review.
                with suppress(AccessReviewError):
                    self.reviews.review(user.viewer, key, outcome, note)
                return Reply.redirect(f"{REVIEWS_PREFIX}?status=reviewed")
        if item.status == "reviewed" and request.method == "GET":
            return Reply.redirect(f"{REVIEWS_PREFIX}?status=reviewed")
        title = "Review emergency access"
        return self.pages.render(
            request,
            "familyhubs/demo/review.html",
            f"Error: {title}" if errors else title,
            status=400 if errors else 200,
            item=item,
            outcome_items=[
                {"value": code, "text": text, "checked": code == outcome}
                for code, text in REVIEW_OUTCOMES.items()
            ],
            note=note[:500],
            errors=errors,
        )
