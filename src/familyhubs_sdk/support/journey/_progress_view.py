"""The progress indicator above each question, as the form's owner chooses to show it.

Three styles, each worded in ``familyhubs/support/_page.html``:

* ``section`` (the default): "Section 3 of 6: The family", the bar at the honest fraction;
* ``questions_left``: "About 12 questions left" (the questions the answers so far make certain);
* ``range``: "Question 31 of about 38 to 50", the engine's honest bounds.

The bar never moves backwards within a journey: an answer that adds questions (another need, a
second child) lowers the honest fraction, so the page shows the highest fraction shown so far,
which the journey keeps in the host's session (:data:`PROGRESS_SESSION_KEY`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from familyhubs_sdk.questiontree import Progress, QuestionTree

__all__ = ["PROGRESS_SESSION_KEY", "PROGRESS_STYLES", "ProgressStyle", "progress_view"]

ProgressStyle = Literal["section", "questions_left", "range"]
PROGRESS_STYLES: tuple[ProgressStyle, ...] = ("section", "questions_left", "range")

#: The session key of the highest percentage the bar has shown in this journey.
PROGRESS_SESSION_KEY = "familyhubs_progress_shown"


@dataclass(frozen=True, slots=True)
class _Place:
    """Where the current section stands among the form's sections (counting from 1)."""

    number: int
    count: int
    title: str


def _place(tree: QuestionTree, section_id: str | None) -> _Place | None:
    ids = [section.id for section in tree.sections]
    if section_id is None or section_id not in ids:
        return None
    return _Place(ids.index(section_id) + 1, len(ids), tree.section_index[section_id].title)


def progress_view(
    tree: QuestionTree,
    progress: Progress,
    *,
    section_id: str | None,
    style: ProgressStyle = "section",
    shown: int = 0,
) -> dict[str, Any]:
    """The indicator's numbers for the template: ``style`` (``section`` falls back to
    ``questions_left`` on a question outside every section), the section's place, the question
    counts, and the bar (``percent``, never below ``shown``, the highest shown so far).

    >>> from familyhubs_sdk.support import default_tree
    >>> view = progress_view(default_tree(), Progress(10, 5, 5), section_id="family", shown=80)
    >>> view["style"], view["section_number"], view["section_count"], view["percent"]
    ('section', 3, 6, 80)
    """
    place = _place(tree, section_id) if style == "section" else None
    honest = round(100 * progress.fraction)
    percent = max(honest, min(shown, 100))
    return {
        "style": "questions_left" if style == "section" and place is None else style,
        "section_number": place.number if place else None,
        "section_count": place.count if place else None,
        "section_title": place.title if place else None,
        "position": progress.answered + 1,
        "low": progress.answered + max(progress.min_remaining, 1),
        "high": progress.answered + progress.max_remaining,
        # The questions the answers so far make certain: more repetitions or choices add more.
        "left": max(progress.min_remaining, 1 if progress.max_remaining else 0),
        "value": percent,
        "max": 100,
        "percent": percent,
    }
