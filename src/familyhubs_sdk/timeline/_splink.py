"""``SplinkLinker``: probabilistic link proposals on name, date of birth and postcode, with Splink
on DuckDB (the ``linkage`` extra: ``pip install familyhubs-sdk[linkage]``).

It proposes, never links: pairs whose match weight reaches ``threshold_weight`` become
:class:`~familyhubs_sdk.timeline.LinkProposal` objects for
:class:`~familyhubs_sdk.timeline.LinkStore` to hold until a person accepts or rejects them; pairs
below it are not even proposed.

The model's m and u probabilities are fixed, not trained: an LA's cross-source overlap is too small
and too uneven for unsupervised training to be trusted, and fixed values give the same weight to
the same evidence every time, which reviewers can learn to read. Agreeing on family name, date of
birth and a close given name scores about 10 (a probability of about 0.999 with the default prior);
family name and date of birth alone score about 3, below the default threshold of 8, so twins and
siblings born the same day are not proposed on surname alone. A postcode that agrees adds about 10;
one that disagrees takes about 3 away.

Only people from different sources are compared; names are compared accent- and case-folded. Runs
in an in-memory DuckDB database that is closed afterwards: nothing is written to disk.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.timeline._identity import LinkProposal
from familyhubs_sdk.timeline._names import normalise_name
from familyhubs_sdk.views._canonical import Person

__all__ = ["SplinkLinker"]

_SEPARATOR = "\x1f"  # joins source system and key into Splink's one unique id
_FIELDS = ("given_name", "family_name", "birth_date", "postcode")


class SplinkLinker:
    """A :class:`~familyhubs_sdk.timeline.ProbabilisticLinker` over Splink (DuckDB backend).

    :param threshold_weight: the lowest match weight proposed (log2 of the Bayes factor).
    :param prior: the chance that two records from different sources are the same child, before
        looking at them (Splink's ``probability_two_random_records_match``).

    >>> from datetime import date
    >>> from familyhubs_sdk.views import Person
    >>> people = [
    ...     Person(source_system="lcs", person_key="C1", given_name="Ada", family_name="Ng",
    ...            birth_date=date(2019, 5, 1)),
    ...     Person(source_system="police", person_key="PN7", given_name="Adah", family_name="NG",
    ...            birth_date=date(2019, 5, 1)),
    ...     Person(source_system="police", person_key="PN8", given_name="Bo", family_name="Ng",
    ...            birth_date=date(2019, 5, 1)),
    ... ]
    >>> [(p.left.person_key, p.right.person_key, round(p.match_weight, 1), p.matched_fields)
    ...  for p in SplinkLinker().propose(people)]
    [('C1', 'PN7', 10.3, ('given_name', 'family_name', 'birth_date'))]
    """

    def __init__(self, *, threshold_weight: float = 8.0, prior: float = 0.001) -> None:
        if not 0.0 < prior < 1.0:
            raise ConfigurationError("the linkage prior must be between 0 and 1")
        self.threshold_weight = threshold_weight
        self.prior = prior

    def propose(
        self,
        people: Sequence[Person],
        *,
        postcodes: Mapping[tuple[str, str], str] | None = None,
    ) -> list[LinkProposal]:
        """Pairs of records from different sources at or above the threshold, strongest first.

        ``postcodes`` maps ``(source_system, person_key)`` to a postcode where a source has one
        (the canonical ``person`` view holds none); agreement then counts for, disagreement
        against.
        """
        by_id = {f"{p.source_system}{_SEPARATOR}{p.person_key}": p for p in people}
        if len({p.source_system for p in by_id.values()}) < 2:
            return []
        rows = [_row(uid, p, postcodes or {}) for uid, p in sorted(by_id.items())]
        predictions = self._predict(rows)
        proposals = []
        for found in predictions:
            left, right = by_id[found["unique_id_l"]], by_id[found["unique_id_r"]]
            if left.source_system == right.source_system:
                continue
            proposals.append(
                LinkProposal(
                    left=left,
                    right=right,
                    score=min(1.0, max(0.0, float(found["match_probability"]))),
                    match_weight=float(found["match_weight"]),
                    matched_fields=tuple(f for f in _FIELDS if (found.get(f"gamma_{f}") or 0) > 0),
                )
            )
        proposals.sort(
            key=lambda p: (
                -(p.match_weight or 0.0),
                (p.left.source_system, p.left.person_key),
                (p.right.source_system, p.right.person_key),
            )
        )
        return proposals

    def _predict(self, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
        try:
            import duckdb
            import splink.comparison_library as cl
            from splink import DuckDBAPI, Linker, SettingsCreator, block_on
        except ImportError:
            raise ConfigurationError(
                "probabilistic linkage needs Splink: pip install 'familyhubs-sdk[linkage]'"
            ) from None
        settings = SettingsCreator(
            link_type="dedupe_only",
            comparisons=[
                cl.JaroWinklerAtThresholds("given_name", [0.88]).configure(
                    m_probabilities=[0.8, 0.15, 0.05], u_probabilities=[0.01, 0.02, 0.97]
                ),
                cl.ExactMatch("family_name").configure(
                    m_probabilities=[0.9, 0.1], u_probabilities=[0.01, 0.99]
                ),
                cl.ExactMatch("birth_date").configure(
                    m_probabilities=[0.95, 0.05], u_probabilities=[0.0005, 0.9995]
                ),
                cl.ExactMatch("postcode").configure(
                    m_probabilities=[0.9, 0.1], u_probabilities=[0.001, 0.999]
                ),
            ],
            # Pairs must share a date of birth or a family name to be compared at all: the rest
            # could never reach the threshold.
            blocking_rules_to_generate_predictions=[
                block_on("birth_date"),
                block_on("family_name"),
            ],
            probability_two_random_records_match=self.prior,
        )
        connection = duckdb.connect()
        try:
            connection.execute(
                "CREATE TABLE fh_linkage_people (unique_id VARCHAR, given_name VARCHAR, "
                "family_name VARCHAR, birth_date VARCHAR, postcode VARCHAR)"
            )
            connection.executemany("INSERT INTO fh_linkage_people VALUES (?, ?, ?, ?, ?)", rows)
            api = DuckDBAPI(connection)
            linker = Linker(api.register("fh_linkage_people"), settings, log_level=logging.WARNING)
            predicted = linker.inference.predict(
                threshold_match_weight=self.threshold_weight, warning_mode="never"
            )
            return list(predicted.as_record_list())
        finally:
            connection.close()


def _row(
    unique_id: str, person: Person, postcodes: Mapping[tuple[str, str], str]
) -> tuple[Any, ...]:
    postcode = postcodes.get((person.source_system, person.person_key))
    return (
        unique_id,
        normalise_name(person.given_name) or None if person.given_name else None,
        normalise_name(person.family_name) or None if person.family_name else None,
        person.birth_date.isoformat() if person.birth_date else None,
        "".join(postcode.split()).upper() or None if postcode else None,
    )
