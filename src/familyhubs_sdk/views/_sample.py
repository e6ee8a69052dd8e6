"""What a sample of a definition's rows says: rows that would be skipped, dates held as text, and
text that reads as prose.

The connector validates every row; this reads a few hundred through the same canonical models, so
``views check`` reports the faults a screen would count, by reason code, never by value.

>>> reads_as_prose("Harbour Road Clinic"), reads_as_prose("Mum said she was worried about him.")
(False, True)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from familyhubs_sdk.views._canonical import fault_reason
from familyhubs_sdk.views._definition import DISPLAY_TEXT_FIELDS, ViewDefinition

__all__ = ["Sample", "reads_as_prose", "sample_rows"]

#: Words from which a display value reads as a sentence rather than a name or a code's label.
PROSE_WORDS = 9
_SENTENCE_ENDS = (". ", "! ", "? ")


def reads_as_prose(value: str) -> bool:
    """Whether a display value reads as prose: many words, or sentences. A line break alone is a
    fault of the row (it is skipped and counted), not prose."""
    words = len(value.split())
    sentences = value.rstrip().endswith(".") or any(s in value for s in _SENTENCE_ENDS)
    return words >= PROSE_WORDS or (words >= 5 and (sentences or "\n" in value))


@dataclass
class Sample:
    """One definition's sampled rows, summarised."""

    rows: int = 0
    #: Rows that would be skipped, by reason code.
    skipped: Counter[str] = field(default_factory=Counter)
    #: Rows whose period would lose its end (it ends before it starts).
    ends_dropped: int = 0
    #: Per time field mapped to a plain column: (values held as text, of which parse as ISO 8601).
    text_dates: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: Per display field mapped to a plain column: (non-empty values, values reading as prose).
    prose: dict[str, tuple[int, int]] = field(default_factory=dict)

    def wholly_unfit(self, field_name: str) -> str | None:
        """The reason every sampled row fails on ``field_name``, if every one does."""
        reasons = [r for r in self.skipped if r.split(":", 1)[0] == field_name]
        if self.rows and reasons and sum(self.skipped[r] for r in reasons) == self.rows:
            return reasons[0]
        return None


def sample_rows(definition: ViewDefinition, rows: Sequence[Mapping[Any, Any]]) -> Sample:
    """Validate ``rows`` (the definition's branch, canonical field names) and look at the raw
    values of its time and display fields."""
    model = definition.model
    sample = Sample(rows=len(rows))
    time_fields = [
        name
        for name, spec in definition.columns.items()
        if spec.column is not None
        and spec.map is None
        and spec.cast is None
        and model.model_fields[name].annotation in (date, datetime, date | None, datetime | None)
    ]
    shown = [
        name
        for name, spec in definition.columns.items()
        if name in DISPLAY_TEXT_FIELDS and spec.column is not None and spec.map is None
    ]
    for row in rows:
        data = dict(row)
        try:
            record = model.model_validate(data)
        except ValidationError as exc:
            sample.skipped[fault_reason(exc)] += 1
        else:
            if data.get("period_end") is not None and getattr(record, "period_end", 0) is None:
                sample.ends_dropped += 1
        for name in time_fields:
            value = data.get(name)
            if isinstance(value, str):
                text, parsed = sample.text_dates.get(name, (0, 0))
                sample.text_dates[name] = (text + 1, parsed + _parses(value))
        for name in shown:
            value = data.get(name)
            if isinstance(value, str) and value.strip():
                count, prose = sample.prose.get(name, (0, 0))
                sample.prose[name] = (count + 1, prose + reads_as_prose(value))
    return sample


def _parses(value: str) -> bool:
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        return False
    return True
