"""EvidenceUploads: an explicit scanner, fail-closed scanning, all-or-nothing accept, scoped removal."""

from __future__ import annotations

import hashlib
import itertools
import logging
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from tests.helpers.evidence_corpus import EICAR, jpeg, pdf, png

from familyhubs_sdk.errors import ConfigurationError, EvidenceError, StoreError
from familyhubs_sdk.support.evidence._rules import EvidenceRules, validate_upload
from familyhubs_sdk.support.evidence._scanners import (
    EvidenceScanner,
    NoScanner,
    ScanOutcome,
    ScanResult,
)
from familyhubs_sdk.support.evidence._storage import InMemoryEvidenceStorage
from familyhubs_sdk.support.evidence._uploads import (
    EvidenceRecord,
    EvidenceUploads,
    InMemoryEvidenceIndex,
)

START = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


class FixedScanner(EvidenceScanner):
    def __init__(self, result: ScanResult | Exception) -> None:
        self.result = result
        self.scanned: list[bytes] = []

    def scan(self, data: bytes) -> ScanResult:
        self.scanned.append(data)
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


class BrokenStorage(InMemoryEvidenceStorage):
    def put(self, storage_name: str, data: bytes) -> None:
        raise StoreError("disk full")


class BrokenIndex(InMemoryEvidenceIndex):
    def add(self, record: EvidenceRecord, rules: EvidenceRules | None = None) -> None:
        raise StoreError("database unavailable")


def _uploads(
    scanner: EvidenceScanner | None = None,
    storage: InMemoryEvidenceStorage | None = None,
    index: InMemoryEvidenceIndex | None = None,
    **options: object,
) -> EvidenceUploads:
    ticks = itertools.count()
    ids = itertools.count(1)
    return EvidenceUploads(
        storage or InMemoryEvidenceStorage(),
        index or InMemoryEvidenceIndex(),
        scanner=scanner or FixedScanner(ScanResult.clean()),
        clock=lambda: START + timedelta(seconds=next(ticks)),
        new_id=lambda: f"ev-{next(ids)}",
        **options,  # type: ignore[arg-type]
    )


def _blobs(uploads: EvidenceUploads) -> dict[str, bytes]:
    storage = uploads.storage
    assert isinstance(storage, InMemoryEvidenceStorage)
    return storage.blobs


@pytest.mark.parametrize("scanner", [None, "clamd.internal:3310"])
def test_a_scanner_must_be_chosen_explicitly(scanner: object) -> None:
    with pytest.raises(ConfigurationError, match="scanner") as refused:
        EvidenceUploads(
            InMemoryEvidenceStorage(),
            InMemoryEvidenceIndex(),
            scanner=scanner,  # type: ignore[arg-type]
        )
    if scanner is None:
        assert "NoScanner()" in str(refused.value)


def test_without_a_scanner_argument_the_message_says_what_to_do() -> None:
    with pytest.raises(ConfigurationError, match=r"NoScanner\(\)"):
        EvidenceUploads(InMemoryEvidenceStorage(), InMemoryEvidenceIndex())


def test_accept_records_everything_the_table_holds() -> None:
    # What is stored, sized and hashed is the disarmed file validate_upload returns (a rebuilt
    # PDF here), never the upload's own bytes.
    disarmed = validate_upload("Letter.pdf", pdf(), EvidenceRules()).data
    assert disarmed != pdf()
    uploads = _uploads(token_source=lambda: "cd" * 16)
    record = uploads.accept("draft-1", "../Letter.pdf", pdf())
    assert record.model_dump() == {
        "id": "ev-1",
        "draft_id": "draft-1",
        "request_id": None,
        "storage_name": "cd" * 16 + ".pdf",
        "display_name": "Letter.pdf",
        "content_type": "application/pdf",
        "size_bytes": len(disarmed),
        "sha256": hashlib.sha256(disarmed).hexdigest(),
        "scan_status": ScanOutcome.CLEAN,
        "created_at": START,
    }
    assert _blobs(uploads) == {"cd" * 16 + ".pdf": disarmed}


def test_no_scanner_records_not_scanned() -> None:
    record = _uploads(NoScanner()).accept("d", "a.png", png())
    assert record.scan_status is ScanOutcome.NOT_SCANNED


def test_infected_files_are_refused_and_never_stored() -> None:
    scanner = FixedScanner(ScanResult.infected("Eicar-Test-Signature"))
    uploads = _uploads(scanner, rules=EvidenceRules(allowed_types=frozenset({"txt"})))
    with pytest.raises(EvidenceError, match="Eicar-Test-Signature") as refused:
        uploads.accept("d", "eicar.txt", EICAR)
    assert refused.value.reason == "infected"
    assert _blobs(uploads) == {}
    assert uploads.for_draft("d") == []


@pytest.mark.parametrize(
    "result",
    [
        ScanResult.error("clamd did not answer"),
        TimeoutError("scanner hung"),
        RuntimeError("scanner bug"),
        ScanResult(outcome=ScanOutcome.INFECTED, signature=None),
    ],
)
def test_scanner_failures_fail_closed(result: ScanResult | Exception) -> None:
    uploads = _uploads(FixedScanner(result))
    with pytest.raises(EvidenceError) as refused:
        uploads.accept("d", "a.pdf", pdf())
    assert refused.value.reason in {"scan_failed", "infected"}
    assert _blobs(uploads) == {}
    assert uploads.for_draft("d") == []


