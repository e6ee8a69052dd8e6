"""The connector interface: how the SDK reads a source of timeline events and contacts.

Subclass :class:`SourceConnector` for a system the declarative views cannot reach (an API, a file
drop). Declare what the source supports in ``capabilities``; the SDK never asks for anything else,
and the conformance kit (:class:`~familyhubs_sdk.testing.contract.ConnectorContract`) checks
the rest.

Keys are the source's own person keys (the identity resolver finds them). Times are as the source
records them (naive); ``since`` is inclusive and ``until`` exclusive. Reads return newest first.
"""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from familyhubs_sdk.errors import UnsupportedReadError
from familyhubs_sdk.views._canonical import (
    FamilyMembership,
    Involvement,
    Person,
    Professional,
    ProfessionalContactPoint,
    SourceCoverage,
    TimelineEvent,
)
from familyhubs_sdk.views._vocab import IdentifierType

__all__ = [
    "MAX_KEYS",
    "MAX_LIMIT",
    "Capability",
    "CheckResult",
    "ConnectorConfig",
    "ProfessionalContacts",
    "SourceConnector",
    "as_naive",
    "validate_read_args",
]

#: The most person keys one read may name (a family, not a population).
MAX_KEYS = 200
#: The most events one timeline read returns.
MAX_LIMIT = 5_000


class Capability(StrEnum):
    """What a connector can read."""

    PEOPLE = "people"
    TIMELINE = "timeline"
    INVOLVEMENTS = "involvements"
    CONTACTS = "contacts"
    FAMILY = "family"
    COVERAGE = "coverage"


class CheckResult(BaseModel):
    """What :meth:`SourceConnector.check` found: ``ok`` and one line per problem."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    problems: tuple[str, ...] = ()


class ProfessionalContacts(BaseModel):
    """A professional with the ways to reach them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    professional: Professional
    contact_points: tuple[ProfessionalContactPoint, ...] = ()


class ConnectorConfig(BaseModel):
    """Base of connector settings; subclasses add fields (secrets as ``SecretStr``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    #: How long the federated reader waits for this source, in seconds.
    timeout_s: float = Field(default=3.0, gt=0, le=60)


def as_naive(value: date | datetime | None) -> datetime | None:
    """A bound as the naive datetime sources compare against (aware values are taken to UTC)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        return datetime.combine(value, time.min)
    if value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


class SourceConnector(abc.ABC):
    """A source of canonical records. Subclasses implement the reads they declare."""

    #: Settings model for :func:`familyhubs_sdk.connectors.create`.
    Config: ClassVar[type[ConnectorConfig]] = ConnectorConfig
    #: What this connector can read; the SDK asks for nothing else.
    capabilities: frozenset[Capability] = frozenset()
    #: Which identifier the source keys people by.
    identifier: IdentifierType = IdentifierType.SOURCE_ID

    def __init__(self, name: str, *, timeout_s: float = 3.0) -> None:
        self.name = name
        self.timeout_s = timeout_s

    @classmethod
    def from_config(cls, config: ConnectorConfig) -> SourceConnector:
        """Build a connector from its validated settings (override when settings differ)."""
        return cls(config.name, timeout_s=config.timeout_s)

    @abc.abstractmethod
    def check(self) -> CheckResult:
        """Whether the source is reachable and shaped as expected. Never raises for a problem
        the result can describe."""

    def coverage(self) -> SourceCoverage | None:
        """What period the source covers and when it was last synchronised."""
        raise self._unsupported(Capability.COVERAGE)

    def read_people(self, person_keys: Sequence[str]) -> list[Person]:
        """The people with these keys, as the source knows them."""
        raise self._unsupported(Capability.PEOPLE)

    def read_timeline(
        self,
        person_keys: Sequence[str],
        *,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        limit: int = 500,
    ) -> list[TimelineEvent]:
        """Events for these people, newest first, ``since`` ≤ start < ``until``, at most
        ``limit``."""
        raise self._unsupported(Capability.TIMELINE)

    def read_involvements(self, person_keys: Sequence[str]) -> list[Involvement]:
        """Professionals' involvements with these people, newest first."""
        raise self._unsupported(Capability.INVOLVEMENTS)

    def professional_contacts(self, professional_ids: Sequence[str]) -> list[ProfessionalContacts]:
        """These professionals with their contact points."""
        raise self._unsupported(Capability.CONTACTS)

    def read_family(self, person_keys: Sequence[str]) -> list[FamilyMembership]:
        """Family relationships of these people."""
        raise self._unsupported(Capability.FAMILY)

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Within the block, this thread's reads may share one connection (the federated reader
        opens one per source per read). The default shares nothing."""
        yield

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections; the default does nothing."""

    def _unsupported(self, capability: Capability) -> UnsupportedReadError:
        return UnsupportedReadError(
            f"connector {self.name!r} does not support {capability.value!r}"
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def validate_read_args(person_keys: Sequence[str], limit: int | None = None) -> list[str]:
    """Validate the arguments every read shares; returns the keys as a list of strings."""
    if isinstance(person_keys, str):
        raise TypeError("person_keys must be a sequence of keys, not one string")
    keys = [str(key) for key in person_keys]
    if len(keys) > MAX_KEYS:
        raise ValueError(f"at most {MAX_KEYS} keys per read")
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    return keys
