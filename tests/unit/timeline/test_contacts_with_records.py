"""Who to contact is read by each source's reader with its records: the directory is asked once,
cards are made only for professionals on events the viewer may see, and a failed contacts read
is asked again with the cards without costing the source its records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from familyhubs_sdk.connectors import ProfessionalContacts
from familyhubs_sdk.errors import ConnectorError
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.testing import InMemoryConnector
from familyhubs_sdk.timeline import (
    AccessPolicy,
    AccessReason,
    AccessRules,
    AuditLog,
    DeterministicResolver,
    TimelineService,
    Viewer,
)
from familyhubs_sdk.views import Person, Professional, ProfessionalContactPoint, TimelineEvent

RULES = AccessRules.from_yaml(
    """
roles:
  social_worker:
    views: [timeline, contacts]
    event_kinds: ["*"]
    sensitivities: [standard]
    contact_fields: [work_phone]
    requires_relationship: false
"""
)


class CountingConnector(InMemoryConnector):
    """Counts contacts reads; the first ``failures`` of them fail."""

    def __init__(self, *args: object, failures: int = 0, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.asked: list[list[str]] = []
        self.failures = failures

    def professional_contacts(self, professional_ids: Sequence[str]) -> list[ProfessionalContacts]:
        self.asked.append(list(professional_ids))
        if len(self.asked) <= self.failures:
            raise ConnectorError("the directory is down")
        return super().professional_contacts(professional_ids)


def _source(failures: int = 0) -> CountingConnector:
    def event(ref: str, staff: str, sensitivity: str) -> TimelineEvent:
        return TimelineEvent(
            source_system="lcs",
            source_ref=ref,
            person_key="P1",
            kind="social_care.contact",
            period_start=datetime(2026, 3, 1 + len(ref)),
            professional_id=staff,
            sensitivity=sensitivity,  # type: ignore[arg-type]
        )

    return CountingConnector(
        "lcs",
        failures=failures,
        people=[Person(source_system="lcs", person_key="P1", given_name="Ada")],
        events=[event("c1", "S1", "standard"), event("c22", "S2", "restricted")],
        professionals=[
            Professional(source_system="lcs", professional_id=p, name=f"Worker {p}")
            for p in ("S1", "S2")
        ],
        contact_points=[
            ProfessionalContactPoint(
                source_system="lcs", professional_id=p, system="phone", value=f"01632 96000{p[1]}"
            )
            for p in ("S1", "S2")
        ],
    )


def _service(source: CountingConnector) -> tuple[TimelineService, str]:
    engine = create_engine("sqlite://")
    upgrade(engine)
    resolver = DeterministicResolver(source.people, key=b"m" * 32)
    service = TimelineService(
        [source],
        resolver=resolver,
        policy=AccessPolicy(RULES),
        audit=AuditLog(engine, key=b"k" * 32),
        clock=lambda: datetime(2026, 11, 1, tzinfo=UTC),
    )
    subject = resolver.resolve("source_id", "lcs:P1")
    assert subject is not None
    return service, subject.master_id


VIEWER = Viewer(id="u1", name="Sam", role="social_worker", organisation="LA")
REASON = AccessReason(reason="assessment")


def test_contacts_are_read_once_with_the_records_and_only_permitted_events_get_cards() -> None:
    source = _source()
    service, subject = _service(source)
    page = service.timeline(VIEWER, subject, REASON).page
    service.close()
    assert page is not None
    assert [e.id for e in page.entries] == ["lcs:c1"]  # the restricted event stays hidden
    assert [c.name for c in page.contacts] == ["Worker S1"]  # and so does its professional
    assert [p.value for p in page.contacts[0].contact_points] == ["01632 960001"]
    # Read once, by the source's reader with its records (every professional they name; the
    # cards above are made only for those the viewer may see), not asked again for the cards.
    assert [sorted(ids) for ids in source.asked] == [["S1", "S2"]]


def test_a_failed_contacts_read_is_asked_again_and_the_records_still_show() -> None:
    source = _source(failures=1)
    service, subject = _service(source)
    result = service.timeline(VIEWER, subject, REASON)
    service.close()
    assert result.page is not None
    assert [e.id for e in result.page.entries] == ["lcs:c1"]
    assert all(not o.failed for o in result.outcomes)
    assert [c.name for c in result.page.contacts] == ["Worker S1"]
    assert source.asked[1] == ["S1"]  # asked again, for the permitted professional only
