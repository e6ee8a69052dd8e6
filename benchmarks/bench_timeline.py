"""Timeline reads through the SDK against the raw driver, on PostgreSQL or DuckDB.

    python benchmarks/bench_timeline.py [--json] [--small 100000] [--large 5000000]
        [--engine postgresql|duckdb] [--url postgresql://postgres@127.0.0.1:5432/familyhubs_bench]

Builds the synthetic warehouse twice (about ``--small`` and ``--large`` events; generation time is
printed) and, for a child with about 50 events, reads their timeline from all four sources:

* SDK: ``SQLViewConnector.read_timeline`` per source, one after another, each taking a pooled
  connection and giving it back (SQLAlchemy Core statement compiled once; on psycopg its SQL
  text for the number of keys is kept and run on the pooled driver connection as a prepared
  statement, parameters bound; elsewhere through SQLAlchemy); rows checked and built into
  canonical models, rows the cheap checks are unsure of validated in full;
* raw: the same SQL text and bound values through the driver directly on one open connection,
  tuples only: psycopg prepared statements (``prepare=True``) on PostgreSQL, the DuckDB
  connection's own ``execute`` on DuckDB (a file database, the warehouse tables as DuckDB loads
  them).

The two sides are timed in turn, in five blocks of 60 single calls each (after 10 untimed), so a
burst of load on the machine is spread over both. Prints ``rows_small``, ``rows_large``,
``ratio_vs_raw_p50`` (SDK p50 / raw p50 on the large warehouse), ``family5_vs_single`` (a family
of five read in one call per source / one child), ``heavy500_first_page_ms`` (first 50 events of
the child with 500+), ``scale_ratio_p50`` (large / small p50 for the ~50-event child) and
``engine``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).parent))
from _db import ENGINES, ensure_database
from _timing import p50_ms

from familyhubs_sdk.connectors import SQLViewConnector
from familyhubs_sdk.store import create_engine
from familyhubs_sdk.synthetic import WarehouseSummary, build_warehouse, connectors
from familyhubs_sdk.synthetic._generate import Subject

EVENTS_PER_CHILD = 13.7  # measured mean of the generator


def keys_for(summary: WarehouseSummary, people: list[str]) -> dict[str, list[str]]:
    subjects = [summary.subjects[p] for p in people if p in summary.subjects]
    return {
        "lcs": list(people),
        "police": list(people),
        "health": [s.nhs_number for s in subjects if s.nhs_number],
        "education": [s.upn for s in subjects if s.upn],
    }


def sdk_reader(
    sources: list[SQLViewConnector], keys: dict[str, list[str]], limit: int
) -> Callable[[], int]:
    def run() -> int:
        return sum(len(c.read_timeline(keys[c.name], limit=limit)) for c in sources if keys[c.name])

    return run


def raw_reader(
    url: str, sources: list[SQLViewConnector], keys: dict[str, list[str]], limit: int
) -> tuple[Callable[[], int], Any]:
    """The SDK's own SQL, run through the driver directly (prepared statements on psycopg)."""
    if url.startswith("duckdb"):
        return duckdb_raw_reader(sources, keys, limit)
    conn = psycopg.connect(url.replace("+psycopg", ""), autocommit=True)
    statements = []
    for connector in sources:
        if not keys[connector.name]:
            continue
        statement = connector.compiled.lookup(
            "timeline_event", since=False, until=False, limit=True
        )
        compiled = statement.compile(dialect=connector.engine.dialect)
        state = compiled.construct_expanded_state({"keys": keys[connector.name], "limit": limit})
        sql, params = state.statement, dict(state.parameters)
        statements.append((sql, params))

    def run() -> int:
        total = 0
        for sql, params in statements:
            total += len(conn.execute(sql, params, prepare=True).fetchall())
        return total

    return run, conn


def duckdb_raw_reader(
    sources: list[SQLViewConnector], keys: dict[str, list[str]], limit: int
) -> tuple[Callable[[], int], Any]:
    """The SDK's own SQL on the DuckDB connection underneath the engine, positional parameters."""
    raw = sources[0].engine.raw_connection()
    statements = []
    for connector in sources:
        if not keys[connector.name]:
            continue
        statement = connector.compiled.lookup(
            "timeline_event", since=False, until=False, limit=True
        )
        compiled = statement.compile(dialect=connector.engine.dialect)
        state = compiled.construct_expanded_state({"keys": keys[connector.name], "limit": limit})
        params = [state.parameters[name] for name in state.positiontup or ()]
        statements.append((state.statement, params))
    cursor = raw.cursor()

    def run() -> int:
        total = 0
        for sql, params in statements:
            cursor.execute(sql, params)
            total += len(cursor.fetchall())
        return total

    return run, raw


