"""The reports as people see them: safe HTML, spreadsheet-safe CSV, hidden small numbers, the CLI,
and a canary journey whose personal details must appear nowhere."""

from __future__ import annotations

import csv
import io
import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import html5lib
import pytest
import sqlalchemy as sa
from tests.helpers.analytics_samples import NOW, TREE, five_journeys

from familyhubs_sdk.cli import main
from familyhubs_sdk.errors import ConfigurationError
from familyhubs_sdk.questiontree import answer, current_step, load_tree, start
from familyhubs_sdk.store import create_engine, upgrade
from familyhubs_sdk.store._schema import analytics_events, support_requests
from familyhubs_sdk.support import default_tree
from familyhubs_sdk.support.analytics._events import AnalyticsRecorder, load_events, new_journey_key
from familyhubs_sdk.support.analytics._insights import (
    WITHHELD,
    insights_csv,
    insights_text,
    render_insights,
    request_insights,
)
from familyhubs_sdk.support.analytics._report import (
    build_report,
    render_report,
    report_csv,
    report_text,
)
from familyhubs_sdk.support.analytics._suppression import NO_SUPPRESSION

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def parse(html: str) -> Element:
    return html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)  # type: ignore[no-any-return]


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def assert_static_and_accessible(html: str) -> Element:
    """No script, no styles, no event handlers; every table captioned with column headers."""
    root = parse(html)
    for element in root.iter():
        tag = local(str(element.tag))
        assert tag not in ("script", "style", "iframe", "object")
        for name in element.attrib:
            attribute = local(name).lower()
            assert attribute != "style", f"<{tag}> has a style attribute"
            assert not attribute.startswith("on"), f"<{tag}> has an {attribute} attribute"
            assert "javascript:" not in element.attrib[name].lower()
    for table in root.iter("table"):
        assert table.find("caption") is not None
        headers = table.findall("./thead/tr/th")
        assert headers
        assert all(th.get("scope") == "col" for th in headers)
    return root


# -- the form report -----------------------------------------------------------------------


def test_report_html_is_static_accessible_and_holds_the_numbers() -> None:
    report = build_report(five_journeys(), TREE, clock=lambda: NOW)
    html = render_report(report, suppression=NO_SUPPRESSION)
    root = assert_static_and_accessible(str(html))
    text = "".join(root.itertext())
    assert "Completion rate" in text
    assert "40%" in text
    assert "15 minutes" in text
    assert "email_invalid" in text
    assert len(root.findall(".//table")) == 4  # funnel, errors, branches, exits


def test_the_funnel_chart_is_an_svg_image_with_an_accessible_name() -> None:
    report = build_report(five_journeys(), TREE, clock=lambda: NOW)
    root = parse(str(render_report(report, id_prefix="r1")))
    svg = next(e for e in root.iter() if local(str(e.tag)) == "svg")
    assert svg.get("role") == "img"
    ids = {e.get("id"): e for e in svg.iter() if e.get("id")}
    labelled_by = (svg.get("aria-labelledby") or "").split()
    assert labelled_by == ["r1-chart-title", "r1-chart-desc"]
    assert [local(str(ids[i].tag)) for i in labelled_by] == ["title", "desc"]
    assert all("".join(ids[i].itertext()).strip() for i in labelled_by)
    bars = [e for e in svg.iter() if local(str(e.tag)) == "rect"]
    assert len(bars) == 2 + 2 * len(report.funnel)  # the legend, then reached and answered
    widths = [float(bar.get("width") or 0) for bar in bars[2:]]
    assert max(widths) == 760  # the widest bar is the question every journey reached


def test_report_html_escapes_labels() -> None:
    tree = load_tree(
        """
id: hostile
version: "1"
title: Hostile
start: q1
questions:
  - {id: q1, kind: short_text, label: "<script>alert(1)</script><img src=x onerror=alert(2)>"}
"""
    )
    events = [e.model_copy(update={"tree_id": "hostile"}) for e in five_journeys()[:2]]
    html = str(render_report(build_report(events, tree, clock=lambda: NOW)))
    assert "<script>" not in html
    assert_static_and_accessible(html)


