"""Federated reads: a raising source and a hanging source never break the page."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from datetime import date, datetime

import pytest

from familyhubs_sdk.connectors import FederatedSource, OutcomeState, SourceConnector
from familyhubs_sdk.connectors._base import Capability
from familyhubs_sdk.errors import ConfigurationError, ConnectorError
from familyhubs_sdk.testing import InMemoryConnector, contract_dataset
from familyhubs_sdk.views import TimelineEvent


class Raising(InMemoryConnector):
    def read_timeline(self, person_keys: Sequence[str], **kwargs: object) -> list[TimelineEvent]:
        raise ConnectorError("the warehouse said no")


class Crashing(InMemoryConnector):
    def read_timeline(self, person_keys: Sequence[str], **kwargs: object) -> list[TimelineEvent]:
        raise RuntimeError("Casey Contract, NHS 9434765919")  # personal data in a message


class Hanging(InMemoryConnector):
    def __init__(self, name: str, release: threading.Event, **kwargs: object) -> None:
        super().__init__(name, **kwargs)  # type: ignore[arg-type]
        self.release = release

    def read_timeline(self, person_keys: Sequence[str], **kwargs: object) -> list[TimelineEvent]:
        self.release.wait(30)
        return []


@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def test_one_raising_one_hanging_one_healthy(
    release: threading.Event, caplog: pytest.LogCaptureFixture
) -> None:
    data = contract_dataset()
    healthy = InMemoryConnector("healthy", events=data.events, timeout_s=1.0)
    federated = FederatedSource(
        [
            Raising("raising", timeout_s=1.0),
            Hanging("hanging", release, timeout_s=0.5),
            healthy,
            Crashing("crashing", timeout_s=1.0),
        ]
    )
    keys = {"raising": ["C1"], "hanging": ["C1"], "healthy": ["C1"], "crashing": ["C1"]}
    started = time.monotonic()
    result = federated.read_timeline(keys)
    elapsed = time.monotonic() - started
    assert elapsed < 1.0 + 0.5  # the longest timeout plus a small margin; the hang is 30 s
    states = {o.source: (o.state, o.error_code) for o in result.outcomes}
    assert states == {
        "raising": (OutcomeState.ERROR, "connector_error"),
        "hanging": (OutcomeState.TIMEOUT, "source_timeout"),
        "healthy": (OutcomeState.OK, None),
        "crashing": (OutcomeState.ERROR, "unexpected_error"),
    }
    assert [o.source for o in result.outcomes] == ["raising", "hanging", "healthy", "crashing"]
    assert {o.source for o in result.failures} == {"raising", "hanging", "crashing"}
    assert [e.source_ref for e in result.items] == [e.source_ref for e in data.events_for("C1")]
    assert "9434765919" not in caplog.text
    assert "Casey" not in caplog.text


def test_merge_orders_newest_first_across_sources_and_limits() -> None:
    def event(source: str, ref: str, day: int) -> TimelineEvent:
        return TimelineEvent(
            source_system=source,
            source_ref=ref,
            person_key="k",
            kind="health.ae_attendance",
            period_start=datetime(2026, 1, day),
        )

    a = InMemoryConnector("a", events=[event("a", "a1", 1), event("a", "a3", 3)])
    b = InMemoryConnector("b", events=[event("b", "b2", 2), event("b", "b4", 4)])
    result = FederatedSource([a, b]).read_timeline({"a": ["k"], "b": ["k"]}, limit=3)
    assert [e.source_ref for e in result.items] == ["b4", "a3", "b2"]
    assert (
        FederatedSource([a, b])
        .read_timeline({"a": ["k"]}, since=date(2026, 1, 2))
        .items[0]
        .source_ref
        == "a3"
    )


def test_sources_without_keys_are_not_asked_and_unsupported_reads_are_not_failures() -> None:
    limited = InMemoryConnector("limited", capabilities=[Capability.TIMELINE])
    federated = FederatedSource([limited, InMemoryConnector("other")])
    assert federated.read_timeline({"limited": []}).outcomes == ()
    result = federated.read_family({"limited": ["k"], "other": ["k"]})
    assert {o.source: o.state for o in result.outcomes} == {
        "limited": OutcomeState.UNSUPPORTED,
        "other": OutcomeState.OK,
    }
    assert result.failures == []


def test_coverage_from_every_source() -> None:
    data = contract_dataset()
    result = FederatedSource(
        [InMemoryConnector("x", coverage=data.coverage), InMemoryConnector("y")]
    ).coverage()
    assert [c.coverage_start for c in result.items] == [data.coverage.coverage_start]
    assert [o.records for o in result.outcomes] == [1, 0]


def test_duplicate_names_refused() -> None:
    with pytest.raises(ConfigurationError, match="two sources are named 'x'"):
        FederatedSource([InMemoryConnector("x"), InMemoryConnector("x")])


def test_a_source_is_a_source_connector() -> None:
    assert issubclass(InMemoryConnector, SourceConnector)
