"""``TimelineService.timeline()`` end to end against its parts, on PostgreSQL, same run.

    python benchmarks/bench_service.py [--json] [--children 8000]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/familyhubs_bench]

For a child with about 50 events: the whole service call (identity, policy, four sources read at
once, contacts, audit write, display model) plus rendering the page; ``read_timeline`` alone on
every source; and the same SQL through psycopg prepared statements. Also renders a 500-event page.
Keys: ``service_vs_raw``, ``read_vs_raw``, ``render_500_events_ms``.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _db import DEFAULT_URL, ensure_database
from _timing import p50_ms
from bench_timeline import keys_for, raw_reader, sdk_reader

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
    sources = connectors(engine)
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

    def whole() -> int:
        result = service.timeline(viewer, subject.master_id, reason)
        assert result.page is not None
        render_timeline_page(result.page, action="/t")
        return len(result.page.entries)

    read = sdk_reader(sources, keys, 500)
    raw, conn = raw_reader(args.url.replace("+psycopg", ""), sources, keys, 500)
    assert whole() == read() == raw() == child.events
    service_ms, read_ms, raw_ms = (p50_ms(f, repeats=200) for f in (whole, read, raw))
    heavy = resolver.resolve("source_id", f"lcs:{summary.heaviest().la_person_id}")
    assert heavy is not None
    page = service.timeline(viewer, heavy.master_id, reason).page
    assert page is not None
    render_ms = p50_ms(lambda: render_timeline_page(page, action="/t"), warm=3, repeats=30)
    result = {
        "events": summary.events,
        "subject_events": child.events,
        "service_ms": round(service_ms, 3),
        "read_ms": round(read_ms, 3),
        "raw_ms": round(raw_ms, 3),
        "service_vs_raw": round(service_ms / raw_ms, 2),
        "read_vs_raw": round(read_ms / raw_ms, 2),
        "render_events": len(page.entries),
        "render_500_events_ms": round(render_ms, 2),
    }
    conn.close()
    print(json.dumps(result) if args.json else "\n".join(f"{k:24} {v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
