"""``TimelineService.timeline()`` end to end against the same work on the raw driver, on
PostgreSQL, same run.

    python benchmarks/bench_service.py [--json] [--children 8000]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/familyhubs_bench]

For a child with about 50 events (35 after the service's merge), each side measured as the median
of 200 single calls, taken in five blocks of 40 (after 5 untimed), the sides in turn, so a burst
of load on the machine is spread over all of them:

* ``service_ms``: the whole page: ``TimelineService.timeline()`` (identity from memory, the
  policy, the four sources read at once on the worker pool — person records, events,
  involvements, who to contact — the audit row written and committed, the display model) plus
  ``render_timeline_page`` of the result. ``service_only_ms`` and ``render_ms`` are the medians
  of the two parts, timed inside the same calls.
* ``raw_complete_ms``: every statement one service call sends to the database, recorded from a
  real call at the driver (each ``cursor.execute`` and ``commit``), replayed one after another on
  one psycopg connection as prepared statements (``prepare=True``): the same SQL text and the
  same bound values, rows fetched as tuples, the audit ``INSERT`` included and committed the way
  the service commits it (an autocommit ``INSERT`` is its own transaction, committed before the
  server answers; any ``COMMIT`` the service sent is replayed too). No identity, policy,
  rows-to-models, display model or rendering. Coverage is cached by the service and not read
  per call, so neither side reads it.
* ``read_ms``: ``SQLViewConnector.read_timeline`` on every source, one after another (events
  only); ``raw_ms``: the same four event statements through psycopg prepared statements.

Keys: ``service_vs_raw`` (``service_ms`` / ``raw_complete_ms``), ``service_only_vs_raw``
(``service_only_ms`` / ``raw_complete_ms``), ``service_vs_events_sql`` (``service_ms`` /
``raw_ms``, the older, events-only comparison), ``read_vs_raw`` (``read_ms`` / ``raw_ms``),
``raw_statements`` and ``raw_commits`` (what one service call sent), and
``render_500_events_ms`` (a 500-event page rendered).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).parent))
from _db import DEFAULT_URL, ensure_database
from _timing import p50_ms
from bench_timeline import alternating_p50_ms, keys_for, raw_reader, reading_engine, sdk_reader

from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.synthetic import build_warehouse, connectors
from familyhubs_sdk.timeline import (
    AccessPolicy,
    AccessReason,
    AccessRules,
    AuditLog,
    DeterministicResolver,
    TimelineService,
    Viewer,
    render_timeline_page,
)

RULES = AccessRules.from_yaml(
    """
roles:
  social_worker:
    views: [timeline, contacts, family]
    event_kinds: ["*"]
    sensitivities: [standard, sensitive, restricted]
    contact_fields: [work_phone, duty_phone, secure_email]
    requires_relationship: false
