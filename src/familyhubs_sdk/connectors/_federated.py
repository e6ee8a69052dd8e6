"""Ask several sources at once, each with its own timeout; a failing source never breaks the page.

Every read returns the merged records beside one :class:`SourceOutcome` per source, so a screen
can say "health records are unavailable" instead of silently showing less.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import partial
from typing import Generic, TypeVar

from familyhubs_sdk.connectors._base import ProfessionalContacts, SourceConnector
from familyhubs_sdk.connectors._faults import RowFault, collect_row_faults
from familyhubs_sdk.connectors._pool import WorkerPool
from familyhubs_sdk.errors import ConfigurationError, ConnectorError, UnsupportedReadError
from familyhubs_sdk.views._canonical import (
    FamilyMembership,
    Involvement,
    Person,
    SourceCoverage,
    TimelineEvent,
)

__all__ = ["Federated", "FederatedSource", "OutcomeState", "SourceOutcome"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


class OutcomeState(StrEnum):
    """How one source answered a federated read: ok, timed out, failed, or cannot do it."""

    OK = "ok"
    TIMEOUT = "timeout"
    ERROR = "error"
    #: The source does not declare this read; not a failure.
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    """How one source answered one read."""

    source: str
    state: OutcomeState
    elapsed_ms: float
    records: int = 0
    #: The error's stable code (``source_timeout``, ``connector_error``…); never its message.
    error_code: str | None = None
    #: Rows that did not fit their canonical view, by definition and reason (see
    #: :class:`~familyhubs_sdk.connectors.RowFault`); the rest of the source is still shown.
    row_faults: tuple[RowFault, ...] = ()

    @property
    def failed(self) -> bool:
        return self.state in (OutcomeState.TIMEOUT, OutcomeState.ERROR)

    @property
    def skipped_rows(self) -> int:
        """How many of this source's rows could not be shown."""
        return sum(fault.count for fault in self.row_faults if fault.skipped)


@dataclass(frozen=True, slots=True)
class Federated(Generic[T]):
    """Merged records and what each source did."""

    items: list[T]
    outcomes: tuple[SourceOutcome, ...] = field(default=())

    @property
    def failures(self) -> list[SourceOutcome]:
        return [outcome for outcome in self.outcomes if outcome.failed]


