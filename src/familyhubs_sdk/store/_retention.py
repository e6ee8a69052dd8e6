"""How long the SDK keeps each kind of row, legal hold, and a purge that never loses a request.

Data protection law says personal data is kept no longer than needed (UK GDPR Art. 5(1)(e)), and
the SDK's tables hold a lot of it: drafts, requests, evidence files. A :class:`RetentionPolicy`
says how many days each kind of row is kept (``None``: for ever) and :func:`purge` removes what
is past its window — in small batches, each one transaction, so a large purge never holds long
locks and a crash leaves whole requests behind, never half of one.

Two rules win over every window. A support request is never removed, nor its evidence, history or
delivery record, while

* it is on **legal hold** (:func:`place_legal_hold`), or
* any of its outbox jobs is not ``delivered``: ``pending`` and ``in_flight`` are still on their
  way, and ``dead`` waits for a person. Until the LA has it, the SDK's copy may be the only one.

>>> from datetime import UTC, datetime
>>> from familyhubs_sdk.store import create_engine, upgrade
>>> engine = create_engine("sqlite://")
>>> upgrade(engine)
>>> policy = RetentionPolicy.from_mapping({"requests_days": 730, "evidence_days": "keep"})
>>> policy.requests_days, policy.evidence_days, policy.analytics_days
(730, None, 395)
>>> report = purge(engine, policy, dry_run=True, clock=lambda: datetime(2026, 5, 1, tzinfo=UTC))
>>> report.total, report.removed["fh_support_requests"]
(0, 0)
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Protocol

import sqlalchemy as sa
import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PositiveInt, ValidationError
from sqlalchemy.engine import Connection, Engine

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.errors import ConfigurationError, RequestNotFoundError, StoreError
from familyhubs_sdk.store._schema import (
    analytics_events,
    delivery_attempts,
    drafts,
    evidence_files,
    outbox_jobs,
    rate_limits,
    request_assignments,
    request_notes,
    request_status_history,
    resume_tokens,
    support_requests,
)

__all__ = [
    "ENV_PREFIX",
    "EvidenceDeleter",
    "PurgeReport",
    "RetentionPolicy",
    "place_legal_hold",
    "purge",
    "release_legal_hold",
]

logger = logging.getLogger(__name__)

#: Environment variables read by :meth:`RetentionPolicy.from_env`, e.g.
#: ``FAMILYHUBS_RETENTION__REQUESTS_DAYS=730``: the names pydantic-settings gives a ``retention``
#: field of the settings with ``__`` as its nested delimiter.
ENV_PREFIX = "FAMILYHUBS_RETENTION__"

# The outbox's JobStatus.DELIVERED (a test keeps them equal). The store sits below delivery, so it
# names the value rather than importing it; anything else, even a status added later, keeps the
# request.
_DELIVERED = "delivered"
# JobStatus.DEAD: a job given up on. Only a request-less one can go (see RetentionPolicy).
_DEAD = "dead"

# Every table purge() can remove rows from, in the order reports list them.
_TABLES = (
    drafts,
    resume_tokens,
    support_requests,
    request_status_history,
    request_assignments,
    request_notes,
    outbox_jobs,
    delivery_attempts,
    evidence_files,
    analytics_events,
    rate_limits,
)

# Words that mean "keep for ever" where YAML's null or an empty value is awkward (environment).
_KEEP_WORDS = frozenset({"", "keep", "forever", "none", "null"})


def _days(value: Any) -> Any:
    if isinstance(value, bool):  # YAML's `yes` must not become "keep for 1 day"
        raise ValueError("must be a whole number of days, or null to keep for ever")
    if isinstance(value, str) and value.strip().lower() in _KEEP_WORDS:
        return None
    return value


# Whole days (at least 1), or None to keep for ever.
_Days = Annotated[PositiveInt | None, BeforeValidator(_days)]


class RetentionPolicy(BaseModel):
    """How many days the SDK keeps each kind of row; ``None`` keeps it for ever.

    The defaults remove only what nobody can use any more — expired or used resume tokens,
    drafts a month past their expiry, analytics past 13 months — and keep every request, its
    evidence and its delivery record until the LA sets a period: how long early-help referrals
    are kept is the LA's decision (many keep them for years), not the SDK's.
    :meth:`recommended` gives a starting point for that decision.

    Windows, each counted from the row's own time and strictly older than ``now - N days``:

    * ``drafts_days`` — unsubmitted drafts that many days after they expired (the grace covers a
      form posted just before expiry), and submitted drafts (which keep only the reference, for
      spotting a double post) that many days after submission. A draft's evidence that never
      became part of a request goes with it; its resume tokens too.
    * ``requests_days`` — support requests that many days after they were made, with their
      status history, the receiving team's assignment and internal notes, outbox jobs, delivery
      attempts and evidence files.
    * ``evidence_days`` — the files of requests made that many days ago (the request itself may
      stay longer), and uploads never sent with a request once both the file and its draft's
      submission or expiry are that old.
    * ``outbox_days`` — delivered jobs, and their attempts, delivered that many days ago, unless
      their request is held or waiting for another job. A request whose jobs have all gone this
      way counts as delivered: the SDK writes at least one job with every request.
      Jobs that belong to no request (messages such as a resume link) go the same number of days
      after they were delivered, or after they were queued when they are dead: nothing else
      depends on them, and the links they carry expired long before.
    * ``analytics_days`` — form-use events that old. 395 days (13 months) by default, so this
      month can be compared with the same month last year.
    * ``rate_limit_window_minutes`` — the window of the portal's
      :class:`~familyhubs_sdk.support.StoreRateLimit` (15 minutes, as ``build_flow`` uses): a
      count in ``fh_rate_limits`` goes once its window has ended, when it can no longer refuse
      anything. Set it to the ``per`` your own limit uses; a shorter value would let a purge
      restart counts that are still running.

    Resume tokens have no window: one used or expired is only the hash of a dead secret, so it
    goes on every run.

    Three of the SDK's tables are never purged. The access audit (``fh_audit_events``) and the
    review of emergency access (``fh_access_reviews``), which belongs to it, are kept for the
    LA's audit retention schedule, by its database administrator. Person links
    (``fh_person_links``) hold only source-record ids, who decided and when: an accepted link is
    what joins a child's records, and a rejected one stops the pair being proposed again.

    >>> RetentionPolicy.from_mapping({"requests_days": 0})
    Traceback (most recent call last):
      ...
    familyhubs_sdk.errors.ConfigurationError: retention policy: requests_days: Input should be ...
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    drafts_days: _Days = 30
    requests_days: _Days = None
    evidence_days: _Days = None
    outbox_days: _Days = None
    analytics_days: _Days = 395
    rate_limit_window_minutes: _Days = 15
    #: Rows (or requests) removed per transaction: small enough that no lock is held for long.
    batch_size: int = Field(default=500, ge=1, le=10_000)

    @classmethod
    def recommended(cls) -> RetentionPolicy:
        """Values an LA can start its own decision from, with the reasoning behind each.

        * requests: 2 years. Once delivered, the LA's own case system holds the record of truth
          and its retention schedule; the SDK's copy serves the referrer's questions, status
          checks and complaints (the Ombudsman expects one within 12 months).
        * evidence: 90 days. Files are the most sensitive thing stored, and the LA has its copy
          once they are delivered; 90 days covers a re-send or a query about what arrived.
        * outbox: 1 year of delivery records, for "we never got it" and the annual audit.
        * drafts: 30 days past expiry; analytics: 13 months, as by default.
        """
        return cls(
            drafts_days=30,
            requests_days=730,
            evidence_days=90,
            outbox_days=365,
            analytics_days=395,
            rate_limit_window_minutes=15,
        )

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any] | None, *, origin: str = "retention policy"
    ) -> RetentionPolicy:
        """Validate a policy from plain data (parsed YAML, JSON or a dict); missing keys keep
        their defaults, and ``null``, ``"keep"`` or ``"forever"`` mean keep for ever.

        :raises ConfigurationError: naming each key at fault (never an unknown key's value).
        """
        if data is None:
            data = {}
        if not isinstance(data, Mapping):
            raise ConfigurationError(f"{origin}: expected a mapping of setting to days")
        try:
            return cls.model_validate(dict(data))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
                for error in exc.errors(include_input=False, include_url=False)
            )
            raise ConfigurationError(f"{origin}: {problems}") from None

    @classmethod
    def from_yaml(cls, text: str, *, origin: str = "retention policy") -> RetentionPolicy:
        """Parse a policy from YAML text, e.g. ``requests_days: 730``."""
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            raise ConfigurationError(f"{origin}: not valid YAML") from None
        return cls.from_mapping(data, origin=origin)

    @classmethod
    def load(cls, path: str | Path) -> RetentionPolicy:
        """Read a policy from a YAML file."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(f"{path}: cannot be read ({exc.strerror})") from None
        return cls.from_yaml(text, origin=str(path))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RetentionPolicy:
        """The defaults, overridden by ``FAMILYHUBS_RETENTION__<SETTING>`` variables, e.g.
        ``FAMILYHUBS_RETENTION__REQUESTS_DAYS=730`` or ``..._EVIDENCE_DAYS=keep``. An unknown
        name is an error rather than ignored: a misspelt "keep" must not let data go.

        >>> RetentionPolicy.from_env({"FAMILYHUBS_RETENTION__OUTBOX_DAYS": "365"}).outbox_days
        365
        """
        environ = os.environ if environ is None else environ
        data = {
            name[len(ENV_PREFIX) :].lower(): value
            for name, value in environ.items()
            if name.upper().startswith(ENV_PREFIX)
        }
        return cls.from_mapping(data, origin=f"{ENV_PREFIX}* settings")


class EvidenceDeleter(Protocol):
    """Where evidence bytes live: anything that can delete a file by its ``storage_name``.

    Deleting a name that is already gone should do nothing, so a purge can be run again.
    """

    def delete(self, storage_name: str) -> None: ...


@dataclass(frozen=True, slots=True)
class PurgeReport:
    """What a purge removed (or, in a dry run, would remove): row counts only, never contents.

    :ivar removed: rows per table name, every purgeable table listed, zeros included.
    :ivar evidence_files_left: removed evidence rows whose bytes are still in storage, because
        its ``delete`` failed or no storage was given. The rows are gone, so only a sweep of the
        storage against ``fh_evidence_files`` finds them now.
    :ivar requests_on_legal_hold: requests past their window kept because of a legal hold.
    :ivar requests_undelivered: requests past their window kept because a job is not delivered.
    """

    removed: Mapping[str, int]
    evidence_files_left: int = 0
    requests_on_legal_hold: int = 0
    requests_undelivered: int = 0
    dry_run: bool = False

    @property
    def total(self) -> int:
        """Rows removed across every table."""
        return sum(self.removed.values())


def _releasable() -> sa.ColumnElement[bool]:
    """A support request that no rule protects: not held, and the LA has everything sent."""
    # Only the request's own delivery to the LA protects it: a message about it (a receipt, an
    # alert) that Notify refused for good must not keep the family's answers for ever.
    undelivered = sa.exists().where(
        outbox_jobs.c.request_id == support_requests.c.id,
        outbox_jobs.c.status != _DELIVERED,
        outbox_jobs.c.message.is_(None),
    )
    return sa.and_(sa.not_(support_requests.c.legal_hold), sa.not_(undelivered))


@dataclass
class _Batch:
    """One transaction's work: delete children before their parents, or in a dry run count them.

    Children are deleted explicitly rather than left to ``ON DELETE CASCADE``, which SQLite
    ignores unless foreign keys are switched on, and which would hide them from the counts.
    """

    connection: Connection
    dry_run: bool
    removed: Counter[str]
    files: list[str] = field(default_factory=list)

    def delete(self, table: sa.Table, where: sa.ColumnElement[bool]) -> int:
        if self.dry_run:
            count = self.connection.scalar(
                sa.select(sa.func.count()).select_from(table).where(where)
            )
        else:
            count = self.connection.execute(table.delete().where(where)).rowcount
        self.removed[table.name] += count or 0
        return count or 0

    def delete_evidence(self, where: sa.ColumnElement[bool]) -> None:
        if not self.dry_run:  # the bytes go once the batch commits
            self.files += self.connection.scalars(
                sa.select(evidence_files.c.storage_name).where(where)
            ).all()
        self.delete(evidence_files, where)


@dataclass(frozen=True)
class _Phase:
    """Rows of ``key``'s table that are ``due``, removed a batch at a time by ``remove``."""

    key: sa.Column[Any]
    due: sa.ColumnElement[bool]
    remove: Callable[[_Batch, Sequence[Any]], object]


