"""Reviewed links: proposals kept for review, decisions audited, accepted links used by the
resolver, and a police source known only by name and date of birth joined end to end."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from familyhubs_sdk.errors import AuditPermissionError, LinkReviewError, RenderingError
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.store._schema import audit_events, person_links
from familyhubs_sdk.testing import InMemoryConnector
from familyhubs_sdk.timeline import (
    AccessPolicy,
    AccessReason,
    AccessRules,
    AuditAction,
    AuditLog,
    DeterministicResolver,
    LinkProposal,
    LinkStatus,
    LinkStore,
    SplinkLinker,
    TimelineService,
    Viewer,
    render_link_review,
)
from familyhubs_sdk.views import Person, TimelineEvent
from familyhubs_sdk.views._vocab import LinkMethod

KEY = b"m" * 32
NOW = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
OFFICER = Viewer(id="ig-1", name="Ira Gold", role="information_governance", organisation="LA")
IG_POLICY = AccessPolicy(
    AccessRules.from_yaml(
        "roles: {information_governance: {audit: true}, social_worker: {views: [timeline]}}"
    )
)
CHILD = Person(
    source_system="lcs",
    person_key="C1",
    given_name="Ada",
    family_name="Ng",
    birth_date=date(2019, 5, 1),
    nhs_number="9434765919",
)
POLICE_CHILD = Person(
    source_system="police",
    person_key="PN7",
    given_name="Adah",
    family_name="NG",
    birth_date=date(2019, 5, 1),
)
POLICE_SIBLING = Person(
    source_system="police",
    person_key="PN8",
    given_name="Bo",
    family_name="Ng",
    birth_date=date(2019, 5, 1),
)


@pytest.fixture
def engine() -> sa.Engine:
    engine = create_engine("sqlite://")
    upgrade(engine)
    return engine


@pytest.fixture
def store(engine: sa.Engine) -> LinkStore:
    return LinkStore(
        engine, audit=AuditLog(engine, key=b"a" * 32), policy=IG_POLICY, clock=lambda: NOW
    )


def proposal(left: Person, right: Person, score: float = 0.999) -> LinkProposal:
    return LinkProposal(left, right, score=score, match_weight=10.3, matched_fields=("birth_date",))


def test_proposals_are_stored_once_in_one_order(store: LinkStore) -> None:
    first = store.propose([proposal(POLICE_CHILD, CHILD), proposal(CHILD, POLICE_CHILD, 0.5)])
    assert [(link.left, link.right, link.score) for link in first] == [
        (("lcs", "C1"), ("police", "PN7"), 0.999)
    ]
    assert store.propose([proposal(CHILD, POLICE_CHILD)]) == []
    assert [link.id for link in store.pending()] == [first[0].id]


def test_pairs_within_one_source_or_already_one_person_are_not_proposed(store: LinkStore) -> None:
    same = Person(source_system="health", person_key="H1", nhs_number="9434765919")
    resolver = DeterministicResolver([CHILD, same], key=KEY)
    assert store.propose([proposal(POLICE_CHILD, POLICE_SIBLING)]) == []
    assert store.propose([proposal(CHILD, same)], resolver=resolver) == []


def test_rejected_pairs_are_never_proposed_again(store: LinkStore) -> None:
    [link] = store.propose([proposal(CHILD, POLICE_SIBLING)])
    rejected = store.reject(link.id, OFFICER)
    assert (rejected.status, rejected.decided_by, rejected.decided_at) == (
        LinkStatus.REJECTED,
        "ig-1",
        NOW,
    )
    assert store.propose([proposal(CHILD, POLICE_SIBLING)]) == []
    assert store.pending() == []
    assert store.accepted() == []


def test_each_decision_is_audited_per_record_without_names(
    store: LinkStore, engine: sa.Engine
) -> None:
    [link] = store.propose([proposal(CHILD, POLICE_CHILD)])
    store.accept(link.id, OFFICER)
    audit = AuditLog(engine, key=b"a" * 32)
    events = audit.query(action=AuditAction.LINK_ACCEPT)
    assert {e.subject_ref for e in events} == {
        audit.subject_ref("lcs:C1"),
        audit.subject_ref("police:PN7"),
    }
    assert {(e.actor_id, e.reason) for e in events} == {("ig-1", f"person_link:{link.id}")}
    with engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(sa.select(audit_events)) for v in row)
        stored += " ".join(str(v) for row in conn.execute(sa.select(person_links)) for v in row)
    assert "Ada" not in stored
    assert "Ng" not in stored
    assert "2019" not in stored


def test_decisions_are_audited_under_the_persons_master_id_without_names(
    store: LinkStore, engine: sa.Engine
) -> None:
    people = [CHILD, POLICE_CHILD, POLICE_SIBLING]
    before = DeterministicResolver(people, key=KEY)
    child_id = before.resolve("source_id", "lcs:C1")
    sibling_id = before.resolve("source_id", "police:PN8")
    assert child_id is not None
    assert sibling_id is not None
    accepted, rejected = store.propose(
        [proposal(CHILD, POLICE_CHILD), proposal(CHILD, POLICE_SIBLING)]
    )
    store.accept(accepted.id, OFFICER, resolver=before)
    store.reject(rejected.id, OFFICER, resolver=before)
    after = DeterministicResolver(people, key=KEY, accepted=store.accepted())
    child_after = after.resolve("source_id", "police:PN7")
    assert child_after is not None
    audit = AuditLog(engine, key=b"a" * 32)
    # What the child's own audit view reads, before and after the link joined the records.
    for master_id in {child_id.master_id, child_after.master_id}:
        assert [(e.action, e.reason) for e in audit.query(subject_id=master_id)] == [
            (AuditAction.LINK_REJECT, f"person_link:{rejected.id}"),
            (AuditAction.LINK_ACCEPT, f"person_link:{accepted.id}"),
        ]
    assert [e.action for e in audit.query(subject_id=sibling_id.master_id)] == [
        AuditAction.LINK_REJECT
    ]
    with engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(sa.select(audit_events)) for v in row)
    assert not {"Ada", "Adah", "Bo", "Ng", "NG", "2019", "9434765919"} & set(stored.split())
    assert "9434765919" not in stored


def test_without_a_resolver_decisions_name_the_records_only(
    store: LinkStore, engine: sa.Engine
) -> None:
    [link] = store.propose([proposal(CHILD, POLICE_SIBLING)])
    store.reject(link.id, OFFICER)
    audit = AuditLog(engine, key=b"a" * 32)
    assert len(audit.query(action=AuditAction.LINK_REJECT)) == 2


def test_a_decided_link_cannot_be_decided_again(store: LinkStore) -> None:
    [link] = store.propose([proposal(CHILD, POLICE_CHILD)])
    store.accept(link.id, OFFICER)
    with pytest.raises(LinkReviewError, match="already accepted"):
        store.reject(link.id, OFFICER)
    with pytest.raises(LinkReviewError, match="no proposed link has id 999"):
        store.accept(999, OFFICER)


def test_a_link_joining_two_nhs_numbers_is_refused(store: LinkStore) -> None:
    other = Person(source_system="health", person_key="H9", nhs_number="4010232137")
    resolver = DeterministicResolver([CHILD, other], key=KEY)
    [link] = store.propose([proposal(CHILD, other)])
    with pytest.raises(LinkReviewError, match="two different NHS numbers"):
        store.accept(link.id, OFFICER, resolver=resolver)
    assert store.get(link.id).status is LinkStatus.PROPOSED


def test_manual_links_are_accepted_and_audited(store: LinkStore) -> None:
    link = store.link(("police", "PN7"), ("lcs", "C1"), OFFICER)
    assert (link.method, link.status, link.left) == (
        LinkMethod.MANUAL,
        LinkStatus.ACCEPTED,
        ("lcs", "C1"),
    )
    with pytest.raises(LinkReviewError, match="already have a link"):
        store.link(("lcs", "C1"), ("police", "PN7"), OFFICER)


def test_the_resolver_joins_accepted_links_but_never_two_nhs_numbers(store: LinkStore) -> None:
    other = Person(source_system="health", person_key="H9", nhs_number="4010232137")
    people = [CHILD, POLICE_CHILD, other]
    assert DeterministicResolver(people, key=KEY).resolve("source_id", "police:PN7") != (
        DeterministicResolver(people, key=KEY).resolve("source_id", "lcs:C1")
    )
    store.link(("lcs", "C1"), ("police", "PN7"), OFFICER)
    [bad] = store.propose([proposal(CHILD, other)])
    store.accept(bad.id, OFFICER)  # no resolver given: stored, but never used to join
    resolver = DeterministicResolver(people, key=KEY, accepted=store.accepted())
    subject = resolver.resolve("nhs_number", "9434765919")
    assert subject is not None
    assert subject.keys_for("police", "source_id") == ("PN7",)
    assert LinkMethod.MANUAL in subject.methods
    assert resolver.resolve("source_id", "health:H9") != subject


def test_a_linked_record_no_person_view_holds_still_gives_its_key(store: LinkStore) -> None:
    store.link(("lcs", "C1"), ("police", "PN99"), OFFICER)
    resolver = DeterministicResolver([CHILD], key=KEY, accepted=store.accepted())
    subject = resolver.resolve("source_id", "lcs:C1")
    assert subject is not None
    assert subject.keys_for("police", "source_id") == ("PN99",)


def test_splink_proposes_above_the_threshold_only() -> None:
    proposals = SplinkLinker().propose([CHILD, POLICE_CHILD, POLICE_SIBLING])
    assert [(p.left.person_key, p.right.person_key) for p in proposals] == [("C1", "PN7")]
    assert proposals[0].match_weight is not None
    assert proposals[0].match_weight >= 8
    assert proposals[0].matched_fields == ("given_name", "family_name", "birth_date")
    assert SplinkLinker(threshold_weight=2).propose([CHILD, POLICE_SIBLING])


def test_splink_counts_a_postcode_for_and_against() -> None:
    pair = [CHILD, POLICE_CHILD]
    same = SplinkLinker().propose(
        pair, postcodes={("lcs", "C1"): "ab1 2cd", ("police", "PN7"): "AB12CD"}
    )
    differ = SplinkLinker().propose(
        pair, postcodes={("lcs", "C1"): "AB1 2CD", ("police", "PN7"): "ZZ9 9ZZ"}
    )
    assert same[0].match_weight is not None
    assert same[0].match_weight > 19
    assert "postcode" in same[0].matched_fields
    assert differ == []  # 10.3 less about 3.3 falls below 8


RULES = AccessRules.from_yaml(
    """
