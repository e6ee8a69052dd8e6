"""Properties of identity linking over random records from several sources."""

from __future__ import annotations

from collections import defaultdict
from random import Random

from hypothesis import given
from hypothesis import strategies as st

from familyhubs_sdk.timeline._identity import DeterministicResolver, link_people
from familyhubs_sdk.views._canonical import Person
from familyhubs_sdk.views._identifiers import upn_check_letter

SOURCES = ("lcs", "ehm", "school", "health")
KEY = b"k" * 32  # keys the master ids


def _nhs_check_digit(body: str) -> int | None:
    check = 11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11
    return None if check == 10 else check % 11


@st.composite
def nhs_numbers(draw: st.DrawFn) -> str:
    """A valid NHS number: nine digits and their modulus 11 check digit (bodies checking to 10
    have no valid number, so they are redrawn)."""
    body = draw(
        st.text("0123456789", min_size=9, max_size=9).filter(
            lambda body: _nhs_check_digit(body) is not None
        )
    )
    return f"{body}{_nhs_check_digit(body)}"


def upns() -> st.SearchStrategy[str]:
    """A valid permanent UPN: its check letter and twelve digits."""
    return st.text("0123456789", min_size=12, max_size=12).map(
        lambda body: upn_check_letter(body) + body
    )


@st.composite
def people(draw: st.DrawFn) -> list[Person]:
    """Records drawing on small pools of identifiers, so that links and conflicts are common."""
    nhs_pool = draw(st.lists(nhs_numbers(), min_size=1, max_size=3, unique=True))
    upn_pool = draw(st.lists(upns(), min_size=1, max_size=3, unique=True))
    la_pool = ["LA-1", "LA-2", "LA-3"]
    refs = draw(
        st.lists(
            st.tuples(st.sampled_from(SOURCES), st.sampled_from(["P1", "P2", "P3", "P4"])),
            max_size=12,
            unique=True,
        )
    )
    return [
        Person(
            source_system=source,
            person_key=key,
            nhs_number=draw(st.none() | st.sampled_from(nhs_pool)),
            upn=draw(st.none() | st.sampled_from(upn_pool)),
            la_person_id=draw(st.none() | st.sampled_from(la_pool)),
        )
        for source, key in refs
    ]


@given(people(), st.randoms(use_true_random=False))
def test_linking_does_not_depend_on_input_order(records: list[Person], rng: Random) -> None:
    shuffled = list(records)
    rng.shuffle(shuffled)

    assert link_people(shuffled, key=KEY) == link_people(records, key=KEY)


@given(people())
def test_no_person_ever_holds_two_nhs_numbers(records: list[Person]) -> None:
    masters = {
        (link.source_system, link.person_key): link.master_id
        for link in link_people(records, key=KEY)
    }
    nhs_by_master: dict[str, set[str]] = defaultdict(set)
    for record in records:
        if record.nhs_number is not None:
            nhs_by_master[masters[record.source_system, record.person_key]].add(record.nhs_number)

    assert all(len(numbers) == 1 for numbers in nhs_by_master.values())


@given(people())
def test_records_sharing_an_nhs_number_are_always_one_person(records: list[Person]) -> None:
    masters = {
        (link.source_system, link.person_key): link.master_id
        for link in link_people(records, key=KEY)
    }
    by_nhs: dict[str, set[str]] = defaultdict(set)
    for record in records:
        if record.nhs_number is not None:
            by_nhs[record.nhs_number].add(masters[record.source_system, record.person_key])

    assert all(len(found) == 1 for found in by_nhs.values())


@given(people())
def test_every_record_gets_exactly_one_link(records: list[Person]) -> None:
    links = link_people(records, key=KEY)
    linked = [(link.source_system, link.person_key) for link in links]

    assert sorted(linked) == sorted((r.source_system, r.person_key) for r in records)


@given(people())
def test_every_record_resolves_to_its_own_person(records: list[Person]) -> None:
    resolver = DeterministicResolver(records, key=KEY)
    masters = {(link.source_system, link.person_key): link.master_id for link in resolver.links}

    for record in records:
        subject = resolver.resolve("source_id", f"{record.source_system}:{record.person_key}")
        assert subject is not None
        assert subject.master_id == masters[record.source_system, record.person_key]
        assert record.person_key in subject.keys_by_source[record.source_system]
        if record.nhs_number is not None:
            assert resolver.resolve("nhs_number", record.nhs_number) == subject
