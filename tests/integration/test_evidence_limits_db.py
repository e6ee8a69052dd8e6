"""A draft's evidence limits hold under parallel uploads, on SQLite, PostgreSQL and MariaDB.

Thirty uploads to one draft run on thirty threads, each on its own connection from the pool.
A scanner that waits for all of them makes every upload pass the first, unlocked check (the
draft is empty when each looks), so only the atomic check as the record is kept stands between
them and the limits. Without a server the PostgreSQL and MariaDB runs skip (and fail under
``CI=true``), as ``tests/helpers/databases.py`` decides.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
import sqlalchemy as sa
from tests.helpers.evidence_corpus import pdf

from familyhubs_sdk.errors import EvidenceError
from familyhubs_sdk.questiontree import start
from familyhubs_sdk.store import upgrade
from familyhubs_sdk.store._schema import evidence_files
from familyhubs_sdk.support import SQLDraftStore, default_tree
from familyhubs_sdk.support.evidence._rules import EvidenceRules, validate_upload
from familyhubs_sdk.support.evidence._scanners import EvidenceScanner, ScanResult
from familyhubs_sdk.support.evidence._storage import InMemoryEvidenceStorage
from familyhubs_sdk.support.evidence._uploads import EvidenceUploads, SQLEvidenceIndex

UPLOADS = 30


class TogetherScanner(EvidenceScanner):
    """Holds each upload until all of them have been checked, then lets them go at once."""

    def __init__(self, parties: int) -> None:
        self.barrier = threading.Barrier(parties, timeout=60)

    def scan(self, data: bytes) -> ScanResult:
        self.barrier.wait()
        return ScanResult.clean()


def _parallel_uploads(
    engine: sa.Engine, rules: EvidenceRules, data: bytes
) -> tuple[str, Counter[str]]:
    """Upload ``data`` UPLOADS times at once to one new draft; the draft and each outcome."""
    upgrade(engine)
    draft_id = SQLDraftStore(engine).create(start(default_tree()))
    storage = InMemoryEvidenceStorage()
    uploads = EvidenceUploads(
        storage, SQLEvidenceIndex(engine), scanner=TogetherScanner(UPLOADS), rules=rules
    )
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def upload(number: int) -> None:
        try:
            uploads.accept(draft_id, f"letter-{number}.pdf", data)
            outcome = "stored"
        except EvidenceError as exc:
            outcome = exc.reason
        except Exception as exc:  # any other failure is a finding of its own
            outcome = type(exc).__name__
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(UPLOADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = {r.storage_name for r in uploads.for_draft(draft_id)}
    assert set(storage.blobs) == stored  # the refused uploads' bytes were deleted again
    return draft_id, outcomes


def _held(engine: sa.Engine, draft_id: str) -> tuple[int, int]:
    with engine.connect() as connection:
        count, total = connection.execute(
            sa.select(
                sa.func.count(), sa.func.coalesce(sa.func.sum(evidence_files.c.size_bytes), 0)
            ).where(evidence_files.c.draft_id == draft_id)
        ).one()
    return int(count), int(total)


def test_parallel_uploads_never_exceed_the_file_count(engine: sa.Engine) -> None:
    rules = EvidenceRules(max_files=5)
    draft_id, outcomes = _parallel_uploads(engine, rules, pdf(padding=1000))

    assert outcomes == Counter({"stored": 5, "too_many": UPLOADS - 5})
    assert _held(engine, draft_id)[0] == 5


def test_parallel_uploads_never_exceed_the_total_size(engine: sa.Engine) -> None:
    data = pdf(padding=1000)
    size = validate_upload("a.pdf", data, EvidenceRules()).size_bytes  # as disarmed and stored
    rules = EvidenceRules(max_files=UPLOADS, max_total_bytes=10 * size + size // 2)
    draft_id, outcomes = _parallel_uploads(engine, rules, data)

    assert outcomes == Counter({"stored": 10, "total_too_large": UPLOADS - 10})
    count, total = _held(engine, draft_id)
    assert (count, total) == (10, 10 * size)
    assert total <= rules.max_total_bytes


def test_evidence_needs_a_stored_draft(engine: sa.Engine) -> None:
    from familyhubs_sdk.errors import StoreError
    from familyhubs_sdk.support.evidence._scanners import NoScanner

    upgrade(engine)
    uploads = EvidenceUploads(
        InMemoryEvidenceStorage(), SQLEvidenceIndex(engine), scanner=NoScanner()
    )
    with pytest.raises(StoreError, match="draft"):
        uploads.accept("00000000-0000-0000-0000-000000000000", "a.pdf", pdf())
    assert isinstance(uploads.storage, InMemoryEvidenceStorage)
    assert uploads.storage.blobs == {}
