"""The journey through a tree: immutable state in, new state out. No HTTP, SQL or HTML here.

>>> from datetime import date
>>> from familyhubs_sdk.questiontree._loader import load_tree
>>> tree = load_tree('''
... id: tiny
... version: "1"
... title: Tiny
... start: worried
... questions:
...   - id: worried
...     kind: yes_no
...     label: Are you worried about the family?
...     routes: [{when: {equals: [worried, "no"]}, goto: end}]
...   - {id: why, kind: long_text, label: "What worries you?"}
... ''')
>>> state = start(tree)
>>> current_step(tree, state, date(2026, 1, 1)).address
'worried'
>>> state = answer(tree, state, "worried", "no", date(2026, 1, 1)).state
>>> is_complete(tree, state, date(2026, 1, 1))
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from familyhubs_sdk.errors import StepNotOnPathError, TreeDefinitionError
from familyhubs_sdk.questiontree._cache import WalkKey
from familyhubs_sdk.questiontree._conditions import Answer, Context, Lookup
from familyhubs_sdk.questiontree._dynamic import live_options, live_question, renumber
from familyhubs_sdk.questiontree._model import (
    END,
    END_REPEAT,
    EXIT_PREFIX,
    Group,
    Option,
    Question,
    QuestionTree,
    Route,
)
from familyhubs_sdk.questiontree._validation import FieldError, RawValue, coerce

__all__ = [
    "AnswerResult",
    "ChangeResult",
    "JourneyState",
    "Step",
    "Walk",
    "add_another",
    "answer",
    "back",
    "change",
    "current_step",
    "is_complete",
    "path_answers",
    "question_options",
    "remove_repeat",
    "start",
    "walk",
]

_ADDRESS = re.compile(
    r"^(?P<group>[a-z][a-z0-9_]*)\[(?P<index>\d+|\+)\](?:\.(?P<question>[a-z][a-z0-9_]*))?$"
)


class JourneyState(BaseModel):
    """Everything a journey has gathered; JSON-serialisable, so a store can keep it as it is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tree_id: str
    tree_version: str
    #: Answers by address: ``question`` or ``group[index].question``.
    answers: Mapping[str, Answer] = Field(default_factory=dict)
    #: Repetitions added to each group.
    repeats: Mapping[str, int] = Field(default_factory=dict)
    #: Groups where "add another?" was answered "no".
    closed: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Step:
    """One page of the journey: a question (maybe in a repetition) or an "add another?" page."""

    address: str
    kind: Literal["question", "add_another"]
    question: Question | None = None
    group: Group | None = None
    index: int | None = None


@dataclass(frozen=True)
class Walk:
    """The path so far: answered steps, then the current step; or how the journey ended."""

    steps: tuple[Step, ...]
    current: Step | None
    #: ``"end"`` (go to check answers) or ``"exit:<id>"``; ``None`` while a step is unanswered.
    ending: str | None


@dataclass(frozen=True)
class AnswerResult:
    """The new state, or the error that refused the answer (the state is then unchanged)."""

    state: JourneyState
    error: FieldError | None = None


def start(tree: QuestionTree) -> JourneyState:
    """A new, empty journey pinned to this tree's id and version."""
    return JourneyState(tree_id=tree.id, tree_version=tree.version)


def _count(group: Group, state: JourneyState) -> int:
    return max(state.repeats.get(group.id, 0), group.min_repeats)


def lookups(
    tree: QuestionTree,
    state: JourneyState,
    today: date,
    counts: Mapping[str, int] | None = None,
) -> tuple[Lookup, Context]:
    """The top-level lookup and evaluation context for ``state``; ``counts`` overrides the
    number of repetitions of each group."""

    def count(group: Group) -> int:
        return counts.get(group.id, 0) if counts is not None else _count(group, state)

    def top(qid: str) -> Answer:
        if qid in tree.question_index:
            return state.answers.get(qid)
        raise KeyError(qid)

    def item(group: Group, index: int) -> Lookup:
        inner = {q.id for q in group.questions}

        def lookup(qid: str) -> Answer:
            if qid in inner:
                return state.answers.get(f"{group.id}[{index}].{qid}")
            return top(qid)

        return lookup

    def repeats(group_id: str) -> Sequence[Lookup]:
        group = tree.group_index[group_id]
        return [item(group, i) for i in range(count(group))]

    def repeat_count(qid: str) -> int | None:
        group = tree.group_index.get(qid)
        return None if group is None else count(group)

    return top, Context(top, today, repeats, repeat_count, tree.named_conditions)


