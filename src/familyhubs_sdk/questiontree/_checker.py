"""Check a tree before anyone uses it: cycles, dead ends, unreachable questions, unsafe conditions.

>>> from familyhubs_sdk.questiontree._loader import load_tree
>>> report = check_tree(load_tree('''
... id: t
... version: "1"
... title: T
... start: a
... questions:
...   - {id: a, kind: yes_no, label: A, routes: [{when: {equals: [b, "yes"]}, goto: end}]}
...   - {id: b, kind: yes_no, label: B, next: end}
...   - {id: c, kind: yes_no, label: C}
... '''))
>>> [(p.code, p.path) for p in report.problems]
[('condition_unsafe', 'questions[0].routes[0].when'), ('unreachable', 'questions[2]')]
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from familyhubs_sdk.questiontree._conditions import Condition
from familyhubs_sdk.questiontree._loader import reference_problems
from familyhubs_sdk.questiontree._model import (
    CHOICE_KINDS,
    END,
    EXIT_PREFIX,
    Group,
    Question,
    QuestionTree,
)

__all__ = ["CheckReport", "Problem", "check_tree", "mermaid"]

#: Conditions that read a question safely even when it was never asked.
_SAFE_OPS = frozenset({"answered", "not_answered"})
#: Conditions that compare a question's answer with option values.
_OPTION_OPS = frozenset(
    {"equals", "not_equals", "in", "not_in", "contains", "contains_any", "contains_all"}
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a tree, named by its path in the tree file."""

    code: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.code}]"


@dataclass(frozen=True)
class CheckReport:
    """Problems found, and the routes through the tree (up to a cap) with their total count."""

    problems: tuple[Problem, ...]
    paths: tuple[tuple[str, ...], ...] = ()
    path_count: int = 0
    paths_capped: bool = field(default=False)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _Sequence:
    """Questions routed among themselves: the top level, whose nodes are its questions and its
    groups, or the questions of one group. Every check below reads the two the same way."""

    #: Where the routes start: the tree's start, or the group's first question.
    entry: str
    #: Every node, in file order, with its path in the tree file.
    places: Mapping[str, str]
    #: The distinct places each node can lead to, in order.
    edges: Mapping[str, tuple[str, ...]]
    #: The questions asked in this sequence, with their paths.
    questions: tuple[tuple[str, Question], ...]
    #: The questions a condition here can read: its own, and in a group the top level's too.
    readable: Mapping[str, Question]
    #: How a node that cannot be reached is described: "from the start", "in 'children'".
    reached: str
    #: The group's id among the top-level nodes; ``None`` for the top level itself.
    group: str | None


def _top_level(tree: QuestionTree) -> _Sequence:
    places = {q.id: f"questions[{i}]" for i, q in enumerate(tree.questions)}
    places.update({g.id: f"groups[{i}]" for i, g in enumerate(tree.groups)})
    edges = {q.id: _distinct(tree.targets(q, tree.questions)) for q in tree.questions}
    edges.update({g.id: (g.next or END,) for g in tree.groups})
    return _Sequence(
        entry=tree.start,
        places=places,
        edges=edges,
        questions=tuple((f"questions[{i}]", q) for i, q in enumerate(tree.questions)),
        readable=tree.question_index,
        reached="from the start",
        group=None,
    )


def _group_level(tree: QuestionTree, g: int, group: Group) -> _Sequence:
    places = {q.id: f"groups[{g}].questions[{i}]" for i, q in enumerate(group.questions)}
    return _Sequence(
        entry=group.questions[0].id,
        places=places,
        edges={q.id: _distinct(tree.targets(q, group.questions)) for q in group.questions},
        questions=tuple((places[q.id], q) for q in group.questions),
        readable={**tree.question_index, **{q.id: q for q in group.questions}},
        reached=f"in {group.id!r}",
        group=group.id,
    )


def _distinct(targets: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(targets))


def _leaves(target: str) -> bool:
    """Whether a route to ``target`` leaves the sequence: to the end, or to an exit page."""
    return target == END or target.startswith(EXIT_PREFIX)


def _references(tree: QuestionTree) -> Iterator[Problem]:
    """Dangling targets, unknown questions or sections, duplicate ids: what the loader refuses."""
    for found in reference_problems(tree):
        path, message = found.split(": ", 1)
        yield Problem("reference", path.split(":", 1)[0], message)


