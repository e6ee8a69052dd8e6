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

from collections.abc import Iterator, Sequence
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


def _edges(tree: QuestionTree, node: str) -> list[str]:
    question = tree.question_index.get(node)
    if question is not None:
        return list(dict.fromkeys(tree.targets(question, tree.questions)))
    group = tree.group_index[node]
    return [group.next or END]


def _inner_edges(tree: QuestionTree, group: Group, qid: str) -> list[str]:
    question = next(q for q in group.questions if q.id == qid)
    return list(dict.fromkeys(tree.targets(question, group.questions)))


def _node_path(tree: QuestionTree, node: str) -> str:
    for i, q in enumerate(tree.questions):
        if q.id == node:
            return f"questions[{i}]"
    return f"groups[{[g.id for g in tree.groups].index(node)}]"


def _cycles(tree: QuestionTree, nodes: Sequence[str], edges, path_of) -> Iterator[Problem]:  # type: ignore[no-untyped-def]
    state: dict[str, int] = {}
    reported: set[str] = set()

    def visit(node: str, trail: list[str]) -> Iterator[Problem]:
        state[node] = 1
        for target in edges(node):
            if target == END or target.startswith(EXIT_PREFIX):
                continue
            if state.get(target) == 1 and target not in reported:
                reported.add(target)
                loop = " → ".join([*trail[trail.index(target) :], target])
                yield Problem("cycle", path_of(target), f"routes form a loop: {loop}")
            elif target not in state:
                yield from visit(target, [*trail, target])
        state[node] = 2

    for node in nodes:
        if node not in state:
            yield from visit(node, [node])


def _order(tree: QuestionTree, start: str, edges) -> list[str]:  # type: ignore[no-untyped-def]
    """Nodes reachable from ``start`` in topological order (ignoring any cycle edges)."""
    seen: set[str] = set()
    order: list[str] = []

    def visit(node: str, active: set[str]) -> None:
        seen.add(node)
        for target in edges(node):
            if (
                target != END
                and not target.startswith(EXIT_PREFIX)
                and target not in seen
                and target not in active
            ):
                visit(target, active | {node})
        order.append(node)

    visit(start, set())
    return order[::-1]


def _dominators(order: list[str], edges) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    """For each node, the nodes on every path from the first node to it (inclusive)."""
    preds: dict[str, list[str]] = {node: [] for node in order}
    for node in order:
        for target in edges(node):
            if target in preds:
                preds[target].append(node)
    dom: dict[str, set[str]] = {}
    for node in order:
        incoming = [dom[p] for p in preds[node] if p in dom]
        dom[node] = (set.intersection(*incoming) if incoming else set()) | {node}
    return dom


def _reads(condition: Condition) -> Iterator[tuple[str, str]]:
    """(operator, question) for every direct read, leaving out safe ``answered`` checks."""
    if condition.op in ("all", "any"):
        for child in condition.args:
            yield from _reads(child)
    elif condition.op == "not":
        yield from _reads(condition.args[0])
    elif condition.op not in ("any_repeat", "all_repeats"):
        yield condition.op, condition.args[0]