def _route(routes: tuple[Route, ...], default: str, ctx: Context) -> str:
    """The first route whose condition holds, else ``default``."""
    for route in routes:
        if route.condition.evaluate(ctx):
            return route.goto
    return default


def _question_route(
    tree: QuestionTree, question: Question, siblings: tuple[Question, ...], ctx: Context
) -> str:
    return tree.resolve(
        _route(question.routes, tree.default_next(question, siblings), ctx), siblings
    )


def walk(tree: QuestionTree, state: JourneyState, today: date) -> Walk:
    """Follow the routes from the start through every answered step.

    States are immutable, so the walks of the states walked most recently are kept with the tree
    (a bounded cache, shared safely by every thread): answering, finding the next question and
    computing progress for one state walk it once.
    """
    walks = tree._cache.walks
    key = WalkKey(state, today)
    found = walks.get(key)
    if found is None:
        found = _walk(tree, state, today)
        walks.set(key, found)
    return found


def _walk(tree: QuestionTree, state: JourneyState, today: date) -> Walk:
    _top, ctx = lookups(tree, state, today)
    steps: list[Step] = []
    target = tree.start
    visited: set[str] = set()
    while True:
        if target == END or target.startswith(EXIT_PREFIX):
            return Walk(tuple(steps), None, target)
        if target in visited:
            raise TreeDefinitionError(f"routes loop back to {target!r}")
        visited.add(target)
        question = tree.question_index.get(target)
        if question is not None:
            step = Step(question.id, "question", question)
            steps.append(step)
            if question.id not in state.answers:
                return Walk(tuple(steps), step, None)
            target = _question_route(tree, question, tree.questions, ctx)
            continue
        group = tree.group_index[target]
        found = _walk_group(tree, group, state, ctx, steps)
        if isinstance(found, Walk):
            return found
        target = found


def _walk_group(
    tree: QuestionTree, group: Group, state: JourneyState, ctx: Context, steps: list[Step]
) -> Walk | str:
    """Walk every repetition of ``group``: a :class:`Walk` when the journey stops inside it,
    else where the way on goes. A route from inside to a top-level question, a group or the end
    of the form leaves the group there: no more repetitions, no "add another?"."""
    count = _count(group, state)
    index = {q.id: q for q in group.questions}
    repeats = ctx.repeats(group.id)
    for i in range(count):
        item = replace(ctx, lookup=repeats[i])
        target = group.questions[0].id
        seen: set[str] = set()
        while target != END_REPEAT:
            if target.startswith(EXIT_PREFIX):
                return Walk(tuple(steps), None, target)
            if target not in index:
                return target
            if target in seen:
                raise TreeDefinitionError(f"routes in group {group.id!r} loop back to {target!r}")
            seen.add(target)
            question = index[target]
            address = f"{group.id}[{i}].{question.id}"
            step = Step(address, "question", question, group, i)
            steps.append(step)
            if address not in state.answers:
                return Walk(tuple(steps), step, None)
            target = _question_route(tree, question, group.questions, item)
    if group.id not in state.closed and count < group.max_repeats:
        step = Step(f"{group.id}[+]", "add_another", None, group, count)
        steps.append(step)
        return Walk(tuple(steps), step, None)
    return _route(group.routes, group.next or END, ctx)


def current_step(tree: QuestionTree, state: JourneyState, today: date) -> Step | None:
    """The step to show next, or ``None`` when the journey has ended."""
    return walk(tree, state, today).current


def is_complete(tree: QuestionTree, state: JourneyState, today: date) -> bool:
    """Whether every question on the path is answered and the path reaches the end."""
    return walk(tree, state, today).ending == END


def _on_path(
    tree: QuestionTree, state: JourneyState, address: str, today: date
) -> tuple[Walk, Step]:
    route = walk(tree, state, today)
    for step in route.steps:
        if step.address == address:
            return route, step
    raise StepNotOnPathError(f"{address!r} is not on the current path")


def answer(
    tree: QuestionTree, state: JourneyState, address: str, raw: RawValue, today: date
) -> AnswerResult:
    """Validate ``raw`` for the question at ``address`` and store it.

    :raises StepNotOnPathError: when ``address`` is not a question on the current path (a stale
        form, a replayed POST or a crafted one); nothing is stored.
    """
    route, step = _on_path(tree, state, address, today)
    if step.question is None:
        raise StepNotOnPathError(f"{address!r} is not a question")
    value = coerce(live_question(tree, state, step.question, route.steps), raw, today)
    if isinstance(value, FieldError):
        return AnswerResult(state, value)
    answers = {**state.answers, address: value}
    return AnswerResult(state.model_copy(update={"answers": answers}))


