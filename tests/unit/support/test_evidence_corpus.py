"""No hostile upload is kept as it came: each is refused for its reason, or kept only disarmed;
every well-formed file is kept with its content intact to the eye.

Uploads go the whole way: :class:`EvidenceUploads` with a :class:`ClamAVScanner` talking to a fake
clamd over the real wire protocol, in-memory storage and index. What was kept is parsed again
(pikepdf, Pillow, the PNG and JPEG structure) to show the active content is gone.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import pikepdf
import pytest
from PIL import Image
from tests.helpers.evidence_corpus import (
    BENIGN,
    DISARMED,
    HOSTILE,
    FakeClamd,
    Upload,
    assert_disarmed,
    pdf_streams,
)

from familyhubs_sdk.errors import EvidenceError
from familyhubs_sdk.support.evidence._rules import EvidenceRules, validate_upload
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
REFUSED = [u for u in HOSTILE if u.reason != DISARMED]
DISARMED_UPLOADS = [u for u in HOSTILE if u.reason == DISARMED]


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
    assert len(HOSTILE) >= 80
    assert set(reasons) == {
        "empty",
        "too_large",
        "too_many",
        "total_too_large",
        "type_not_allowed",
        "content_mismatch",
        "unsafe_content",
        "infected",
        DISARMED,
    }
    assert len({upload.label for upload in HOSTILE}) == len(HOSTILE)
    assert all(upload.residue for upload in DISARMED_UPLOADS)


@pytest.mark.parametrize("upload", REFUSED, ids=[u.label for u in REFUSED])
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


@pytest.mark.parametrize("upload", DISARMED_UPLOADS, ids=[u.label for u in DISARMED_UPLOADS])
def test_hostile_upload_is_checked_only_in_disarmed_form(upload: Upload) -> None:
    data = upload.make()
    checked = validate_upload(upload.filename, data, ALL_TYPES, upload.existing)
    assert checked.data != data
    assert checked.size_bytes == len(checked.data)
    assert checked.sha256 == hashlib.sha256(checked.data).hexdigest()
    assert_disarmed(upload.filename, checked.data, upload.residue)


def test_no_hostile_upload_is_stored_as_it_came(clamd: FakeClamd) -> None:
    storage, index = InMemoryEvidenceStorage(), InMemoryEvidenceIndex()
    uploads = EvidenceUploads(
        storage, index, scanner=ClamAVScanner("127.0.0.1", clamd.port), rules=ALL_TYPES
    )
    refused: dict[str, str] = {}
    disarmed: dict[str, str] = {}
    unchanged: list[str] = []
    for number, upload in enumerate(HOSTILE):
        draft = f"draft-{number}"
        _attach_placeholders(uploads, draft, upload.existing)
        data = upload.make()
        try:
            record = uploads.accept(draft, upload.filename, data)
        except EvidenceError as exc:
            refused[upload.label] = exc.reason
            continue
        stored = storage.get(record.storage_name)
        if stored == data:
            unchanged.append(upload.label)
        else:
            assert_disarmed(upload.filename, stored, upload.residue)
            assert record.sha256 == hashlib.sha256(stored).hexdigest()
            disarmed[upload.label] = DISARMED
    assert unchanged == []
    assert {**refused, **disarmed} == {u.label: u.reason for u in HOSTILE}
    assert len(storage.blobs) == len(DISARMED_UPLOADS)


def _same_to_the_eye(filename: str, data: bytes, stored: bytes) -> None:
    kind = filename.rsplit(".", 1)[-1].lower()
    if kind == "pdf":
        with pikepdf.open(io.BytesIO(data)) as before, pikepdf.open(io.BytesIO(stored)) as after:
            assert len(after.pages) == len(before.pages)
            for old, new in zip(before.pages, after.pages, strict=True):
                assert new.obj.Contents.read_bytes() == old.obj.Contents.read_bytes()
        return
    if kind in ("png", "jpg", "jpeg"):
        with Image.open(io.BytesIO(data)) as before, Image.open(io.BytesIO(stored)) as after:
            turned = before.getexif().get(0x0112, 1) in (5, 6, 7, 8)
            size = before.size[::-1] if turned else before.size
            assert after.size == size
            if kind == "png":  # lossless: every pixel the same
                assert after.convert("RGBA").tobytes() == before.convert("RGBA").tobytes()
        return
    assert stored == data  # documents and text are checked whole, never rewritten


@pytest.mark.parametrize(("filename", "data", "content_type"), BENIGN, ids=[b[0] for b in BENIGN])
def test_well_formed_file_is_accepted(
    uploads: EvidenceUploads, clamd: FakeClamd, filename: str, data: bytes, content_type: str
) -> None:
    record = uploads.accept("draft", filename, data)
    stored = uploads.storage.get(record.storage_name)
    assert record.content_type == content_type
    assert record.display_name == filename
    assert record.size_bytes == len(stored)
    assert record.sha256 == hashlib.sha256(stored).hexdigest()
    assert record.scan_status is ScanOutcome.CLEAN
    assert re.fullmatch(r"[0-9a-f]{32}\.(pdf|png|jpg|docx|xlsx|odt|txt)", record.storage_name)
    assert uploads.for_draft("draft") == [record]
    _same_to_the_eye(filename, data, stored)


def test_a_pdf_keeps_its_text_and_its_links_within_the_document() -> None:
    [(name, data, _)] = [b for b in BENIGN if b[0] == "Letter with a contents link.pdf"]
    checked = validate_upload(name, data, ALL_TYPES)
    assert any(b"See page 1" in stream for stream in pdf_streams(checked.data))
    with pikepdf.open(io.BytesIO(checked.data)) as document:
        [link] = document.pages[0].obj.Annots
        assert pikepdf.Name.GoTo == link.A.S


def test_benign_set_covers_every_type() -> None:
    assert len(BENIGN) >= 6
    types = {t.content_type for t in EVIDENCE_TYPES.values()}
    assert {content_type for _, _, content_type in BENIGN} == types


def test_corpus_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the corpus figures the docs and changelog quote."""
    counts = Counter("disarmed" if u.reason == DISARMED else "refused" for u in HOSTILE)
    with capsys.disabled():
        print(
            f"\nhostile={len(HOSTILE)} refused={counts['refused']}"
            f" disarmed={counts['disarmed']} benign={len(BENIGN)}"
        )
    assert counts["refused"] + counts["disarmed"] == len(HOSTILE)