def _remove_drafts(batch: _Batch, ids: Sequence[Any]) -> None:
    batch.delete(resume_tokens, resume_tokens.c.draft_id.in_(ids))
    # Uploads that never became part of a request are reachable only through their draft.
    batch.delete_evidence(
        sa.and_(evidence_files.c.draft_id.in_(ids), evidence_files.c.request_id.is_(None))
    )
    if not batch.dry_run:  # files sent with a request stay with it, unlinked from the draft
        batch.connection.execute(
            evidence_files.update().where(evidence_files.c.draft_id.in_(ids)).values(draft_id=None)
        )
    batch.delete(drafts, drafts.c.id.in_(ids))


def _remove_requests(batch: _Batch, ids: Sequence[Any]) -> None:
    jobs = sa.select(outbox_jobs.c.id).where(outbox_jobs.c.request_id.in_(ids))
    batch.delete(delivery_attempts, delivery_attempts.c.job_id.in_(jobs))
    batch.delete(outbox_jobs, outbox_jobs.c.request_id.in_(ids))
    batch.delete(request_status_history, request_status_history.c.request_id.in_(ids))
    batch.delete(request_assignments, request_assignments.c.request_id.in_(ids))
    batch.delete(request_notes, request_notes.c.request_id.in_(ids))
    batch.delete_evidence(evidence_files.c.request_id.in_(ids))
    # The rows are locked, so this re-check cannot fail; if it ever did, raising rolls the whole
    # batch back rather than leave a request without its history.
    removed = batch.delete(support_requests, sa.and_(support_requests.c.id.in_(ids), _releasable()))
    if removed != len(ids):
        raise StoreError(
            "a request changed while it was being purged; this batch was rolled back, "
            "run the purge again"
        )


