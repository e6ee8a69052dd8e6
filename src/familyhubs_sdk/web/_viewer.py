"""Who is looking: the professional a timeline, search or export is shown to."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from familyhubs_sdk._text import describe_character, unsafe_character

__all__ = ["Viewer"]


def _one_visible_line(value: str) -> str:
    """Names show in the audit and the inbox: no control, bidi or zero-width characters."""
    found = unsafe_character(value, single_line=True)
    if found is not None:
        raise ValueError(f"must not contain the invisible character {describe_character(found)}")
    return value


VisibleLine = Annotated[str, AfterValidator(_one_visible_line)]


class Viewer(BaseModel):
    """A signed-in professional, as the host's own sign-in knows them. Control, bidi and
    zero-width characters are refused in every field.

    >>> Viewer(id="u-123", name="Sam Patel", role="health_visitor", organisation="NHS Trust")
    Viewer(id='u-123', name='Sam Patel', role='health_visitor', organisation='NHS Trust', teams=())
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: VisibleLine = Field(min_length=1, max_length=200)
    name: VisibleLine = Field(min_length=1, max_length=200)
    role: VisibleLine = Field(min_length=1, max_length=100)
    organisation: VisibleLine = Field(min_length=1, max_length=200)
    teams: tuple[VisibleLine, ...] = ()
