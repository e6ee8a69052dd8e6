"""Name matching tolerant of case, accents, apostrophes and hyphens; identifier masking."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyhubs_sdk.timeline._names import mask_identifier, normalise_name


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("zoe", "Zoë"),
        ("OBRIEN", "O’Brien"),
        ("o'brien", "O‘Brien"),
        ("Smith Jones", "Smith-Jones"),
        ("smith jones", "Smith\u2013Jones"),
        ("  Ana   Maria ", "Ana María"),
        ("francois", "François"),
    ],
)
def test_typed_names_match_stored_names(typed: str, stored: str) -> None:
    assert normalise_name(typed) == normalise_name(stored)


def test_different_names_stay_different() -> None:
    assert normalise_name("Ann") != normalise_name("Anne")


@given(st.text())
def test_normalising_is_idempotent(name: str) -> None:
    once = normalise_name(name)
    assert normalise_name(once) == once


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("9434765919", "*** *** 5919"),
        ("943 476 5919", "*** *** 5919"),
        ("A123456789012", "*********9012"),
        ("123", "***"),
    ],
)
def test_masking_keeps_only_the_last_four(value: str, masked: str) -> None:
    assert mask_identifier(value) == masked
