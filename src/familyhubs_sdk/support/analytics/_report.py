"""The form report: how the request-for-support form is used, from its analytics events.

:func:`build_report` turns events into a :class:`FormReport` (completion, abandonment, a funnel in
the form's order, validation errors, the routes journeys took). It is a pure function of the
events, the tree and the time its ``clock`` gives, so it can be tested with hand-built journeys;
:func:`render_report`, :func:`report_csv` and :func:`report_text` show it.

>>> from datetime import UTC, datetime
>>> from familyhubs_sdk.support import default_tree
>>> from familyhubs_sdk.support.analytics._events import InMemoryAnalytics
>>> sink = InMemoryAnalytics(clock=lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
>>> sink.record(default_tree(), "a" * 32, "started")
>>> sink.record(default_tree(), "a" * 32, "submitted")
>>> next_day = lambda: datetime(2026, 3, 3, tzinfo=UTC)
>>> report = build_report(sink.events, default_tree(), clock=next_day)
>>> report.journeys_started, report.completion_rate
(1, 1.0)
"""

from __future__ import annotations

import csv
import heapq
import io
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Literal

from markupsafe import Markup
from pydantic import BaseModel, ConfigDict

from familyhubs_sdk._clock import Clock, utc_now
from familyhubs_sdk.questiontree import QuestionTree
from familyhubs_sdk.questiontree._model import END, EXIT_PREFIX
from familyhubs_sdk.rendering import Renderer

# One rule for spreadsheet-safe cells across the SDK's CSV exports.
from familyhubs_sdk.rendering._spreadsheet import formula_safe
from familyhubs_sdk.support.analytics._events import AnalyticsEvent
from familyhubs_sdk.support.analytics._published import publish
from familyhubs_sdk.support.analytics._suppression import DEFAULT_SUPPRESSION, Suppression

__all__ = [
    "DEFAULT_ABANDON_AFTER",
    "BranchCount",
    "ErrorCount",
    "ExitCount",
    "FormReport",
    "FunnelRow",
    "build_report",
    "render_report",
    "report_csv",
    "report_text",
]

#: A journey with no activity for this long, and not sent, counts as abandoned.
DEFAULT_ABANDON_AFTER = timedelta(hours=24)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FunnelRow(_Frozen):
    """One question (or "add another?" page), in the form's order."""

    question_id: str
    label: str
    #: Journeys that reached the question.
    viewed: int
    #: Journeys that answered it.
    answered: int
    #: Validation errors shown on it (each time, not each journey).
    errors: int
    #: Abandoned journeys whose last question viewed was this one.
    drop_off: int
    median_answer_ms: int | None = None


class ErrorCount(_Frozen):
    """How often one validation error was shown on one question."""

    question_id: str
    label: str
    error_code: str
    count: int


class BranchCount(_Frozen):
    """Journeys that went from one question straight on to another (or to an exit page)."""

    from_id: str
    from_label: str
    to_id: str
    to_label: str
    journeys: int
    #: Of the journeys that went on from ``from_id``, the share that went to ``to_id``.
    share: float


class ExitCount(_Frozen):
    """Journeys that were shown one exit page (a triage stop such as "Call 999 now")."""

    exit_id: str
    title: str
    journeys: int


class FormReport(_Frozen):
    """How the form was used by the journeys that started in the period read."""

    tree_id: str
    tree_version: str
    generated_at: datetime
    abandon_after: timedelta
    journeys_started: int
    journeys_submitted: int
    #: Not sent, last seen on an exit page.
    journeys_exited: int
    #: Not sent, not at an exit, and idle for ``abandon_after``.
    journeys_abandoned: int
    journeys_in_progress: int
    #: ``journeys_submitted / journeys_started``; ``None`` when nothing started.
    completion_rate: float | None
    median_time_to_complete: timedelta | None
    funnel: tuple[FunnelRow, ...]
    errors: tuple[ErrorCount, ...]
    branches: tuple[BranchCount, ...]
    exits: tuple[ExitCount, ...]
    back_count: int
    change_count: int
    saved_count: int
    resumed_count: int


# -- the form report -------------------------------------------------------------------------


def _next_pages(tree: QuestionTree, node: str) -> list[str]:
    """Where a top-level question or a whole group can lead, exits and the end left out."""
    question = tree.question_index.get(node)
    if question is not None:
        targets = list(tree.targets(question, tree.questions))
    else:
        targets = [tree.group_index[node].next or END]
    return [t for t in dict.fromkeys(targets) if t in tree.question_index or t in tree.group_index]


