"""The form report's figures as published: every count through one :class:`Suppression`.

:func:`publish` is the only place the report's numbers become text, so the HTML page, the CSV
and the terminal text can never disagree, and none shows a small count another hides. Counts
that add up to a figure on the same page are published as a table with that total (secondary
suppression): the journeys sent, stopped, abandoned and in progress add up to those started;
the drop-offs add up to those abandoned; the journeys leaving one question add up to a number
any shown share gives away.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from familyhubs_sdk.support.analytics._suppression import Suppression

if TYPE_CHECKING:  # the report module imports this one
    from familyhubs_sdk.support.analytics._report import FormReport

__all__ = ["PublishedReport", "publish"]

_CHART_WIDTH = 960
_BAR_SPACE = 760
_ROW_HEIGHT = 48
_LEGEND_HEIGHT = 40


@dataclass(frozen=True, slots=True)
class PublishedReport:
    """Everything a page, CSV or terminal shows of a report, as text."""

    #: (label, value, CSV measure name)
    headline: list[tuple[str, str, str]]
    #: {question_id, label, viewed, answered, errors, drop_off, median}
    funnel: list[dict[str, str]]
    #: {question_id, label, error_code, count}
    errors: list[dict[str, str]]
    #: {from_id, from_label, to_id, to_label, journeys, share}
    branches: list[dict[str, str]]
    #: {exit_id, title, journeys}
    exits: list[dict[str, str]]
    chart: dict[str, Any]


def _percent(share: float | None) -> str:
    return "Not known" if share is None else f"{share:.0%}"


def _duration(value: timedelta | None) -> str:
    """``12 minutes 5 seconds``, as GOV.UK writes times."""
    if value is None:
        return "Not known"
    seconds = round(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(hours, "hour"), (minutes, "minute"), (seconds, "second")]
    words = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n]
    return " ".join(words) or "0 seconds"


def _headline(report: FormReport, rule: Suppression) -> list[tuple[str, str, str]]:
    hours = round(report.abandon_after.total_seconds() / 3600)
    started, sent = report.journeys_started, report.journeys_submitted
    # Every started journey ends in exactly one of these four, so they add up to "started".
    endings = rule.table(
        [sent, report.journeys_exited, report.journeys_abandoned, report.journeys_in_progress],
        total=started,
    )
    return [
        ("Journeys started", rule.count(started), "journeys_started"),
        ("Requests sent", endings[0], "journeys_submitted"),
        ("Completion rate", rule.derived(_percent(report.completion_rate), sent, started),
         "completion_rate"),
        ("Median time to complete", rule.derived(_duration(report.median_time_to_complete), sent),
         "median_time_to_complete"),
        (f"Abandoned (no activity for {hours} hours)", endings[2], "journeys_abandoned"),
        ("Stopped at an exit page", endings[1], "journeys_exited"),
        ("Still in progress", endings[3], "journeys_in_progress"),
        ("Times ‘Back’ was used", rule.count(report.back_count), "back_count"),
        ("Answers changed from check your answers", rule.count(report.change_count),
         "change_count"),
        ("Times saved to finish later", rule.count(report.saved_count), "saved_count"),
        ("Times a saved request was resumed", rule.count(report.resumed_count), "resumed_count"),
    ]  # fmt: skip


def _clip(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _chart(report: FormReport, funnel: Sequence[dict[str, str]]) -> dict[str, Any]:
    """The funnel's bar chart; a bar whose count is hidden is not drawn (its length would give
    the count away), and its text says what the table says."""
    widest = max((row.viewed for row in report.funnel), default=0) or 1
    bars = []
    for position, (row, shown) in enumerate(zip(report.funnel, funnel, strict=True)):
        top = _LEGEND_HEIGHT + position * _ROW_HEIGHT
        viewed = round(row.viewed / widest * _BAR_SPACE, 1) if shown["viewed"].isdigit() else 0
        answered = (
            round(row.answered / widest * _BAR_SPACE, 1) if shown["answered"].isdigit() else 0
        )
        bars.append(
            {
                "label": _clip(row.label),
                "label_y": top + 16,
                "bar_y": top + 22,
                "viewed_width": viewed,
                "answered_width": answered,
                "value_x": viewed + 8,
                "value_y": top + 36,
                "value": f"{shown['viewed']} reached, {shown['answered']} answered",
            }
        )
    return {
        "width": _CHART_WIDTH,
        "height": _LEGEND_HEIGHT + len(report.funnel) * _ROW_HEIGHT,
        "bars": bars,
    }


def _branches(report: FormReport, rule: Suppression) -> list[dict[str, str]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for position, branch in enumerate(report.branches):
        groups[branch.from_id].append(position)
    shown: dict[int, str] = {}
    for positions in groups.values():
        counts = [report.branches[i].journeys for i in positions]
        shown.update(zip(positions, rule.table(counts, total=sum(counts)), strict=True))
    return [
        {
            "from_id": branch.from_id,
            "from_label": branch.from_label,
            "to_id": branch.to_id,
            "to_label": branch.to_label,
            "journeys": shown[i],
            # A share with its count hidden would give the count back.
            "share": _percent(branch.share) if shown[i].isdigit() else shown[i],
        }
        for i, branch in enumerate(report.branches)
    ]


def publish(report: FormReport, rule: Suppression) -> PublishedReport:
    """The report's figures as text, every count through ``rule``."""
    drop_offs = rule.table([row.drop_off for row in report.funnel], total=report.journeys_abandoned)
    funnel = [
        {
            "question_id": row.question_id,
            "label": row.label,
            "viewed": rule.count(row.viewed),
            "answered": rule.count(row.answered),
            "errors": rule.count(row.errors),
            "drop_off": drop_off,
            "median": (
                "Not known"
                if row.median_answer_ms is None
                else rule.derived(f"{row.median_answer_ms / 1000:.1f} seconds", row.answered)
            ),
            "median_ms": (
                ""
                if row.median_answer_ms is None
                else rule.derived(str(row.median_answer_ms), row.answered)
            ),
        }
        for row, drop_off in zip(report.funnel, drop_offs, strict=True)
    ]
    return PublishedReport(
        headline=_headline(report, rule),
        funnel=funnel,
        errors=[
            {
                "question_id": e.question_id,
                "label": e.label,
                "error_code": e.error_code,
                "count": rule.count(e.count),
            }
            for e in report.errors
        ],
        branches=_branches(report, rule),
        exits=[
            {"exit_id": e.exit_id, "title": e.title, "journeys": rule.count(e.journeys)}
            for e in report.exits
        ],
        chart=_chart(report, funnel),
    )
