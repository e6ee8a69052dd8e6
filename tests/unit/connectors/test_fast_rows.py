"""Rows built without full validation are exactly the records full validation builds; anything
the cheap checks cannot vouch for goes the slow way (and bad rows are still refused)."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from familyhubs_sdk.connectors._pool import WorkerPool
from familyhubs_sdk.views import Involvement, Person, TimelineEvent
from familyhubs_sdk.views._canonical import Professional, ProfessionalContactPoint
from familyhubs_sdk.views._rows import RowBuilder

EVENT: dict[str, Any] = {
    "source_system": "lcs",
    "source_ref": "c1",
    "person_key": "P1",
    "kind": "police.domestic_abuse_notification",
    "period_start": datetime(2026, 1, 5, 9, 30),
    "period_end": datetime(2026, 1, 6),
    "status": "finished",
    "service": "Northshire Police",
    "professional_id": "S0003",
    "label": None,
    "sensitivity": None,
}


def _fast_row(builder: RowBuilder[Any], fields: tuple[str, ...], row: tuple[Any, ...]) -> Any:
    """The reader's path for one row: the row function for ``fields``, if any, applied."""
    build = builder.for_fields(fields)
    return build(row) if build is not None else None


def _same(model: type[Any], row: dict[str, Any]) -> None:
    built = RowBuilder(model).fast(row)
    assert built is not None, "the cheap checks should vouch for this row"
    expected = model.model_validate(row)
    assert built == expected
    assert built.model_dump() == expected.model_dump()
    assert built.model_fields_set == expected.model_fields_set
    for name in type(built).model_fields:
        assert type(getattr(built, name)) is type(getattr(expected, name)), name
    # The reader's path: values in column order, the definition's name last.
    from_row = _fast_row(RowBuilder(model), tuple(row), (*row.values(), "definition"))
    assert from_row == expected
    assert from_row is not None
    assert from_row.model_fields_set == expected.model_fields_set


def test_a_good_event_is_built_as_validation_builds_it() -> None:
    _same(TimelineEvent, EVENT)
    # The kind's default sensitivity (domestic abuse notifications are restricted) is derived the same.
    assert RowBuilder(TimelineEvent)(EVENT).sensitivity.value == "restricted"


def test_other_views_are_built_as_validation_builds_them() -> None:
    _same(
        Involvement,
        {"source_system": "lcs", "source_ref": "i1", "person_key": "P1",
         "professional_id": "S1", "role": "social_worker", "team": "Team A",
         "period_start": date(2025, 1, 1), "period_end": None},
    )  # fmt: skip
    _same(
        Person,
        {"source_system": "health", "person_key": "P1", "given_name": "Ada",
         "family_name": "Example", "birth_date": date(2019, 5, 1), "nhs_number": "943 476 5919",
         "upn": None, "gender": None, "la_person_id": None},
    )  # fmt: skip
    _same(Professional, {"source_system": "lcs", "professional_id": "S1", "name": "Sam Jones"})
    _same(
        ProfessionalContactPoint,
        {"source_system": "lcs", "professional_id": "S1", "system": "phone",
         "value": "01632 960 001", "use": None},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "no.such.kind"),  # not in the code list
        ("label", "line one\nline two"),  # a control character
        ("label", " padded "),  # pydantic would strip it
        ("label", "x" * 121),  # too long
        ("source_ref", ""),  # too short
        ("person_key", None),  # required
        ("period_start", date(2026, 1, 5)),  # a date where a datetime is expected
        ("period_start", "2026-01-05T09:30:00"),  # a string pydantic would parse
        ("status", "completed"),  # not an event status
        ("period_end", datetime(2025, 1, 1)),  # ends before it starts: validation drops the end
    ],
)
def test_anything_unsure_goes_to_full_validation(field: str, value: object) -> None:
    row = dict(EVENT, **{field: value})
    build = RowBuilder(TimelineEvent)
    assert build.fast(row) is None
    assert _fast_row(build, tuple(row), tuple(row.values())) is None
    try:
        expected = TimelineEvent.model_validate(row)
    except ValidationError:
        with pytest.raises(ValidationError):
            build(row)
    else:
        assert build(row) == expected


def test_an_unknown_column_is_refused_as_before() -> None:
    row = dict(EVENT, notes="free text")
    assert RowBuilder(TimelineEvent).fast(row) is None
    with pytest.raises(ValidationError):
        RowBuilder(TimelineEvent)(row)


def test_the_pool_reuses_its_workers_and_never_queues_behind_a_hung_task() -> None:
    pool = WorkerPool(name="test-pool")
    hung = threading.Event()
    try:
        names = {pool.submit(lambda: threading.current_thread().name).result(5) for _ in range(20)}
        assert len(names) == 1  # one worker, reused: no thread per task
        pool.submit(hung.wait)  # occupies a worker until released
        started = time.monotonic()
        assert pool.submit(lambda: 42).result(timeout=5) == 42
        assert time.monotonic() - started < 2
        assert all(t.daemon for t in threading.enumerate() if t.name.startswith("test-pool"))
    finally:
        hung.set()
        pool.shutdown()
    with pytest.raises(RuntimeError):
        pool.submit(lambda: 1)
