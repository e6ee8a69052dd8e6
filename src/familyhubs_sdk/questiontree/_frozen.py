"""The base of every element of a tree: frozen, unknown keys refused, derived values never copied.

An element may keep values derived from its fields (a route's parsed condition, a question's
parsed date bounds, in ``cached_property``); a copy with changed fields must work them out
afresh, never carry the original's over.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

__all__ = ["Frozen"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy, with ``update`` applied to its fields; what is derived from the fields is
        worked out afresh for the copy."""
        copied = super().model_copy(update=update, deep=deep)
        for name in copied.__dict__.keys() - type(self).model_fields.keys():
            del copied.__dict__[name]
        return copied
