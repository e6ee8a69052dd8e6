"""Time per journey step of the question-tree engine, against SurveyJS and a naive re-walk.

    python benchmarks/bench_engine.py [--json]

A generated 200-question tree: yes/no questions every tenth place that skip the next three when
answered "no", a repeating group of four questions answered for three people, text questions
between. One step is: store an answer, find the next question, compute progress. Measured in the
same run:

* ``ours_us``: this engine (progress bounds computed once per tree);
* ``naive_us``: the same engine with its caches dropped before every call, so each of the three
  parts re-walks the path from the start and recomputes the progress bounds;
* ``surveyjs_us``: SurveyJS ``survey-core`` in Node driving the same tree translated to SurveyJS
  JSON (each question a page, routes as ``visibleIf``, the group as a dynamic panel) through the
  same answers: ``setValue`` + ``nextPage`` + ``progressText``. Needs Node and npm; survey-core is
  installed into build/bench-node (not committed) on first run.

The last line with --json is one JSON object: ours_us, surveyjs_us, naive_us, ratio_vs_surveyjs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from familyhubs_sdk.questiontree import (
    QuestionTree,
    add_another,
    answer,
    current_step,
    load_tree,
    progress,
    start,
)

ROOT = Path(__file__).resolve().parents[1]
NODE_DIR = ROOT / "build" / "bench-node"
TODAY = date(2026, 6, 1)
TOP_QUESTIONS = 196
GROUP_QUESTIONS = 4
PEOPLE = 3


def build_tree() -> QuestionTree:
    questions: list[dict[str, Any]] = []
    for i in range(TOP_QUESTIONS):
        qid = f"q{i}"
        if i % 10 == 0 and i + 4 < TOP_QUESTIONS:
            questions.append(
                {
                    "id": qid,
                    "kind": "yes_no",
                    "label": f"Question {i}?",
                    "routes": [{"when": {"equals": [qid, "no"]}, "goto": f"q{i + 4}"}],
                }
            )
        else:
            questions.append({"id": qid, "kind": "short_text", "label": f"Question {i}"})
    questions[99]["next"] = "people"
    group = {
        "id": "people",
        "label": "People",
        "item_label": "person",
        "min_repeats": 1,
        "max_repeats": 5,
        "next": "q100",
        "questions": [
            {"id": f"p{j}", "kind": "short_text", "label": f"Person question {j}"}
            for j in range(GROUP_QUESTIONS)
        ],
    }
    data = {
        "id": "bench",
        "version": "1",
        "title": "Bench",
        "start": "q0",
        "questions": questions,
        "groups": [group],
    }
    return load_tree(json.dumps(data), "json")


def script(tree: QuestionTree) -> list[tuple[str, Any]]:
    """The answers of one journey, in order: every third yes/no answered "no"."""
    steps: list[tuple[str, Any]] = []
    state = start(tree)
    flips = 0
    while (step := current_step(tree, state, TODAY)) is not None:
        if step.kind == "add_another":
            more = (step.index or 0) < PEOPLE
            steps.append((step.address, more))
            state = add_another(tree, state, "people", more, TODAY)
            continue
        assert step.question is not None
        if step.question.kind == "yes_no":
            flips += 1
            value: Any = "no" if flips % 3 == 0 else "yes"
        else:
            value = "answer text"
        steps.append((step.address, value))
        state = answer(tree, state, step.address, value, TODAY).state
    return steps


def _forget(tree: QuestionTree) -> None:
    """The naive engine: re-walk the path and recompute progress bounds on every call."""
    tree._cache.clear()


def _keep(tree: QuestionTree) -> None:
    return None


def time_engine(
    tree: QuestionTree, steps: list[tuple[str, Any]], *, naive: bool, repeats: int
) -> float:
    timings: list[float] = []
    for _ in range(repeats):
        state = start(tree)
        forget = _forget if naive else _keep
        for address, value in steps:
            began = time.perf_counter_ns()
            forget(tree)
            if address.endswith("[+]"):
                state = add_another(tree, state, "people", value, TODAY)
            else:
                state = answer(tree, state, address, value, TODAY).state
            forget(tree)
            current_step(tree, state, TODAY)
            forget(tree)
            progress(tree, state, TODAY).text  # noqa: B018 - the text is part of a step
            timings.append((time.perf_counter_ns() - began) / 1000)
    return statistics.median(timings)


def surveyjs_json(tree: QuestionTree) -> dict[str, Any]:
    """The tree as SurveyJS JSON: a page per question, routes as visibleIf, the group as a panel."""
    pages: list[dict[str, Any]] = []
    skipped_by: dict[str, str] = {}
    for question in tree.questions:
        for route in question.routes:
            target = int(route.goto[1:])
            for skipped in range(int(question.id[1:]) + 1, target):
                skipped_by[f"q{skipped}"] = question.id
    for question in tree.questions:
        element: dict[str, Any] = {"name": question.id, "title": question.label, "isRequired": True}
        if question.kind == "yes_no":
            element.update(type="radiogroup", choices=["yes", "no"])
        else:
            element["type"] = "text"
        if question.id in skipped_by:
            element["visibleIf"] = f"{{{skipped_by[question.id]}}} = 'yes'"
        pages.append({"name": f"page_{question.id}", "elements": [element]})
        if question.id == "q99":
            pages.append(
                {
                    "name": "page_people",
                    "elements": [
                        {
                            "type": "paneldynamic",
                            "name": "people",
                            "minPanelCount": 1,
                            "maxPanelCount": 5,
                            "templateElements": [
                                {"type": "text", "name": f"p{j}"} for j in range(GROUP_QUESTIONS)
                            ],
                        }
                    ],
                }
            )
    return {"pages": pages, "showProgressBar": "top"}


def surveyjs_answers(steps: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The same answers as SurveyJS values: the group's answers become one panel value."""
    answers: list[tuple[str, Any]] = []
    people: list[dict[str, str]] = []
    for address, value in steps:
        if address.startswith("people"):
            if address.endswith("[+]"):
                if value is False:
                    answers.append(("people", people))
                continue
            index = int(address.split("[", 1)[1].split("]", 1)[0])
            while len(people) <= index:
                people.append({})
            people[index][address.rsplit(".", 1)[1]] = value
            continue
        answers.append((address, value))
    return answers


