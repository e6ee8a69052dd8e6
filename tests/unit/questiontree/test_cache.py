"""What the engine keeps with a tree: bounded, typed, never part of the tree's value, thread-safe."""

from __future__ import annotations

import copy
import pickle
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
import yaml

from familyhubs_sdk.errors import TreeDefinitionError
from familyhubs_sdk.questiontree import (
    JourneyState,
    Progress,
    QuestionTree,
    add_another,
    answer,
    check_tree,
    current_step,
    dump_tree,
    is_complete,
    load_tree,
    progress,
    start,
    walk,
)
from familyhubs_sdk.questiontree._cache import WALK_CACHE_SIZE, LRUCache, Once, TreeCache
from familyhubs_sdk.questiontree._progress import remaining_bounds

TODAY = date(2026, 6, 1)
THREADS = 16


# --- LRUCache -------------------------------------------------------------------------------


def test_the_least_recently_used_entry_goes_first() -> None:
    cache: LRUCache[str, int] = LRUCache(3)
    for key, value in (("a", 1), ("b", 2), ("c", 3)):
        cache.set(key, value)
    assert cache.get("a") == 1  # "a" is now the most recently used
    cache.set("d", 4)
    assert cache.keys() == ["c", "a", "d"]
    assert cache.get("b") is None
    cache.set("c", 30)  # setting an existing key refreshes it without growing
    assert cache.keys() == ["a", "d", "c"]
    assert (len(cache), cache.get("c")) == (3, 30)


def test_the_cache_never_holds_more_than_its_capacity() -> None:
    cache: LRUCache[int, int] = LRUCache(5)
    for i in range(100):
        cache.set(i, i)
        assert len(cache) <= 5
    assert cache.keys() == [95, 96, 97, 98, 99]
    assert cache.capacity == 5
    cache.clear()
    assert len(cache) == 0


def test_a_cache_needs_room_for_one_entry() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        LRUCache(0)


def test_a_copied_or_unpickled_cache_starts_empty() -> None:
    cache: LRUCache[str, int] = LRUCache(7)
    cache.set("a", 1)
    for other in (_round_trip(cache), copy.copy(cache), copy.deepcopy(cache)):
        assert (len(other), other.capacity) == (0, 7)


def test_the_cache_stays_consistent_and_bounded_under_threads() -> None:
    cache: LRUCache[int, int] = LRUCache(32)
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def hammer(offset: int) -> None:
        try:
            barrier.wait()
            for i in range(2000):
                key = (offset * 7 + i) % 100
                cache.set(key, key * 2)
                found = cache.get(key)
                assert found is None or found == key * 2
                assert len(cache) <= 32
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with _rapid_thread_switching():
        _run_threads([lambda n=n: hammer(n) for n in range(THREADS)])
    assert errors == []
    assert len(cache) == 32
    kept = cache.keys()
    assert all(cache.get(key) == key * 2 for key in kept)


# --- Once -----------------------------------------------------------------------------------


def test_once_builds_exactly_once_when_threads_race() -> None:
    once: Once[object] = Once()
    builds: list[object] = []
    barrier = threading.Barrier(THREADS)
    results: list[object] = []

    def build() -> object:
        value = object()
        builds.append(value)
        return value

    def ask() -> None:
        barrier.wait()
        results.append(once.get(build))

    with _rapid_thread_switching():
        _run_threads([ask] * THREADS)
    assert len(builds) == 1
    assert results == builds * THREADS


def test_once_keeps_what_another_thread_built_while_it_waited() -> None:
    once: Once[str] = Once()

    class BuiltWhileWaiting:
        """A lock whose holder, before us, has just built the value."""

        def __enter__(self) -> None:
            once._value = "theirs"

        def __exit__(self, *exc: object) -> None:
            return None

    once._lock = BuiltWhileWaiting()  # type: ignore[assignment]
    assert once.get(lambda: "ours") == "theirs"


def test_once_can_be_cleared_and_arrives_empty_when_copied() -> None:
    once: Once[str] = Once()
    assert once.get(lambda: "a") == "a"
    assert once.get(lambda: "b") == "a"
    assert _round_trip(once).get(lambda: "c") == "c"
    once.clear()
    assert once.get(lambda: "d") == "d"


# --- TreeCache and the tree -----------------------------------------------------------------


def test_tree_caches_never_make_trees_differ() -> None:
    one = TreeCache({"a": "end"}, ())
    other = TreeCache({}, (), 3)
    assert one == other
    assert one != "a cache"
    with pytest.raises(TypeError):
        hash(one)
    copied = _round_trip(other)
    assert (copied.following_top, copied.walks.capacity) == ({}, 3)


def test_what_is_cached_is_not_part_of_the_tree() -> None:
    walked = _tree()
    fresh = _tree()
    state = _answered(walked, ["yes", "text", "no"])
    walked._cache.clear()
    progress(walked, state, TODAY)
    assert len(walked._cache.walks) == 1
    assert walked == fresh
    assert walked.model_dump() == fresh.model_dump()
    assert dump_tree(walked) == dump_tree(fresh)
    assert "cache" not in repr(walked)


