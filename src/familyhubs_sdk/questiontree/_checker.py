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
[('condition_unsafe', 'questions[0] (a).routes[0].when'), ('unreachable', 'questions[2] (c)')]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from familyhubs_sdk.questiontree._conditions import parse_condition
from familyhubs_sdk.questiontree._mermaid import mermaid
from familyhubs_sdk.questiontree._model import END, END_REPEAT, EXIT_PREFIX, QuestionTree
from familyhubs_sdk.questiontree._reads import Problem, Where, read_problems
from familyhubs_sdk.questiontree._references import (
    ConditionSite,
    condition_sites,
    reference_problems,
)
from familyhubs_sdk.questiontree._sequences import (
    FORM_END,
    REPEAT_END,
    REPEAT_OUT,
    RouteGraph,
    dominators,
    group_level,
    leaving,
    reachable,
    top_level,
)

__all__ = ["CheckReport", "Problem", "check_tree", "mermaid"]


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


def _references(tree: QuestionTree) -> Iterator[Problem]:
    """Dangling targets, unknown questions or sections, duplicate ids: what the loader refuses."""
    for found in reference_problems(tree):
        path, message = found.split(": ", 1)
        yield Problem("reference", path, message)


def _cycles(graph: RouteGraph) -> Iterator[Problem]:
    """Routes that lead back to a node already on the way: each loop once, at its first node."""
    state: dict[str, int] = {}  # 1: on the trail being followed, 2: every way on followed
    reported: set[str] = set()
    trail: list[str] = []

    def visit(node: str) -> Iterator[Problem]:
        state[node] = 1
        trail.append(node)
        for target in graph.edges[node]:
            if graph.leaves(target):
                continue
            if state.get(target) == 1 and target not in reported:
                reported.add(target)
                loop = " → ".join([*trail[trail.index(target) :], target])
                yield Problem("cycle", graph.places[target], f"routes form a loop: {loop}")
            elif target not in state:
                yield from visit(target)
        trail.pop()
        state[node] = 2

    for node in graph.places:
        if node not in state:
            yield from visit(node)


def _duplicate_options(graph: RouteGraph) -> Iterator[Problem]:
    for path, question in graph.questions:
        values = [o.value for o in question.options]
        for j, value in enumerate(values):
            if value in values[:j]:
                yield Problem(
                    "option_duplicate", f"{path}.options[{j}]", f"duplicate option {value!r}"
                )


def _unreachable(graph: RouteGraph, order: list[str]) -> Iterator[Problem]:
    reached = set(order)
    for node, path in graph.places.items():
        if node not in reached:
            yield Problem("unreachable", path, f"{node!r} can never be reached {graph.reached}")


def _dead_ends(graph: RouteGraph, order: list[str]) -> Iterator[Problem]:
    """Nodes from which every way on ends at an exit page. Run on the top level only: a group's
    ways on are its routes, its ``next`` and its questions' routes out of it, and a repetition
    that always exits need not trap the journey (with no minimum, nobody need be added)."""
    ends: dict[str, bool] = {}
    for node in reversed(order):
        ends[node] = any(t == END or ends.get(t, False) for t in graph.edges[node])
    for node in order:
        if not ends[node]:
            yield Problem(
                "dead_end",
                graph.places[node],
                f"the end of the form cannot be reached from {node!r}",
            )


@dataclass(frozen=True)
class _Answered:
    """What is answered on every path to each place: the top level's dominators, and for each
    group its questions' dominators, with those answered in every repetition that ends normally
    (``end``) or in any way the journey goes on from (``out``)."""

    top: Mapping[str, set[str]]
    inner: Mapping[str, Mapping[str, set[str]]]
    end: Mapping[str, frozenset[str]]
    out: Mapping[str, frozenset[str]]


def _answered(
    tree: QuestionTree, top: RouteGraph, graphs: list[RouteGraph], orders: list[list[str]]
) -> _Answered:
    top_dom = dominators(top, orders[0], {FORM_END: frozenset({END})})
    inner: dict[str, Mapping[str, set[str]]] = {}
    end: dict[str, frozenset[str]] = {}
    out: dict[str, frozenset[str]] = {}
    for graph, order in zip(graphs[1:], orders[1:], strict=True):
        group = graph.group
        assert group is not None  # noqa: S101 - every graph after the first is a group's
        onward = frozenset(t for t in leaving(tree, group) if not t.startswith(EXIT_PREFIX))
        sinks = {REPEAT_END: frozenset({END_REPEAT}), REPEAT_OUT: onward | {END_REPEAT}}
        dom = dominators(graph, order, sinks)
        inner[group.id] = dom
        end[group.id] = frozenset(dom[REPEAT_END] - {REPEAT_END})
        out[group.id] = frozenset(dom[REPEAT_OUT] - {REPEAT_OUT})
    return _Answered(top_dom, inner, end, out)


