"""Evidence on a draft: each upload checked, scanned and stored, all or nothing, and recorded.

:class:`EvidenceUploads` ties the pieces together: :func:`~.evidence.validate_upload` (pure), an
:class:`~.evidence_scanners.EvidenceScanner`, an :class:`~.evidence_store.EvidenceStorage` for
the bytes and an :class:`EvidenceIndex` for the records (the shape of ``fh_evidence_files``).

>>> from familyhubs_sdk.support.evidence._rules import EvidenceRules
>>> from familyhubs_sdk.support.evidence._scanners import NoScanner
>>> from familyhubs_sdk.support.evidence._storage import InMemoryEvidenceStorage
>>> uploads = EvidenceUploads(
...     InMemoryEvidenceStorage(), InMemoryEvidenceIndex(), scanner=NoScanner(),
...     rules=EvidenceRules(allowed_types=frozenset({"txt"})),
... )
>>> record = uploads.accept("draft-1", "Letter.txt", b"Dear colleague, a letter.")
>>> record.display_name, record.scan_status.value, len(uploads.for_draft("draft-1"))
('Letter.txt', 'not_scanned', 1)
>>> uploads.remove("draft-1", record.id), uploads.for_draft("draft-1")
(True, [])
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import Annotated, Protocol

import sqlalchemy as sa
from pydantic import AfterValidator, BaseModel, ConfigDict
from sqlalchemy.engine import Connection, Engine

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.errors import ConfigurationError, EvidenceError, StoreError
from familyhubs_sdk.store._schema import drafts, evidence_files
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


def check_room(held: int, held_bytes: int, record: EvidenceRecord, rules: EvidenceRules) -> None:
    """Refuse ``record`` if a draft holding ``held`` files of ``held_bytes`` in all has no room
    for it under ``rules``: :class:`EvidenceError` ``too_many`` or ``total_too_large``."""
    if held >= rules.max_files:
        raise EvidenceError(f"a draft may hold {rules.max_files} files", reason="too_many")
    if held_bytes + record.size_bytes > rules.max_total_bytes:
        raise EvidenceError(
            f"the draft's files would exceed {rules.max_total_bytes} bytes",
            reason="total_too_large",
        )


class EvidenceIndex(Protocol):
    """Keeps evidence records by draft. Every read and removal is scoped to a draft, so one
    draft can never name another draft's file."""

    def add(self, record: EvidenceRecord, rules: EvidenceRules | None = None) -> None:
        """Keep ``record``; raise if it cannot be kept (its bytes are then deleted).

        With ``rules``, refuse it (:func:`check_room`) when the draft already holds
        ``rules.max_files`` files or the record would take it past ``rules.max_total_bytes``.
        Counting the draft's files and keeping the record must be one atomic step, so that
        uploads arriving together can never pass the limits between them.
        """
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

    def add(self, record: EvidenceRecord, rules: EvidenceRules | None = None) -> None:
        with self._lock:  # one lock: counting and keeping are one step
            if record.id in self._records:
                raise StoreError("an evidence record with that id already exists")
            if rules is not None:
                held = [
                    r.size_bytes for r in self._records.values() if r.draft_id == record.draft_id
                ]
                check_room(len(held), sum(held), record, rules)
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
    The draft's limits hold however many uploads arrive at once: the index counts the draft's
    files and keeps the new one in one atomic step (:meth:`EvidenceIndex.add`).
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

        What is scanned, stored and recorded (size, SHA-256) is the disarmed file
        :func:`~.evidence.validate_upload` returns, never the upload's own bytes. All or
        nothing: if storing fails nothing is recorded, and if recording fails the stored bytes
        are deleted again. The count and total are checked twice: first against the files
        already listed, before the file is scanned or stored, and again as the record is kept,
        atomically, for uploads to the same draft that were in flight together.
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
            scan_status=self._scan(checked.data),
            created_at=self._clock(),
        )
        self.storage.put(checked.storage_name, checked.data)  # all or nothing, by its contract
        try:
            self.index.add(record, self.rules)
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
    its files in the request's own transaction.

    :meth:`add` with rules is one transaction that holds the draft for itself while it counts
    and inserts: on PostgreSQL, MariaDB and MySQL it locks the draft's ``fh_drafts`` row
    (``SELECT ... FOR UPDATE``) and reads at ``READ COMMITTED``, so it counts every file a
    transaction that held the lock before it committed; on SQLite it starts with
    ``BEGIN IMMEDIATE``, taking the database's one write lock before it reads. Uploads to other
    drafts never wait for each other, except on SQLite, which has one writer at a time anyway.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"

    def add(self, record: EvidenceRecord, rules: EvidenceRules | None = None) -> None:
        if rules is None:
            with self._engine.begin() as connection:
                self._insert(connection, record)
            return
        with self._draft_held(record.draft_id) as connection:
            held, held_bytes = connection.execute(
                sa.select(
                    sa.func.count(), sa.func.coalesce(sa.func.sum(evidence_files.c.size_bytes), 0)
                ).where(evidence_files.c.draft_id == record.draft_id)
            ).one()
            check_room(int(held), int(held_bytes), record, rules)
            self._insert(connection, record)

    @staticmethod
    def _insert(connection: Connection, record: EvidenceRecord) -> None:
        connection.execute(evidence_files.insert().values(**record.model_dump(mode="python")))

    @contextmanager
    def _draft_held(self, draft_id: str | None) -> Iterator[Connection]:
        """A transaction in which no other :meth:`add` to ``draft_id`` can run; committed when
        the block ends, rolled back if it raises."""
        if self._sqlite:
            # pysqlite would open a deferred transaction, which reads before it holds the write
            # lock: take the transaction out of its hands and begin it ourselves.
            with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    self._lock_draft(conn, draft_id)
                    yield conn
                except BaseException:
                    conn.exec_driver_sql("ROLLBACK")
                    raise
                conn.exec_driver_sql("COMMIT")
            return
        isolated = self._engine.connect().execution_options(isolation_level="READ COMMITTED")
        with isolated as conn, conn.begin():
            self._lock_draft(conn, draft_id)
            yield conn

    @staticmethod
    def _lock_draft(connection: Connection, draft_id: str | None) -> None:
        found = connection.execute(
            sa.select(drafts.c.id).where(drafts.c.id == draft_id).with_for_update()
        ).first()
        if found is None:
            raise StoreError("evidence can only be added to a draft in the store")

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
            deleted = connection.execute(
                evidence_files.delete().where(
                    evidence_files.c.id == evidence_id,
                    evidence_files.c.request_id.is_(None),  # linked to a request in the meantime
                )
            )
            return EvidenceRecord.model_validate(dict(row)) if deleted.rowcount else None
