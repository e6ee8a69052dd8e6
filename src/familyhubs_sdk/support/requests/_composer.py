"""Turn a stored request into the message its delivery channels send.

The outbox worker calls a :class:`RequestComposer` for every attempt: it reads the request's
stored snapshot (never the live draft), renders it as text and HTML, and attaches the evidence
files. Attempts of one job carry the same idempotency key, so the receiver can drop repeats.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from familyhubs_sdk.delivery._message import Attachment, OutboundMessage
from familyhubs_sdk.delivery._outbox import ClaimedJob
from familyhubs_sdk.errors import DeliveryError
from familyhubs_sdk.questiontree import QuestionTree
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.store._schema import evidence_files
from familyhubs_sdk.support.requests._request import (
    SupportRequest,
    render_request_html,
    request_text,
)
from familyhubs_sdk.support.requests._submission import load_request

__all__ = ["EvidenceReader", "RequestComposer"]


class EvidenceReader(Protocol):
    """Where evidence bytes are read from (an evidence storage)."""

    def get(self, storage_name: str) -> bytes: ...


class RequestComposer:
    """Builds each delivery job's :class:`OutboundMessage` from the stored request.

    :param tree: the tree the requests come from, for its section titles.
    :param link: where the receiving team opens a request (the inbox), for emails that send only
        the reference and a link.
    :param evidence: where evidence bytes are kept; without it, files are listed but not attached.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        tree: QuestionTree | None = None,
        link: Callable[[SupportRequest], str] | None = None,
        evidence: EvidenceReader | None = None,
        renderer: Renderer | None = None,
    ) -> None:
        self.engine = engine
        self.titles: Mapping[str, str] = (
            {section.id: section.title for section in tree.sections} if tree else {}
        )
        self.link = link
        self.evidence = evidence
        self.renderer = renderer or Renderer()

    def __call__(self, job: ClaimedJob) -> OutboundMessage:
        with self.engine.connect() as connection:
            request = load_request(connection, request_id=job.request_id)
            files = (
                connection.execute(
                    sa.select(evidence_files.c.id, evidence_files.c.storage_name).where(
                        evidence_files.c.request_id == job.request_id
                    )
                ).all()
                if request is not None and request.evidence and self.evidence is not None
                else []
            )
        if request is None:
            raise DeliveryError(f"delivery job {job.id}: its request is no longer stored")
        names = {row.id: row.storage_name for row in files}
        attachments = tuple(
            Attachment(e.display_name, e.content_type, self.evidence.get(names[e.id]))
            for e in request.evidence
            if self.evidence is not None and e.id in names
        )
        return OutboundMessage(
            idempotency_key=job.idempotency_key,
            reference=request.reference,
            subject=f"Request for support {request.reference}",
            payload=request.to_payload(),
            text=request_text(request, section_titles=self.titles),
            html=str(
                render_request_html(request, section_titles=self.titles, renderer=self.renderer)
            ),
            attachments=attachments,
            link=self.link(request) if self.link else None,
        )