def _where(
    tree: QuestionTree, site: ConditionSite, answered: _Answered
) -> tuple[Where, Mapping[str, frozenset[str]]] | None:
    """What is answered where ``site`` is evaluated, or ``None`` where it never is (its
    question cannot be reached: reported as unreachable)."""
    top = answered.top
    if site.kind in ("outcome", "declaration"):
        return Where(
            frozenset(top[FORM_END]), "the end of the form", path_counted=True
        ), answered.out
    if site.kind == "group_route":
        owner = site.owner or ""
        if owner not in top:
            return None
        done = {**answered.out, owner: answered.end[owner]}
        return Where(frozenset(top[owner]), repr(owner)), done
    group = site.group
    if group is None:
        if site.owner not in top:
            return None
        return Where(frozenset(top[site.owner or ""]), repr(site.owner)), answered.out
    inner = answered.inner[group.id]
    if group.id not in top or site.owner not in inner:
        return None
    where = Where(
        frozenset(top[group.id]),
        repr(site.owner),
        group,
        frozenset(inner[site.owner or ""]),
        top_place=repr(group.id),
    )
    return where, answered.out


def _condition_problems(tree: QuestionTree, answered: _Answered) -> Iterator[Problem]:
    for site in condition_sites(tree):
        found = _where(tree, site, answered)
        if found is not None:
            where, done = found
            yield from read_problems(tree, site, parse_condition(site.raw, site.path), where, done)


def _unused_conditions(tree: QuestionTree) -> Iterator[Problem]:
    used: set[str] = set()
    pending = [parse_condition(site.raw, site.path) for site in condition_sites(tree)]
    while pending:
        for name in pending.pop().references():
            if name not in used:
                used.add(name)
                pending.append(tree.named_conditions[name])
    for name in tree.conditions:
        if name not in used:
            yield Problem("condition_unused", f"conditions.{name}", f"{name!r} is never used")


def check_tree(tree: QuestionTree, *, path_cap: int = 1000) -> CheckReport:
    """Every problem in ``tree``, and its routes (at most ``path_cap`` listed, all counted).

    Dangling references stop the check there, and loops stop it before reachability and reads
    (both need routes without loops). The top level and each group get the same checks.
    """
    references = list(_references(tree))
    if references:
        return CheckReport(tuple(references))
    top = top_level(tree)
    graphs = [top, *(group_level(tree, g, group) for g, group in enumerate(tree.groups))]
    cycles = [problem for graph in graphs for problem in _cycles(graph)]
    problems = [*cycles, *(p for graph in graphs for p in _duplicate_options(graph))]
    if cycles:
        return CheckReport(tuple(problems))
    orders = [reachable(graph) for graph in graphs]
    problems += _dead_ends(top, orders[0])
    for graph, order in zip(graphs, orders, strict=True):
        problems += _unreachable(graph, order)
    problems += _condition_problems(tree, _answered(tree, top, graphs, orders))
    problems += _unused_conditions(tree)
    paths, count, capped = _paths(top, orders[0], path_cap)
    return CheckReport(
        tuple(sorted(problems, key=lambda p: (p.path, p.code))), paths, count, capped
    )


def _paths(
    top: RouteGraph, order: list[str], cap: int
) -> tuple[tuple[tuple[str, ...], ...], int, bool]:
    """Routes from the start to the end or an exit: the first ``cap`` listed, all counted."""
    counts: dict[str, int] = {}
    for node in reversed(order):
        counts[node] = sum(1 if top.leaves(t) else counts.get(t, 0) for t in top.edges[node])
    listed: list[tuple[str, ...]] = []

    def visit(node: str, trail: tuple[str, ...]) -> None:
        for target in top.edges[node]:
            if len(listed) >= cap:
                return
            if top.leaves(target):
                listed.append((*trail, node, target))
            else:
                visit(target, (*trail, node))

    visit(top.entry, ())
    total = counts.get(top.entry, 0)
    return tuple(listed), total, total > len(listed)
