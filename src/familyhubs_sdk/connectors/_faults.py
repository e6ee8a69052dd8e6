"""Rows that do not fit their canonical view: skipped and counted, never the whole source.

A connector reports what it skipped (or repaired) with :func:`report_row_faults`: one
:class:`RowFault` per source, definition and reason code, with a count — never the value, which may
be personal data. The log line names only those. A federated read collects them per source into
its :class:`~familyhubs_sdk.connectors.SourceOutcome`, so a screen can say "3 records from Health
could not be shown" beside the rest.

>>> with collect_row_faults() as faults:
...     report_row_faults([RowFault("health", "ae", "label:string_pattern_mismatch", 2)])
>>> [(f.source, f.definition, f.reason, f.count, f.skipped) for f in faults]
[('health', 'ae', 'label:string_pattern_mismatch', 2, True)]
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["RowFault", "collect_row_faults", "report_row_faults"]

logger = logging.getLogger("familyhubs_sdk.connectors")

_SINK: ContextVar[list[RowFault] | None] = ContextVar("familyhubs_row_faults", default=None)


@dataclass(frozen=True, slots=True)
class RowFault:
    """Rows of one definition that did not fit, for one reason."""

    source: str
    #: The view definition (or the connector's own name for its reads) the rows came from.
    definition: str
    #: ``field:error`` (``period_start:datetime_from_date_parsing``); never the value.
    reason: str
    count: int
    #: ``True`` when the rows were left out; ``False`` when they were shown repaired (a period
    #: that ended before it started loses its end).
    skipped: bool = True


def report_row_faults(faults: Iterable[RowFault]) -> None:
    """Log each fault (source, definition, reason, count only) and hand it to the read that is
    collecting them, if any."""
    found = list(faults)
    for fault in found:
        logger.warning(
            "source %s definition %s: %d rows %s (%s)",
            fault.source,
            fault.definition,
            fault.count,
            "skipped" if fault.skipped else "repaired",
            fault.reason,
        )
    sink = _SINK.get()
    if sink is not None:
        sink.extend(found)


@contextmanager
def collect_row_faults() -> Iterator[list[RowFault]]:
    """Collect the faults reported by reads inside the block (in this thread or task)."""
    sink: list[RowFault] = []
    token = _SINK.set(sink)
    try:
        yield sink
    finally:
        _SINK.reset(token)
