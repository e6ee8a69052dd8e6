"""Content disarm for PDFs: every PDF is opened and written again by pikepdf (qpdf) with its
active content taken out.

**Why pikepdf.** It binds qpdf, the maintained C++ library built to read and rewrite PDFs
structurally (fuzzed in OSS-Fuzz, repairs damaged cross-reference tables the way viewers do), ships
wheels for every platform we support, and has types. Rewriting rather than filtering bytes is the
point: qpdf writes only objects reachable from the document, so incremental updates, unreferenced
objects, data after ``%%EOF`` and anything appended disappear, and what remains is parsed rather
than pattern-matched. A PDF it cannot open or rebuild (damaged past repair, password-protected)
is refused.

Taken out wherever it sits (catalog, pages, annotations, form fields, outlines):

* automatic actions -- ``/OpenAction`` and every ``/AA`` (additional actions);
* every action but a jump within the document (``/GoTo``): JavaScript, ``/Launch``,
  ``/SubmitForm``, ``/ImportData``, ``/GoToR``, ``/GoToE``, ``/URI``, ``/Named``, rendition and
  rich-media actions, and action chains (``/Next``) -- links to web pages stop being links;
* JavaScript name trees and ``/JS`` code, embedded files (``/EmbeddedFiles``, ``/EF`` file
  streams, portfolios), XFA forms, rich media, and annotations that play or attach content
  (file attachment, rich media, screen, movie, sound, 3D).

Pages, their content streams (the text and pictures), fonts, images and ordinary form field
values are kept as they are; the output is unencrypted.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

from familyhubs_sdk.errors import EvidenceError

if TYPE_CHECKING:
    import pikepdf

__all__ = ["ACTIVE_KEYS", "disarm_pdf"]

#: Dictionary keys whose values run, fetch or carry files; removed wherever they appear.
ACTIVE_KEYS = (
    "/AA",
    "/OpenAction",
    "/JS",
    "/JavaScript",
    "/EmbeddedFiles",
    "/EF",
    "/XFA",
    "/RichMediaContent",
    "/Collection",
    "/NeedsRendering",
    "/URI",
)
_PLAYING_ANNOTATIONS = frozenset(
    {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}
)


def _unusable(why: str) -> EvidenceError:
    return EvidenceError(f"the PDF {why}", reason="content_mismatch")


def _containers(root: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """``root`` and every dictionary, stream or array held directly inside it."""
    import pikepdf

    pending = [root]
    while pending:
        item = pending.pop()
        yield item
        if isinstance(item, pikepdf.Array):
            children = list(item)
        elif isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
            children = [item[key] for key in item.keys()]  # noqa: SIM118 - a PDF dictionary
        else:
            continue
        pending.extend(
            child
            for child in children
            if isinstance(child, pikepdf.Array | pikepdf.Dictionary | pikepdf.Stream)
            and not child.is_indirect
        )


def _disarm_dictionary(item: pikepdf.Object) -> None:
    import pikepdf

    for key in ACTIVE_KEYS:
        if key in item:
            del item[key]
    if "/A" in item:
        action = item["/A"]
        if not isinstance(action, pikepdf.Dictionary) or action.get("/S") != pikepdf.Name.GoTo:
            del item["/A"]
    if "/S" in item and "/Next" in item:
        del item["/Next"]


def _drop_playing_annotations(pdf: pikepdf.Pdf) -> None:
    import pikepdf

    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if not isinstance(annotations, pikepdf.Array):
            continue
        kept = [
            annotation
            for annotation in annotations
            if not (
                isinstance(annotation, pikepdf.Dictionary)
                and str(annotation.get("/Subtype", "")) in _PLAYING_ANNOTATIONS
            )
        ]
        page.obj["/Annots"] = pikepdf.Array(kept)


def _rebuild(data: bytes) -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        _drop_playing_annotations(pdf)
        for root in [pdf.trailer, *pdf.objects]:
            for item in _containers(root):
                if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
                    _disarm_dictionary(item)
        out = io.BytesIO()
        pdf.save(out, encryption=False, compress_streams=True, deterministic_id=True)
    return out.getvalue()


def disarm_pdf(data: bytes) -> bytes:
    """The PDF rebuilt by qpdf without active content; refused if it cannot be rebuilt."""
    import pikepdf

    try:
        return _rebuild(data)
    except pikepdf.PasswordError as exc:
        raise _unusable("is protected by a password, so it cannot be checked") from exc
    except Exception as exc:  # fail closed: whatever qpdf cannot rebuild is refused
        raise _unusable("is damaged and cannot be rebuilt") from exc
