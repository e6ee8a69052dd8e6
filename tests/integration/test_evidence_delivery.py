"""Evidence travels with its request, on every database: uploaded on the evidence page, linked in
the submit transaction, attached by the composer, and fixed to the request once sent."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from tests.helpers.journeys import FIRST_STEPS, LAST_STEPS, LETTER_PDF, FlowBrowser

from familyhubs_sdk.delivery import OutboxWorker
from familyhubs_sdk.store import upgrade
from familyhubs_sdk.store._schema import evidence_files
from familyhubs_sdk.support import (
    EvidenceUploads,
    FilesystemEvidenceStorage,
    FormFlow,
    JourneyOptions,
    NoScanner,
    RequestComposer,
    SQLDraftStore,
    SQLEvidenceIndex,
    StoreSubmitter,
    UploadedFile,
    default_tree,
)
from familyhubs_sdk.testing import CapturingChannel
from familyhubs_sdk.web import CsrfRule

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)


def test_evidence_is_linked_at_submit_and_attached_on_delivery(
    engine: sa.Engine, tmp_path: Path
) -> None:
    upgrade(engine)
    storage = FilesystemEvidenceStorage(tmp_path / "evidence")
    uploads = EvidenceUploads(storage, SQLEvidenceIndex(engine), scanner=NoScanner())
    flow = FormFlow(default_tree(), SQLDraftStore(engine),
                    StoreSubmitter(engine, channels=("capture",)),
                    options=JourneyOptions(csrf=CsrfRule(exempt=True)), clock=lambda: NOW,
                    evidence=uploads)  # fmt: skip
    browser = FlowBrowser(flow)
    browser.get("")
    draft = browser.draft_id

    add_none: tuple[str, dict[str, object]] = ("children/add", {"add": "no"})
    for step, form in (*FIRST_STEPS, add_none, *LAST_STEPS):
        browser.post(step, form)
    browser.request("POST", "evidence", {"upload": "1"},
                    files={"evidence": [UploadedFile("letter.pdf", LETTER_PDF)]})  # fmt: skip
    [record] = uploads.for_draft(draft or "")
    browser.post("check", {})

    with engine.connect() as conn:
        row = conn.execute(sa.select(evidence_files)).one()
    assert row.request_id is not None
    assert uploads.remove(draft or "", record.id) is False  # sent files stay with the request

    channel = CapturingChannel("capture")
    worker = OutboxWorker(engine, [channel], RequestComposer(engine, evidence=storage))
    assert worker.run_once().delivered == 1
    [message] = channel.delivered
    assert [(a.filename, a.content_type, a.data) for a in message.attachments] == [
        ("letter.pdf", "application/pdf", LETTER_PDF)
    ]
    assert message.payload["evidence"][0]["sha256"] == record.sha256


def test_database_storage_keeps_whole_files_and_refuses_overwrites(engine: sa.Engine) -> None:
    import pytest

    from familyhubs_sdk.errors import StoreError
    from familyhubs_sdk.support import DatabaseEvidenceStorage

    upgrade(engine)
    storage = DatabaseEvidenceStorage(engine)
    name = "0123456789abcdef0123456789abcdef.pdf"
    big = LETTER_PDF + bytes(range(256)) * 4096 * 3  # ~3 MB: past MariaDB's 64 KB BLOB
    storage.put(name, big)
    assert storage.get(name) == big
    with pytest.raises(StoreError, match="already stored"):
        storage.put(name, b"other")
    with pytest.raises(StoreError):
        storage.get("../../etc/passwd")
    storage.delete(name)
    storage.delete(name)  # deleting twice is fine
    with pytest.raises(StoreError, match="no evidence"):
        storage.get(name)
