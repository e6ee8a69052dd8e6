"""Form analytics: events hold no free text, recording never breaks the form, the report's sums."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import ValidationError
from tests.helpers.analytics_samples import NOW, T0, TREE, A, B, C, answered, event, five_journeys

from familyhubs_sdk.questiontree import QuestionTree
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.store._schema import analytics_events
from familyhubs_sdk.support.analytics._events import (
    MAX_DURATION_MS,
    AnalyticsEvent,
    AnalyticsRecorder,
    AnalyticsSink,
    InMemoryAnalytics,
    load_events,
    new_journey_key,
    question_id_for,
)
from familyhubs_sdk.support.analytics._report import build_report

# -- events --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Zebedee Canary-Smith",
        "zebedee.canary@example.com",
        "Zebedee",
        "zebedee canary",
        "SW1A 1AA",
        "x" * 65,
    ],
)
def test_an_event_refuses_a_question_id_that_could_be_free_text(question: str) -> None:
    with pytest.raises(ValidationError):
        event(A, "question_viewed", question=question)


@pytest.mark.parametrize(
    "code",
    [
        "Enter a real postcode",
        "zebedee@example.com",
        "Zebedee",
        "sw1a 1aa",
        "a" * 60,
        "a_b_c_d_e_f_g",
    ],
)
def test_an_event_refuses_an_error_code_that_could_be_free_text(code: str) -> None:
    with pytest.raises(ValidationError):
        event(A, "validation_error", question="email", error_code=code)


@pytest.mark.parametrize(
    "key", ["ZebedeeCanarySmithZebedeeCanary1", "draft-6f1c1a52", "0" * 31, "g" * 32]
)
def test_an_event_refuses_a_journey_key_that_is_not_a_random_key(key: str) -> None:
    with pytest.raises(ValidationError):
        event(key, "started")


@pytest.mark.parametrize("duration", [-1, MAX_DURATION_MS + 1, "1500", True, 1.5])
def test_an_event_refuses_a_duration_that_is_not_a_bounded_integer(duration: object) -> None:
    with pytest.raises(ValidationError):
        event(A, "question_answered", question="email", duration_ms=duration)


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("validation_error", {"question": "email"}),  # no code
        ("question_viewed", {}),  # no question
        ("started", {"question": "email"}),
        ("question_answered", {"question": "email", "error_code": "required"}),
        ("question_viewed", {"question": "email", "duration_ms": 5}),
    ],
)
def test_each_event_carries_only_its_own_fields(name: str, fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        event(A, name, **fields)


def test_events_are_frozen_and_need_an_aware_time() -> None:
    started = event(A, "started")
    with pytest.raises(ValidationError):
        started.event = "submitted"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        AnalyticsEvent(
            tree_id="tiny",
            tree_version="1",
            journey_key=A,
            event="started",
            occurred_at=datetime(2026, 1, 1),
        )


def test_journey_keys_are_random_hex_from_the_token_source() -> None:
    assert new_journey_key() != new_journey_key()
    assert len(new_journey_key()) == 32
    assert new_journey_key(lambda n: "ab" * n) == "ab" * 16


@pytest.mark.parametrize(
    ("step", "question"),
    [("consent", "consent"), ("children[3].child_name", "child_name"), ("children[+]", "children")],
)
def test_a_step_address_becomes_its_question_id(step: str, question: str) -> None:
    assert question_id_for(step) == question


# -- sinks ---------------------------------------------------------------------------------


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def tick(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def test_both_sinks_satisfy_the_protocol() -> None:
    sinks: list[AnalyticsSink] = [
        InMemoryAnalytics(),
        AnalyticsRecorder(create_engine("sqlite://")),
    ]
    assert all(callable(sink.record) for sink in sinks)


def test_answers_are_timed_from_the_journeys_view_of_the_same_question() -> None:
    clock = Clock()
    sink = InMemoryAnalytics(clock=clock)
    sink.record(TREE, A, "question_viewed", question="email")
    sink.record(TREE, B, "question_viewed", question="email")
    clock.tick(seconds=3.5)
    sink.record(TREE, A, "question_answered", question="email")
    clock.tick(seconds=1)
    sink.record(TREE, A, "question_answered", question="email")  # a second answer: no view left
    assert [e.duration_ms for e in sink.events if e.event == "question_answered"] == [3500, None]
    assert sink.dropped == 0


def test_a_view_older_than_the_limit_gives_no_duration() -> None:
    clock = Clock()
    sink = InMemoryAnalytics(clock=clock)
    sink.record(TREE, A, "question_viewed", question="email")
    clock.tick(days=2)
    sink.record(TREE, A, "question_answered", question="email")
    assert sink.events[-1].duration_ms is None


def test_a_refused_event_is_dropped_counted_and_logged_without_its_content(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sink = InMemoryAnalytics()
    with caplog.at_level(logging.WARNING):
        sink.record(TREE, A, "question_viewed", question="Zebedee Canary-Smith")
        sink.record(TREE, A, "validation_error", question="email", error_code="zebedee@example.com")
    assert sink.events == []
    assert sink.dropped == 2
    assert "Zebedee" not in caplog.text
    assert "zebedee" not in caplog.text
    assert "analytics event not recorded (ValidationError); 2 dropped" in caplog.text


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'fh.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def test_recorder_writes_one_row_per_event_and_load_events_reads_them_back(
    engine: sa.Engine,
) -> None:
    clock = Clock()
    recorder = AnalyticsRecorder(engine, clock=clock)
    recorder.record(TREE, A, "started")
    recorder.record(TREE, A, "question_viewed", question="worried")
    clock.tick(seconds=2)
    recorder.record(TREE, A, "question_answered", question="worried")
    recorder.record(TREE, A, "validation_error", question="kind", error_code="required")
    with engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(analytics_events)) == 4
    loaded = load_events(engine, TREE.id)
    assert [(e.event, e.question_id, e.duration_ms, e.error_code) for e in loaded] == [
        ("started", None, None, None),
        ("question_viewed", "worried", None, None),
        ("question_answered", "worried", 2000, None),
        ("validation_error", "kind", None, "required"),
    ]
    assert loaded[0].occurred_at == T0
    assert recorder.dropped == 0


def test_a_view_recorded_by_another_process_still_times_the_answer(engine: sa.Engine) -> None:
    clock = Clock()
    AnalyticsRecorder(engine, clock=clock).record(TREE, A, "question_viewed", question="kind")
    clock.tick(seconds=7)
    other_worker = AnalyticsRecorder(engine, clock=clock)
    other_worker.record(TREE, A, "question_answered", question="kind")
    assert load_events(engine, TREE.id) == []  # no "started": not a journey of any period
    with engine.connect() as connection:
        assert (
            connection.scalar(
                sa.select(analytics_events.c.duration_ms).where(
                    analytics_events.c.event == "question_answered"
                )
            )
            == 7000
        )


def test_load_events_reads_whole_journeys_that_started_in_the_period(engine: sa.Engine) -> None:
    clock = Clock()
    recorder = AnalyticsRecorder(engine, clock=clock)
    recorder.record(TREE, A, "started")  # before the period
    clock.tick(days=1)
    recorder.record(TREE, B, "started")  # in it
    recorder.record(TREE, A, "question_viewed", question="worried")
    clock.tick(days=1)
    recorder.record(TREE, B, "submitted")  # after it: still B's
    other = QuestionTree.model_validate({**TREE.model_dump(), "id": "other"})
    recorder.record(other, C, "started")
    since, until = T0 + timedelta(hours=12), T0 + timedelta(hours=36)
    loaded = load_events(engine, TREE.id, since, until)
    assert [(e.journey_key, e.event) for e in loaded] == [(B, "started"), (B, "submitted")]


def test_a_failing_database_never_raises_into_the_form(caplog: pytest.LogCaptureFixture) -> None:
    unmigrated = create_engine("sqlite://")  # no fh_analytics_events table
    recorder = AnalyticsRecorder(unmigrated)
    with caplog.at_level(logging.WARNING):
        recorder.record(TREE, A, "started")
        recorder.record(TREE, A, "question_answered", question="worried")
    assert recorder.dropped == 2
    assert "OperationalError" in caplog.text
    assert A not in caplog.text
    assert "worried" not in caplog.text


def test_any_exception_from_the_store_is_swallowed() -> None:
    class Broken:
        def begin(self) -> None:
            raise RuntimeError("the disk is on fire")

        connect = begin

    recorder = AnalyticsRecorder(Broken())  # type: ignore[arg-type]
    recorder.record(TREE, A, "question_viewed", question="worried")
    recorder.record(TREE, A, "question_answered", question="worried")
    assert recorder.dropped == 2


# -- the report's sums ---------------------------------------------------------------------


def test_headline_figures() -> None:
    report = build_report(five_journeys(), TREE, clock=lambda: NOW)
    assert report.journeys_started == 5
    assert report.journeys_submitted == 2
    assert report.completion_rate == pytest.approx(0.4)
    assert report.median_time_to_complete == timedelta(minutes=15)
    assert (report.journeys_abandoned, report.journeys_exited, report.journeys_in_progress) == (
        1,
        1,
        1,
    )


def test_funnel_in_form_order_with_drop_off_at_the_last_question_viewed() -> None:
    report = build_report(five_journeys(), TREE, clock=lambda: NOW)
    rows = {row.question_id: row for row in report.funnel}
    assert [row.question_id for row in report.funnel] == [
        "worried",
        "kind",
        "detail_a",
        "detail_b",
        "email",
    ]
    assert (rows["worried"].viewed, rows["worried"].answered) == (5, 4)
    assert (rows["kind"].viewed, rows["kind"].answered, rows["kind"].errors) == (3, 2, 1)
    assert rows["kind"].drop_off == 1
    assert sum(row.drop_off for row in report.funnel) == report.journeys_abandoned
    assert rows["email"].median_answer_ms == 90_000
    assert rows["worried"].label == "Are you worried about the family?"


def test_branch_frequencies_come_from_consecutive_views() -> None:
    report = build_report(five_journeys(), TREE, clock=lambda: NOW)
    branches = {(b.from_id, b.to_id): (b.journeys, b.share) for b in report.branches}
    assert branches[("worried", "kind")] == (3, 0.75)
    assert branches[("worried", "exit:not_worried")] == (1, 0.25)
    assert branches[("kind", "detail_a")] == (1, 0.5)
    assert branches[("kind", "detail_b")] == (1, 0.5)
    exit_branch = next(b for b in report.branches if b.to_id == "exit:not_worried")
    assert exit_branch.to_label == "You do not need to ask for support"
    assert [(e.exit_id, e.journeys) for e in report.exits] == [("not_worried", 1)]


def test_commonest_validation_errors_first() -> None:
    extra = [event(B, "validation_error", 4, "email", error_code="email_invalid")] * 2
    report = build_report([*five_journeys(), *extra], TREE, clock=lambda: NOW)
    assert [(e.question_id, e.error_code, e.count) for e in report.errors] == [
        ("email", "email_invalid", 3),
        ("kind", "required", 1),
    ]


def test_back_and_change_are_counted_and_are_not_routes() -> None:
    events = [
        event(A, "started"),
        event(A, "question_viewed", 0, "worried"),
        *answered(A, 1, "worried", "kind"),
        event(A, "back", 2, "worried"),
        event(A, "question_viewed", 2, "worried"),
        *answered(A, 3, "worried", "kind"),
        event(A, "change", 4, "kind"),
        event(A, "question_viewed", 4, "kind"),
        *answered(A, 5, "kind", "detail_b"),
        event(A, "saved", 6),
        event(A, "resumed", 7),
    ]
    report = build_report(events, TREE, clock=lambda: NOW)
    assert {(b.from_id, b.to_id): b.journeys for b in report.branches} == {
        ("worried", "kind"): 1,
        ("kind", "detail_b"): 1,
    }
    assert (report.back_count, report.change_count, report.saved_count, report.resumed_count) == (
        1,
        1,
        1,
        1,
    )


@pytest.mark.parametrize(
    ("idle", "abandon_after", "abandoned"),
    [
        (timedelta(hours=23, minutes=59), timedelta(hours=24), 0),
        (timedelta(hours=24), timedelta(hours=24), 1),
        (timedelta(hours=2), timedelta(hours=1), 1),
        (timedelta(minutes=30), timedelta(hours=1), 0),
    ],
)
def test_a_journey_is_abandoned_after_enough_idle_time(
    idle: timedelta, abandon_after: timedelta, abandoned: int
) -> None:
    events = [event(A, "started"), event(A, "question_viewed", 1, "worried")]
    now = T0 + timedelta(minutes=1) + idle
    report = build_report(events, TREE, clock=lambda: now, abandon_after=abandon_after)
    assert report.journeys_abandoned == abandoned
    assert report.journeys_in_progress == 1 - abandoned


def test_journeys_without_a_start_and_unknown_questions() -> None:
    events = [
        event(A, "question_viewed", 0, "worried"),  # began before the period: left out
        event(B, "started"),
        event(B, "question_viewed", 0, "retired_question"),
    ]
    report = build_report(events, TREE, clock=lambda: NOW)
    assert report.journeys_started == 1
    assert report.funnel[-1].question_id == "retired_question"
    assert report.funnel[-1].label == "retired_question"
    assert report.funnel[0].viewed == 0


def test_nothing_started_gives_no_rates() -> None:
    report = build_report([], TREE, clock=lambda: NOW)
    assert report.completion_rate is None
    assert report.median_time_to_complete is None
    assert report.journeys_started == 0
