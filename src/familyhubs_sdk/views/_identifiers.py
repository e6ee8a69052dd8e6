"""Check digits of the identifiers children are matched on: NHS number and UPN.

An identifier that fails its check is never used to link records: a mistyped NHS number would join
two children's histories.

>>> is_valid_nhs_number("943 476 5919")
True
>>> is_valid_nhs_number("943 476 5918")
False
>>> normalise_nhs_number("943-476-5919")
'9434765919'
>>> is_valid_upn("V801200199003")
True
>>> is_valid_upn("A801200199003")
False
"""

from __future__ import annotations

import re

from familyhubs_sdk.errors import IdentifierError

__all__ = [
    "is_valid_nhs_number",
    "is_valid_upn",
    "normalise_nhs_number",
    "normalise_upn",
    "upn_check_letter",
]

_NHS_SEPARATORS = re.compile(r"[\s-]")
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S
_UPN_SHAPE = re.compile(r"[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z]")


def normalise_nhs_number(value: str) -> str:
    """The NHS number as 10 digits, spaces and hyphens removed; raises if it fails the check."""
    digits = _NHS_SEPARATORS.sub("", value)
    if not is_valid_nhs_number(digits):
        raise IdentifierError("not a valid NHS number (10 digits with a modulus 11 check digit)")
    return digits


def is_valid_nhs_number(value: str) -> bool:
    """Whether ``value`` (spaces or hyphens allowed) is 10 digits passing the modulus 11 check."""
    digits = _NHS_SEPARATORS.sub("", value)
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it (DfE's modulus 23 scheme)."""
    total = 0
    for weight, char in enumerate(body, start=2):
        total += weight * (int(char) if char.isdigit() else _UPN_LETTERS.index(char))
    return _UPN_LETTERS[total % 23]


def normalise_upn(value: str) -> str:
    """The UPN in capitals without spaces; raises if its shape or check letter is wrong."""
    upn = value.replace(" ", "").upper()
    if not is_valid_upn(upn):
        raise IdentifierError("not a valid UPN (13 characters with a check letter first)")
    return upn


def is_valid_upn(value: str) -> bool:
    """Whether ``value`` is a UPN (permanent or temporary) with the right check letter."""
    upn = value.replace(" ", "").upper()
    if _UPN_SHAPE.fullmatch(upn) is None:
        return False
    return upn_check_letter(upn[1:]) == upn[0]