def reading_engine(url: str) -> Any:
    """An engine for the connectors, made as ``SQLViewConnector.from_config`` makes it."""
    options: dict[str, Any] = {"pool_pre_ping": False, "pool_use_lifo": True}
    if not url.startswith("duckdb"):
        options["isolation_level"] = "AUTOCOMMIT"
    return create_engine(url, **options)


def alternating_p50_ms(
    runs: list[Callable[[], object]], *, rounds: int = 5, per_round: int = 60, warm: int = 10
) -> list[float]:
    """The median of single calls of each of ``runs``, in milliseconds, over ``rounds`` blocks
    taken in turn (``per_round`` calls of one, then of the next, each block after ``warm``
    untimed calls): a burst of load on the machine (a disk flush, another process) is spread
    over every side instead of falling on whichever was being timed, and no call is timed
    straight after another side's (whose caches it would inherit)."""
    samples: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for run, taken in zip(runs, samples, strict=True):
            for _ in range(warm):
                run()
            for _ in range(per_round):
                started = time.perf_counter_ns()
                run()
                taken.append((time.perf_counter_ns() - started) / 1e6)
    return [statistics.median(taken) for taken in samples]


def measure(url: str, events: int, seed: int) -> dict[str, Any]:
    engine = create_engine(url)
    children = max(200, int(events / EVENTS_PER_CHILD))
    summary = build_warehouse(engine, seed=seed, children=children)
    engine.dispose()
    engine = reading_engine(url)
    print(
        f"built {summary.events:,} events for {children:,} children in {summary.seconds:.1f} s",
        file=sys.stderr,
    )
    sources = connectors(engine)
    subject: Subject = summary.subject_near(50)
    single = keys_for(summary, [subject.la_person_id])
    family = keys_for(summary, summary.family_of(5))
    heavy = keys_for(summary, [summary.heaviest().la_person_id])
    sdk = sdk_reader(sources, single, 500)
    raw, conn = raw_reader(url, sources, single, 500)
    assert sdk() == raw() == subject.events, (sdk(), raw(), subject.events)
    sdk_ms, raw_ms = alternating_p50_ms([sdk, raw])
    result = {
        "events": summary.events,
        "build_s": round(summary.seconds, 1),
        "subject_events": subject.events,
        "sdk_p50_ms": sdk_ms,
        "raw_p50_ms": raw_ms,
        "family5_p50_ms": p50_ms(sdk_reader(sources, family, 500)),
        "heavy_events": summary.heaviest().events,
        "heavy_first_page_ms": p50_ms(sdk_reader(sources, heavy, 50)),
    }
    conn.close()
    engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engine", choices=sorted(ENGINES), default="postgresql")
    parser.add_argument("--url", help="the database URL (default: one per engine)")
    args = parser.parse_args()
    url = args.url or ENGINES[args.engine]
    ensure_database(url)

    small = measure(url, args.small, args.seed)
    large = measure(url, args.large, args.seed)
    result = {
        "engine": args.engine,
        "rows_small": small["events"],
        "rows_large": large["events"],
        "build_small_s": small["build_s"],
        "build_large_s": large["build_s"],
        "sdk_p50_ms": round(large["sdk_p50_ms"], 3),
        "raw_p50_ms": round(large["raw_p50_ms"], 3),
        "ratio_vs_raw_p50": round(large["sdk_p50_ms"] / large["raw_p50_ms"], 2),
        "ratio_vs_raw_p50_small": round(small["sdk_p50_ms"] / small["raw_p50_ms"], 2),
        "family5_vs_single": round(large["family5_p50_ms"] / large["sdk_p50_ms"], 2),
        "heavy_events": large["heavy_events"],
        "heavy500_first_page_ms": round(large["heavy_first_page_ms"], 3),
        "scale_ratio_p50": round(large["sdk_p50_ms"] / small["sdk_p50_ms"], 2),
        "subject_events": large["subject_events"],
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:28} {value}")


if __name__ == "__main__":
    main()
