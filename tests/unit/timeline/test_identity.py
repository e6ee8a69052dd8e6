"""Identity resolution: the linking rules and their conflicts, master ids, lookups and keys."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re

import pytest
from pydantic import SecretStr

from familyhubs_sdk._config import Settings
from familyhubs_sdk.errors import ConfigurationError, IdentifierError
from familyhubs_sdk.testing import InMemoryConnector
from familyhubs_sdk.timeline._identity import (
    MASTER_ID,
    DeterministicResolver,
    IdentityResolver,
    LinkProposal,
    ProbabilisticLinker,
    ResolvedSubject,
    accept_proposals,
    keys_by_source,
    link_people,
)
from familyhubs_sdk.views._canonical import Person, PersonLink
from familyhubs_sdk.views._vocab import IdentifierType, LinkMethod

# Valid NHS numbers (modulus 11) and UPNs (modulus 23 check letter); none is a real person's.
NHS_1, NHS_2, NHS_3 = "9434765919", "9434765927", "9434765935"
UPN_1, UPN_2, UPN_3 = "V801200199003", "J801200199004", "Y801200199005"
#: Keys the master ids, as settings.derived_key("master_id") does in a portal.
KEY = b"k" * 32


def person(source: str, key: str, **identifiers: str) -> Person:
    return Person(source_system=source, person_key=key, **identifiers)


def by_ref(links: list[PersonLink]) -> dict[tuple[str, str], PersonLink]:
    return {(link.source_system, link.person_key): link for link in links}


def together(links: list[PersonLink], *refs: tuple[str, str]) -> bool:
    found = by_ref(links)
    return len({found[ref].master_id for ref in refs}) == 1


# --- rule 1: NHS number -------------------------------------------------------------------------


def test_records_sharing_an_nhs_number_are_one_person() -> None:
    links = link_people(
        [
            person("lcs", "C1", nhs_number="943 476 5919"),
            person("ehm", "E1", nhs_number="943-476-5919"),
            person("health", "H1", nhs_number=NHS_1, upn=UPN_1),
            person("health", "H2", nhs_number=NHS_2),
        ],
        key=KEY,
    )
    found = by_ref(links)

    assert together(links, ("lcs", "C1"), ("ehm", "E1"), ("health", "H1"))
    assert found["health", "H2"].master_id != found["lcs", "C1"].master_id
    assert {found[ref].method for ref in [("lcs", "C1"), ("ehm", "E1"), ("health", "H1")]} == {
        LinkMethod.NHS_NUMBER
    }
    assert all(link.confidence == 1.0 for link in links)


# --- rule 2: UPN --------------------------------------------------------------------------------


def test_records_sharing_a_upn_join_the_nhs_number_cluster() -> None:
    links = link_people(
        [
            person("lcs", "C1", nhs_number=NHS_1),
            person("health", "H1", nhs_number=NHS_1, upn=UPN_1),
            person("school", "S1", upn=UPN_1.lower()),
        ],
        key=KEY,
    )
    found = by_ref(links)

    assert together(links, ("lcs", "C1"), ("health", "H1"), ("school", "S1"))
    # Each record keeps the strongest identifier that joined it to the others.
    assert found["lcs", "C1"].method is LinkMethod.NHS_NUMBER
    assert found["health", "H1"].method is LinkMethod.NHS_NUMBER
    assert found["school", "S1"].method is LinkMethod.UPN


def test_records_sharing_only_a_upn_are_linked_by_upn() -> None:
    links = link_people(
        [person("school", "S1", upn=UPN_1), person("ehm", "E1", upn=UPN_1)], key=KEY
    )

    assert together(links, ("school", "S1"), ("ehm", "E1"))
    assert {link.method for link in links} == {LinkMethod.UPN}


def test_a_upn_held_with_two_nhs_numbers_links_nothing() -> None:
    links = link_people(
        [
            person("health", "H1", nhs_number=NHS_1, upn=UPN_1),
            person("health", "H2", nhs_number=NHS_2, upn=UPN_1),
            person("school", "S1", upn=UPN_1),
        ],
        key=KEY,
    )

    assert len({link.master_id for link in links}) == 3
    # Alone, each record carries its own strongest identifier.
    assert [link.method for link in links] == [
        LinkMethod.NHS_NUMBER,
        LinkMethod.NHS_NUMBER,
        LinkMethod.UPN,
    ]


def test_an_unambiguous_upn_still_links_beside_a_conflicting_one() -> None:
    links = link_people(
        [
            person("health", "H1", nhs_number=NHS_1, upn=UPN_1),
            person("health", "H2", nhs_number=NHS_1, upn=UPN_2),
            person("health", "H3", nhs_number=NHS_2, upn=UPN_2),
            person("school", "S1", upn=UPN_1),
        ],
        key=KEY,
    )
    found = by_ref(links)

    assert together(links, ("health", "H1"), ("health", "H2"), ("school", "S1"))
    assert found["health", "H3"].master_id != found["health", "H1"].master_id


# --- rule 3: LA person id -----------------------------------------------------------------------


def test_records_sharing_an_la_person_id_are_linked() -> None:
    links = link_people(
        [
            person("lcs", "C1", nhs_number=NHS_1, la_person_id="LA-1"),
            person("ehm", "E1", la_person_id="LA-1"),
            person("ehm", "E2", la_person_id="LA-2"),
        ],
        key=KEY,
    )
    found = by_ref(links)

    assert together(links, ("lcs", "C1"), ("ehm", "E1"))
    assert found["lcs", "C1"].method is LinkMethod.LA_PERSON_ID
    assert found["ehm", "E1"].method is LinkMethod.LA_PERSON_ID
    assert found["ehm", "E2"].master_id != found["ehm", "E1"].master_id


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"nhs_number": NHS_1}, {"nhs_number": NHS_2}),
        ({"upn": UPN_1}, {"upn": UPN_2}),
        ({"nhs_number": NHS_1}, {"upn": UPN_2, "nhs_number": NHS_2}),
    ],
    ids=["different-nhs-numbers", "different-upns", "both"],
)
def test_an_la_person_id_never_joins_different_identifiers(
    first: dict[str, str], second: dict[str, str]
) -> None:
    links = link_people(
        [
            person("lcs", "C1", la_person_id="LA-1", **first),
            person("ehm", "E1", la_person_id="LA-1", **second),
        ],
        key=KEY,
    )

    assert len({link.master_id for link in links}) == 2


def test_an_la_person_id_joins_upns_already_held_together() -> None:
    # H1 and H2 are one child by NHS number, with two UPNs; E1's UPN is also on another child's
    # record (so UPN alone cannot place it), but its LA person id can.
    links = link_people(
        [
            person("health", "H1", nhs_number=NHS_1, upn=UPN_1),
            person("health", "H2", nhs_number=NHS_1, upn=UPN_2, la_person_id="LA-1"),
            person("health", "H3", nhs_number=NHS_2, upn=UPN_2),
            person("ehm", "E1", upn=UPN_2, la_person_id="LA-1"),
        ],
        key=KEY,
    )
    found = by_ref(links)

    assert together(links, ("health", "H1"), ("health", "H2"), ("ehm", "E1"))
    assert found["ehm", "E1"].method is LinkMethod.LA_PERSON_ID
    assert found["health", "H3"].master_id != found["health", "H1"].master_id


def test_links_that_together_would_join_two_children_are_not_made() -> None:
    # C1/C2 are one child with two LA ids; E1 and E2 are different children (different UPNs).
    # Either link alone is safe, both together would join two children: which one is right is
    # unknown, so neither is made.
    people = [
        person("lcs", "C1", nhs_number=NHS_1, la_person_id="LA-1"),
        person("lcs", "C2", nhs_number=NHS_1, la_person_id="LA-2"),
        person("ehm", "E1", upn=UPN_1, la_person_id="LA-1"),
        person("ehm", "E2", upn=UPN_2, la_person_id="LA-2"),
    ]
    links = link_people(people, key=KEY)

    assert len({link.master_id for link in links}) == 3
    assert together(links, ("lcs", "C1"), ("lcs", "C2"))
    assert link_people(people[::-1], key=KEY) == links


# --- records alone, records given twice ---------------------------------------------------------


@pytest.mark.parametrize(
    ("identifiers", "method"),
    [
        ({"nhs_number": NHS_1, "upn": UPN_1, "la_person_id": "LA-1"}, LinkMethod.NHS_NUMBER),
        ({"upn": UPN_1, "la_person_id": "LA-1"}, LinkMethod.UPN),
        ({"la_person_id": "LA-1"}, LinkMethod.LA_PERSON_ID),
        ({}, LinkMethod.MANUAL),
    ],
)
def test_a_record_alone_gets_its_strongest_identifier_or_manual(
    identifiers: dict[str, str], method: LinkMethod
) -> None:
    [link] = link_people([person("lcs", "C1", **identifiers)], key=KEY)

    assert link.method is method
    assert link.confidence == 1.0


def test_a_record_given_twice_is_linked_once() -> None:
    record = person("lcs", "C1", nhs_number=NHS_1)

    assert len(link_people([record, record, person("ehm", "E1", nhs_number=NHS_1)], key=KEY)) == 2


def test_a_key_given_twice_with_different_identifiers_is_refused() -> None:
    with pytest.raises(ValueError, match="'lcs'") as caught:
        link_people(
            [person("lcs", "C1", nhs_number=NHS_1), person("lcs", "C1", nhs_number=NHS_2)], key=KEY
        )

    assert NHS_1 not in str(caught.value)


def test_no_people_no_links() -> None:
    assert link_people([], key=KEY) == []


# --- master ids and order -----------------------------------------------------------------------

PEOPLE = [
    person("lcs", "C1", nhs_number=NHS_1, la_person_id="LA-1"),
    person("ehm", "E1", nhs_number=NHS_1, upn=UPN_1),
    person("school", "S1", upn=UPN_1),
    person("ehm", "E2", la_person_id="LA-1"),
    person("school", "S2", upn=UPN_2, la_person_id="LA-9"),
    person("health", "H1", nhs_number=NHS_2),
    person("police", "P1"),
]


def test_master_id_is_a_keyed_hash_of_the_smallest_source_key() -> None:
    links = link_people(PEOPLE, key=KEY)
    master = by_ref(links)["lcs", "C1"].master_id
    digest = hmac.new(KEY, json.dumps(["ehm", "E1"]).encode(), hashlib.sha256).hexdigest()

    assert master == f"m_{digest[:32]}"
    assert all(re.fullmatch(r"m_[0-9a-f]{32}", link.master_id) for link in links)
    assert not any(
        secret in link.master_id for link in links for secret in (NHS_1, UPN_1, "C1", "LA-1")
    )


def test_record_ids_cannot_be_computed_from_source_keys_without_the_secret() -> None:
    # Finding: record URL ids were unkeyed SHA-256 of (often sequential) source keys, and a
    # source keyed by NHS number made them a reversible hash of the NHS number.
    keyed_by_nhs = [person("gp", NHS_1, nhs_number=NHS_1), person("gp", NHS_2, nhs_number=NHS_2)]
    sequential = [person("lcs", str(n)) for n in range(1, 50)]
    ids = {link.master_id for link in link_people([*keyed_by_nhs, *sequential], key=KEY)}

    def unkeyed(ref: list[str], length: int) -> str:
        return f"m_{hashlib.sha256(json.dumps(ref).encode()).hexdigest()[:length]}"

    guesses = {
        unkeyed([source, key], length)
        for source, key in [("gp", NHS_1), ("gp", NHS_2), *(("lcs", str(n)) for n in range(50))]
        for length in (16, 32)
    }
    assert not ids & guesses
    # Deterministic for one key; another key (a rotated secret) gives other ids.
    assert ids == {link.master_id for link in link_people([*sequential, *keyed_by_nhs], key=KEY)}
    rotated = {link.master_id for link in link_people([*keyed_by_nhs, *sequential], key=b"r" * 32)}
    assert not ids & rotated
    resolver = DeterministicResolver(keyed_by_nhs, key=KEY)
    found = resolver.resolve("nhs_number", NHS_1)
    assert found is not None
    assert found.master_id in ids
    assert NHS_1 not in found.master_id


@pytest.mark.parametrize("key", [b"", b"short", b"k" * 31])
def test_master_ids_need_a_key_of_at_least_32_bytes(key: bytes) -> None:
    with pytest.raises(ConfigurationError, match="FAMILYHUBS_SECRET_KEY"):
        DeterministicResolver(PEOPLE, key=key)
    with pytest.raises(ConfigurationError):
        link_people(PEOPLE, key=key)
    with pytest.raises(ConfigurationError):
        accept_proposals([], 0.5, key=key)


def test_the_key_comes_from_the_settings_secret() -> None:
    with pytest.raises(ConfigurationError, match="FAMILYHUBS_SECRET_KEY"):
        Settings(secret_key=None).derived_key("master_id")
    settings = Settings(secret_key=SecretStr("s" * 48))
    key = settings.derived_key("master_id")
    assert key != settings.derived_key("audit")
    assert DeterministicResolver(PEOPLE, key=key).links == tuple(link_people(PEOPLE, key=key))


def test_links_do_not_depend_on_the_order_of_the_records() -> None:
    expected = link_people(PEOPLE, key=KEY)

    for order in itertools.islice(itertools.permutations(PEOPLE), 0, None, 97):
        assert link_people(order, key=KEY) == expected


def test_links_are_ordered_by_source_and_key() -> None:
    links = link_people(PEOPLE, key=KEY)

    assert [(link.source_system, link.person_key) for link in links] == sorted(
        (p.source_system, p.person_key) for p in PEOPLE
    )


# --- the resolver -------------------------------------------------------------------------------


@pytest.fixture
def resolver() -> DeterministicResolver:
    return DeterministicResolver(PEOPLE, key=KEY)


def test_resolver_is_an_identity_resolver(resolver: DeterministicResolver) -> None:
    assert isinstance(resolver, IdentityResolver)
    assert resolver.links == tuple(link_people(PEOPLE, key=KEY))


def test_resolved_subject_holds_every_identifier_and_key(resolver: DeterministicResolver) -> None:
    subject = resolver.resolve(IdentifierType.NHS_NUMBER, NHS_1)

    assert subject is not None
    assert subject.nhs_numbers == {NHS_1}
    assert subject.upns == {UPN_1}
    assert subject.la_person_ids == {"LA-1"}
    assert dict(subject.keys_by_source) == {
        "ehm": ("E1", "E2"),
        "lcs": ("C1",),
        "school": ("S1",),
    }
    assert subject.methods == {LinkMethod.NHS_NUMBER, LinkMethod.UPN, LinkMethod.LA_PERSON_ID}
    assert hash(subject) == hash(resolver.subject(subject.master_id))


@pytest.mark.parametrize(
    ("identifier_type", "value"),
    [
        (IdentifierType.NHS_NUMBER, "943 476 5919"),
        ("nhs_number", "943-476-5919"),
        ("nhs_number", " 9434765919 "),
        (IdentifierType.UPN, "v801 2001 9900 3"),
        ("la_person_id", " LA-1 "),
        ("source_id", "ehm:E2"),
        (IdentifierType.SOURCE_ID, "school:S1"),
    ],
)
def test_resolve_normalises_what_was_typed(
    resolver: DeterministicResolver, identifier_type: str, value: str
) -> None:
    subject = resolver.resolve(identifier_type, value)

    assert subject is not None
    assert subject.nhs_numbers == {NHS_1}


def test_resolve_by_master_id(resolver: DeterministicResolver) -> None:
    subject = resolver.resolve("nhs_number", NHS_2)
    assert subject is not None

    assert resolver.resolve(MASTER_ID, subject.master_id) == subject
    assert resolver.subject(subject.master_id) == subject
    assert resolver.subject("m_0000000000000000") is None


@pytest.mark.parametrize(
    ("identifier_type", "value"),
    [
        ("nhs_number", NHS_3),
        ("upn", UPN_3),
        ("la_person_id", "LA-404"),
        ("source_id", "lcs:C404"),
        ("source_id", "unknown:C1"),
    ],
)
def test_resolve_an_unknown_identifier_is_none(
    resolver: DeterministicResolver, identifier_type: str, value: str
) -> None:
    assert resolver.resolve(identifier_type, value) is None


@pytest.mark.parametrize(
    ("identifier_type", "value"),
    [
        ("nhs_number", "943 476 5918"),
        ("nhs_number", "94347659"),
        ("nhs_number", ""),
        ("upn", "A801200199003"),
        ("upn", "V80120019900"),
        ("la_person_id", "   "),
        ("source_id", "C1"),
        ("source_id", "lcs:"),
        ("source_id", ":C1"),
        ("passport", "123"),
    ],
)
def test_resolve_an_invalid_identifier_raises(
    resolver: DeterministicResolver, identifier_type: str, value: str
) -> None:
    with pytest.raises(IdentifierError) as caught:
        resolver.resolve(identifier_type, value)

    if value.strip():
        assert value.strip() not in str(caught.value)


def test_resolve_an_identifier_held_by_two_unlinked_people_raises() -> None:
    resolver = DeterministicResolver(
        [
            person("health", "H1", nhs_number=NHS_1, upn=UPN_1),
            person("health", "H2", nhs_number=NHS_2, upn=UPN_1),
        ],
        key=KEY,
    )

    with pytest.raises(IdentifierError, match="more than one person"):
        resolver.resolve("upn", UPN_1)
    assert resolver.resolve("nhs_number", NHS_2) is not None


# --- keys to ask each source for ----------------------------------------------------------------

SUBJECT = ResolvedSubject(
    master_id="m_1",
    nhs_numbers=frozenset({NHS_1}),
    upns=frozenset({UPN_2, UPN_1}),
    la_person_ids=frozenset({"LA-1"}),
    keys_by_source={"lcs": ("C1",), "ehm": ("E1", "E2")},
)


@pytest.mark.parametrize(
    ("connector", "identifier", "keys"),
    [
        ("health", IdentifierType.NHS_NUMBER, (NHS_1,)),
        ("school", IdentifierType.UPN, (UPN_2, UPN_1)),
        ("ehm", IdentifierType.LA_PERSON_ID, ("LA-1",)),
        ("ehm", IdentifierType.SOURCE_ID, ("E1", "E2")),
        ("lcs", "source_id", ("C1",)),
        ("police", IdentifierType.SOURCE_ID, ()),
    ],
)
def test_keys_for_each_identifier_type(
    connector: str, identifier: IdentifierType | str, keys: tuple[str, ...]
) -> None:
    assert SUBJECT.keys_for(connector, identifier) == keys


def test_keys_for_a_subject_without_that_identifier_is_empty() -> None:
    bare = ResolvedSubject(master_id="m_2")

    assert all(bare.keys_for("any", kind) == () for kind in IdentifierType)


def test_keys_by_source_maps_each_connector_and_skips_those_without_keys() -> None:
    connectors = [
        InMemoryConnector("health", identifier=IdentifierType.NHS_NUMBER),
        InMemoryConnector("police"),
        InMemoryConnector("ehm"),
        InMemoryConnector("school", identifier=IdentifierType.UPN),
    ]

    assert keys_by_source(SUBJECT, connectors) == {
        "health": [NHS_1],
        "ehm": ["E1", "E2"],
        "school": [UPN_2, UPN_1],
    }


# --- probabilistic proposals --------------------------------------------------------------------


def proposal(left: Person, right: Person, score: float) -> LinkProposal:
    return LinkProposal(left, right, score, matched_fields=("family_name", "birth_date"))


A = person("lcs", "C1")
B = person("ehm", "E1")
C = person("school", "S1")


def test_proposals_at_or_above_the_threshold_become_probabilistic_links() -> None:
    links = accept_proposals([proposal(A, B, 0.9), proposal(B, C, 0.95)], threshold=0.9, key=KEY)
    found = by_ref(links)

    assert together(links, ("lcs", "C1"), ("ehm", "E1"), ("school", "S1"))
    assert {link.method for link in links} == {LinkMethod.PROBABILISTIC}
    assert found["lcs", "C1"].confidence == 0.9
    assert found["ehm", "E1"].confidence == 0.95
    assert found["school", "S1"].confidence == 0.95


def test_proposals_below_the_threshold_never_merge() -> None:
    assert accept_proposals([proposal(A, B, 0.89)], threshold=0.9, key=KEY) == []

    links = accept_proposals([proposal(A, B, 0.95), proposal(B, C, 0.5)], threshold=0.9, key=KEY)
    assert {(link.source_system, link.person_key) for link in links} == {
        ("lcs", "C1"),
        ("ehm", "E1"),
    }


def test_proposals_never_join_different_identifiers() -> None:
    first = person("health", "H1", nhs_number=NHS_1)
    second = person("health", "H2", nhs_number=NHS_2)
    bridge = person("ehm", "E9")

    assert accept_proposals([proposal(first, second, 0.99)], threshold=0.5, key=KEY) == []
    # Through a third record, too.
    assert (
        accept_proposals(
            [proposal(first, bridge, 0.99), proposal(bridge, second, 0.99)], 0.5, key=KEY
        )
        == []
    )


@pytest.mark.parametrize("score", [-0.1, 1.1, float("nan")])
def test_a_proposal_score_is_between_0_and_1(score: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        proposal(A, B, score)


def test_a_proposal_links_two_different_records() -> None:
    with pytest.raises(ValueError, match="two different records"):
        proposal(A, person("lcs", "C1"), 0.9)


@pytest.mark.parametrize("threshold", [-0.1, 1.5, float("nan")])
def test_the_threshold_is_between_0_and_1(threshold: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        accept_proposals([], threshold, key=KEY)


def test_a_linker_adapter_satisfies_the_protocol() -> None:
    class SameFamilyName:
        def propose(self, people: list[Person]) -> list[LinkProposal]:
            return [
                LinkProposal(left, right, 0.8, ("family_name",))
                for left, right in itertools.combinations(people, 2)
                if left.family_name == right.family_name
            ]

    linker = SameFamilyName()
    people = [
        Person(source_system="lcs", person_key="C1", family_name="Smith"),
        Person(source_system="ehm", person_key="E1", family_name="Smith"),
    ]

    assert isinstance(linker, ProbabilisticLinker)
    assert len(accept_proposals(linker.propose(people), threshold=0.8, key=KEY)) == 2


# -- accepted links --------------------------------------------------------------------------


class _Accepted:
    """An accepted link as the resolver reads it (a ReviewedLink has the same shape)."""

    def __init__(
        self, left: tuple[str, str], right: tuple[str, str], method: LinkMethod = LinkMethod.MANUAL
    ) -> None:
        self.left, self.right, self.method = left, right, method


def test_accepted_links_join_records_no_identifier_joins() -> None:
    people = [person("lcs", "C1", nhs_number=NHS_1), person("police", "PN7")]
    alone = DeterministicResolver(people, key=KEY)
    assert alone.resolve("source_id", "police:PN7") != alone.resolve("nhs_number", NHS_1)
    accepted = [_Accepted(("police", "PN7"), ("lcs", "C1"), LinkMethod.PROBABILISTIC)]
    linked = DeterministicResolver(people, key=KEY, accepted=accepted)
    subject = linked.resolve("nhs_number", NHS_1)
    assert subject is not None
    assert subject.keys_for("police", IdentifierType.SOURCE_ID) == ("PN7",)
    assert LinkMethod.PROBABILISTIC in subject.methods
    assert {link.method for link in linked.links if link.source_system == "police"} == {
        LinkMethod.PROBABILISTIC
    }
    # The child keeps the master id they had: the police record sorts after theirs.
    assert subject.master_id == alone.resolve("nhs_number", NHS_1).master_id  # type: ignore[union-attr]


def test_accepted_links_never_join_two_nhs_numbers_in_any_order() -> None:
    people = [
        person("lcs", "C1", nhs_number=NHS_1),
        person("lcs", "C2", nhs_number=NHS_2),
        person("police", "PN7"),
    ]
    links = [
        _Accepted(("police", "PN7"), ("lcs", "C1")),
        _Accepted(("police", "PN7"), ("lcs", "C2")),
    ]
    for order in itertools.permutations(links):
        resolver = DeterministicResolver(people, key=KEY, accepted=order)
        first, second = resolver.resolve("nhs_number", NHS_1), resolver.resolve("nhs_number", NHS_2)
        assert first is not None
        assert second is not None
        assert first.keys_for("police", "source_id") == second.keys_for("police", "source_id") == ()


def test_proposals_carry_a_finite_match_weight() -> None:
    left, right = person("lcs", "C1"), person("police", "PN7")
    assert LinkProposal(left, right, score=0.9, match_weight=9.5).match_weight == 9.5
    with pytest.raises(ValueError, match="finite"):
        LinkProposal(left, right, score=0.9, match_weight=float("inf"))
