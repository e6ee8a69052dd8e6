"""Properties of the engine over random trees and random answer sequences."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from tests.helpers.strategies import raw_answer, trees

from familyhubs_sdk.questiontree import (
    FieldError,
    Question,
    QuestionTree,
    add_another,
    answer,
    check_tree,
    dump_tree,
    load_tree,
    progress,
    start,
    summary,
    walk,
)
from familyhubs_sdk.questiontree._cache import WALK_CACHE_SIZE
from familyhubs_sdk.questiontree._dates import parse_bound
from familyhubs_sdk.questiontree._validation import coerce

TODAY = date(2026, 6, 1)


def drive(tree: QuestionTree, data: st.DataObject):  # type: ignore[no-untyped-def]
    """Answer random valid values until the journey ends; yield (state, progress) at each step."""
    state = start(tree)
    limit = len(tree.questions) + sum(g.max_repeats * (len(g.questions) + 1) for g in tree.groups)
    for _ in range(limit + 2):
        yield state, progress(tree, state, TODAY)
        step = walk(tree, state, TODAY).current
        if step is None:
            return
        if step.kind == "add_another":
            state = add_another(tree, state, step.group.id, data.draw(st.booleans()), TODAY)  # type: ignore[union-attr]
            continue
        value = data.draw(raw_answer(step.question.kind))  # type: ignore[union-attr]
        result = answer(tree, state, step.address, value, TODAY)
        assert result.error is None, result.error
        state = result.state
    raise AssertionError("the journey did not end within the number of questions")


@settings(max_examples=150, deadline=None)
@given(trees(), st.data())
def test_every_path_ends_within_the_number_of_questions(
    tree: QuestionTree, data: st.DataObject
) -> None:
    states = list(drive(tree, data))
    final = walk(tree, states[-1][0], TODAY)
    assert final.ending is not None
    answered = sum(1 for s in final.steps if s.kind == "question")
    assert answered <= len(tree.questions) + sum(
        g.max_repeats * len(g.questions) for g in tree.groups
    )


@settings(max_examples=150, deadline=None)
@given(trees(), st.data())
def test_progress_never_goes_backwards_and_bounds_hold(
    tree: QuestionTree, data: st.DataObject
) -> None:
    steps = list(drive(tree, data))
    fractions = [p.fraction for _, p in steps]
    assert fractions == sorted(fractions)
    ending = walk(tree, steps[-1][0], TODAY).ending
    total = steps[-1][1].answered
    for _state, p in steps:
        actual = total - p.answered
        assert actual <= p.max_remaining
        if ending == "end":
            assert p.min_remaining <= actual


@settings(max_examples=100, deadline=None)
@given(trees(), st.data())
def test_answers_off_the_path_never_reach_the_summary(
    tree: QuestionTree, data: st.DataObject
) -> None:
    final, _ = list(drive(tree, data))[-1]
    first = tree.questions[0]
    if tree.start != first.id:
        return
    # Change the first answer: whatever falls off the path must leave the summary.
    changed = answer(tree, final, first.id, data.draw(raw_answer(first.kind)), TODAY).state
    on_path = {s.address for s in walk(tree, changed, TODAY).steps}
    assert {row.address for row in summary(tree, changed, TODAY)} <= on_path


@settings(max_examples=100, deadline=None)
@given(trees())
def test_generated_trees_pass_the_checker_and_round_trip(tree: QuestionTree) -> None:
    assert check_tree(tree).ok, check_tree(tree).problems
    assert load_tree(dump_tree(tree)) == tree
    assert load_tree(dump_tree(tree, "json"), "json") == tree


@settings(max_examples=25, deadline=None)
@given(trees(), st.data())
def test_threads_sharing_a_tree_see_what_one_thread_sees(
    tree: QuestionTree, data: st.DataObject
) -> None:
    states = [state for state, _ in drive(tree, data)]
    text = dump_tree(tree)
    alone = load_tree(text)
    expected = [(walk(alone, s, TODAY), progress(alone, s, TODAY)) for s in states]
    shared = load_tree(text)  # never used yet: the threads race to build its caches
    with ThreadPoolExecutor(max_workers=16) as pool:
        seen = list(
            pool.map(lambda s: (walk(shared, s, TODAY), progress(shared, s, TODAY)), states * 8)
        )
    assert seen == expected * 8
    assert len(shared._cache.walks) <= WALK_CACHE_SIZE


OFFSETS = st.builds(
    lambda sign, amount, unit: f"{sign}{amount}{unit}",
    st.sampled_from("+-"),
    st.integers(0, 40),
    st.sampled_from("ymwd"),
)
BOUNDS = st.one_of(st.none(), OFFSETS, st.dates(date(1990, 1, 1), date(2040, 12, 31)).map(str))


@settings(max_examples=300, deadline=None)
@given(
    BOUNDS,
    BOUNDS,
    st.dates(date(1980, 1, 1), date(2050, 12, 31)),
    st.dates(date(2000, 1, 1), date(2040, 12, 31)),
)
def test_a_date_is_accepted_exactly_when_it_is_within_its_bounds(
    low: str | None, high: str | None, answered: date, today: date
) -> None:
    try:
        question = Question(id="d", kind="date", label="When?", minimum=low, maximum=high)
    except ValidationError:
        return  # bounds the wrong way round are refused when the tree loads
    earliest, latest = (None if b is None else parse_bound(b) for b in (low, high))
    raw = {"day": str(answered.day), "month": str(answered.month), "year": str(answered.year)}
    result = coerce(question, raw, today)
    within = (earliest is None or answered >= earliest.on(today)) and (
        latest is None or answered <= latest.on(today)
    )
    if within:
        assert result == answered.isoformat()
    else:
        assert isinstance(result, FieldError)
        assert result.code == (
            "date_too_early" if earliest and answered < earliest.on(today) else "date_too_late"
        )
        assert result.message.startswith("The date must be")


@settings(max_examples=100, deadline=None)
@given(trees(), st.data())
def test_a_route_out_of_a_group_ends_its_repetitions(
    tree: QuestionTree, data: st.DataObject
) -> None:
    final, _ = list(drive(tree, data))[-1]
    steps = walk(tree, final, TODAY).steps
    for group in tree.groups:
        mine = [i for i, s in enumerate(steps) if s.group is not None and s.group.id == group.id]
        if not mine:
            continue
        last = steps[mine[-1]]
        after = steps[mine[-1] + 1 :]
        # Whatever follows the group's last step is outside it, and the group is walked once.
        assert all(s.group is None or s.group.id != group.id for s in after)
        assert mine == list(range(mine[0], mine[-1] + 1))
        if last.kind == "question" and last.index is not None:
            # Left from inside a repetition: no later repetition was asked.
            assert last.index == max(s.index or 0 for s in (steps[i] for i in mine))