def time_surveyjs(tree: QuestionTree, steps: list[tuple[str, Any]], repeats: int) -> float | None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        print("node/npm not found: SurveyJS not measured", file=sys.stderr)
        return None
    package = NODE_DIR / "node_modules" / "survey-core"
    if not package.exists():
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(NODE_DIR), "survey-core"],
            check=True,
            capture_output=True,
        )
    payload = json.dumps(
        {"survey": surveyjs_json(tree), "answers": surveyjs_answers(steps), "repeats": repeats}
    )
    result = subprocess.run(
        [node, str(Path(__file__).with_name("surveyjs_driver.js")), str(package)],
        input=payload,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(json.loads(result.stdout)["median_us"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    tree = build_tree()
    steps = script(tree)
    question_count = len(tree.questions) + len(tree.groups[0].questions)
    time_engine(tree, steps, naive=False, repeats=1)  # warm-up
    ours = time_engine(tree, steps, naive=False, repeats=args.repeats)
    naive = time_engine(tree, steps, naive=True, repeats=max(1, args.repeats // 2))
    surveyjs = time_surveyjs(tree, steps, args.repeats)
    result = {
        "questions": question_count,
        "steps": len(steps),
        "ours_us": round(ours, 1),
        "naive_us": round(naive, 1),
        "surveyjs_us": None if surveyjs is None else round(surveyjs, 1),
        "ratio_vs_surveyjs": None if surveyjs is None else round(ours / surveyjs, 3),
        "ratio_vs_naive": round(ours / naive, 3),
    }
    if not args.json:
        print(f"{question_count}-question tree, {len(steps)} steps per journey; median per step:")
        print(f"  this engine           {ours:10.1f} µs")
        print(f"  naive re-walk         {naive:10.1f} µs")
        print(
            f"  SurveyJS survey-core  {surveyjs if surveyjs is not None else float('nan'):10.1f} µs"
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
