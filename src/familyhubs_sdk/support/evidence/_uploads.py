"""Evidence on a draft: each upload checked, scanned and stored, all or nothing, and recorded.

:class:`EvidenceUploads` ties the pieces together: :func:`~.evidence.validate_upload` (pure), an
:class:`~.evidence_scanners.EvidenceScanner`, an :class:`~.evidence_store.EvidenceStorage` for
the bytes and an :class:`EvidenceIndex` for the records (the shape of ``fh_evidence_files``).

>>> from familyhubs_sdk.support.evidence._scanners import NoScanner
>>> from familyhubs_sdk.support.evidence._storage import InMemoryEvidenceStorage
>>> uploads = EvidenceUploads(
...     InMemoryEvidenceStorage(), InMemoryEvidenceIndex(), scanner=NoScanner()
... )
>>> record = uploads.accept("draft-1", "Letter.pdf", b"%PDF-1.7 (a letter) %%EOF")
>>> record.display_name, record.scan_status.value, len(uploads.for_draft("draft-1"))
('Letter.pdf', 'not_scanned', 1)
>>> uploads.remove("draft-1", record.id), uploads.for_draft("draft-1")
(True, [])
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import Annotated, Protocol

import sqlalchemy as sa
from pydantic import AfterValidator, BaseModel, ConfigDict
from sqlalchemy.engine import Engine

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.errors import ConfigurationError, EvidenceError, StoreError
from familyhubs_sdk.store._schema import evidence_files
from familyhubs_sdk.support.evidence._rules import EvidenceRules, validate_upload
from familyhubs_sdk.support.evidence._scanners import EvidenceScanner, ScanOutcome
from familyhubs_sdk.support.evidence._storage import EvidenceStorage

__all__ = [
    "EvidenceIndex",
    "EvidenceRecord",
    "EvidenceUploads",
    "InMemoryEvidenceIndex",
    "SQLEvidenceIndex",
]

logger = logging.getLogger(__name__)


def _new_id() -> str:
    return str(uuid.uuid4())


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("created_at must be timezone-aware")
    return value


class EvidenceRecord(BaseModel):
    """One stored evidence file: a row of ``fh_evidence_files``."""

    model_config = ConfigDict(frozen=True)

    id: str
    #: Cleared once the draft is purged; the file then belongs to its request alone.
    draft_id: str | None
    request_id: str | None = None
    storage_name: str
    display_name: str
    content_type: str
    size_bytes: int
    sha256: str
    #: ``clean`` or ``not_scanned`` (with :class:`NoScanner`); other outcomes are never stored.
    scan_status: ScanOutcome
    created_at: Annotated[datetime, AfterValidator(_aware)]


class EvidenceIndex(Protocol):
    """Keeps evidence records by draft. Every read and removal is scoped to a draft, so one
    draft can never name another draft's file."""

    def add(self, record: EvidenceRecord) -> None:
        """Keep ``record``; raise if it cannot be kept (its bytes are then deleted)."""
        ...

    def for_draft(self, draft_id: str) -> list[EvidenceRecord]:
        """The draft's records, oldest first."""
        ...

    def remove(self, draft_id: str, evidence_id: str) -> EvidenceRecord | None:
        """Forget one of the draft's records and return it; None if the draft has no such file."""
        ...


class InMemoryEvidenceIndex:
    """Evidence records in a dict: for tests and single-process demos."""

    def __init__(self) -> None:
        self._records: dict[str, EvidenceRecord] = {}
        self._lock = threading.Lock()

    def add(self, record: EvidenceRecord) -> None:
        with self._lock:
            if record.id in self._records:
                raise StoreError("an evidence record with that id already exists")
            self._records[record.id] = record

    def for_draft(self, draft_id: str) -> list[EvidenceRecord]:
        with self._lock:
            found = [r for r in self._records.values() if r.draft_id == draft_id]
        return sorted(found, key=lambda r: r.created_at)

    def remove(self, draft_id: str, evidence_id: str) -> EvidenceRecord | None:
        with self._lock:
            record = self._records.get(evidence_id)
            if record is None or record.draft_id != draft_id:
                return None
            return self._records.pop(evidence_id)


