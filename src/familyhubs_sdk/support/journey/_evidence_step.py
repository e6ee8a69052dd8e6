"""The journey's "Upload supporting evidence" page, between the last question and check your
answers: add files (checked, scanned and stored by :class:`EvidenceUploads`), remove them, go on.

Files arrive as :class:`~familyhubs_sdk.support.journey.UploadedFile` in ``FlowRequest.files``; the
host reads the multipart body and caps its size (Flask ``MAX_CONTENT_LENGTH``, Django
``DATA_UPLOAD_MAX_MEMORY_SIZE``, a proxy's body limit) above :attr:`EvidenceRules.max_file_bytes`
times the files one form may carry.
"""

from __future__ import annotations

from typing import Any

from familyhubs_sdk.errors import EvidenceError
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.support.evidence._rules import upload_error_message
from familyhubs_sdk.support.evidence._uploads import EvidenceUploads
from familyhubs_sdk.support.journey._web import FlowRequest, RedirectResponse, RenderResponse
from familyhubs_sdk.support.requests._request import EvidenceSummary, size_text

__all__ = ["EVIDENCE_PATH", "EvidenceStep"]

#: Where the page is, below the journey's mount point.
EVIDENCE_PATH = "evidence"
TITLE = "Upload supporting evidence"


class EvidenceStep:
    """Serves the evidence page for :class:`~familyhubs_sdk.support.FormFlow`."""

    def __init__(self, uploads: EvidenceUploads, renderer: Renderer) -> None:
        self.uploads = uploads
        self.renderer = renderer

    def handle(
        self, request: FlowRequest, draft_id: str, *, page: dict[str, Any], next_href: str
    ) -> RenderResponse | RedirectResponse:
        """``page`` holds the journey's frame (back link, progress, CSRF); ``next_href`` is where
        Continue goes."""
        here = page["action"]
        if request.method == "POST":
            removing = next(iter(request.form.get("remove") or []), None)
            if removing is not None:
                self.uploads.remove(draft_id, removing)
                return RedirectResponse(here, draft_id=request.draft_id)
            files = [f for f in request.files.get("evidence", ()) if f.filename or f.data]
            error: str | None = None
            for upload in files:
                try:
                    self.uploads.accept(draft_id, upload.filename, upload.data)
                except EvidenceError as exc:
                    error = upload_error_message(exc, self.uploads.rules)
                    break
            if error is None and not files and "continue" not in request.form:
                error = "Select a file to upload"
            if error is None:
                target = next_href if "continue" in request.form else here
                return RedirectResponse(target, draft_id=request.draft_id)
            return self._render(request, draft_id, page, error)
        return self._render(request, draft_id, page, None)

    def _render(
        self, request: FlowRequest, draft_id: str, page: dict[str, Any], error: str | None
    ) -> RenderResponse:
        rules = self.uploads.rules
        page = {
            **page,
            "errors": [{"text": error, "href": "#evidence"}] if error else [],
            "error": error,
            "files": [
                {"id": r.id, "name": r.display_name, "size": size_text(r.size_bytes)}
                for r in self.uploads.for_draft(draft_id)
            ],
            "accept": rules.accept_attribute,
            "hint": (
                f"{', '.join(e.upper() for e in rules.extensions)}. Each file must be smaller "
                f"than {size_text(rules.max_file_bytes)}; up to {rules.max_files} files."
            ),
        }
        html = self.renderer.render("familyhubs/support/evidence.html", page=page)
        return RenderResponse(
            html,
            title=("Error: " if error else "") + TITLE,
            status=400 if error else 200,
            draft_id=request.draft_id,
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

    def check_answers_rows(self, draft_id: str, change_href: str) -> list[dict[str, Any]]:
        """Check-your-answers rows for the files, each with a change link to the page."""
        files = self.uploads.for_draft(draft_id)
        values = [f"{r.display_name} ({size_text(r.size_bytes)})" for r in files]
        return [
            {
                "key": {"text": "Files"},
                "value": {"text": "; ".join(values) if values else "No files added"},
                "actions": {
                    "items": [
                        {"href": change_href, "text": "Change", "visuallyHiddenText": "files"}
                    ]
                },
            }
        ]