def _form_order(tree: QuestionTree) -> dict[str, str]:
    """Labels of every question and "add another?" page, in the order a journey meets them.

    Every page comes after every page that can lead to it (routes cannot loop), so questions
    on two branches come before the question where the branches meet; between pages that are
    free to go in either order, the one a depth-first walk from the start meets first goes
    first. A group's questions come where the group is reached, then its "add another?" page.
    Anything unreachable goes last.
    """
    found: dict[str, int] = {}  # depth-first discovery order
    stack = [tree.start]
    while stack:
        node = stack.pop()
        if node in found or not (node in tree.question_index or node in tree.group_index):
            continue
        found[node] = len(found)
        stack.extend(reversed(_next_pages(tree, node)))
    waiting = dict.fromkeys(found, 0)
    for node in found:
        for target in _next_pages(tree, node):
            waiting[target] += 1
    ready = [(found[node], node) for node, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    labels: dict[str, str] = {}
    while ready:
        _position, node = heapq.heappop(ready)
        group = tree.group_index.get(node)
        if group is None:
            labels[node] = tree.question_index[node].label
        else:
            labels.update((inner.id, inner.label) for inner in group.questions)
            labels[group.id] = f"Add another {group.item_label}?"
        for target in _next_pages(tree, node):
            waiting[target] -= 1
            if waiting[target] == 0:
                heapq.heappush(ready, (found[target], target))
    for question in tree.questions:
        labels.setdefault(question.id, question.label)
    for group in tree.groups:
        for inner in group.questions:
            labels.setdefault(inner.id, inner.label)
        labels.setdefault(group.id, f"Add another {group.item_label}?")
    return labels


def _journeys(events: Iterable[AnalyticsEvent]) -> dict[str, list[AnalyticsEvent]]:
    """Events by journey, in time order; journeys with no ``started`` event are left out."""
    by_key: dict[str, list[AnalyticsEvent]] = defaultdict(list)
    for event in events:
        by_key[event.journey_key].append(event)
    journeys = {}
    for key, found in by_key.items():
        found.sort(key=lambda e: e.occurred_at)  # stable: same-time events keep their order
        if any(e.event == "started" for e in found):
            journeys[key] = found
    return journeys


def _first(found: Sequence[AnalyticsEvent], name: str) -> datetime | None:
    return next((e.occurred_at for e in found if e.event == name), None)


def _transitions(found: Sequence[AnalyticsEvent]) -> set[tuple[str, str]]:
    """Forward steps of one journey: question answered, then the next page it led to.

    A view reached by ``back`` or ``change`` is navigation, not a route, so it does not count.
    """
    steps: set[tuple[str, str]] = set()
    last: str | None = None
    answered = navigated = False
    for event in found:
        if event.event in ("back", "change"):
            navigated = True
        elif event.event == "question_answered" and event.question_id == last:
            answered = True
        elif event.event in ("question_viewed", "exit_page") and event.question_id:
            target = event.question_id
            if event.event == "exit_page":
                target = EXIT_PREFIX + target
            if last is not None and target != last and answered and not navigated:
                steps.add((last, target))
            if target != last or navigated:
                answered = False
            last, navigated = target, False
    return steps


def _ending(
    found: Sequence[AnalyticsEvent], now: datetime, abandon_after: timedelta
) -> Literal["submitted", "exited", "abandoned", "in_progress"]:
    """How one journey stands: sent; stopped at an exit page; idle too long; or still going."""
    if any(e.event == "submitted" for e in found):
        return "submitted"
    if found[-1].event == "exit_page":
        return "exited"
    if now - found[-1].occurred_at >= abandon_after:
        return "abandoned"
    return "in_progress"


def build_report(
    events: Iterable[AnalyticsEvent],
    tree: QuestionTree,
    *,
    abandon_after: timedelta = DEFAULT_ABANDON_AFTER,
    clock: Clock = utc_now,
) -> FormReport:
    """Summarise the journeys in ``events`` (see :func:`~.analytics.load_events`).

    Only journeys with a ``started`` event count, so every rate has the same base. ``tree``
    gives labels and the order of the funnel; ids it does not know (from another version of the
    tree) are listed after its own. A journey idle for ``abandon_after`` by the ``clock``'s time
    counts as abandoned.
    """
    now = clock()
    journeys = _journeys(events)
    labels = _form_order(tree)
    exit_titles = {f"{EXIT_PREFIX}{e.id}": e.title for e in tree.exits}
    exit_order = {e.id: position for position, e in enumerate(tree.exits)}

    endings: Counter[str] = Counter()
    complete_seconds: list[float] = []
    reached: dict[str, set[str]] = defaultdict(set)
    answered: dict[str, set[str]] = defaultdict(set)
    durations: dict[str, list[int]] = defaultdict(list)
    drop_off: Counter[str] = Counter()
    error_counts: Counter[tuple[str, str]] = Counter()
    exits: dict[str, set[str]] = defaultdict(set)
    moves: Counter[tuple[str, str]] = Counter()
    totals: Counter[str] = Counter()
    for key, found in journeys.items():
        last_viewed: str | None = None
        for event in found:
            totals[event.event] += 1
            qid = event.question_id
            if qid is None:
                continue
            if event.event == "exit_page":
                exits[qid].add(key)
                continue
            if event.event in ("question_viewed", "question_answered", "validation_error"):
                reached[qid].add(key)
                labels.setdefault(qid, qid)
            if event.event == "question_viewed":
                last_viewed = qid
            elif event.event == "question_answered":
                answered[qid].add(key)
                if event.duration_ms is not None:
                    durations[qid].append(event.duration_ms)
            elif event.event == "validation_error" and event.error_code:
                error_counts[(qid, event.error_code)] += 1
        moves.update(_transitions(found))
        ending = _ending(found, now, abandon_after)
        endings[ending] += 1
        if ending == "submitted":
            started_at, submitted_at = _first(found, "started"), _first(found, "submitted")
            if started_at is not None and submitted_at is not None and submitted_at >= started_at:
                complete_seconds.append((submitted_at - started_at).total_seconds())
        elif ending == "abandoned" and last_viewed is not None:
            drop_off[last_viewed] += 1

    order = {qid: position for position, qid in enumerate(labels)}
    funnel = tuple(
        FunnelRow(
            question_id=qid,
            label=label,
            viewed=len(reached[qid]),
            answered=len(answered[qid]),
            errors=sum(n for (q, _code), n in error_counts.items() if q == qid),
            drop_off=drop_off[qid],
            median_answer_ms=round(statistics.median(durations[qid])) if durations[qid] else None,
        )
        for qid, label in labels.items()
    )
    leaving: Counter[str] = Counter()
    for (source, _target), count in moves.items():
        leaving[source] += count
    branches = tuple(
        BranchCount(
            from_id=source,
            from_label=labels.get(source, source),
            to_id=target,
            to_label=exit_titles.get(target) or labels.get(target, target),
            journeys=count,
            share=count / leaving[source],
        )
        for (source, target), count in sorted(
            moves.items(), key=lambda item: (order.get(item[0][0], 0), -item[1], item[0][1])
        )
    )
    started = len(journeys)
    return FormReport(
        tree_id=tree.id,
        tree_version=tree.version,
        generated_at=now,
        abandon_after=abandon_after,
        journeys_started=started,
        journeys_submitted=endings["submitted"],
        journeys_exited=endings["exited"],
        journeys_abandoned=endings["abandoned"],
        journeys_in_progress=endings["in_progress"],
        completion_rate=endings["submitted"] / started if started else None,
        median_time_to_complete=(
            timedelta(seconds=statistics.median(complete_seconds)) if complete_seconds else None
        ),
        funnel=funnel,
        errors=tuple(
            ErrorCount(question_id=q, label=labels.get(q, q), error_code=code, count=n)
            for (q, code), n in sorted(
                error_counts.items(), key=lambda item: (-item[1], order.get(item[0][0], 0))
            )
        ),
        branches=branches,
        exits=tuple(
            ExitCount(
                exit_id=exit_id,
                title=exit_titles.get(EXIT_PREFIX + exit_id, exit_id),
                journeys=len(keys),
            )
            for exit_id, keys in sorted(
                exits.items(), key=lambda item: exit_order.get(item[0], len(exit_order))
            )
        ),
        back_count=totals["back"],
        change_count=totals["change"],
        saved_count=totals["saved"],
        resumed_count=totals["resumed"],
    )


def render_report(
    report: FormReport,
    *,
    renderer: Renderer | None = None,
    id_prefix: str = "fh-analytics",
    suppression: Suppression = DEFAULT_SUPPRESSION,
) -> Markup:
    """The report as a GOV.UK-styled HTML fragment, with no JavaScript and no inline styles.

    The funnel is an inline SVG bar chart with a title and description for screen readers; the
    table after it holds the same numbers. ``id_prefix`` keeps element ids unique on a page.
    Every figure goes through ``suppression`` (small counts as "fewer than 5"), the same rule
    as the request insights on the same page.
    """
    published = publish(report, suppression)
    return (renderer or Renderer()).render(
        "familyhubs/support/analytics_report.html",
        report=report,
        published=published,
        summary_rows=[
            {"key": {"text": label}, "value": {"text": value}}
            for label, value, _measure in published.headline
        ],
        chart=published.chart,
        id_prefix=id_prefix,
        suppression=suppression,
    )


_REPORT_COLUMNS = ("table", "question_id", "question", "detail", "measure", "value")


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV for spreadsheets: a cell that would run as a formula (``=``, ``+``, ``-``, ``@``, tab,
    carriage return) is prefixed with ``'``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([formula_safe(cell) for cell in row] for row in rows)
    return out.getvalue()


def _report_rows(report: FormReport, rule: Suppression) -> Iterable[tuple[object, ...]]:
    # Numbers, not the words of the HTML, so a spreadsheet can sum and chart them; hidden
    # counts read as on the page.
    published = publish(report, rule)
    words = {"completion_rate", "median_time_to_complete"}
    for _label, value, measure in published.headline:
        if measure not in words:
            yield ("summary", "", "", "", measure, value)
    rate, median = report.completion_rate, report.median_time_to_complete
    sent, started = report.journeys_submitted, report.journeys_started
    rate_text = "" if rate is None else rule.derived(str(round(rate, 4)), sent, started)
    median_text = "" if median is None else rule.derived(str(round(median.total_seconds())), sent)
    yield ("summary", "", "", "", "completion_rate", rate_text)
    yield ("summary", "", "", "", "median_seconds_to_complete", median_text)
    yield (
        "summary", "", "", "", "abandon_after_hours",
        round(report.abandon_after.total_seconds() / 3600, 2),
    )  # fmt: skip
    for row in published.funnel:
        for measure in ("viewed", "answered", "errors", "drop_off"):
            yield ("funnel", row["question_id"], row["label"], "", measure, row[measure])
        yield ("funnel", row["question_id"], row["label"], "", "median_answer_ms", row["median_ms"])
    for error in published.errors:
        yield ("errors", error["question_id"], error["label"], error["error_code"], "count",
               error["count"])  # fmt: skip
    for branch in published.branches:
        yield ("branches", branch["from_id"], branch["from_label"], branch["to_id"], "journeys",
               branch["journeys"])  # fmt: skip
    for exit_count in published.exits:
        yield ("exits", "", exit_count["title"], exit_count["exit_id"], "journeys",
               exit_count["journeys"])  # fmt: skip


def report_csv(report: FormReport, *, suppression: Suppression = DEFAULT_SUPPRESSION) -> str:
    """The report as one "long" CSV table (``table, question_id, question, detail, measure,
    value``) that pivots in a spreadsheet; cells a spreadsheet would run as formulas are quoted.
    Counts go through ``suppression``, as on the page.
    """
    return csv_text(_REPORT_COLUMNS, _report_rows(report, suppression))


def report_text(report: FormReport, *, suppression: Suppression = DEFAULT_SUPPRESSION) -> str:
    """The report as plain text, for a terminal; counts through ``suppression``."""
    published = publish(report, suppression)
    lines = [f"Form analytics: {report.tree_id} (version {report.tree_version})", ""]
    lines += [f"{label}: {value}" for label, value, _measure in published.headline]
    lines += ["", "Questions in form order (reached / answered / errors / dropped off here)"]
    lines += [
        f"  {row['question_id']}: {row['viewed']} / {row['answered']} / {row['errors']} / "
        f"{row['drop_off']}"
        for row, raw in zip(published.funnel, report.funnel, strict=True)
        if raw.viewed
    ]
    if published.errors:
        lines += ["", "Commonest validation errors"]
        lines += [
            f"  {e['question_id']} {e['error_code']}: {e['count']}" for e in published.errors[:10]
        ]
    return "\n".join(lines) + "\n"