def _phases(policy: RetentionPolicy, now: datetime) -> list[_Phase]:
    def cutoff(days: int) -> datetime:
        return now - timedelta(days=days)

    requests, jobs, files = support_requests.c, outbox_jobs.c, evidence_files.c
    phases: list[_Phase] = []

    # Each phase's rows are disjoint from the earlier phases', so a dry run (which removes
    # nothing) counts every row once and reports what the real run will do.
    draft_due: sa.ColumnElement[bool] = sa.false()
    if policy.drafts_days is not None:
        draft_due = sa.or_(
            sa.and_(
                drafts.c.submitted_at.is_(None), drafts.c.expires_at < cutoff(policy.drafts_days)
            ),
            drafts.c.submitted_at < cutoff(policy.drafts_days),
        )
        phases.append(_Phase(drafts.c.id, draft_due, _remove_drafts))
    draft_of_token_due = sa.exists().where(drafts.c.id == resume_tokens.c.draft_id, draft_due)
    phases.append(
        _Phase(
            resume_tokens.c.token_hash,
            sa.and_(
                sa.or_(resume_tokens.c.used_at.is_not(None), resume_tokens.c.expires_at <= now),
                sa.not_(draft_of_token_due),
            ),
            lambda batch, ids: batch.delete(resume_tokens, resume_tokens.c.token_hash.in_(ids)),
        )
    )

    request_due: sa.ColumnElement[bool] = sa.false()
    if policy.requests_days is not None:
        request_due = sa.and_(requests.created_at < cutoff(policy.requests_days), _releasable())
        phases.append(_Phase(requests.id, request_due, _remove_requests))

    if policy.evidence_days is not None:
        evidence_cutoff = cutoff(policy.evidence_days)
        # Through the request, so its row lock guards the files against a hold placed meanwhile.
        phases.append(
            _Phase(
                requests.id,
                sa.and_(
                    requests.created_at < evidence_cutoff,
                    _releasable(),
                    sa.not_(request_due),
                    sa.exists().where(files.request_id == requests.id),
                ),
                lambda batch, ids: batch.delete_evidence(files.request_id.in_(ids)),
            )
        )
        ended = sa.func.coalesce(drafts.c.submitted_at, drafts.c.expires_at)
        draft_done = sa.exists().where(
            drafts.c.id == files.draft_id, ended < evidence_cutoff, sa.not_(draft_due)
        )
        phases.append(
            _Phase(
                files.id,
                sa.and_(
                    files.request_id.is_(None),
                    files.created_at < evidence_cutoff,
                    sa.or_(files.draft_id.is_(None), draft_done),
                ),
                lambda batch, ids: batch.delete_evidence(files.id.in_(ids)),
            )
        )

    if policy.outbox_days is not None:
        delivered = sa.and_(
            jobs.status == _DELIVERED, jobs.delivered_at < cutoff(policy.outbox_days)
        )

        def remove_delivered(batch: _Batch, ids: Sequence[Any]) -> None:
            done = sa.and_(jobs.request_id.in_(ids), delivered)
            batch.delete(
                delivery_attempts, delivery_attempts.c.job_id.in_(sa.select(jobs.id).where(done))
            )
            batch.delete(outbox_jobs, done)

        # Through the request too: a held or undelivered request keeps its whole delivery record.
        phases.append(
            _Phase(
                requests.id,
                sa.and_(
                    _releasable(),
                    sa.not_(request_due),
                    sa.exists().where(jobs.request_id == requests.id, delivered),
                ),
                remove_delivered,
            )
        )
        phases.append(_request_less_jobs(cutoff(policy.outbox_days)))

    if policy.analytics_days is not None:
        phases.append(
            _Phase(
                analytics_events.c.id,
                analytics_events.c.occurred_at < cutoff(policy.analytics_days),
                lambda batch, ids: batch.delete(analytics_events, analytics_events.c.id.in_(ids)),
            )
        )

    if policy.rate_limit_window_minutes is not None:
        # StoreRateLimit numbers windows floor(epoch seconds / window); any lower one has ended.
        window = int(now.timestamp() // (policy.rate_limit_window_minutes * 60))
        window_ended = rate_limits.c.window_no < window
        phases.append(
            _Phase(
                rate_limits.c.key,
                window_ended,
                # Checked again: a key tried meanwhile has moved its row to the current window.
                lambda batch, ids: batch.delete(
                    rate_limits, sa.and_(rate_limits.c.key.in_(ids), window_ended)
                ),
            )
        )
    return phases


def _request_less_jobs(cutoff: datetime) -> _Phase:
    """Outbox jobs of no request, delivered or dead before ``cutoff``, with their attempts.

    A pending or in-flight one is still on its way and stays.
    """
    jobs = outbox_jobs.c
    due = sa.and_(
        jobs.request_id.is_(None),
        sa.or_(
            sa.and_(jobs.status == _DELIVERED, jobs.delivered_at < cutoff),
            sa.and_(jobs.status == _DEAD, jobs.created_at < cutoff),
        ),
    )

    def remove(batch: _Batch, ids: Sequence[Any]) -> None:
        # Checked again, so a dead job retried meanwhile keeps its attempts as well as itself.
        done = sa.and_(jobs.id.in_(ids), due)
        batch.delete(
            delivery_attempts, delivery_attempts.c.job_id.in_(sa.select(jobs.id).where(done))
        )
        batch.delete(outbox_jobs, done)

    return _Phase(jobs.id, due, remove)


def _take_write_lock(connection: Connection) -> None:
    """On SQLite, start the batch's transaction as a writer.

    pysqlite begins a transaction only at the first write, so the batch's first SELECT would
    otherwise read outside it, and a hold placed before the first DELETE would go unseen. A write
    that changes nothing takes SQLite's single write lock up front. Other databases lock the
    selected rows instead (``SELECT ... FOR UPDATE``).
    """
    connection.execute(
        support_requests.update().where(sa.false()).values(legal_hold=support_requests.c.legal_hold)
    )


def _run_phase(
    engine: Engine,
    phase: _Phase,
    *,
    batch_size: int,
    dry_run: bool,
    removed: Counter[str],
    storage: EvidenceDeleter | None,
) -> int:
    """Remove a phase's rows one batch per transaction; returns evidence files left in storage."""
    sqlite = engine.dialect.name == "sqlite"
    left = 0
    last: Any = None
    while True:
        query = sa.select(phase.key).where(phase.due).order_by(phase.key).limit(batch_size)
        if last is not None:  # keyset paging: a dry run removes nothing, so never re-reads
            query = query.where(phase.key > last)
        with engine.connect() as connection:
            batch = _Batch(connection, dry_run, removed)
            if not dry_run:
                if sqlite:
                    _take_write_lock(connection)
                else:  # rows another transaction holds wait for the next run
                    query = query.with_for_update(skip_locked=True)
            ids = connection.scalars(query).all()
            if ids:
                phase.remove(batch, ids)
            if not dry_run:
                connection.commit()
        # Bytes go only after their rows are committed: a crash in between leaves an orphaned
        # file, which a storage sweep can find, rather than a row that points at nothing.
        if not dry_run:
            left += _delete_files(batch.files, storage)
        if len(ids) < batch_size:
            return left
        last = ids[-1]


def _delete_files(names: Sequence[str], storage: EvidenceDeleter | None) -> int:
    if not names:
        return 0
    if storage is None:
        logger.warning(
            "%d evidence files were removed from the database but not from storage: "
            "purge() was given no evidence_storage",
            len(names),
        )
        return len(names)
    failed = 0
    for name in names:
        try:
            storage.delete(name)
        except Exception as exc:  # one bad file must not stop the rest, nor the purge
            failed += 1
            logger.warning(
                "could not delete evidence file %s from storage (%s)", name, type(exc).__name__
            )
    return failed


def purge(
    engine: Engine,
    policy: RetentionPolicy,
    *,
    evidence_storage: EvidenceDeleter | None = None,
    dry_run: bool = False,
    clock: Clock = utc_now,
) -> PurgeReport:
    """Remove every row past its window in ``policy``, never an undelivered or held request.

    Works a batch of ``policy.batch_size`` rows (or requests, with everything that belongs to
    them) per transaction, so a crash or a refused statement leaves whole requests. Evidence bytes
    are deleted from ``evidence_storage`` after their rows commit; failures are counted in the
    report and logged, never raised. A ``dry_run`` counts what would go and changes nothing.

    Running it again straight away removes nothing: run it as often as suits, e.g. nightly.

    :param clock: gives the time windows are counted back from (read once, timezone-aware).
    :raises StoreError: when a batch could not be completed; earlier batches stay removed.
    """
    now = clock()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(
            "purge() needs a clock that returns timezone-aware times, "
            "e.g. lambda: datetime.now(UTC)"
        )
    removed: Counter[str] = Counter()
    left = 0
    for phase in _phases(policy, now):
        left += _run_phase(
            engine,
            phase,
            batch_size=policy.batch_size,
            dry_run=dry_run,
            removed=removed,
            storage=evidence_storage,
        )
    on_hold = undelivered = 0
    if policy.requests_days is not None:
        past = support_requests.c.created_at < now - timedelta(days=policy.requests_days)
        count = sa.select(sa.func.count()).select_from(support_requests)
        with engine.connect() as connection:
            on_hold = connection.scalar(count.where(past, support_requests.c.legal_hold)) or 0
            undelivered = (
                connection.scalar(
                    count.where(
                        past, sa.not_(support_requests.c.legal_hold), sa.not_(_releasable())
                    )
                )
                or 0
            )
    return PurgeReport(
        removed=MappingProxyType({table.name: removed[table.name] for table in _TABLES}),
        evidence_files_left=left,
        requests_on_legal_hold=on_hold,
        requests_undelivered=undelivered,
        dry_run=dry_run,
    )


def _set_legal_hold(engine: Engine, reference: str, *, held: bool) -> bool:
    reference = reference.strip().upper()  # references are read out and typed back
    hold = support_requests.c.legal_hold
    with engine.begin() as connection:
        changed = connection.execute(
            support_requests.update()
            .where(support_requests.c.reference == reference, sa.not_(hold) if held else hold)
            .values(legal_hold=held)
        ).rowcount
        if changed:
            return True
        found = connection.scalar(
            sa.select(sa.func.count())
            .select_from(support_requests)
            .where(support_requests.c.reference == reference)
        )
    if not found:
        raise RequestNotFoundError(f"no support request has the reference {reference!r}")
    return False


def place_legal_hold(engine: Engine, reference: str) -> bool:
    """Keep the request ``reference`` — with its evidence, history and delivery record — from
    every purge until :func:`release_legal_hold`, e.g. while a court case or a complaint about
    it is open.

    Returns whether the flag changed (``False``: it was already held). The hold is a flag, not a
    lifecycle status, so it leaves the status history and ``updated_at`` alone; who placed it and
    why belong in the LA's own records until the SDK has a table for them.

    :raises StoreError: when no request has that reference (perhaps it was already purged).
    """
    return _set_legal_hold(engine, reference, held=True)


def release_legal_hold(engine: Engine, reference: str) -> bool:
    """Let the request ``reference`` be purged again once its windows pass; returns whether the
    flag changed (``False``: it was not held).

    :raises StoreError: when no request has that reference.
    """
    return _set_legal_hold(engine, reference, held=False)
