"""Shared timing helpers for the benchmark scripts: medians over repeated batches."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_us(run: Callable[[], object], *, batch: int = 200, repeats: int = 15) -> float:
    """Median time of one ``run()`` call in microseconds, over ``repeats`` batches."""
    for _ in range(batch):  # warm caches and the template cache
        run()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        for _ in range(batch):
            run()
        samples.append((time.perf_counter_ns() - start) / batch / 1000)
    return statistics.median(samples)


def p50_ms(run: Callable[[], object], *, warm: int = 20, repeats: int = 300) -> float:
    """Median of single ``run()`` calls in milliseconds, for calls that go to a database."""
    for _ in range(warm):
        run()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter_ns()
        run()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return statistics.median(samples)
