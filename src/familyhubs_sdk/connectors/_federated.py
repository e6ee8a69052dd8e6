"""Ask several sources at once, each with its own timeout; a failing source never breaks the page.

Every read returns the merged records beside one :class:`SourceOutcome` per source, so a screen
can say "health records are unavailable" instead of silently showing less.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Generic, TypeVar

from familyhubs_sdk.connectors._base import ProfessionalContacts, SourceConnector
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

    @property
    def failed(self) -> bool:
        return self.state in (OutcomeState.TIMEOUT, OutcomeState.ERROR)


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

    A source that hangs is abandoned when its time is up (its thread is a daemon, so it never holds
    up the process); one that raises is reported by its error code.
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

    def close(self) -> None:
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
        pending: list[tuple[SourceConnector, Future[list[T]], float]] = []
        for name, keys in keys_by_source.items():
            connector = self.connectors.get(name)
            if connector is None or (skip_empty and not keys):
                continue
            pending.append(
                (connector, _start(read, connector, keys), started + connector.timeout_s)
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
                items.extend(found)
                outcome = _outcome(connector, started, OutcomeState.OK, None, len(found))
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
) -> SourceOutcome:
    elapsed = (time.monotonic() - started) * 1000
    return SourceOutcome(connector.name, state, round(elapsed, 2), records, code)


def _start(
    read: Callable[[SourceConnector, Sequence[str]], list[T]],
    connector: SourceConnector,
    keys: Sequence[str],
) -> Future[list[T]]:
    future: Future[list[T]] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(read(connector, keys))
        except BaseException as exc:
            future.set_exception(exc)

    threading.Thread(target=run, name=f"familyhubs-source-{connector.name}", daemon=True).start()
    return future
