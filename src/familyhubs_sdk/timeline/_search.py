"""Finding a child: by NHS number, by UPN, or by name and date of birth, tolerant of misspelt names.

A name search always needs the date of birth: the candidates are the people born on that day, and
only then are names compared — so a misspelling widens a search among a handful of people, never
across the whole warehouse. Names are compared after :func:`normalise_name` (accents, case,
apostrophes and hyphens), with rapidfuzz's Jaro-Winkler similarity (typos, with weight on the start
of the name) and Damerau-Levenshtein distance (one swapped pair of letters counts as one edit).

>>> from datetime import date
>>> name_similarity("Lilly", "Lily") >= NAME_SIMILARITY
True
>>> name_similarity("Nkagi", "Nagki") >= NAME_SIMILARITY  # two letters transposed
True
>>> name_similarity("Smith", "Jones") >= NAME_SIMILARITY
False
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from familyhubs_sdk.timeline._identity import IdentityResolver, ResolvedSubject
from familyhubs_sdk.timeline._names import normalise_name
from familyhubs_sdk.views._canonical import Person

__all__ = [
    "NAME_SIMILARITY",
    "SEARCH_LIMIT",
    "SearchQuery",
    "SubjectFinder",
    "name_similarity",
]

#: Most subjects one search returns (and audits); narrower searches find the rest.
SEARCH_LIMIT = 10
#: How alike two normalised names must be (0 to 1) for a name search to find one from the other.
NAME_SIMILARITY = 0.87


class SearchQuery(BaseModel):
    """Find a child by NHS number, UPN, or name and date of birth."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    nhs_number: str | None = None
    upn: str | None = None
    given_name: str | None = Field(default=None, max_length=100)
    family_name: str | None = Field(default=None, max_length=100)
    birth_date: date | None = None

    @property
    def mode(self) -> str:
        """How this query finds people: ``nhs_number``, ``upn`` or ``name``."""
        if self.nhs_number:
            return "nhs_number"
        if self.upn:
            return "upn"
        return "name"


def name_similarity(typed: str, recorded: str) -> float:
    """How alike two names are, from 0 to 1, after normalising both.

    The better of Jaro-Winkler similarity and a score from the Damerau-Levenshtein distance (one
    edit — a missing, extra, wrong or transposed letter — in a name of five letters scores 0.9,
    less in shorter names), so "Lilly" finds "Lily" and "Nagki" finds "Nkagi".
    """
    a, b = normalise_name(typed), normalise_name(recorded)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    jaro = JaroWinkler.normalized_similarity(a, b)
    edits = DamerauLevenshtein.distance(a, b)
    by_edits = 1.0 - edits / (2 * max(len(a), len(b)))
    return max(jaro, by_edits if edits <= 2 else 0.0)


@dataclass(frozen=True, slots=True)
class _Candidate:
    score: float
    name: str
    subject: ResolvedSubject


class SubjectFinder:
    """Finds the subjects a :class:`SearchQuery` names, best match first.

    ``people`` are the person records a name search may find (indexed by date of birth once);
    identifiers go straight to ``resolver``.
    """

    def __init__(self, resolver: IdentityResolver, people: Iterable[Person]) -> None:
        self.resolver = resolver
        self._by_birth_date: dict[date, list[Person]] = {}
        for person in people:
            if person.birth_date is not None:
                self._by_birth_date.setdefault(person.birth_date, []).append(person)

    def matches(self, query: SearchQuery) -> list[ResolvedSubject]:
        """The people ``query`` finds: by NHS number, else UPN, else family name (and given
        name, if typed) and birth date — closest names first, then by name and master id."""
        for kind, value in (("nhs_number", query.nhs_number), ("upn", query.upn)):
            if value:
                found = self.resolver.resolve(kind, value)
                return [found] if found is not None else []
        if not (query.family_name and query.birth_date):
            return []
        return [c.subject for c in self._by_name(query, self.candidates(query.birth_date))]

    def candidates(self, birth_date: date) -> Sequence[Person]:
        """Everyone born on ``birth_date``."""
        return self._by_birth_date.get(birth_date, ())

    def _by_name(self, query: SearchQuery, people: Iterable[Person]) -> list[_Candidate]:
        family = query.family_name or ""
        given = normalise_name(query.given_name or "")
        best: dict[str, _Candidate] = {}
        for person in people:
            score = name_similarity(family, person.family_name or "")
            if score < NAME_SIMILARITY:
                continue
            recorded_given = normalise_name(person.given_name or "")
            if given:
                # A typed start of the name ("Lil") still finds "Lily"; otherwise it must be close.
                given_score = (
                    1.0
                    if recorded_given.startswith(given)
                    else name_similarity(given, recorded_given)
                )
                if given_score < NAME_SIMILARITY:
                    continue
                score = min(score, given_score)
            found = self.resolver.resolve(
                "source_id", f"{person.source_system}:{person.person_key}"
            )
            if found is None:
                continue
            held = best.get(found.master_id)
            if held is None or score > held.score:
                best[found.master_id] = _Candidate(score, recorded_given, found)
        return sorted(best.values(), key=lambda c: (-c.score, c.name, c.subject.master_id))