def test_a_pickled_or_copied_tree_is_equal_and_works() -> None:
    tree = _tree()
    state = _answered(tree, ["yes", "text", "no"])
    expected = progress(tree, state, TODAY)
    for other in (_round_trip(tree), copy.deepcopy(tree), copy.copy(tree)):
        assert other == tree
        assert progress(other, state, TODAY) == expected
    assert len(_round_trip(tree)._cache.walks) == 0


def test_model_copy_works_out_indexes_and_caches_afresh() -> None:
    tree = _tree()
    state = _answered(tree, ["yes"])
    assert walk(tree, state, TODAY).current.address == "q1"  # type: ignore[union-attr]
    shorter = tree.model_copy(update={"questions": tree.questions[:1]})
    assert list(shorter.question_index) == ["q0"]
    assert shorter._cache is not tree._cache
    assert walk(shorter, state, TODAY).ending == "end"
    assert progress(shorter, state, TODAY).text == "All questions answered"
    assert tree.model_copy()._cache is not tree._cache


def test_default_next_of_a_list_from_elsewhere_is_worked_out() -> None:
    tree = _tree()
    questions = tree.questions
    assert tree.default_next(questions[0], tuple(reversed(questions))) == "end"
    assert tree.default_next(questions[1], tree.questions) == "q2"
    assert tree.default_next(tree.groups[0].questions[0], tree.groups[0].questions) == "y"


def test_equal_states_share_a_walk_and_different_days_do_not() -> None:
    tree = _tree()
    state = _answered(tree, ["yes", "text"])
    tree._cache.clear()
    again = JourneyState.model_validate(state.model_dump())
    assert again is not state
    assert walk(tree, again, TODAY) is walk(tree, state, TODAY)
    assert walk(tree, state, date(2026, 6, 2)) is not walk(tree, state, TODAY)
    assert len(tree._cache.walks) == 2


def test_a_loop_inside_a_group_is_refused_by_progress_too() -> None:
    tree = load_tree(
        yaml.safe_dump(
            {
                "id": "t",
                "version": "1",
                "title": "T",
                "start": "a",
                "questions": [{"id": "a", "kind": "yes_no", "label": "A", "next": "g"}],
                "groups": [
                    {
                        "id": "g",
                        "label": "G",
                        "item_label": "item",
                        "questions": [
                            {"id": "x", "kind": "yes_no", "label": "X", "next": "y"},
                            {"id": "y", "kind": "yes_no", "label": "Y", "next": "x"},
                        ],
                    }
                ],
            }
        )
    )
    with pytest.raises(TreeDefinitionError, match="routes in group 'g' loop back to 'x'"):
        progress(tree, start(tree), TODAY)


def test_bounds_are_built_once_per_tree_and_rebuilt_after_clearing() -> None:
    tree = _tree()
    bounds = remaining_bounds(tree)
    assert remaining_bounds(tree) is bounds
    tree._cache.clear()
    assert remaining_bounds(tree) is not bounds
    assert len(tree._cache.walks) == 0


# --- Many threads, many trees ---------------------------------------------------------------

Outcome = tuple[tuple[str, ...], str | None, str | None, Progress, bool]


def test_walks_and_progress_agree_across_threads_and_caches_stay_bounded() -> None:
    """16 threads walk, find the next step and compute progress for every state of 32 journeys
    through 4 trees (far more states per tree than a tree keeps walks for), on trees first used
    by all the threads at once. Every answer equals a single-threaded run on trees of its own; no
    cache ever holds more than its bound; nothing raises (before, a tree's first ``progress``
    calls could raise a false "routes loop back" when threads raced to work out its bounds)."""
    texts = [dump_tree(_tree(skip_every=n, people=n, length=20)) for n in (2, 3, 4, 5)]
    journeys = [(t, states) for t, text in enumerate(texts) for states in _journeys(text)]
    for t in range(len(texts)):
        assert sum(len(states) for i, states in journeys if i == t) > 2 * WALK_CACHE_SIZE

    solo = [load_tree(text) for text in texts]
    expected = {
        (n, i): _outcome(solo[t], state)
        for n, (t, states) in enumerate(journeys)
        for i, state in enumerate(states)
    }

    for _ in range(2):  # fresh trees each round: first use is where the races are
        shared = [load_tree(text) for text in texts]
        errors, mismatches, overfull = _race(shared, journeys, expected)
        assert errors == []
        assert mismatches == []
        assert overfull == []
        assert all(len(tree._cache.walks) == WALK_CACHE_SIZE for tree in shared)


