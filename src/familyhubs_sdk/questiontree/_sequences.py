"""The routes of a tree as graphs the checker and the progress counts walk: the top level (its
questions and groups) and each group's questions. Routes have no loops once checked, so every
analysis here is one pass in topological order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from familyhubs_sdk.questiontree._model import END_REPEAT, Group, Question, QuestionTree
from familyhubs_sdk.questiontree._references import place

__all__ = [
    "FORM_END",
    "REPEAT_END",
    "REPEAT_OUT",
    "RouteGraph",
    "dominators",
    "group_level",
    "leaving",
    "reachable",
    "top_level",
]

#: Made-up nodes for :func:`dominators`: the end of the form (top level); the end of a
#: repetition, and every way out of one (in a group).
FORM_END = "<end>"
REPEAT_END = "<end of repetition>"
REPEAT_OUT = "<out of repetition>"


@dataclass(frozen=True)
class RouteGraph:
    """Questions routed among themselves: the top level, whose nodes are its questions and its
    groups, or the questions of one group. Every check reads the two the same way."""

    #: Where the routes start: the tree's start, or the group's first question.
    entry: str
    #: Every node, in file order, with its path in the tree file.
    places: Mapping[str, str]
    #: The distinct places each node can lead to, in order. A target that is not a node leaves
    #: the sequence: the end, an exit page, the end of a repetition, or (from a group) the top
    #: level.
    edges: Mapping[str, tuple[str, ...]]
    #: The questions asked in this sequence, with their paths.
    questions: tuple[tuple[str, Question], ...]
    #: The questions a condition here can read: its own, and in a group the top level's too.
    readable: Mapping[str, Question]
    #: How a node that cannot be reached is described: "from the start", "in 'children'".
    reached: str
    #: The group, for a group's questions; ``None`` for the top level itself.
    group: Group | None

    def leaves(self, target: str) -> bool:
        """Whether a route to ``target`` leaves this sequence."""
        return target not in self.places


def _distinct(targets: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(targets))


def leaving(tree: QuestionTree, group: Group) -> tuple[str, ...]:
    """Where a group's questions lead out of the group: top-level questions and groups, the end
    of the form, exit pages."""
    inner = {q.id for q in group.questions} | {END_REPEAT}
    return _distinct(
        t for q in group.questions for t in tree.targets(q, group.questions) if t not in inner
    )


def top_level(tree: QuestionTree) -> RouteGraph:
    places = {q.id: place("questions", i, q.id) for i, q in enumerate(tree.questions)}
    places.update({g.id: place("groups", i, g.id) for i, g in enumerate(tree.groups)})
    edges = {q.id: _distinct(tree.targets(q, tree.questions)) for q in tree.questions}
    edges.update(
        {g.id: _distinct([*tree.group_targets(g), *leaving(tree, g)]) for g in tree.groups}
    )
    return RouteGraph(
        entry=tree.start,
        places=places,
        edges=edges,
        questions=tuple((place("questions", i, q.id), q) for i, q in enumerate(tree.questions)),
        readable=tree.question_index,
        reached="from the start",
        group=None,
    )


def group_level(tree: QuestionTree, g: int, group: Group) -> RouteGraph:
    at = place("groups", g, group.id)
    places = {q.id: place("questions", i, q.id, at) for i, q in enumerate(group.questions)}
    return RouteGraph(
        entry=group.questions[0].id,
        places=places,
        edges={q.id: _distinct(tree.targets(q, group.questions)) for q in group.questions},
        questions=tuple((places[q.id], q) for q in group.questions),
        readable={**tree.question_index, **{q.id: q for q in group.questions}},
        reached=f"in {group.id!r}",
        group=group,
    )


def reachable(sequence: RouteGraph) -> list[str]:
    """The nodes reachable from the entry, in topological order (the routes have no loops)."""
    seen: set[str] = set()
    order: list[str] = []

    def visit(node: str) -> None:
        seen.add(node)
        for target in sequence.edges[node]:
            if not sequence.leaves(target) and target not in seen:
                visit(target)
        order.append(node)

    visit(sequence.entry)
    return order[::-1]


def dominators(
    sequence: RouteGraph, order: list[str], sinks: Mapping[str, frozenset[str]] | None = None
) -> dict[str, set[str]]:
    """For each reachable node, the nodes on every path from the entry to it (inclusive). Each
    of ``sinks`` is a made-up node reached by routes to the given targets (``END``, say): its
    dominators are the nodes answered on every path that ends there."""
    sinks = sinks or {}
    preds: dict[str, list[str]] = {node: [] for node in order}
    for sink in sinks:
        preds[sink] = []
    for node in order:
        for target in sequence.edges[node]:
            if target in preds and target not in sinks:
                preds[target].append(node)
            for sink, targets in sinks.items():
                if target in targets and node not in preds[sink]:
                    preds[sink].append(node)
    dom: dict[str, set[str]] = {}
    for node in [*order, *sinks]:
        incoming = [dom[p] for p in preds[node] if p in dom]
        dom[node] = (set.intersection(*incoming) if incoming else set()) | {node}
    return dom
