"""The journey's "Upload supporting evidence" page, between the last question and check your
answers: add files (checked, scanned and stored by :class:`EvidenceUploads`), remove them, go on.

Files arrive as :class:`~familyhubs_sdk.web.UploadedFile` in ``WebRequest.files``. This is
the one page that takes files, and :attr:`EvidenceStep.body_limits` says how much: the adapters
refuse a bigger POST with 413 before reading it, and read no more of a file than the rules allow
(the host's web server should cap bodies too; docs/security.md says how).
"""

from __future__ import annotations

from typing import Any

from familyhubs_sdk.errors import EvidenceError
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.support.evidence._rules import UploadProblem
from familyhubs_sdk.support.evidence._uploads import EvidenceUploads
from familyhubs_sdk.support.journey._page_render import render_page
from familyhubs_sdk.support.requests._request import EvidenceSummary, size_text
from familyhubs_sdk.web import WebRequest, WebResponse
from familyhubs_sdk.web._http import BodyLimits

__all__ = ["EVIDENCE_PATH", "EvidenceStep"]

#: Where the page is, below the journey's mount point.
EVIDENCE_PATH = "evidence"
#: The page's title when a host's template does not set one (``evidence.html`` does).
TITLE = "Upload supporting evidence"
#: The problem's code when Upload is pressed with no file (worded by the template, like the
#: :class:`EvidenceError` reasons).
NO_FILE = "no_file"


class EvidenceStep:
    """Serves the evidence page for :class:`~familyhubs_sdk.support.FormFlow`."""

    def __init__(self, uploads: EvidenceUploads, renderer: Renderer) -> None:
        self.uploads = uploads
        self.renderer = renderer

    @property
    def body_limits(self) -> BodyLimits:
        """What one POST of the page may carry: the draft's whole allowance at most.

        >>> from familyhubs_sdk.support.evidence import (
        ...     EvidenceRules, InMemoryEvidenceIndex, InMemoryEvidenceStorage, NoScanner)
        >>> uploads = EvidenceUploads(InMemoryEvidenceStorage(), InMemoryEvidenceIndex(),
        ...                           scanner=NoScanner(), rules=EvidenceRules(max_files=2))
        >>> limits = EvidenceStep(uploads, Renderer()).body_limits
        >>> limits.max_files, limits.max_files_bytes == 2 * limits.max_file_bytes
        (2, True)
        """
        rules = self.uploads.rules
        return BodyLimits(
            max_files=rules.max_files,
            max_file_bytes=rules.max_file_bytes,
            max_files_bytes=min(rules.max_total_bytes, rules.max_files * rules.max_file_bytes),
        )

    def handle(
        self, request: WebRequest, draft_id: str, *, page: dict[str, Any], next_href: str
    ) -> WebResponse:
        """``page`` holds the journey's frame (back link, progress, form target with CSRF);
        ``next_href`` is where Continue goes."""
        if request.method != "POST":
            return self._render(draft_id, page, None)
        here = page["action"]
        removing = next(iter(request.form.get("remove") or []), None)
        if removing is not None:
            self.uploads.remove(draft_id, removing)
            return WebResponse.redirect(here)
        error = self._accept(request, draft_id)
        if error is None:
            return WebResponse.redirect(next_href if "continue" in request.form else here)
        return self._render(draft_id, page, error)

    def _accept(self, request: WebRequest, draft_id: str) -> UploadProblem | None:
        """Keep the posted files, stopping at the first refused; the problem to show, if any."""
        files = [f for f in request.files.get("evidence", ()) if f.filename or f.data]
        for upload in files:
            try:
                self.uploads.accept(draft_id, upload.filename, upload.data)
            except EvidenceError as exc:
                return UploadProblem.of(exc.reason, self.uploads.rules)
        if not files and "continue" not in request.form:
            return UploadProblem.of(NO_FILE, self.uploads.rules)
        return None

    def _render(
        self, draft_id: str, page: dict[str, Any], error: UploadProblem | None
    ) -> WebResponse:
        rules = self.uploads.rules
        page = {
            **page,
            "errors": [],  # evidence.html words the problem, in the summary and by the input
            "error": error,
            "files": [
                {"id": r.id, "name": r.display_name, "size": size_text(r.size_bytes)}
                for r in self.uploads.for_draft(draft_id)
            ],
            "accept": rules.accept_attribute,
            # The hint's facts; evidence.html words them.
            "extensions": [e.upper() for e in rules.extensions],
            "max_file_size": size_text(rules.max_file_bytes),
            "max_files": rules.max_files,
        }
        html, title = render_page(self.renderer, "evidence.html", page, default_title=TITLE)
        return WebResponse.page(
            html, ("Error: " if error else "") + title, status=400 if error else 200
        )

    def summaries(self, draft_id: str) -> list[EvidenceSummary]:
        """What the request records of each file: name, type, size and hash — not the bytes."""
        return [
            EvidenceSummary(
                id=r.id,
                display_name=r.display_name,
                content_type=r.content_type,
                size_bytes=r.size_bytes,
                sha256=r.sha256,
            )
            for r in self.uploads.for_draft(draft_id)
        ]

    def check_answers_files(self, draft_id: str) -> list[dict[str, str]]:
        """The files for check your answers, each ``{name, size}``; ``check_answers.html``
        words the row (and says when there are none)."""
        return [
            {"name": r.display_name, "size": size_text(r.size_bytes)}
            for r in self.uploads.for_draft(draft_id)
        ]