def _race(
    trees: list[QuestionTree],
    journeys: list[tuple[int, list[JourneyState]]],
    expected: dict[tuple[int, int], Outcome],
) -> tuple[list[BaseException], list[tuple[int, int]], list[int]]:
    """Every thread through every state of every journey; what went wrong, by kind."""
    errors: list[BaseException] = []
    mismatches: list[tuple[int, int]] = []
    overfull: list[int] = []
    barrier = threading.Barrier(THREADS)

    def worker(me: int) -> None:
        try:
            barrier.wait()
            for n, (t, states) in enumerate(journeys):
                order = range(len(states)) if me % 2 else reversed(range(len(states)))
                for i in order:
                    # Half the time an equal copy, as a web app reloading a draft has.
                    state = states[i] if (i + me) % 2 else JourneyState(**states[i].model_dump())
                    if _outcome(trees[t], state) != expected[(n, i)]:
                        mismatches.append((n, i))
                    if len(trees[t]._cache.walks) > WALK_CACHE_SIZE:
                        overfull.append(t)
        except BaseException as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)

    with _rapid_thread_switching():
        _run_threads([lambda me=me: worker(me) for me in range(THREADS)])
    return errors, mismatches, overfull


def test_threads_racing_to_use_a_fresh_tree_all_get_its_progress() -> None:
    text = dump_tree(_tree(skip_every=2, people=3, length=120))
    expected = progress(load_tree(text), start(load_tree(text)), TODAY)
    for _ in range(10):
        assert _first_uses(load_tree(text)) == [expected] * THREADS


def _first_uses(tree: QuestionTree) -> list[Progress | BaseException]:
    """``progress`` of a new journey, asked by every thread at once of a tree never used."""
    barrier = threading.Barrier(THREADS)
    results: list[Progress | BaseException] = []

    def first_use() -> None:
        barrier.wait()
        try:
            results.append(progress(tree, start(tree), TODAY))
        except BaseException as exc:  # pragma: no cover - the bug this guards against
            results.append(exc)

    with _rapid_thread_switching():
        _run_threads([first_use] * THREADS)
    return results


# --- helpers --------------------------------------------------------------------------------


def _tree(skip_every: int = 3, people: int = 2, length: int = 3) -> QuestionTree:
    """A tree of ``length`` questions, every ``skip_every``-th a yes/no that skips the next one
    on "no", then a group ``g`` of two questions (at most ``people`` times)."""
    questions: list[dict[str, Any]] = []
    for i in range(length):
        qid = f"q{i}"
        question: dict[str, Any] = {"id": qid, "label": qid.upper(), "kind": "short_text"}
        if i % skip_every == 0:
            question["kind"] = "yes_no"
            if i + 2 < length:
                question["routes"] = [{"when": {"equals": [qid, "no"]}, "goto": f"q{i + 2}"}]
        questions.append(question)
    questions[-1]["next"] = "g"
    group = {
        "id": "g",
        "label": "G",
        "item_label": "person",
        "max_repeats": people,
        "questions": [
            {"id": "x", "kind": "short_text", "label": "X"},
            {"id": "y", "kind": "yes_no", "label": "Y"},
        ],
    }
    data = {
        "id": "t",
        "version": "1",
        "title": "T",
        "start": questions[0]["id"],
        "questions": questions,
        "groups": [group],
    }
    tree = load_tree(yaml.safe_dump(data))
    assert check_tree(tree).ok
    return tree


def _answered(tree: QuestionTree, values: list[str]) -> JourneyState:
    state = start(tree)
    for value in values:
        step = current_step(tree, state, TODAY)
        assert step is not None
        state = answer(tree, state, step.address, value, TODAY).state
    return state


def _journeys(text: str) -> Iterator[list[JourneyState]]:
    """Every state of 8 journeys through the tree, each answering its yes/no questions its way."""
    tree = load_tree(text)
    for variant in range(8):
        state, states, flips = start(tree), [], 0
        while (step := current_step(tree, state, TODAY)) is not None:
            states.append(state)
            if step.kind == "add_another":
                more = (step.index or 0) < variant % 3
                state = add_another(tree, state, "g", more, TODAY)
                continue
            assert step.question is not None
            if step.question.kind == "yes_no":
                flips += 1
                value = "no" if (variant >> (flips % 4)) & 1 else "yes"
            else:
                value = f"answer {variant}"
            state = answer(tree, state, step.address, value, TODAY).state
        states.append(state)
        yield states


def _outcome(tree: QuestionTree, state: JourneyState) -> Outcome:
    route = walk(tree, state, TODAY)
    step = current_step(tree, state, TODAY)
    return (
        tuple(s.address for s in route.steps),
        step.address if step else None,
        route.ending,
        progress(tree, state, TODAY),
        is_complete(tree, state, TODAY),
    )


def _round_trip(thing: Any) -> Any:
    """``thing`` pickled and unpickled (our own bytes, never untrusted input)."""
    return pickle.loads(pickle.dumps(thing))  # noqa: S301


def _run_threads(targets: list[Callable[[], None]]) -> None:
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@contextmanager
def _rapid_thread_switching() -> Iterator[None]:
    """Switch threads as often as the interpreter allows, so races show up in a short test."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)
