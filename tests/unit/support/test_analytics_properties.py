"""Invariants of the form report over any events: rates are rates and nothing is counted twice.

Funnel counts need not fall from one question to the next (branches skip questions), so only
invariants that hold on every tree are checked.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from tests.helpers.analytics_samples import NOW, TREE, event_sequences

from familyhubs_sdk.support.analytics._events import AnalyticsEvent
from familyhubs_sdk.support.analytics._report import build_report, render_report, report_csv


@given(event_sequences(), st.integers(1, 72))
def test_report_invariants(events: list[AnalyticsEvent], hours: int) -> None:
    report = build_report(events, TREE, clock=lambda: NOW, abandon_after=timedelta(hours=hours))
    assert 0 <= report.journeys_submitted <= report.journeys_started
    if report.completion_rate is not None:
        assert 0.0 <= report.completion_rate <= 1.0
    parts = (
        report.journeys_submitted,
        report.journeys_exited,
        report.journeys_abandoned,
        report.journeys_in_progress,
    )
    assert all(part >= 0 for part in parts)
    assert sum(parts) == report.journeys_started
    for row in report.funnel:
        assert 0 <= row.answered <= row.viewed <= report.journeys_started
        assert row.drop_off <= row.viewed
    assert sum(row.drop_off for row in report.funnel) <= report.journeys_abandoned
    assert [row.question_id for row in report.funnel][:5] == [
        "worried", "kind", "detail_a", "detail_b", "email",
    ]  # fmt: skip
    shares: dict[str, float] = {}
    for branch in report.branches:
        assert 0 < branch.journeys <= report.journeys_started
        shares[branch.from_id] = shares.get(branch.from_id, 0) + branch.share
    assert all(abs(total - 1) < 1e-9 for total in shares.values())
    if report.median_time_to_complete is not None:
        assert report.median_time_to_complete >= timedelta(0)


@given(event_sequences())
def test_any_report_renders_and_round_trips_as_csv(events: list[AnalyticsEvent]) -> None:
    report = build_report(events, TREE, clock=lambda: NOW)
    assert "<script" not in render_report(report)
    rows = list(csv.reader(io.StringIO(report_csv(report))))
    assert all(len(row) == 6 for row in rows)