"""
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--children", type=int, default=8_000)
    parser.add_argument("--url", default=DEFAULT_URL)
    args = parser.parse_args()

    engine = create_engine(ensure_database(args.url), pool_pre_ping=False)
    summary = build_warehouse(engine, children=args.children)
    upgrade(engine)  # the audit table lives beside the warehouse here
    sources = connectors(reading_engine(args.url))
    people = sources[0].all_people()
    resolver = DeterministicResolver(people, key=b"m" * 32)
    service = TimelineService(
        sources,
        resolver=resolver,
        policy=AccessPolicy(RULES),
        audit=AuditLog(engine, key=b"b" * 32),
        people=people,
        clock=lambda: datetime(2026, 11, 1, tzinfo=UTC),
    )
    viewer = Viewer(id="bench", name="Bench", role="social_worker", organisation="LA")
    child = summary.subject_near(50)
    subject = resolver.resolve("source_id", f"lcs:{child.la_person_id}")
    assert subject is not None
    reason = AccessReason(reason="assessment")
    keys = keys_for(summary, [child.la_person_id])

    def service_only() -> Any:
        result = service.timeline(viewer, subject.master_id, reason)
        assert result.page is not None
        return result.page

    # The two parts of each whole call, timed inside it: the service call, then its rendering.
    parts: list[tuple[float, float]] = []

    def whole() -> int:
        started = time.perf_counter_ns()
        page = service_only()
        served = time.perf_counter_ns()
        render_timeline_page(page, action="/t")
        parts.append(((served - started) / 1e6, (time.perf_counter_ns() - served) / 1e6))
        return len(page.entries)

    page = service_only()
    read = sdk_reader(sources, keys, 500)
    raw, conn = raw_reader(args.url.replace("+psycopg", ""), sources, keys, 500)
    assert whole() == read() == raw() == child.events
    with recorded() as sent:
        service_only()
    complete, complete_conn = complete_raw_reader(args.url.replace("+psycopg", ""), sent)
    complete()
    sides = [whole, read, raw, complete]
    for _ in range(20):  # warm: caches, prepared statements, the pool
        for side in sides:
            side()
    parts.clear()
    service_ms, read_ms, raw_ms, complete_ms = alternating_p50_ms(sides, per_round=40, warm=5)
    # The parts of the timed whole calls only (each block's untimed calls come first).
    parts[:] = [part for index, part in enumerate(parts) if index % 45 >= 5]
    service_only_ms = statistics.median(served for served, _ in parts)
    render_ms = statistics.median(rendered for _, rendered in parts)
    heavy = resolver.resolve("source_id", f"lcs:{summary.heaviest().la_person_id}")
    assert heavy is not None
    heavy_page = service.timeline(viewer, heavy.master_id, reason).page
    assert heavy_page is not None
    render_500_ms = p50_ms(
        lambda: render_timeline_page(heavy_page, action="/t"), warm=3, repeats=30
    )
    result = {
        "events": summary.events,
        "subject_events": child.events,
        "page_events": len(page.entries),
        "service_ms": round(service_ms, 3),
        "service_only_ms": round(service_only_ms, 3),
        "render_ms": round(render_ms, 3),
        "raw_complete_ms": round(complete_ms, 3),
        "raw_statements": sum(1 for item in sent if item[0] == "execute"),
        "raw_commits": sum(1 for item in sent if item[0] == "commit"),
        "read_ms": round(read_ms, 3),
        "raw_ms": round(raw_ms, 3),
        "service_vs_raw": round(service_ms / complete_ms, 2),
        "service_only_vs_raw": round(service_only_ms / complete_ms, 2),
        "service_vs_events_sql": round(service_ms / raw_ms, 2),
        "read_vs_raw": round(read_ms / raw_ms, 2),
        "render_events": len(heavy_page.entries),
        "render_500_events_ms": round(render_500_ms, 2),
    }
    conn.close()
    complete_conn.close()
    service.close()
    print(json.dumps(result) if args.json else "\n".join(f"{k:24} {v}" for k, v in result.items()))


#: What the service sent: ("execute", sql, params) or ("commit", None, None), in order.
_Sent = list[tuple[str, Any, Any]]


@contextmanager
def recorded() -> Iterator[_Sent]:
    """Every statement and commit sent through psycopg inside the block, on any thread (the
    service reads its sources on worker threads)."""
    sent: _Sent = []
    lock = threading.Lock()
    execute, commit = psycopg.Cursor.execute, psycopg.Connection.commit

    def recording_execute(self: Any, query: Any, params: Any = None, **kwargs: Any) -> Any:
        with lock:
            sent.append(("execute", query, params))
        return execute(self, query, params, **kwargs)

    def recording_commit(self: Any) -> None:
        if not self.autocommit:
            with lock:
                sent.append(("commit", None, None))
        commit(self)

    psycopg.Cursor.execute = recording_execute  # type: ignore[method-assign]
    psycopg.Connection.commit = recording_commit  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        psycopg.Cursor.execute = execute  # type: ignore[method-assign]
        psycopg.Connection.commit = commit  # type: ignore[method-assign]


def complete_raw_reader(url: str, sent: _Sent) -> tuple[Callable[[], int], Any]:
    """``sent`` replayed on one psycopg connection: each statement prepared, its rows fetched;
    in autocommit unless the service committed (then inside one transaction per commit)."""
    commits = any(kind == "commit" for kind, _, _ in sent)
    conn = psycopg.connect(url, autocommit=not commits)
    steps = [(kind, sql, params) for kind, sql, params in sent]

    def run() -> int:
        rows = 0
        for kind, sql, params in steps:
            if kind == "commit":
                conn.commit()
                continue
            cursor = conn.execute(sql, params, prepare=True)
            if cursor.description is not None:
                rows += len(cursor.fetchall())
        if commits:
            conn.commit()  # nothing left open between runs
        return rows

    return run, conn


if __name__ == "__main__":
    main()