class FederatedSource:
    """Reads from several connectors concurrently; each gets its own ``timeout_s``.

    Reads run on a long-lived pool of worker threads (no thread is started per read), each
    source's statements for one read on one pinned connection (see
    :meth:`SourceConnector.session`). A source that hangs is abandoned when its time is up (the
    workers are daemons, so a hung one never holds up the process, and the pool grows past it);
    one that raises is reported by its error code. :meth:`close` stops the pool.
    """

    def __init__(
        self, connectors: Sequence[SourceConnector], *, coverage_ttl_s: float = 300.0
    ) -> None:
        names = [connector.name for connector in connectors]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ConfigurationError(f"two sources are named {duplicates[0]!r}")
        self.connectors = {connector.name: connector for connector in connectors}
        self.coverage_ttl_s = coverage_ttl_s
        self._coverage: tuple[float, Federated[SourceCoverage]] | None = None
        self._pool = WorkerPool(name="familyhubs-source")

    def submit(self, task: Callable[[], T]) -> Future[T]:
        """Run ``task`` on the sources' worker pool: for work a read overlaps with the sources'
        round trips (the audit row, for one)."""
        return self._pool.submit(task)

    def read_timeline(
        self,
        keys_by_source: Mapping[str, Sequence[str]],
        *,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        limit: int = 500,
    ) -> Federated[TimelineEvent]:
        """Events from every source with keys for the subject, newest first, at most ``limit``."""
        result = self.gather(
            keys_by_source,
            lambda c, keys: c.read_timeline(keys, since=since, until=until, limit=limit),
        )
        result.items.sort(key=lambda e: (e.source_system, e.source_ref))
        result.items.sort(key=lambda e: e.period_start, reverse=True)
        del result.items[limit:]
        return result

    def read_people(self, keys_by_source: Mapping[str, Sequence[str]]) -> Federated[Person]:
        return self.gather(keys_by_source, lambda c, keys: c.read_people(keys))

    def read_involvements(
        self, keys_by_source: Mapping[str, Sequence[str]]
    ) -> Federated[Involvement]:
        result = self.gather(keys_by_source, lambda c, keys: c.read_involvements(keys))
        result.items.sort(key=lambda i: i.period_start, reverse=True)
        return result

    def professional_contacts(
        self, ids_by_source: Mapping[str, Sequence[str]]
    ) -> Federated[ProfessionalContacts]:
        return self.gather(ids_by_source, lambda c, ids: c.professional_contacts(ids))

    def read_family(
        self, keys_by_source: Mapping[str, Sequence[str]]
    ) -> Federated[FamilyMembership]:
        return self.gather(keys_by_source, lambda c, keys: c.read_family(keys))

    def coverage(self) -> Federated[SourceCoverage]:
        """Every source's coverage. It changes once a day or so: kept for ``coverage_ttl_s``
        when every source answered."""
        now = time.monotonic()
        if self._coverage is not None and now - self._coverage[0] < self.coverage_ttl_s:
            return self._coverage[1]
        everyone = {name: () for name in self.connectors}

        def read(connector: SourceConnector, _keys: Sequence[str]) -> list[SourceCoverage]:
            found = connector.coverage()
            return [] if found is None else [found]

        result = self.gather(everyone, read, skip_empty=False)
        if not result.failures:
            self._coverage = (now, result)
        return result

    def stop_workers(self) -> None:
        """Stop the worker threads, leaving the connectors open: another federation may share
        them."""
        self._pool.shutdown()

    def close(self) -> None:
        self.stop_workers()
        for connector in self.connectors.values():
            connector.close()

    def gather(
        self,
        keys_by_source: Mapping[str, Sequence[str]],
        read: Callable[[SourceConnector, Sequence[str]], list[T]],
        *,
        skip_empty: bool = True,
    ) -> Federated[T]:
        """Run ``read(connector, keys)`` on every source with keys, at once, each within its
        own timeout; the building block of the reads above."""
        started = time.monotonic()
        pending: list[tuple[SourceConnector, Future[_Answer[T]], float]] = []
        for name, keys in keys_by_source.items():
            connector = self.connectors.get(name)
            if connector is None or (skip_empty and not keys):
                continue
            pending.append(
                (
                    connector,
                    self._pool.submit(partial(_read_one, read, connector, keys)),
                    started + connector.timeout_s,
                )
            )
        items: list[T] = []
        outcomes: list[SourceOutcome] = []
        for connector, future, deadline in sorted(pending, key=lambda p: p[2]):
            try:
                found = future.result(timeout=max(0.0, deadline - time.monotonic()))
            except FutureTimeout:
                outcome = _outcome(connector, started, OutcomeState.TIMEOUT, "source_timeout")
            except UnsupportedReadError as exc:
                outcome = _outcome(connector, started, OutcomeState.UNSUPPORTED, exc.code)
            except ConnectorError as exc:
                logger.warning("source %s failed: %s", connector.name, exc.code)
                outcome = _outcome(connector, started, OutcomeState.ERROR, exc.code)
            except Exception as exc:
                # The message may carry personal data: log the type only.
                logger.warning("source %s failed: %s", connector.name, type(exc).__name__)
                outcome = _outcome(connector, started, OutcomeState.ERROR, "unexpected_error")
            else:
                items.extend(found.items)
                outcome = _outcome(
                    connector, started, OutcomeState.OK, None, len(found.items), found.faults
                )
            outcomes.append(outcome)
        order = {name: index for index, name in enumerate(self.connectors)}
        outcomes.sort(key=lambda o: order[o.source])
        return Federated(items=items, outcomes=tuple(outcomes))


def _outcome(
    connector: SourceConnector,
    started: float,
    state: OutcomeState,
    code: str | None,
    records: int = 0,
    faults: tuple[RowFault, ...] = (),
) -> SourceOutcome:
    elapsed = (time.monotonic() - started) * 1000
    return SourceOutcome(connector.name, state, round(elapsed, 2), records, code, faults)


@dataclass(frozen=True, slots=True)
class _Answer(Generic[T]):
    """What one source's read returned, with the row faults it reported meanwhile."""

    items: list[T]
    faults: tuple[RowFault, ...]


def _read_one(
    read: Callable[[SourceConnector, Sequence[str]], list[T]],
    connector: SourceConnector,
    keys: Sequence[str],
) -> _Answer[T]:
    # One pinned connection for every statement of this source's read.
    with collect_row_faults() as faults, connector.session():
        found = read(connector, keys)
    return _Answer(found, tuple(faults))
