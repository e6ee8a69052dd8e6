"""``ConnectorContract``: the conformance kit a connector proves itself with.

Subclass it in a pytest module and say how to build your connector holding the kit's dataset::

    class TestMyConnector(ConnectorContract):
        def make_connector(self, dataset, tmp_path):
            write_my_tables(dataset, tmp_path)          # however your source is fed
            return MyConnector("contract", ...)

Every test reads through the public interface only. Reads a connector does not declare in
``capabilities`` must raise :class:`~familyhubs_sdk.errors.UnsupportedReadError` — declared, not
failed. SQL connectors add :class:`IndexedConnectorContract` to check that lookups use an index.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import pytest

from familyhubs_sdk.connectors._base import Capability, SourceConnector
from familyhubs_sdk.connectors._federated import FederatedSource, OutcomeState
from familyhubs_sdk.errors import UnsupportedReadError
from familyhubs_sdk.testing._dataset import ContractDataset, contract_dataset
from familyhubs_sdk.views._canonical import (
    CanonicalRecord,
    FamilyMembership,
    Involvement,
    Person,
    SourceCoverage,
    TimelineEvent,
)
from familyhubs_sdk.views._definition import DISPLAY_TEXT_FIELDS
from familyhubs_sdk.views._sample import reads_as_prose

__all__ = ["ConnectorContract", "IndexedConnectorContract"]

_PROBES: dict[Capability, Any] = {
    Capability.PEOPLE: lambda c: c.read_people(["C1"]),
    Capability.TIMELINE: lambda c: c.read_timeline(["C1"]),
    Capability.INVOLVEMENTS: lambda c: c.read_involvements(["C1"]),
    Capability.CONTACTS: lambda c: c.professional_contacts(["PR1"]),
    Capability.FAMILY: lambda c: c.read_family(["C1"]),
    Capability.COVERAGE: lambda c: c.coverage(),
}


def _identity(records: list[Any]) -> list[str]:
    """Records as comparable text, in their order."""
    return [repr(sorted(r.model_dump(mode="json").items())) for r in records]


class ConnectorContract:
    """Base class of the conformance tests; implement :meth:`make_connector`."""

    #: How much longer than ``timeout_s`` a federated read may take, in seconds.
    timeout_margin_s: ClassVar[float] = 0.5

    def make_connector(self, dataset: ContractDataset, tmp_path: Path) -> SourceConnector:
        raise NotImplementedError("subclasses build their connector holding `dataset`")

    @pytest.fixture
    def dataset(self) -> ContractDataset:
        return contract_dataset()

    @pytest.fixture
    def connector(self, dataset: ContractDataset, tmp_path: Path) -> Any:
        connector = self.make_connector(dataset, tmp_path)
        yield connector
        connector.close()

    def _needs(self, connector: SourceConnector, capability: Capability) -> bool:
        """Whether to go on: an undeclared read must be refused; then nothing is left to check."""
        if capability not in connector.capabilities:
            with pytest.raises(UnsupportedReadError):
                _PROBES[capability](connector)
            return False
        return True

    # -- shape -------------------------------------------------------------------------------

    def test_check_passes(self, connector: SourceConnector) -> None:
        result = connector.check()
        assert result.ok, result.problems

    def test_undeclared_reads_refused(self, connector: SourceConnector) -> None:
        declared = set(connector.capabilities)
        assert declared <= set(Capability)
        for capability in set(Capability) - declared:
            with pytest.raises(UnsupportedReadError):
                _PROBES[capability](connector)

    def test_records_are_canonical_with_no_free_text(self, connector: SourceConnector) -> None:
        for capability in connector.capabilities:
            found = _PROBES[capability](connector)
            records = found if isinstance(found, list) else [found]
            for record in records:
                items = (
                    [record]
                    if isinstance(record, CanonicalRecord)
                    else [record.professional, *record.contact_points]
                )
                for item in items:
                    assert isinstance(item, CanonicalRecord)
                    assert item.model_config.get("extra") == "forbid"
                    for name, value in item.model_dump().items():
                        assert not isinstance(value, str) or (
                            len(value) <= 254 and "\n" not in value
                        )
                        # Display text is a name or a code's label, never a sentence.
                        if name in DISPLAY_TEXT_FIELDS and isinstance(value, str):
                            assert not reads_as_prose(value), f"{item.view}.{name} reads as prose"

    # -- timeline ----------------------------------------------------------------------------

    def test_timeline_returns_the_persons_events_newest_first(
        self, connector: SourceConnector, dataset: ContractDataset
    ) -> None:
        if not self._needs(connector, Capability.TIMELINE):
            return
        found = connector.read_timeline(["C1"])
        assert all(isinstance(event, TimelineEvent) for event in found)
        assert _identity(found) == _identity(dataset.events_for("C1"))

    def test_timeline_reads_several_people_in_one_call(
        self, connector: SourceConnector, dataset: ContractDataset
    ) -> None:
        if not self._needs(connector, Capability.TIMELINE):
            return
        found = connector.read_timeline(["C1", "C2"])
        assert _identity(found) == _identity(dataset.events_for("C1", "C2"))

    def test_timeline_bounds_since_inclusive_until_exclusive(
        self, connector: SourceConnector, dataset: ContractDataset
    ) -> None:
        if not self._needs(connector, Capability.TIMELINE):
            return
        expected = dataset.events_for("C1")
        since, until = expected[15].period_start, expected[4].period_start
        found = connector.read_timeline(["C1"], since=since, until=until)
        assert _identity(found) == _identity(expected[5:16])

    def test_timeline_limit_keeps_the_newest(
        self, connector: SourceConnector, dataset: ContractDataset
    ) -> None:
        if not self._needs(connector, Capability.TIMELINE):
            return
        found = connector.read_timeline(["C1", "C2"], limit=7)
        assert _identity(found) == _identity(dataset.events_for("C1", "C2")[:7])

    def test_timeline_unknown_and_empty_keys(self, connector: SourceConnector) -> None:
        if not self._needs(connector, Capability.TIMELINE):
            return
        assert connector.read_timeline(["C3", "nobody"]) == []
        assert connector.read_timeline([]) == []

    def test_timeline_refuses_bad_arguments(self, connector: SourceConnector) -> None:
        if not self._needs(connector, Capability.TIMELINE):
            return
        with pytest.raises(TypeError):
            connector.read_timeline("C1")  # one string, not a list of keys
        with pytest.raises(ValueError, match="limit"):
            connector.read_timeline(["C1"], limit=0)

    def test_timeouts_honoured_through_federation(self, connector: SourceConnector) -> None:
        if not self._needs(connector, Capability.TIMELINE):
            return
        assert connector.timeout_s > 0
        started = time.monotonic()
        result = FederatedSource([connector]).read_timeline({connector.name: ["C1"]})
        assert time.monotonic() - started <= connector.timeout_s + self.timeout_margin_s
        assert [o.state for o in result.outcomes] == [OutcomeState.OK]

    # -- people, involvements, contacts, family, coverage --------------------------------------

    def test_people(self, connector: SourceConnector, dataset: ContractDataset) -> None:
        if not self._needs(connector, Capability.PEOPLE):
            return
        found = connector.read_people(["C1", "nobody"])
        assert all(isinstance(person, Person) for person in found)
        assert _identity(found) == _identity([p for p in dataset.people if p.person_key == "C1"])

    def test_involvements(self, connector: SourceConnector, dataset: ContractDataset) -> None:
        if not self._needs(connector, Capability.INVOLVEMENTS):
            return
        found = connector.read_involvements(["C1"])
        assert all(isinstance(item, Involvement) for item in found)
        expected = [i for i in dataset.involvements if i.person_key == "C1"]
        assert sorted(_identity(found)) == sorted(_identity(expected))
        assert [i.period_start for i in found] == sorted(
            (i.period_start for i in found), reverse=True
        )

    def test_professional_contacts(
        self, connector: SourceConnector, dataset: ContractDataset
    ) -> None:
        if not self._needs(connector, Capability.CONTACTS):
            return
        found = {
            c.professional.professional_id: c
            for c in connector.professional_contacts(["PR1", "PR2", "nobody"])
        }
        assert set(found) == {"PR1", "PR2"}
        for professional_id, contacts in found.items():
            expected = [p for p in dataset.contact_points if p.professional_id == professional_id]
            assert sorted(_identity(list(contacts.contact_points))) == sorted(_identity(expected))

    def test_family(self, connector: SourceConnector, dataset: ContractDataset) -> None:
        if not self._needs(connector, Capability.FAMILY):
            return
        found = connector.read_family(["C1"])
        assert all(isinstance(member, FamilyMembership) for member in found)
        assert _identity(found) == _identity([m for m in dataset.family if m.person_key == "C1"])

    def test_coverage_reported(self, connector: SourceConnector, dataset: ContractDataset) -> None:
        if not self._needs(connector, Capability.COVERAGE):
            return
        found = connector.coverage()
        assert isinstance(found, SourceCoverage)
        assert found.coverage_start == dataset.coverage.coverage_start
        assert isinstance(found.last_synchronised, datetime)


class IndexedConnectorContract(ConnectorContract):
    """For connectors over SQL views: each person lookup must be served by an index.

    Implement :meth:`index_uses` to return ``(definition, uses_index)`` pairs, e.g. from
    :func:`familyhubs_sdk.views.explain_lookups`.
    """

    def index_uses(self, connector: SourceConnector) -> list[tuple[str, bool | None]]:
        raise NotImplementedError

    def test_lookups_use_an_index(self, connector: SourceConnector) -> None:
        uses = self.index_uses(connector)
        assert uses, "no lookups were explained"
        assert [name for name, used in uses if used is False] == []