roles:
  social_worker:
    views: [timeline, contacts]
    event_kinds: ["*"]
    sensitivities: [standard, sensitive, restricted]
    requires_relationship: false
"""
)


def test_police_known_only_by_name_and_birth_date_joins_through_an_accepted_link(
    engine: sa.Engine, store: LinkStore
) -> None:
    lcs = InMemoryConnector(
        "lcs",
        people=[CHILD],
        events=[
            TimelineEvent(
                source_system="lcs",
                source_ref="c1",
                person_key="C1",
                kind="social_care.contact",
                period_start=datetime(2026, 2, 3),
            )
        ],
    )
    police = InMemoryConnector(
        "police",
        people=[POLICE_CHILD, POLICE_SIBLING],
        events=[
            TimelineEvent(
                source_system="police",
                source_ref=f"n{key}",
                person_key=key,
                kind="police.domestic_abuse_notification",
                period_start=datetime(2026, 3, 4),
            )
            for key in ("PN7", "PN8")
        ],
    )
    people = [*lcs.people, *police.people]
    audit = AuditLog(engine, key=b"a" * 32)
    viewer = Viewer(id="sw", name="Sam", role="social_worker", organisation="LA")
    reason = AccessReason(reason="assessment")

    def police_refs() -> list[str]:
        resolver = DeterministicResolver(people, key=KEY, accepted=store.accepted())
        service = TimelineService(
            [lcs, police], resolver=resolver, policy=AccessPolicy(RULES), audit=audit
        )
        subject = resolver.resolve("nhs_number", "943 476 5919")
        assert subject is not None
        result = service.timeline(viewer, subject.master_id, reason)
        assert result.allowed
        assert result.page is not None
        return [e.id for e in result.page.entries if e.id.startswith("police:")]

    assert police_refs() == []
    before = DeterministicResolver(people, key=KEY)
    proposals = store.propose(SplinkLinker().propose(people), resolver=before)
    assert [(p.left, p.right) for p in proposals] == [(("lcs", "C1"), ("police", "PN7"))]
    store.accept(proposals[0].id, OFFICER, resolver=before)
    assert police_refs() == ["police:nPN7"]


def test_the_review_fragment_lists_proposals_with_weights_and_forms(
    store: LinkStore, engine: sa.Engine
) -> None:
    links = store.propose([proposal(CHILD, POLICE_CHILD)])
    html = render_link_review(
        links,
        action="/links/review",
        csrf_token="tok-123",
        people={("lcs", "C1"): CHILD, ("police", "PN7"): POLICE_CHILD},
        source_labels={"police": "Police"},
        audit=AuditLog(engine, key=b"a" * 32),
        viewer=OFFICER,
    )
    assert "10.3" in html
    assert "0.9990" in html
    assert "Date of birth" in html
    assert 'value="tok-123"' in html
    assert 'value="accept"' in html
    assert 'value="reject"' in html
    assert "Police PN7: Adah NG, born 1 May 2019" in html
    empty = render_link_review([], action="/links/review", csrf_token="t")
    assert "There are no proposed links to review." in empty
    with pytest.raises(RenderingError):
        render_link_review(links, action="/links/review", csrf_token="")


def test_only_a_role_with_the_audit_permission_decides_or_links(
    store: LinkStore, engine: sa.Engine
) -> None:
    [link] = store.propose([proposal(CHILD, POLICE_CHILD)])
    for viewer in (
        Viewer(id="sam", name="Sam", role="social_worker", organisation="LA"),
        Viewer(id="eve", name="Eve", role="anyrole", organisation="LA"),
    ):
        with pytest.raises(AuditPermissionError, match="no audit permission"):
            store.accept(link.id, viewer)
        with pytest.raises(AuditPermissionError):
            store.reject(link.id, viewer)
        with pytest.raises(AuditPermissionError):
            store.link(("lcs", "C1"), ("police", "PN8"), viewer)
    assert [pending.id for pending in store.pending()] == [link.id]
    assert store.accepted() == []
    with engine.connect() as conn:
        assert conn.execute(sa.select(audit_events)).first() is None


def test_showing_records_names_on_the_review_fragment_is_audited_per_record(
    store: LinkStore, engine: sa.Engine
) -> None:
    links = store.propose([proposal(CHILD, POLICE_CHILD), proposal(CHILD, POLICE_SIBLING)])
    people = {("lcs", "C1"): CHILD, ("police", "PN7"): POLICE_CHILD}
    with pytest.raises(RenderingError, match="audit log and the viewer"):
        render_link_review(links, action="/l", csrf_token="t", people=people)
    audit = AuditLog(engine, key=b"a" * 32)
    render_link_review(
        links, action="/l", csrf_token="t", people=people, audit=audit, viewer=OFFICER
    )
    events = audit.query(action=AuditAction.LINK_REVIEW)
    assert sorted(e.subject_ref for e in events) == sorted(
        [audit.subject_ref("lcs:C1"), audit.subject_ref("police:PN7")]
    )
    assert {e.actor_id for e in events} == {"ig-1"}
    render_link_review(links, action="/l", csrf_token="t")  # no names shown: nothing to audit
    assert len(audit.query(action=AuditAction.LINK_REVIEW)) == 2