class EvidenceUploads:
    """Accepts, lists and removes the evidence files on a draft.

    ``scanner`` has no default: pass :class:`~.evidence_scanners.ClamAVScanner` to scan uploads,
    or :class:`~.evidence_scanners.NoScanner` to accept them unscanned on purpose.
    ``clock``, ``new_id`` and ``token_source`` (storage names) are injectable for tests.

    The draft id must already be the caller's own: this class does not check who owns a draft.
    Two uploads to one draft at the same moment may both pass the count and total checks.
    """

    def __init__(
        self,
        storage: EvidenceStorage,
        index: EvidenceIndex,
        *,
        scanner: EvidenceScanner | None = None,
        rules: EvidenceRules | None = None,
        clock: Clock = utc_now,
        new_id: Callable[[], str] = _new_id,
        token_source: Callable[[], str] | None = None,
    ) -> None:
        if scanner is None:
            raise ConfigurationError(
                "EvidenceUploads: scanner is required - pass ClamAVScanner(...) to scan uploads, "
                "or NoScanner() to accept them unscanned on purpose"
            )
        if not isinstance(scanner, EvidenceScanner):
            raise ConfigurationError("EvidenceUploads: scanner must be an EvidenceScanner")
        self.storage = storage
        self.index = index
        self.scanner = scanner
        self.rules = rules or EvidenceRules()
        self._clock = clock
        self._new_id = new_id
        self._token_source = token_source

    def _scan(self, data: bytes) -> ScanOutcome:
        try:
            result = self.scanner.scan(data)
        except Exception as exc:  # a scanner that breaks refuses the file: fail closed
            raise EvidenceError("the virus scanner failed", reason="scan_failed") from exc
        if result.outcome is ScanOutcome.INFECTED:
            raise EvidenceError(f"the virus scanner found {result.signature}", reason="infected")
        if result.outcome not in (ScanOutcome.CLEAN, ScanOutcome.NOT_SCANNED):
            raise EvidenceError(
                f"the virus scan could not be done: {result.detail}", reason="scan_failed"
            )
        return result.outcome

    def accept(self, draft_id: str, filename: str, data: bytes) -> EvidenceRecord:
        """Check, scan, store and record one upload; :class:`EvidenceError` if it is refused.

        All or nothing: if storing fails nothing is recorded, and if recording fails the stored
        bytes are deleted again.
        """
        checked = validate_upload(
            filename,
            data,
            self.rules,
            self.index.for_draft(draft_id),
            token_source=self._token_source,
        )
        record = EvidenceRecord(
            id=self._new_id(),
            draft_id=draft_id,
            **checked.model_dump(),
            scan_status=self._scan(data),
            created_at=self._clock(),
        )
        self.storage.put(checked.storage_name, data)  # all or nothing, by its contract
        try:
            self.index.add(record)
        except BaseException:
            with suppress(Exception):
                self.storage.delete(checked.storage_name)
            raise
        return record

    def for_draft(self, draft_id: str) -> list[EvidenceRecord]:
        """The files on a draft, oldest first."""
        return self.index.for_draft(draft_id)

    def remove(self, draft_id: str, evidence_id: str) -> bool:
        """Remove one of the draft's files; False if the draft has no such file.

        The record goes first: if its bytes then cannot be deleted they are orphaned (and
        logged by storage name), never left reachable.
        """
        record = self.index.remove(draft_id, evidence_id)
        if record is None:
            return False
        try:
            self.storage.delete(record.storage_name)
        except StoreError:
            logger.warning("evidence %s unrecorded but not deleted", record.storage_name)
        return True


class SQLEvidenceIndex:
    """Evidence records in the SDK's ``fh_evidence_files`` table, so submitting a request links
    its files in the request's own transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, record: EvidenceRecord) -> None:
        with self._engine.begin() as connection:
            connection.execute(evidence_files.insert().values(**record.model_dump(mode="python")))

    def for_draft(self, draft_id: str) -> list[EvidenceRecord]:
        with self._engine.connect() as connection:
            rows = connection.execute(
                sa.select(evidence_files)
                .where(evidence_files.c.draft_id == draft_id)
                .order_by(evidence_files.c.created_at, evidence_files.c.id)
            ).mappings()
            return [EvidenceRecord.model_validate(dict(row)) for row in rows]

    def remove(self, draft_id: str, evidence_id: str) -> EvidenceRecord | None:
        with self._engine.begin() as connection:
            row = (
                connection.execute(
                    sa.select(evidence_files).where(
                        evidence_files.c.id == evidence_id,
                        evidence_files.c.draft_id == draft_id,
                        evidence_files.c.request_id.is_(None),  # a sent file stays with its request
                    )
                )
                .mappings()
                .first()
            )
            if row is None:
                return None
            connection.execute(evidence_files.delete().where(evidence_files.c.id == evidence_id))
            return EvidenceRecord.model_validate(dict(row))
