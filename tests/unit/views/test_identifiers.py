from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyhubs_sdk.errors import IdentifierError
from familyhubs_sdk.views._identifiers import (
    is_valid_nhs_number,
    is_valid_upn,
    normalise_nhs_number,
    normalise_upn,
    upn_check_letter,
)


def _nhs(body: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else body + str(check)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_nhs_check_digit_accepts_the_right_digit_and_no_other(body: str) -> None:
    good = _nhs(body)
    for digit in "0123456789":
        assert is_valid_nhs_number(body + digit) is (body + digit == good)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "943476591",
        "94347659190",
        "943476591X",
        "\uff19\uff14\uff13\uff14\uff17\uff16\uff15\uff19\uff11\uff19",
        "943 476 5918",
    ],
)
def test_nhs_number_shapes_refused(value: str) -> None:
    assert not is_valid_nhs_number(value)
    with pytest.raises(IdentifierError):
        normalise_nhs_number(value)


def test_nhs_number_separators_normalised() -> None:
    assert normalise_nhs_number(" 943-476-5919 ") == "9434765919"


@given(
    st.text(alphabet="0123456789", min_size=11, max_size=11),
    st.sampled_from("0123456789ABCDEFGHJKLMNPQRTUVWXYZ"),
)
def test_upn_check_letter_round_trips_and_detects_a_changed_digit(digits: str, last: str) -> None:
    body = digits + last
    upn = upn_check_letter(body) + body
    assert is_valid_upn(upn)
    assert normalise_upn(upn.lower()) == upn
    changed = upn[:5] + str((int(upn[5]) + 1) % 10) + upn[6:]
    assert not is_valid_upn(changed)


@pytest.mark.parametrize(
    "value", ["", "A80120019900", "I801200199003", "V80120019900O", "V801200199003X"]
)
def test_upn_shapes_refused(value: str) -> None:
    assert not is_valid_upn(value)
    with pytest.raises(IdentifierError):
        normalise_upn(value)
