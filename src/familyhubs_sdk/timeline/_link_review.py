"""The review screen for proposed links: a fragment for the information-governance role.

>>> from datetime import UTC, datetime
>>> link = ReviewedLink(id=3, left=("lcs", "C1"), right=("police", "PN7"), method="probabilistic",
...     status="proposed", score=0.9992, match_weight=10.33,
...     matched_fields=("family_name", "birth_date"), proposed_at=datetime(2026, 3, 1, tzinfo=UTC))
>>> html = render_link_review([link], action="/links", csrf_token="t0k3n")
>>> "10.3" in html and 'name="link_id" value="3"' in html and "t0k3n" in html
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup

from familyhubs_sdk.errors import RenderingError
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.timeline._audit import AuditAction, AuditLog
from familyhubs_sdk.timeline._links import ReviewedLink
from familyhubs_sdk.timeline._render import _renderer
from familyhubs_sdk.views._canonical import Person
from familyhubs_sdk.web._viewer import Viewer

__all__ = ["render_link_review"]

_FIELD_TEXT = {
    "given_name": "given name",
    "family_name": "family name",
    "birth_date": "date of birth",
    "postcode": "postcode",
}


def render_link_review(
    links: Sequence[ReviewedLink],
    *,
    action: str,
    csrf_token: str,
    people: Mapping[tuple[str, str], Person] | None = None,
    source_labels: Mapping[str, str] | None = None,
    csrf_field: str = "csrf_token",
    renderer: Renderer | None = None,
    audit: AuditLog | None = None,
    viewer: Viewer | None = None,
    request_id: str | None = None,
) -> Markup:
    """Proposed links with their match weights, each with Accept and Reject buttons.

    Each row posts ``link_id`` and ``decision`` (``accept`` or ``reject``) to ``action`` with the
    CSRF token; the host calls :meth:`LinkStore.accept` or :meth:`LinkStore.reject` as the signed-in
    viewer. ``people`` (keyed by ``(source_system, person_key)``) adds each record's name and date
    of birth, so the reviewer can judge; show this screen only to the role that decides links.
    Showing them is a read of each record, so ``people`` needs the ``audit`` log and the
    ``viewer``: one ``link_review`` event per record shown, written before the page is built.
    """
    if not csrf_token:
        raise RenderingError("render_link_review needs the host's CSRF token: it renders forms")
    labels = dict(source_labels or {})
    known = people or {}
    shown = sorted({end for link in links for end in (link.left, link.right) if end in known})
    if shown:
        if audit is None or viewer is None:
            raise RenderingError(
                "render_link_review needs the audit log and the viewer to show records' names"
            )
        audit.record_each(
            viewer,
            AuditAction.LINK_REVIEW,
            [f"{source}:{key}" for source, key in shown],
            request_id=request_id,
        )
    rows = [
        (
            link.id,
            [_record(end, known.get(end), labels) for end in (link.left, link.right)],
            "" if link.match_weight is None else f"{link.match_weight:.1f}",
            "" if link.score is None else f"{link.score:.4f}",
            ", ".join(_FIELD_TEXT.get(f, f) for f in link.matched_fields).capitalize() or "None",
        )
        for link in links
    ]
    return _renderer(renderer).render(
        "familyhubs/timeline/links_review.html",
        action=action,
        csrf_field=csrf_field,
        csrf_token=csrf_token,
        rows=rows,
    )


def _record(
    end: tuple[str, str], person: Person | None, labels: Mapping[str, str]
) -> tuple[str, str, str | None, object]:
    source, key = end
    name = None
    if person is not None and (person.given_name or person.family_name):
        name = " ".join(filter(None, [person.given_name, person.family_name]))
    return (
        labels.get(source, source),
        key,
        name,
        person.birth_date if person is not None else None,
    )
