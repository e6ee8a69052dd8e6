"""Who is looking: the professional a timeline, search or export is shown to."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Viewer"]


class Viewer(BaseModel):
    """A signed-in professional, as the host's own sign-in knows them.

    >>> Viewer(id="u-123", name="Sam Patel", role="health_visitor", organisation="NHS Trust")
    Viewer(id='u-123', name='Sam Patel', role='health_visitor', organisation='NHS Trust', teams=())
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    role: str = Field(min_length=1, max_length=100)
    organisation: str = Field(min_length=1, max_length=200)
    teams: tuple[str, ...] = ()