@dataclass(frozen=True)
class ChangeResult:
    """After changing an answer: the new state (or the error) and where to go next.

    ``next_step`` is ``None`` when every question on the new path is answered: go back to check
    your answers. Otherwise it is the first question the change brought onto the path.
    """

    result: AnswerResult
    next_step: Step | None


def change(
    tree: QuestionTree, state: JourneyState, address: str, raw: RawValue, today: date
) -> ChangeResult:
    """Answer again from check your answers; returns there unless new questions appeared."""
    result = answer(tree, state, address, raw, today)
    if result.error is not None:
        step = _on_path(tree, state, address, today)[1]
        return ChangeResult(result, step)
    return ChangeResult(result, walk(tree, result.state, today).current)


def add_another(
    tree: QuestionTree, state: JourneyState, group_id: str, more: bool, today: date
) -> JourneyState:
    """Answer the "add another?" step of ``group_id``."""
    step = _on_path(tree, state, f"{group_id}[+]", today)[1]
    if more:
        count = step.index or 0
        return state.model_copy(update={"repeats": {**state.repeats, group_id: count + 1}})
    return state.model_copy(update={"closed": state.closed | {group_id}})


def remove_repeat(
    tree: QuestionTree, state: JourneyState, group_id: str, index: int
) -> JourneyState:
    """Remove repetition ``index`` of a group; later repetitions move up one place."""
    group = tree.group_index.get(group_id)
    if group is None:
        raise StepNotOnPathError(f"no group {group_id!r}")
    count = _count(group, state)
    if not 0 <= index < count or count <= group.min_repeats:
        raise StepNotOnPathError(f"{group_id}[{index}] cannot be removed")
    answers: dict[str, Answer] = {}
    for address, value in state.answers.items():
        match = _ADDRESS.match(address)
        if match is None or match["group"] != group_id or match["index"] == "+":
            answers[address] = value
            continue
        position = int(match["index"])
        if position < index:
            answers[address] = value
        elif position > index:
            answers[f"{group_id}[{position - 1}].{match['question']}"] = value
    for question in tree.questions:
        # Answers naming repetitions ("children_2") follow them up; one naming the repetition
        # removed loses it, and is asked again if nothing is left.
        if group_id in question.options_from and question.id in answers:
            value = renumber(answers.pop(question.id), group_id, index)
            if value not in (None, []):
                answers[question.id] = value
    repeats = {**state.repeats, group_id: count - 1}
    return state.model_copy(
        update={"answers": answers, "repeats": repeats, "closed": state.closed - {group_id}}
    )


def question_options(
    tree: QuestionTree, state: JourneyState, address: str, today: date
) -> tuple[Option, ...]:
    """The options to show for the question at ``address`` now: for a question with
    ``options_from``, one per repetition of those groups on the path before it, labelled by
    each repetition's title answer, then its fixed options; otherwise its options.

    :raises StepNotOnPathError: when ``address`` is not a question on the current path.
    """
    route, step = _on_path(tree, state, address, today)
    if step.question is None:
        raise StepNotOnPathError(f"{address!r} is not a question")
    return live_options(tree, state, step.question, route.steps)


def back(tree: QuestionTree, state: JourneyState, address: str, today: date) -> str | None:
    """The step before ``address`` on the path, or ``None`` at the first step."""
    route, step = _on_path(tree, state, address, today)
    position = route.steps.index(step)
    return route.steps[position - 1].address if position else None


def path_context(tree: QuestionTree, state: JourneyState, today: date) -> Context:
    """An evaluation context over the current path only: answers that fell off it read as not
    answered, and a group has as many repetitions as the path walks (none when it is off the
    path)."""
    answered = path_answers(tree, state, today)
    on_path = {step.address for step, _ in answered}
    counts: dict[str, int] = {}
    for step, _value in answered:
        if step.group is not None:
            counts[step.group.id] = max(counts.get(step.group.id, 0), (step.index or 0) + 1)
    visible = state.model_copy(
        update={"answers": {k: v for k, v in state.answers.items() if k in on_path}}
    )
    return lookups(tree, visible, today, counts)[1]


def path_answers(tree: QuestionTree, state: JourneyState, today: date) -> list[tuple[Step, Answer]]:
    """Answered question steps on the path, in order. Answers off the path never appear."""
    route = walk(tree, state, today)
    return [
        (step, state.answers[step.address])
        for step in route.steps
        if step.kind == "question" and step.address in state.answers
    ]
