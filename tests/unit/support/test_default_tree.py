"""The shipped request-for-support tree passes the checker and asks what a good request needs."""

from __future__ import annotations

from datetime import date

from familyhubs_sdk.questiontree import check_tree, progress, start
from familyhubs_sdk.support import default_tree


def test_default_tree_passes_the_checker() -> None:
    report = check_tree(default_tree())
    assert report.ok, report.problems
    assert report.path_count > 1000


def test_default_tree_covers_safety_consent_family_and_every_outcome_area() -> None:
    tree = default_tree()
    ids = set(tree.question_index)
    assert {
        "immediate_danger",
        "significant_harm",
        "consent",
        "needs",
        "working_well",
        "tried_already",
        "services_involved",
        "family_view",
    } <= ids
    needs = tree.question_index["needs"]
    assert len(needs.options) == 12
    assert {g.id for g in tree.groups} == {"children", "adults"}
    assert {e.id for e in tree.exits} >= {"emergency", "safeguarding", "no_consent"}
    assert len(tree.outcomes) >= 12


def test_progress_starts_as_an_honest_range() -> None:
    tree = default_tree()
    text = progress(tree, start(tree), date(2026, 6, 1)).text
    assert text.startswith("Question 1 of about ")