def test_refused_files_are_never_sent_to_the_scanner() -> None:
    scanner = FixedScanner(ScanResult.clean())
    with pytest.raises(EvidenceError):
        _uploads(scanner).accept("d", "a.pdf", b"<html>")
    assert scanner.scanned == []


def test_when_storing_fails_nothing_is_recorded() -> None:
    uploads = _uploads(storage=BrokenStorage())
    with pytest.raises(StoreError, match="disk full"):
        uploads.accept("d", "a.pdf", pdf())
    assert uploads.for_draft("d") == []


def test_when_recording_fails_the_stored_bytes_are_deleted() -> None:
    uploads = _uploads(index=BrokenIndex())
    with pytest.raises(StoreError, match="database unavailable"):
        uploads.accept("d", "a.pdf", pdf())
    assert _blobs(uploads) == {}


def test_a_naive_clock_is_refused_before_anything_is_stored() -> None:
    uploads = EvidenceUploads(
        InMemoryEvidenceStorage(),
        InMemoryEvidenceIndex(),
        scanner=NoScanner(),
        clock=lambda: datetime(2026, 1, 1),  # naive: the mistake under test
    )
    with pytest.raises(ValueError, match="timezone"):
        uploads.accept("d", "a.pdf", pdf())
    assert _blobs(uploads) == {}


def test_count_and_total_come_from_the_drafts_own_files() -> None:
    uploads = _uploads(rules=EvidenceRules(max_files=2))
    uploads.accept("d", "a.pdf", pdf())
    uploads.accept("d", "b.png", png())
    with pytest.raises(EvidenceError) as refused:
        uploads.accept("d", "c.jpg", jpeg())
    assert refused.value.reason == "too_many"
    assert uploads.accept("other", "c.jpg", jpeg()).draft_id == "other"


def test_files_are_listed_oldest_first() -> None:
    uploads = _uploads()
    names = ["first.pdf", "second.png", "third.jpg"]
    for name, data in zip(names, [pdf(), png(), jpeg()], strict=True):
        uploads.accept("d", name, data)
    assert [r.display_name for r in uploads.for_draft("d")] == names


def test_remove_is_scoped_to_the_draft() -> None:
    uploads = _uploads()
    record = uploads.accept("mine", "a.pdf", pdf())
    assert not uploads.remove("someone-else", record.id)
    assert uploads.for_draft("mine") == [record]
    assert uploads.remove("mine", record.id)
    assert uploads.for_draft("mine") == []
    assert _blobs(uploads) == {}
    assert not uploads.remove("mine", record.id)


def test_remove_logs_bytes_it_could_not_delete(caplog: pytest.LogCaptureFixture) -> None:
    class StuckStorage(InMemoryEvidenceStorage):
        def delete(self, storage_name: str) -> None:
            raise StoreError("read-only")

    uploads = _uploads(storage=StuckStorage())
    record = uploads.accept("d", "secret-name.pdf", pdf())
    with caplog.at_level(logging.WARNING):
        assert uploads.remove("d", record.id)
    assert uploads.for_draft("d") == []
    assert record.storage_name in caplog.text
    assert "secret-name" not in caplog.text


def test_in_memory_index_refuses_duplicate_ids() -> None:
    index = InMemoryEvidenceIndex()
    uploads = _uploads(index=index)
    record = uploads.accept("d", "a.pdf", pdf())
    with pytest.raises(StoreError, match="already exists"):
        index.add(record)


class TogetherScanner(EvidenceScanner):
    """Holds each upload until all have passed the first check, then lets them go at once."""

    def __init__(self, parties: int) -> None:
        self.barrier = threading.Barrier(parties, timeout=30)

    def scan(self, data: bytes) -> ScanResult:
        self.barrier.wait()
        return ScanResult.clean()


@pytest.mark.parametrize(
    ("limit", "stored", "refused"), [("count", 5, "too_many"), ("total", 10, "total_too_large")]
)
def test_parallel_uploads_never_exceed_the_drafts_limits_in_memory(
    limit: str, stored: int, refused: str
) -> None:
    # SQL indexes race the same way on SQLite, PostgreSQL and MariaDB in
    # tests/integration/test_evidence_limits_db.py.
    size = validate_upload("a.pdf", pdf(padding=500), EvidenceRules()).size_bytes  # disarmed
    rules = (
        EvidenceRules(max_files=5)
        if limit == "count"
        else EvidenceRules(max_files=30, max_total_bytes=10 * size)
    )
    uploads = _uploads(TogetherScanner(30), rules=rules)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def upload(number: int) -> None:
        try:
            uploads.accept("d", f"{number}.pdf", pdf(padding=500))
            outcome = "stored"
        except EvidenceError as exc:
            outcome = exc.reason
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == Counter({"stored": stored, refused: 30 - stored})
    assert len(uploads.for_draft("d")) == stored
    assert len(_blobs(uploads)) == stored  # refused uploads' bytes were deleted again


def test_the_index_checks_the_limits_as_it_keeps_a_record() -> None:
    uploads = _uploads(rules=EvidenceRules(max_files=1))
    kept = uploads.accept("d", "a.pdf", pdf())
    late = kept.model_copy(update={"id": "ev-late", "storage_name": "ab" * 16 + ".pdf"})
    with pytest.raises(EvidenceError) as refused:
        uploads.index.add(late, uploads.rules)
    assert refused.value.reason == "too_many"
    uploads.index.add(late)  # without rules: kept as given (placeholders, imports)
    assert len(uploads.for_draft("d")) == 2