def _cycles(sequence: _Sequence) -> Iterator[Problem]:
    """Routes that lead back to a node already on the way: each loop once, at its first node."""
    state: dict[str, int] = {}  # 1: on the trail being followed, 2: every way on followed
    reported: set[str] = set()
    trail: list[str] = []

    def visit(node: str) -> Iterator[Problem]:
        state[node] = 1
        trail.append(node)
        for target in sequence.edges[node]:
            if _leaves(target):
                continue
            if state.get(target) == 1 and target not in reported:
                reported.add(target)
                loop = " → ".join([*trail[trail.index(target) :], target])
                yield Problem("cycle", sequence.places[target], f"routes form a loop: {loop}")
            elif target not in state:
                yield from visit(target)
        trail.pop()
        state[node] = 2

    for node in sequence.places:
        if node not in state:
            yield from visit(node)


def _duplicate_options(sequence: _Sequence) -> Iterator[Problem]:
    for path, question in sequence.questions:
        values = [o.value for o in question.options]
        for j, value in enumerate(values):
            if value in values[:j]:
                yield Problem(
                    "option_duplicate", f"{path}.options[{j}]", f"duplicate option {value!r}"
                )


def _reachable(sequence: _Sequence) -> list[str]:
    """The nodes reachable from the entry, in topological order (the routes have no loops)."""
    seen: set[str] = set()
    order: list[str] = []

    def visit(node: str) -> None:
        seen.add(node)
        for target in sequence.edges[node]:
            if not _leaves(target) and target not in seen:
                visit(target)
        order.append(node)

    visit(sequence.entry)
    return order[::-1]


def _unreachable(sequence: _Sequence, order: list[str]) -> Iterator[Problem]:
    reached = set(order)
    for node, path in sequence.places.items():
        if node not in reached:
            yield Problem("unreachable", path, f"{node!r} can never be reached {sequence.reached}")


def _dead_ends(sequence: _Sequence, order: list[str]) -> Iterator[Problem]:
    """Nodes from which every way on ends at an exit page. Run on the top level only: a group's
    way on is its ``next``, and a repetition that always exits need not trap the journey (with no
    minimum, nobody need be added)."""
    ends: dict[str, bool] = {}
    for node in reversed(order):
        ends[node] = any(t == END or ends.get(t, False) for t in sequence.edges[node])
    for node in order:
        if not ends[node]:
            yield Problem(
                "dead_end",
                sequence.places[node],
                f"the end of the form cannot be reached from {node!r}",
            )


def _dominators(sequence: _Sequence, order: list[str]) -> dict[str, set[str]]:
    """For each reachable node, the nodes on every path from the entry to it (inclusive)."""
    preds: dict[str, list[str]] = {node: [] for node in order}
    for node in order:
        for target in sequence.edges[node]:
            if target in preds:
                preds[target].append(node)
    dom: dict[str, set[str]] = {}
    for node in order:
        incoming = [dom[p] for p in preds[node] if p in dom]
        dom[node] = (set.intersection(*incoming) if incoming else set()) | {node}
    return dom


def _routes(
    sequence: _Sequence, reached: Container[str]
) -> Iterator[tuple[str, Question, Condition]]:
    """(path, question, condition) for every route of every question in ``reached``."""
    for path, question in sequence.questions:
        if question.id in reached:
            for j, route in enumerate(question.routes):
                yield f"{path}.routes[{j}].when", question, route.condition


def _unknown_options(sequence: _Sequence, reached: Container[str]) -> Iterator[Problem]:
    """Conditions comparing a choice question with a value that is not one of its options."""
    for path, _question, condition in _routes(sequence, reached):
        yield from _option_problems(path, condition, sequence.readable)


def _unsafe_reads(
    sequence: _Sequence, dom: Mapping[str, set[str]], top_dom: Mapping[str, set[str]]
) -> Iterator[Problem]:
    """Conditions reading a question that is not answered on every path to them. In a group, a
    read of a top-level question must be safe on every path to the group."""
    asked = {question.id for _path, question in sequence.questions}
    group = sequence.group
    for path, question, condition in _routes(sequence, dom):
        for op, qid in _reads(condition):
            if op in _SAFE_OPS:
                continue
            if qid in asked:
                if qid not in dom[question.id]:
                    yield Problem("condition_unsafe", path, _unsafe(qid, question.id))
            elif (
                group is not None
                and qid in sequence.readable
                and group in top_dom
                and qid not in top_dom[group]
            ):
                yield Problem("condition_unsafe", path, _unsafe(qid, group))


