"""What an Office Open XML package may declare: no macros, and nothing fetched from outside it.

Judged from its small declaration parts only -- ``[Content_Types].xml`` and the ``.rels``
relationship parts -- which :mod:`familyhubs_sdk.support.evidence._archives` reads while it
checks the package. Relationship parts are read with expat, refusing any DTD (Office packages
never have one), so no entity is ever expanded.

A relationship that Word or Excel would follow on opening the file -- a remote template (the
"template injection" attack), a linked picture, OLE object, frame or sub-document -- is refused
when it points outside the file. Hyperlinks are allowed (followed only when clicked), as is a
template path on the author's own disk (``C:\\...``), which nobody else can serve.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from xml.parsers import expat

from familyhubs_sdk.errors import EvidenceError

__all__ = ["validate_office_parts"]

_MACRO_CONTENT_TYPES = (b"vbaproject", b"macroenabled", b"activex")
_RELATIONSHIP = "http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_LOCAL_PATH = re.compile(r"(?i)^(file:///)?[a-z]:[\\/]")


def _unsafe(why: str) -> EvidenceError:
    return EvidenceError(f"the document {why}", reason="unsafe_content")


def _refuse_dtd(*args: object) -> None:
    raise _unsafe("declares a DTD, which Office packages never do")


def _relationships(text: bytes) -> list[dict[str, str]]:
    """The attributes of each relationship in a ``.rels`` part."""
    found: list[dict[str, str]] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if name == _RELATIONSHIP:
            found.append(attributes)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.StartElementHandler = start
    try:
        parser.Parse(text, True)
    except expat.ExpatError as exc:
        raise EvidenceError(
            "the document has a relationship part that is not XML", reason="content_mismatch"
        ) from exc
    return found


def _fetches_from_outside(relationship: dict[str, str]) -> bool:
    if relationship.get("TargetMode", "").lower() != "external":
        return False
    kind = relationship.get("Type", "")
    if kind.endswith("/hyperlink"):
        return False
    target = relationship.get("Target", "")
    return not (kind.endswith("/attachedTemplate") and _LOCAL_PATH.match(target))


def validate_office_parts(parts: Mapping[str, bytes]) -> None:
    """Refuse a package whose content types declare macros or ActiveX, or whose relationships
    fetch anything from outside the file. ``parts`` maps part names to their bytes."""
    content_types = parts.get("[Content_Types].xml", b"").lower()
    if any(marker in content_types for marker in _MACRO_CONTENT_TYPES):
        raise _unsafe("declares macros or ActiveX controls")
    for name, text in parts.items():
        if name.endswith(".rels") and any(map(_fetches_from_outside, _relationships(text))):
            raise _unsafe("fetches a template, picture or object from outside the file")
