"""Requests for support counted for service planning: aggregates only, small numbers hidden.

:func:`request_insights` counts stored requests by area of need, indicated support, status and
month. Only counts leave it. :func:`render_insights`, :func:`insights_csv` and
:func:`insights_text` show counts from 1 to 4 as "fewer than 5", the statistical disclosure
control UK public bodies use when they publish small numbers, so no family can be picked out.

>>> from familyhubs_sdk.store import create_engine, upgrade
>>> engine = create_engine("sqlite://"); upgrade(engine)
>>> request_insights(engine).total
0
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Engine

from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.questiontree import QuestionTree
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.rendering._formatting import govuk_month
from familyhubs_sdk.store._schema import support_requests
from familyhubs_sdk.support.analytics._report import csv_text
from familyhubs_sdk.support.analytics._suppression import (
    DEFAULT_SUPPRESS_BELOW,
    WITHHELD,
    Suppression,
)

__all__ = [
    "DEFAULT_SUPPRESS_BELOW",
    "NEEDS_QUESTION",
    "WITHHELD",
    "InsightRow",
    "RequestInsights",
    "insights_csv",
    "insights_text",
    "render_insights",
    "request_insights",
]

#: The shipped tree's "Which areas is the family finding hard?" question.
NEEDS_QUESTION = "needs"


_OPTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InsightRow(_Frozen):
    """One category and how many requests fall in it."""

    key: str
    label: str
    count: int = Field(ge=0)


class RequestInsights(_Frozen):
    """Requests counted for planning: never a request, an answer or a person.

    Show it with :func:`render_insights` or :func:`insights_csv`, which hide counts below
    ``suppress_below``; the raw counts here are for code that applies its own controls.
    """

    total: int = Field(ge=0)
    #: Requests per area of need (a request can name several).
    by_need: tuple[InsightRow, ...]
    #: Requests per indicated support type (a request can indicate several).
    by_outcome: tuple[InsightRow, ...]
    #: Requests per current status; these add up to the total.
    by_status: tuple[InsightRow, ...]
    #: Requests per month sent (``2026-03``); these add up to the total.
    by_month: tuple[InsightRow, ...]
    since: datetime | None = None
    until: datetime | None = None
    suppress_below: int = Field(default=DEFAULT_SUPPRESS_BELOW, ge=1)


def _parse_labels(value: str, labels: Mapping[str, str]) -> list[str]:
    """Option values from a ", "-joined display value: for payloads stored without raw codes.

    Labels can hold commas ("Speech, language or communication"), so match whole labels,
    longest first, rather than splitting.
    """
    by_label = sorted(labels.items(), key=lambda item: -len(item[1]))
    found, rest = [], value
    while rest:
        match = next((code for code, label in by_label if rest.startswith(label)), None)
        if match is None:
            break
        found.append(match)
        rest = rest[len(labels[match]) :].removeprefix(", ")
    return found


def _needs_of(payload: Mapping[str, Any], question_id: str, labels: Mapping[str, str]) -> set[str]:
    codes: set[str] = set()
    for answer in payload.get("answers") or ():
        if not isinstance(answer, Mapping) or answer.get("question_id") != question_id:
            continue
        raw = answer.get("raw")
        if isinstance(raw, list):
            codes.update(str(code) for code in raw)
        elif isinstance(raw, str):
            codes.add(raw)
        else:
            codes.update(_parse_labels(str(answer.get("value") or ""), labels))
    # Option values are ids; anything else is not an area of need and is never shown.
    return {code for code in codes if _OPTION_ID.match(code)}


def _months(counts: Counter[str]) -> tuple[InsightRow, ...]:
    """Every month from the first to the last, so a month with no requests shows as 0."""
    if not counts:
        return ()
    first, last = min(counts), max(counts)
    year, month = int(first[:4]), int(first[5:])
    rows = []
    while f"{year:04d}-{month:02d}" <= last:
        key = f"{year:04d}-{month:02d}"
        rows.append(InsightRow(key=key, label=govuk_month(date(year, month, 1)), count=counts[key]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(rows)


def request_insights(
    engine: Engine,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    tree: QuestionTree | None = None,
    tree_id: str | None = None,
    needs_question: str = NEEDS_QUESTION,
    suppress_below: int = DEFAULT_SUPPRESS_BELOW,
) -> RequestInsights:
    """Count the requests sent in ``[since, until)``; only the counts leave this function.

    :param tree: gives labels and order for areas of need and support types (default: the
        shipped tree).
    :param tree_id: count only requests made on this tree.
    :param needs_question: the question whose options are the areas of need.
    """
    if tree is None:
        from familyhubs_sdk.support import default_tree  # here: that package imports this one

        tree = default_tree()
    needs = tree.question_index.get(needs_question)
    if needs is None or not needs.options:
        # A free-text question here would turn what people typed into category names.
        raise ConfigurationError(
            f"{needs_question!r} is not a choice question of the tree {tree.id!r}; areas of need "
            "are counted from a choice question's options"
        )
    need_labels = {o.value: o.label for o in needs.options}
    table = support_requests
    statement = sa.select(table.c.payload, table.c.status, table.c.created_at)
    if since is not None:
        statement = statement.where(table.c.created_at >= since)
    if until is not None:
        statement = statement.where(table.c.created_at < until)
    if tree_id is not None:
        statement = statement.where(table.c.tree_id == tree_id)

    total = 0
    by_need: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    outcome_labels = {o.id: o.label for o in tree.outcomes}
    by_status: Counter[str] = Counter()
    by_month: Counter[str] = Counter()
    with engine.connect() as connection:
        for payload, status, created_at in connection.execute(statement):
            payload = payload if isinstance(payload, Mapping) else {}
            total += 1
            by_need.update(_needs_of(payload, needs_question, need_labels))
            outcomes = {
                str(o["id"]): str(o.get("label") or o["id"])
                for o in payload.get("outcomes") or ()
                if isinstance(o, Mapping) and _OPTION_ID.match(str(o.get("id") or ""))
            }
            for outcome_id, label in outcomes.items():
                outcome_labels.setdefault(outcome_id, label)
            by_outcome.update(outcomes.keys())
            by_status[str(status)] += 1
            by_month[f"{created_at:%Y-%m}"] += 1

    def rows(counts: Counter[str], labels: Mapping[str, str]) -> tuple[InsightRow, ...]:
        keys = [*labels, *sorted(set(counts) - set(labels))]
        return tuple(InsightRow(key=k, label=labels.get(k, k), count=counts[k]) for k in keys)

    return RequestInsights(
        total=total,
        by_need=rows(by_need, need_labels),
        by_outcome=rows(by_outcome, outcome_labels),
        by_status=tuple(
            InsightRow(key=s, label=s.replace("_", " ").capitalize(), count=n)
            for s, n in sorted(by_status.items(), key=lambda item: (-item[1], item[0]))
        ),
        by_month=_months(by_month),
        since=since,
        until=until,
        suppress_below=suppress_below,
    )


def _insight_tables(insights: RequestInsights) -> list[dict[str, Any]]:
    """Each table of the insights with its counts as published; shared by HTML, CSV and text."""
    rule = Suppression(insights.suppress_below)
    tables = []
    for key, caption, heading, rows, adds_up in (
        ("need", "Requests by area of need", "Area of need", insights.by_need, False),
        ("outcome", "Requests by support indicated", "Support", insights.by_outcome, False),
        ("status", "Requests by status", "Status", insights.by_status, True),
        ("month", "Requests by month sent", "Month", insights.by_month, True),
    ):
        counts = [row.count for row in rows]
        shown = rule.table(counts, total=insights.total if adds_up else None)
        tables.append(
            {
                "key": key,
                "caption": caption,
                "heading": heading,
                "rows": [
                    (row.key, row.label, value) for row, value in zip(rows, shown, strict=True)
                ],
            }
        )
    return tables


def _total(insights: RequestInsights) -> str:
    return Suppression(insights.suppress_below).count(insights.total)


def render_insights(insights: RequestInsights, *, renderer: Renderer | None = None) -> Markup:
    """The insights as a GOV.UK-styled HTML fragment, small counts hidden."""
    return (renderer or Renderer()).render(
        "familyhubs/support/request_insights.html",
        insights=insights,
        total=_total(insights),
        tables=_insight_tables(insights),
        withheld=WITHHELD,
    )


def insights_csv(insights: RequestInsights) -> str:
    """The insights as CSV (``table, key, label, requests``), small counts hidden."""
    rows: list[tuple[object, ...]] = [("total", "", "All requests", _total(insights))]
    for table in _insight_tables(insights):
        rows += [(table["key"], key, label, value) for key, label, value in table["rows"]]
    return csv_text(("table", "key", "label", "requests"), rows)


def insights_text(insights: RequestInsights) -> str:
    """The insights as plain text, for a terminal; small counts hidden."""
    lines = [f"Requests sent: {_total(insights)}"]
    for table in _insight_tables(insights):
        lines += ["", table["caption"]]
        lines += [f"  {label}: {value}" for _key, label, value in table["rows"]]
    return "\n".join(lines) + "\n"