def _option_problems(
    tree: QuestionTree, path: str, condition: Condition, scope: dict[str, Question]
) -> Iterator[Problem]:
    if condition.op in ("all", "any"):
        for child in condition.args:
            yield from _option_problems(tree, path, child, scope)
        return
    if condition.op == "not":
        yield from _option_problems(tree, path, condition.args[0], scope)
        return
    if condition.op in (
        "equals",
        "not_equals",
        "in",
        "not_in",
        "contains",
        "contains_any",
        "contains_all",
    ):
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
    """Every problem in ``tree``, and its routes (at most ``path_cap`` listed, all counted)."""
    problems = [
        Problem("reference", p.split(":", 1)[0], p.split(": ", 1)[1])
        for p in reference_problems(tree)
    ]
    if problems:
        return CheckReport(tuple(problems))
    nodes = [*tree.question_index, *tree.group_index]
    problems += _cycles(tree, nodes, lambda n: _edges(tree, n), lambda n: _node_path(tree, n))
    for g, group in enumerate(tree.groups):
        problems += _cycles(
            tree,
            [q.id for q in group.questions],
            lambda q, g_=group: _inner_edges(tree, g_, q),
            lambda q, g_=g, grp=group: (
                f"groups[{g_}].questions[{[x.id for x in grp.questions].index(q)}]"
            ),
        )
    located = [(f"questions[{i}]", q) for i, q in enumerate(tree.questions)]
    located += [
        (f"groups[{g}].questions[{i}]", q)
        for g, group in enumerate(tree.groups)
        for i, q in enumerate(group.questions)
    ]
    for path, question in located:
        values = [o.value for o in question.options]
        for j, value in enumerate(values):
            if value in values[:j]:
                problems.append(
                    Problem(
                        "option_duplicate", f"{path}.options[{j}]", f"duplicate option {value!r}"
                    )
                )
    if any(p.code == "cycle" for p in problems):
        return CheckReport(tuple(problems))

    order = _order(tree, tree.start, lambda n: _edges(tree, n))
    reachable = set(order)
    for node in nodes:
        if node not in reachable:
            problems.append(
                Problem(
                    "unreachable",
                    _node_path(tree, node),
                    f"{node!r} can never be reached from the start",
                )
            )
    ends: dict[str, bool] = {}
    for node in reversed(order):
        ends[node] = any(t == END or ends.get(t, False) for t in _edges(tree, node))
    for node in order:
        if not ends[node]:
            problems.append(
                Problem(
                    "dead_end",
                    _node_path(tree, node),
                    f"the end of the form cannot be reached from {node!r}",
                )
            )

    dom = _dominators(order, lambda n: _edges(tree, n))
    scope = dict(tree.question_index)
    for i, question in enumerate(tree.questions):
        if question.id not in reachable:
            continue
        for j, route in enumerate(question.routes):
            path = f"questions[{i}].routes[{j}].when"
            problems += _option_problems(tree, path, route.condition, scope)
            for op, qid in _reads(route.condition):
                if op not in _SAFE_OPS and qid not in dom[question.id] and qid in scope:
                    problems.append(
                        Problem(
                            "condition_unsafe",
                            path,
                            _unsafe(qid, question.id),
                        )
                    )
    for g, group in enumerate(tree.groups):
        inner_order = _order(
            tree, group.questions[0].id, lambda q, g_=group: _inner_edges(tree, g_, q)
        )
        inner_dom = _dominators(inner_order, lambda q, g_=group: _inner_edges(tree, g_, q))
        inner_scope = {q.id: q for q in group.questions}
        for i, question in enumerate(group.questions):
            if question.id not in inner_dom:
                problems.append(
                    Problem(
                        "unreachable",
                        f"groups[{g}].questions[{i}]",
                        f"{question.id!r} can never be reached in {group.id!r}",
                    )
                )
                continue
            for j, route in enumerate(question.routes):
                path = f"groups[{g}].questions[{i}].routes[{j}].when"
                problems += _option_problems(tree, path, route.condition, {**scope, **inner_scope})
                for op, qid in _reads(route.condition):
                    if op in _SAFE_OPS:
                        continue
                    if qid in inner_scope and qid not in inner_dom[question.id]:
                        problems.append(
                            Problem(
                                "condition_unsafe",
                                path,
                                _unsafe(qid, question.id),
                            )
                        )
                    elif qid in scope and group.id in dom and qid not in dom[group.id]:
                        problems.append(
                            Problem(
                                "condition_unsafe",
                                path,
                                _unsafe(qid, group.id),
                            )
                        )
    paths, count, capped = _paths(tree, order, path_cap)
    return CheckReport(
        tuple(sorted(problems, key=lambda p: (p.path, p.code))), paths, count, capped
    )


def _paths(
    tree: QuestionTree, order: list[str], cap: int
) -> tuple[tuple[tuple[str, ...], ...], int, bool]:
    counts: dict[str, int] = {}
    for node in reversed(order):
        counts[node] = sum(
            1 if (t == END or t.startswith(EXIT_PREFIX)) else counts.get(t, 0)
            for t in _edges(tree, node)
        )
    listed: list[tuple[str, ...]] = []

    def visit(node: str, trail: tuple[str, ...]) -> None:
        for target in _edges(tree, node):
            if len(listed) >= cap:
                return
            if target == END or target.startswith(EXIT_PREFIX):
                listed.append((*trail, node, target))
            else:
                visit(target, (*trail, node))

    visit(tree.start, ())
    total = counts.get(tree.start, 0)
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