def _reads(condition: Condition) -> Iterator[tuple[str, str]]:
    """(operator, question) for every direct read, outside repeat aggregates."""
    if condition.op in ("all", "any"):
        for child in condition.args:
            yield from _reads(child)
    elif condition.op == "not":
        yield from _reads(condition.args[0])
    elif condition.op not in ("any_repeat", "all_repeats"):
        yield condition.op, condition.args[0]


def _option_problems(
    path: str, condition: Condition, scope: Mapping[str, Question]
) -> Iterator[Problem]:
    if condition.op in ("all", "any"):
        for child in condition.args:
            yield from _option_problems(path, child, scope)
        return
    if condition.op == "not":
        yield from _option_problems(path, condition.args[0], scope)
        return
    if condition.op in _OPTION_OPS:
        question = scope.get(condition.args[0])
        if question is None or question.kind not in CHOICE_KINDS:
            return
        values = condition.args[1] if isinstance(condition.args[1], tuple) else (condition.args[1],)
        known = {o.value for o in question.options}
        for value in values:
            if value not in known:
                yield Problem("option_unknown", path, f"{question.id!r} has no option {value!r}")


def _unsafe(qid: str, place: str) -> str:
    return f"reads {qid!r}, which is not answered on every path to {place!r}"


def check_tree(tree: QuestionTree, *, path_cap: int = 1000) -> CheckReport:
    """Every problem in ``tree``, and its routes (at most ``path_cap`` listed, all counted).

    Dangling references stop the check there, and loops stop it before reachability and reads
    (both need routes without loops). The top level and each group get the same checks.
    """
    references = list(_references(tree))
    if references:
        return CheckReport(tuple(references))
    top = _top_level(tree)
    sequences = [top, *(_group_level(tree, g, group) for g, group in enumerate(tree.groups))]
    cycles = [problem for sequence in sequences for problem in _cycles(sequence)]
    problems = [*cycles, *(p for sequence in sequences for p in _duplicate_options(sequence))]
    if cycles:
        return CheckReport(tuple(problems))
    orders = [_reachable(sequence) for sequence in sequences]
    top_dom = _dominators(top, orders[0])
    problems += _dead_ends(top, orders[0])
    for sequence, order in zip(sequences, orders, strict=True):
        dom = top_dom if sequence is top else _dominators(sequence, order)
        problems += _unreachable(sequence, order)
        problems += _unknown_options(sequence, dom)
        problems += _unsafe_reads(sequence, dom, top_dom)
    paths, count, capped = _paths(top, orders[0], path_cap)
    return CheckReport(
        tuple(sorted(problems, key=lambda p: (p.path, p.code))), paths, count, capped
    )


def _paths(
    top: _Sequence, order: list[str], cap: int
) -> tuple[tuple[tuple[str, ...], ...], int, bool]:
    """Routes from the start to the end or an exit: the first ``cap`` listed, all counted."""
    counts: dict[str, int] = {}
    for node in reversed(order):
        counts[node] = sum(1 if _leaves(t) else counts.get(t, 0) for t in top.edges[node])
    listed: list[tuple[str, ...]] = []

    def visit(node: str, trail: tuple[str, ...]) -> None:
        for target in top.edges[node]:
            if len(listed) >= cap:
                return
            if _leaves(target):
                listed.append((*trail, node, target))
            else:
                visit(target, (*trail, node))

    visit(top.entry, ())
    total = counts.get(top.entry, 0)
    return tuple(listed), total, total > len(listed)


def mermaid(tree: QuestionTree) -> str:
    """The routes as a Mermaid flowchart, for documentation and review."""
    lines = ["flowchart TD"]

    def node_id(target: str) -> str:
        return target.replace(":", "_")

    for node in [*tree.question_index, *tree.group_index]:
        label = (
            tree.question_index[node].label
            if node in tree.question_index
            else f"{tree.group_index[node].label} (repeat)"
        )
        safe = label.replace('"', "'")
        lines.append(f'    {node}["{safe}"]')
        question = tree.question_index.get(node)
        routes = question.routes if question else ()
        for route in routes:
            lines.append(f"    {node} -->|when| {node_id(route.goto)}")
        default = (
            tree.default_next(question, tree.questions)
            if question
            else (tree.group_index[node].next or END)
        )
        lines.append(f"    {node} --> {node_id(default)}")
    for exit_page in tree.exits:
        lines.append(f'    exit_{exit_page.id}(["{exit_page.title.replace(chr(34), chr(39))}"])')
    lines.append("    end([Check answers])")
    return "\n".join(lines)
