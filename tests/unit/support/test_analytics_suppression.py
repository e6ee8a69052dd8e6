"""Analytics that agree with themselves: one suppression rule on every figure of a page, no
hidden count that can be worked back by differencing, and the funnel reconciled with the
request insights for the same journeys."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import html5lib
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.helpers.analytics_samples import NOW, TREE, event_sequences, five_journeys
from tests.helpers.inbox_samples import store_request, triage_request
from tests.helpers.journeys import FIRST_STEPS, LAST_STEPS, FlowBrowser

from familyhubs_sdk import load_settings
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.support import SupportRequest, build_flow, default_tree
from familyhubs_sdk.support.analytics._events import AnalyticsEvent, load_events
from familyhubs_sdk.support.analytics._insights import (
    insights_text,
    render_insights,
    request_insights,
)
from familyhubs_sdk.support.analytics._published import publish
from familyhubs_sdk.support.analytics._report import build_report, render_report, report_text
from familyhubs_sdk.support.analytics._suppression import (
    NO_SUPPRESSION,
    NOT_SHOWN,
    WITHHELD,
    Suppression,
)
from familyhubs_sdk.support.journey._options import JourneyOptions
from familyhubs_sdk.web import CsrfRule

RULE = Suppression()
SMALL = "fewer than 5"


def _text(html: str) -> str:
    root = html5lib.parse(html, namespaceHTMLElements=False)
    return " ".join(" ".join(root.itertext()).split())


# -- the rule ----------------------------------------------------------------------------------


def test_small_counts_are_hidden_and_zero_is_not_small() -> None:
    assert [RULE.count(n) for n in (0, 1, 4, 5, 120)] == ["0", SMALL, SMALL, "5", "120"]
    assert Suppression(below=10).count(9) == "fewer than 10"
    assert NO_SUPPRESSION.count(1) == "1"
    with pytest.raises(ValueError, match="1 or more"):
        Suppression(below=0)


@pytest.mark.parametrize(
    ("counts", "published"),
    [
        ([3, 7, 20], [SMALL, WITHHELD, "20"]),  # 30 - 7 - 20 would give 3 back
        ([2, 2, 10], [SMALL, SMALL, "10"]),  # two hidden adding to 4: 1+3, 2+2 or 3+1
        ([1, 1, 10], [SMALL, SMALL, WITHHELD]),  # two hidden adding to 2 can only be 1 and 1
        ([4, 4, 10], [SMALL, SMALL, WITHHELD]),  # ... and adding to 8 only 4 and 4
        ([4, 4], [WITHHELD, SMALL]),  # nothing left to withhold: a hidden one says less
        ([1] * 5, [WITHHELD, *[SMALL] * 4]),  # five hidden adding to 5: all 1s, unless one is 0
        ([0, 3, 0], ["0", SMALL, "0"]),  # the total is small too, so it gives nothing away
        ([6, 7, 20], ["6", "7", "20"]),
    ],
)
def test_secondary_suppression_leaves_nothing_to_difference(
    counts: list[int], published: list[str]
) -> None:
    assert RULE.table(counts, total=sum(counts)) == published


def test_a_table_that_adds_up_to_nothing_shown_needs_no_secondary_suppression() -> None:
    assert RULE.table([3, 7, 20]) == [SMALL, "7", "20"]


def test_a_figure_worked_out_from_a_hidden_count_is_hidden_with_it() -> None:
    assert RULE.derived("40%", 2, 5) == NOT_SHOWN
    assert RULE.derived("40%", 20, 50) == "40%"


def _pinned(published: list[str], total: int, below: int) -> list[int]:
    """Positions a reader can pin to one value, found by trying every value of every concealed
    count against what is published: "fewer than N" is 1..N-1, "withheld" 0..the total, and
    the concealed counts add up to the total less those shown."""
    concealed = [i for i, text in enumerate(published) if not text.isdigit()]
    remainder = total - sum(int(t) for t in published if t.isdigit())
    options = {
        i: range(0, remainder + 1) if published[i] == WITHHELD else range(1, below)
        for i in concealed
    }

    def sums(cells: list[int]) -> set[int]:
        reachable = {0}
        for cell in cells:
            reachable = {s + v for s in reachable for v in options[cell] if s + v <= remainder}
        return reachable

    pinned = []
    for i in concealed:
        others = sums([j for j in concealed if j != i])
        possible = [v for v in options[i] if remainder - v in others]
        if len(possible) <= 1:
            pinned.append(i)
    return pinned


@settings(max_examples=300)
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=5),
       st.integers(min_value=2, max_value=6))  # fmt: skip
def test_no_hidden_count_can_be_worked_out_from_the_total(counts: list[int], below: int) -> None:
    rule = Suppression(below=below)
    total = sum(counts)
    published = rule.table(counts, total=total)
    shown_total = rule.count(total)
    # Nothing small is ever printed as a number.
    assert not any(t.isdigit() and 0 < int(t) < below for t in published)
    assert all(t.isdigit() or t in (rule.small, WITHHELD) for t in published)
    if shown_total.isdigit():
        assert _pinned(published, total, below) == []


# -- every figure of the report, under one rule -------------------------------------------------


_FIGURE = re.compile(r"\b([0-9]+)\b")


@given(event_sequences())
def test_no_published_figure_of_any_report_is_a_small_count(events: list[AnalyticsEvent]) -> None:
    report = build_report(events, TREE, clock=lambda: NOW)
    published = publish(report, RULE)
    values = [value for _label, value, _measure in published.headline]
    values += [row[k] for row in published.funnel for k in ("viewed", "answered", "errors",
                                                             "drop_off")]  # fmt: skip
    values += [b["journeys"] for b in published.branches]
    values += [e["count"] for e in published.errors] + [e["journeys"] for e in published.exits]
    for value in values:
        assert not (value.isdigit() and 0 < int(value) < RULE.below), values
    # The endings add up to the journeys started: no single ending can be worked out.
    shown = [v for label, v, _m in published.headline if label in (
        "Requests sent", "Stopped at an exit page", "Still in progress") or
        label.startswith("Abandoned")]  # fmt: skip
    if RULE.count(report.journeys_started).isdigit():
        order = [shown[0], shown[2], shown[1], shown[3]]  # sent, exited, abandoned, in progress
        assert _pinned(order, report.journeys_started, RULE.below) == []
    # A rate is shown only when both its counts are.
    rate = next(v for label, v, _m in published.headline if label == "Completion rate")
    if RULE.hides(report.journeys_submitted) or RULE.hides(report.journeys_started):
        assert rate == NOT_SHOWN


def test_the_chart_draws_no_bar_for_a_hidden_count() -> None:
    report = build_report(five_journeys()[:2], TREE, clock=lambda: NOW)
    html = str(render_report(report))
    assert SMALL in _text(html)
    bars = r'<rect x="0" y="\d+" width="([0-9.]+)" height="18"'
    widths = [float(w) for w in re.findall(bars, html)]
    assert widths
    assert all(w == 0 for w in widths)


# -- the funnel and the insights reconcile -----------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'fh.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _send_requests(engine: sa.Engine, count: int) -> None:
    """``count`` whole journeys through the real form, each sent into ``engine``."""
    flow = build_flow(
        load_settings(database_url="sqlite://"),
        engine=engine,
        options=JourneyOptions(csrf=CsrfRule(exempt=True)),
        resume=None,
    )
    for _ in range(count):
        browser = FlowBrowser(flow, csrf_token=None)
        browser.get("")
        for step, form in (*FIRST_STEPS, ("children/add", {"add": "no"}), *LAST_STEPS):
            assert browser.post(step, form).is_redirect, step
        assert browser.post("check", {}).is_redirect
    # One more journey that stops half way: started in the funnel, never a request.
    browser = FlowBrowser(flow, csrf_token=None)
    browser.get("")
    browser.post(*FIRST_STEPS[0])


@pytest.mark.parametrize("sent", [3, 6])
def test_the_funnel_and_the_insights_agree_on_the_same_journeys(
    store: sa.Engine, sent: int
) -> None:
    _send_requests(store, sent)
    tree = default_tree()
    later = datetime.now(UTC).replace(year=datetime.now(UTC).year + 1)
    report = build_report(load_events(store, tree.id), tree, clock=lambda: later)
    insights = request_insights(store, tree=tree)
    # The same journeys, counted twice: once as events, once as stored requests.
    assert report.journeys_submitted == insights.total == sent
    assert report.journeys_started == sent + 1
    needs = next(row for row in report.funnel if row.question_id == "needs")
    with_needs = sum(row.count for row in insights.by_need if row.key == "housing")
    assert needs.answered == with_needs == sent  # every sent journey named housing
    assert sum(row.count for row in insights.by_status) == insights.total
    assert sum(row.count for row in insights.by_month) == insights.total
    # And both publish it the same way, on the page and in text.
    page = _text(str(render_report(report)) + str(render_insights(insights)))
    sent_text = RULE.count(sent)
    report_sent = next(v for label, v, _m in publish(report, RULE).headline
                       if label == "Requests sent")  # fmt: skip
    if report_sent != WITHHELD:
        assert report_sent == sent_text
    assert f"Requests sent: {sent_text}" in insights_text(insights)
    assert f"Requests sent {sent_text}" in page
    if sent < RULE.below:
        assert not re.search(rf"Requests sent {sent}\b", page)
        assert f"Requests sent: {sent}\n" not in report_text(report)


@settings(max_examples=25)
@given(event_sequences())
def test_any_event_set_and_its_requests_reconcile(events: list[AnalyticsEvent]) -> None:
    """Whatever the journeys did, every journey the funnel counts as sent is one stored request,
    and the two publish that number the same way."""
    engine = create_engine("sqlite://", poolclass=sa.pool.StaticPool)
    upgrade(engine)
    try:
        report = build_report(events, TREE, clock=lambda: NOW)
        sent_keys = sorted(
            {e.journey_key for e in events if e.event == "submitted"}
            & {e.journey_key for e in events if e.event == "started"}
        )
        for number, key in enumerate(sent_keys):
            sent_at = min(e.occurred_at for e in events if e.journey_key == key)
            store_request(engine, _request(number, sent_at))
        insights = request_insights(engine, tree=default_tree())
        assert report.journeys_submitted == insights.total == len(sent_keys)
        headline = {label: value for label, value, _m in publish(report, RULE).headline}
        if headline["Requests sent"] != WITHHELD:
            assert headline["Requests sent"] == RULE.count(insights.total)
        assert f"Requests sent: {RULE.count(insights.total)}" in insights_text(insights)
    finally:
        engine.dispose()


def _request(number: int, sent_at: datetime) -> SupportRequest:
    return triage_request(number).model_copy(update={"submitted_at": sent_at})