def test_report_csv_is_long_and_guards_against_formulas() -> None:
    tree = load_tree(
        """
id: tiny
version: "1"
title: Tiny
start: worried
questions:
  - {id: worried, kind: yes_no, label: "=HYPERLINK(\\"http://evil\\")"}
  - {id: kind, kind: short_text, label: "+1+2"}
  - {id: detail_a, kind: short_text, label: "-5"}
  - {id: detail_b, kind: short_text, label: "@SUM(A1)"}
  - {id: email, kind: short_text, label: "\\tTabbed"}
"""
    )
    text = report_csv(
        build_report(five_journeys(), tree, clock=lambda: NOW), suppression=NO_SUPPRESSION
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["table", "question_id", "question", "detail", "measure", "value"]
    assert all(not cell.startswith(FORMULA_START) for row in rows for cell in row)
    assert ["funnel", "worried", '\'=HYPERLINK("http://evil")', "", "viewed", "5"] in rows
    assert ["summary", "", "", "", "completion_rate", "0.4"] in rows
    assert ["summary", "", "", "", "median_seconds_to_complete", "900"] in rows
    assert ["summary", "", "", "", "journeys_started", "5"] in rows
    assert ["branches", "worried", '\'=HYPERLINK("http://evil")', "kind", "journeys", "3"] in rows


def test_report_text_for_the_terminal() -> None:
    text = report_text(
        build_report(five_journeys(), TREE, clock=lambda: NOW), suppression=NO_SUPPRESSION
    )
    assert "Journeys started: 5" in text
    assert "  kind: 3 / 2 / 1 / 1" in text


# -- request insights ----------------------------------------------------------------------


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'fh.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def store_request(
    engine: sa.Engine,
    *,
    needs: list[str] | None = None,
    needs_value: str | None = None,
    outcomes: tuple[tuple[str, str], ...] = (),
    status: str = "new",
    created_at: datetime = datetime(2026, 3, 2, tzinfo=UTC),
    extra_answers: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> None:
    answers = list(extra_answers)
    if needs is not None or needs_value is not None:
        answer_row: dict[str, Any] = {
            "question_id": "needs",
            "address": "needs",
            "label": "Which areas is the family finding hard?",
            "value": needs_value or "",
            "section": "happening",
            "repeat": None,
        }
        if needs is not None:
            answer_row["raw"] = needs
        answers.append(answer_row)
    payload = {
        "answers": answers,
        "outcomes": [{"id": i, "label": label, "reasons": []} for i, label in outcomes],
    }
    with engine.begin() as connection:
        connection.execute(
            support_requests.insert().values(
                id=str(uuid.uuid4()),
                reference=uuid.uuid4().hex[:8].upper(),
                tree_id="request-for-support",
                tree_version="1.0.0",
                payload=payload,
                status=status,
                referrer_id="u-1",
                created_at=created_at,
                updated_at=created_at,
            )
        )


def test_insights_count_needs_outcomes_statuses_and_months(engine: sa.Engine) -> None:
    for _ in range(6):
        store_request(engine, needs=["housing", "money"], outcomes=(("housing", "Housing advice"),))
    for _ in range(2):
        store_request(
            engine,
            needs_value="Secure housing, Improved mental health",  # stored without raw codes
            status="closed",
            created_at=datetime(2026, 1, 15, tzinfo=UTC),
        )
    insights = request_insights(engine)
    needs = {row.key: row.count for row in insights.by_need}
    assert insights.total == 8
    assert (needs["housing"], needs["money"], needs["mental_health"], needs["education"]) == (
        8,
        6,
        2,
        0,
    )
    assert [row.key for row in insights.by_need][:3] == [
        "education",
        "early_years",
        "physical_health",
    ]
    assert {row.key: row.count for row in insights.by_outcome}["housing"] == 6
    assert [(row.key, row.count) for row in insights.by_status] == [("new", 6), ("closed", 2)]
    assert [(row.key, row.label, row.count) for row in insights.by_month] == [
        ("2026-01", "January 2026", 2),
        ("2026-02", "February 2026", 0),
        ("2026-03", "March 2026", 6),
    ]
    later = request_insights(engine, since=datetime(2026, 2, 1, tzinfo=UTC))
    assert later.total == 6


def test_small_counts_are_hidden_in_html_csv_and_text(engine: sa.Engine) -> None:
    for _ in range(7):
        store_request(engine, needs=["housing"])
    for _ in range(3):
        store_request(engine, needs=["money"], status="closed")
    insights = request_insights(engine)
    html = str(render_insights(insights))
    assert_static_and_accessible(html)
    rows = list(csv.reader(io.StringIO(insights_csv(insights))))
    table = {(row[0], row[1]): row[3] for row in rows[1:]}
    assert table[("total", "")] == "10"
    assert table[("need", "housing")] == "7"
    assert table[("need", "money")] == "fewer than 5"
    assert table[("need", "education")] == "0"
    # "closed" (3) is hidden; "new" (7) would give it away as 10 - 7, so it is withheld too.
    assert table[("status", "closed")] == "fewer than 5"
    assert table[("status", "new")] == WITHHELD
    assert "3" not in {table[("status", "closed")], table[("status", "new")]}
    assert ">3<" not in html
    assert "fewer than 5" in html
    assert "fewer than 5" in insights_text(insights)


def test_the_threshold_is_configurable(engine: sa.Engine) -> None:
    for _ in range(3):
        store_request(engine, needs=["housing"])
    assert "Secure housing,3" in insights_csv(request_insights(engine, suppress_below=3))
    assert "Secure housing,fewer than 10" in insights_csv(
        request_insights(engine, suppress_below=10)
    )
    assert "All requests,fewer than 10" in insights_csv(request_insights(engine, suppress_below=10))


# -- the canary journey ----------------------------------------------------------------------

CANARIES = ("Zebedee Canary-Smith", "zebedee.canary@example.com", "07700 900 982", "Canaryville")


def test_no_personal_detail_reaches_rows_reports_or_logs(
    engine: sa.Engine, caplog: pytest.LogCaptureFixture
) -> None:
    tree = default_tree()
    today = date(2026, 3, 2)
    typed: dict[str, list[Any]] = {
        "immediate_danger": ["no"],
        "significant_harm": ["no"],
        "consent": ["yes"],
        "referrer_name": [CANARIES[0]],
        "referrer_role": [f"Family worker for {CANARIES[0]}"],
        "referrer_organisation": [CANARIES[3]],
        "referrer_email": ["zebedee.canary@", CANARIES[1]],
        "referrer_phone": ["Zebedee's phone", CANARIES[2]],
    }
    clock_now = [datetime(2026, 3, 2, 9, tzinfo=UTC)]
    recorder = AnalyticsRecorder(engine, clock=lambda: clock_now[0])
    key = new_journey_key()
    state = start(tree)
    with caplog.at_level(logging.DEBUG):
        recorder.record(tree, key, "started")
        while (step := current_step(tree, state, today)) is not None and step.question:
            if step.question.id not in typed:
                break
            recorder.record(tree, key, "question_viewed", question=step.address)
            for value in typed[step.question.id]:
                clock_now[0] += timedelta(seconds=20)
                result = answer(tree, state, step.address, value, today)
                if result.error is not None:
                    recorder.record(
                        tree,
                        key,
                        "validation_error",
                        question=step.address,
                        error_code=result.error.code,
                    )
                else:
                    state = result.state
                    recorder.record(tree, key, "question_answered", question=step.address)
        # A host bug passing answers where ids belong is refused, not stored.
        recorder.record(tree, key, "question_viewed", question=CANARIES[0])
        recorder.record(
            tree, key, "validation_error", question="referrer_email", error_code=CANARIES[1]
        )
        store_request(
            engine,
            needs=["housing"],
            extra_answers=[
                {
                    "question_id": "referrer_name",
                    "address": "referrer_name",
                    "label": "Name",
                    "value": CANARIES[0],
                }
            ],
        )
        with engine.connect() as connection:
            stored = repr(connection.execute(sa.select(analytics_events)).all())
        events = load_events(engine, tree.id)
        report = build_report(events, tree, clock=lambda: clock_now[0] + timedelta(days=2))
        insights = request_insights(engine, suppress_below=1)
        outputs = {
            "rows": stored,
            "html": str(render_report(report)),
            "csv": report_csv(report),
            "text": report_text(report),
            "insights html": str(render_insights(insights)),
            "insights csv": insights_csv(insights),
            "logs": caplog.text,
        }
    assert state.answers["referrer_name"] == CANARIES[0]  # the journey really held them
    assert recorder.dropped == 2
    assert {e.error_code for e in events if e.error_code} == {"email_invalid", "phone_invalid"}
    assert report.journeys_abandoned == 1
    for where, text in outputs.items():
        for canary in (*CANARIES, "Zebedee", "zebedee", "Canary"):
            assert canary not in text, f"{canary!r} found in the {where}"


# -- the command line ----------------------------------------------------------------------


def test_cli_report_in_each_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'fh.db'}"
    assert main(["db", "upgrade", "--url", url]) == 0
    engine = create_engine(url)
    recorder = AnalyticsRecorder(engine, clock=lambda: datetime(2026, 3, 2, 9, tzinfo=UTC))
    key = new_journey_key()
    recorder.record(default_tree(), key, "started")
    recorder.record(default_tree(), key, "question_viewed", question="immediate_danger")
    engine.dispose()
    capsys.readouterr()

    base = ["analytics", "report", "--tree-id", "request-for-support", "--url", url]
    assert main([*base, "--since", "2026-03-01", "--until", "2026-03-02"]) == 0
    # The command line publishes under the same rule as the page: one journey is a small count.
    assert "Journeys started: fewer than 5" in capsys.readouterr().out
    assert main([*base, "--since", "2026-03-03"]) == 0
    assert "Journeys started: 0" in capsys.readouterr().out
    assert main([*base, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("table,question_id,question,detail,measure,value\n")
    assert main([*base, "--format", "html"]) == 0
    assert_static_and_accessible(capsys.readouterr().out)

    out = tmp_path / "report.csv"
    assert main([*base, "--format", "csv", "--output", str(out)]) == 0
    assert out.read_text("utf-8").startswith("table,")
    assert main([*base, "--output", str(out)]) == 2
    assert "exists" in capsys.readouterr().err


def test_cli_insights(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'fh.db'}"
    assert main(["db", "upgrade", "--url", url]) == 0
    engine = create_engine(url)
    for _ in range(2):
        store_request(engine, needs=["housing"])
    engine.dispose()
    capsys.readouterr()
    assert main(["analytics", "insights", "--url", url, "--format", "csv"]) == 0
    assert "need,housing,Secure housing,fewer than 5" in capsys.readouterr().out
    assert main(["analytics", "insights", "--url", url, "--suppress-below", "2"]) == 0
    assert "Secure housing: 2" in capsys.readouterr().out
    assert main(["analytics", "insights", "--url", url, "--until", "2026-02-28"]) == 0
    assert "Requests sent: 0" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["analytics", "report", "--tree-id", "another-tree"],
        [
            "analytics",
            "report",
            "--tree-id",
            "request-for-support",
            "--since",
            "2026-03-02",
            "--until",
            "2026-03-01",
        ],
        ["analytics", "insights", "--suppress-below", "0"],
    ],
)
def test_cli_refuses_bad_options_with_one_line(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--url", f"sqlite:///{tmp_path / 'fh.db'}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("familyhubs: error: ")
    assert "[configuration_invalid]" in err


def test_cli_refuses_a_date_that_is_not_a_date(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["analytics", "report", "--tree-id", "x", "--since", "last week"])
    assert "not a date like 2026-03-31" in capsys.readouterr().err


def test_insights_refuse_a_free_text_question_as_the_areas_of_need(engine: sa.Engine) -> None:
    with pytest.raises(ConfigurationError):
        request_insights(engine, needs_question="referrer_name")


def test_insights_never_show_a_code_that_is_not_an_id(engine: sa.Engine) -> None:
    for _ in range(6):
        store_request(
            engine, needs=["housing", "Zebedee Canary-Smith"], outcomes=(("Zebedee Canary", "x"),)
        )
    insights = request_insights(engine)
    assert "Zebedee" not in insights.model_dump_json()
    assert {row.key: row.count for row in insights.by_need}["housing"] == 6
