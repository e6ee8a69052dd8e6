"""Which settings each kind of question takes, and whether its bounds can ever be met.

A setting on a kind that does not use it would silently do nothing (``maximum: 270`` on a date,
meant as days), so the model refuses it; these checks raise ``ValueError`` for pydantic to report
against the question.
"""

from __future__ import annotations

from collections.abc import Mapping

from familyhubs_sdk.questiontree._dates import OFFSET_FORMS, parse_bound

__all__ = ["KIND_SETTINGS", "TEXT_KINDS", "date_bounds_problem", "number_bounds_problem"]

TEXT_KINDS = frozenset({"short_text", "long_text"})
#: Settings that only some kinds use: anywhere else they would silently do nothing.
KIND_SETTINGS: Mapping[str, frozenset[str]] = {
    "max_length": TEXT_KINDS,
    "minimum": frozenset({"number", "date"}),
    "maximum": frozenset({"number", "date"}),
    "whole_number": frozenset({"number"}),
    "date_rule": frozenset({"date"}),
    "options_from": frozenset({"single_choice", "multiple_choice"}),
}

Bound = int | float | str | None


def number_bounds_problem(minimum: Bound, maximum: Bound) -> None:
    """Refuse a number question's bounds that are not numbers, or the wrong way round."""
    for key, bound in (("minimum", minimum), ("maximum", maximum)):
        if isinstance(bound, str):
            raise ValueError(f"{key}: a number question's bound is a number, not {bound!r}")
    if minimum is not None and maximum is not None and float(minimum) > float(maximum):
        raise ValueError(f"minimum {minimum:g} is more than maximum {maximum:g}")


def date_bounds_problem(minimum: Bound, maximum: Bound, date_rule: str | None) -> None:
    """Refuse a date question's bounds that are not dates or offsets, that come with
    ``date_rule``, or that are the wrong way round whatever today is."""
    for key, bound in (("minimum", minimum), ("maximum", maximum)):
        if bound is not None and (not isinstance(bound, str) or parse_bound(bound) is None):
            raise ValueError(
                f"{key}: a date question's bound is a date (2020-09-01) or an offset from today "
                f"({OFFSET_FORMS}, today), not {bound!r}"
            )
    if date_rule is not None and (minimum is not None or maximum is not None):
        raise ValueError("date_rule and minimum/maximum cannot be used together: use the bounds")
    low, high = (parse_bound(b) if isinstance(b, str) else None for b in (minimum, maximum))
    if low is None or high is None:
        return
    if low.fixed is not None and high.fixed is not None:
        wrong = low.fixed > high.fixed
    else:
        # Offsets both ways can be put in order without knowing today; an offset against an
        # absolute date cannot (it depends on the day the question is answered).
        low_days, high_days = low.approximate_days, high.approximate_days
        wrong = low_days is not None and high_days is not None and low_days > high_days
    if wrong:
        raise ValueError(f"minimum {low.text} is later than maximum {high.text}")
