"""Every hostile or mislabelled upload is refused for the right reason; every well-formed one is kept.

Uploads go the whole way: :class:`EvidenceUploads` with a :class:`ClamAVScanner` talking to a fake
clamd over the real wire protocol, in-memory storage and index.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from tests.helpers.evidence_corpus import BENIGN, HOSTILE, FakeClamd, Upload

from familyhubs_sdk.errors import EvidenceError
from familyhubs_sdk.support.evidence._rules import EvidenceRules
from familyhubs_sdk.support.evidence._scanners import ClamAVScanner, ScanOutcome
from familyhubs_sdk.support.evidence._storage import InMemoryEvidenceStorage
from familyhubs_sdk.support.evidence._types import EVIDENCE_TYPES
from familyhubs_sdk.support.evidence._uploads import (
    EvidenceRecord,
    EvidenceUploads,
    InMemoryEvidenceIndex,
)

# Every type on, so each hostile file meets the check it was made for, not the allowlist.
ALL_TYPES = EvidenceRules(allowed_types=frozenset(EVIDENCE_TYPES))


@pytest.fixture(scope="module")
def clamd() -> Iterator[FakeClamd]:
    with FakeClamd() as fake:
        yield fake


@pytest.fixture
def uploads(clamd: FakeClamd) -> EvidenceUploads:
    return EvidenceUploads(
        InMemoryEvidenceStorage(),
        InMemoryEvidenceIndex(),
        scanner=ClamAVScanner("127.0.0.1", clamd.port, timeout_s=10),
        rules=ALL_TYPES,
    )


def _attach_placeholders(uploads: EvidenceUploads, draft_id: str, sizes: tuple[int, ...]) -> None:
    for number, size in enumerate(sizes):
        uploads.index.add(
            EvidenceRecord(
                id=f"{draft_id}-existing-{number}",
                draft_id=draft_id,
                storage_name=f"{number:032x}.pdf",
                display_name="earlier.pdf",
                content_type="application/pdf",
                size_bytes=size,
                sha256="0" * 64,
                scan_status=ScanOutcome.CLEAN,
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )


def test_the_corpus_is_large_and_covers_every_reason() -> None:
    reasons = Counter(upload.reason for upload in HOSTILE)
    assert len(HOSTILE) >= 30
    assert set(reasons) == {
        "empty",
        "too_large",
        "too_many",
        "total_too_large",
        "type_not_allowed",
        "content_mismatch",
        "unsafe_content",
        "infected",
    }
    assert len({upload.label for upload in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize("upload", HOSTILE, ids=[u.label for u in HOSTILE])
def test_hostile_upload_is_refused_for_its_reason(uploads: EvidenceUploads, upload: Upload) -> None:
    _attach_placeholders(uploads, "draft", upload.existing)
    before = uploads.for_draft("draft")
    with pytest.raises(EvidenceError) as refused:
        uploads.accept("draft", upload.filename, upload.make())
    assert refused.value.reason == upload.reason, str(refused.value)
    assert refused.value.code == "evidence_rejected"
    # Nothing kept: no bytes, no record.
    assert uploads.storage.blobs == {}  # type: ignore[attr-defined]
    assert uploads.for_draft("draft") == before


def test_no_hostile_upload_is_accepted(clamd: FakeClamd) -> None:
    storage, index = InMemoryEvidenceStorage(), InMemoryEvidenceIndex()
    uploads = EvidenceUploads(
        storage, index, scanner=ClamAVScanner("127.0.0.1", clamd.port), rules=ALL_TYPES
    )
    refused: dict[str, str] = {}
    accepted: list[str] = []
    for number, upload in enumerate(HOSTILE):
        draft = f"draft-{number}"
        _attach_placeholders(uploads, draft, upload.existing)
        try:
            uploads.accept(draft, upload.filename, upload.make())
        except EvidenceError as exc:
            refused[upload.label] = exc.reason
        else:
            accepted.append(upload.label)
    assert accepted == []
    assert refused == {u.label: u.reason for u in HOSTILE}
    assert storage.blobs == {}


@pytest.mark.parametrize(("filename", "data", "content_type"), BENIGN, ids=[b[0] for b in BENIGN])
def test_well_formed_file_is_accepted(
    uploads: EvidenceUploads, clamd: FakeClamd, filename: str, data: bytes, content_type: str
) -> None:
    record = uploads.accept("draft", filename, data)
    assert record.content_type == content_type
    assert record.display_name == filename
    assert record.size_bytes == len(data)
    assert record.sha256 == hashlib.sha256(data).hexdigest()
    assert record.scan_status is ScanOutcome.CLEAN
    assert re.fullmatch(r"[0-9a-f]{32}\.(pdf|png|jpg|docx|xlsx|odt|txt)", record.storage_name)
    assert uploads.storage.get(record.storage_name) == data
    assert uploads.for_draft("draft") == [record]
    assert clamd.received[-1] == data  # the scanner saw exactly the bytes stored


def test_benign_set_covers_every_type() -> None:
    assert len(BENIGN) >= 6
    types = {t.content_type for t in EVIDENCE_TYPES.values()}
    assert {content_type for _, _, content_type in BENIGN} == types
