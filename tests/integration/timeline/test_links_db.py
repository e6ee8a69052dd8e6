"""The links store on every dialect: proposals once per pair, one decision each (a second
reviewer loses), rejected pairs never proposed again, decisions audited in the same transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from familyhubs_sdk.errors import LinkReviewError
from familyhubs_sdk.store import upgrade
from familyhubs_sdk.timeline import (
    AccessPolicy,
    AccessRules,
    AuditAction,
    AuditLog,
    DeterministicResolver,
    LinkProposal,
    LinkStatus,
    LinkStore,
    Viewer,
)
from familyhubs_sdk.views import Person

NOW = datetime(2026, 5, 1, 9, 0, 0, 123456, tzinfo=UTC)
OFFICER = Viewer(id="ig-1", name="Ira Gold", role="information_governance", organisation="LA")
CHILD = Person(source_system="lcs", person_key="C1", nhs_number="9434765919")
POLICE = Person(source_system="police", person_key="PN7")
OTHER = Person(source_system="police", person_key="PN8")


@pytest.fixture
def store(engine: sa.Engine) -> LinkStore:
    upgrade(engine)
    rules = AccessRules.from_yaml("roles: {information_governance: {audit: true}}")
    return LinkStore(
        engine,
        audit=AuditLog(engine, key=b"a" * 32),
        policy=AccessPolicy(rules),
        clock=lambda: NOW,
    )


def test_links_round_trip_and_are_decided_once(store: LinkStore, engine: sa.Engine) -> None:
    new = store.propose(
        [
            LinkProposal(
                POLICE, CHILD, score=0.9991, match_weight=10.25, matched_fields=("a", "b")
            ),
            LinkProposal(CHILD, OTHER, score=0.97, match_weight=8.5),
        ]
    )
    assert [(link.left, link.right) for link in store.pending()] == [
        (("lcs", "C1"), ("police", "PN7")),
        (("lcs", "C1"), ("police", "PN8")),
    ]
    first, second = (link for link in new)
    assert (first.match_weight, first.matched_fields, first.proposed_at) == (
        10.25,
        ("a", "b"),
        NOW,
    )
    accepted = store.accept(first.id, OFFICER)
    assert (accepted.status, accepted.decided_by, accepted.decided_at) == (
        LinkStatus.ACCEPTED,
        "ig-1",
        NOW,
    )
    with pytest.raises(LinkReviewError):
        store.reject(first.id, OFFICER)
    store.reject(second.id, OFFICER)
    assert store.propose([LinkProposal(OTHER, CHILD, score=0.99)]) == []
    resolver = DeterministicResolver(
        [CHILD, POLICE, OTHER], key=b"m" * 32, accepted=store.accepted()
    )
    subject = resolver.resolve("nhs_number", "9434765919")
    assert subject is not None
    assert subject.keys_for("police", "source_id") == ("PN7",)
    audit = AuditLog(engine, key=b"a" * 32)
    assert len(audit.query(action=AuditAction.LINK_ACCEPT)) == 2
    assert len(audit.query(action=AuditAction.LINK_REJECT)) == 2
