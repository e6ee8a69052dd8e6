"""What the XML inside an Office Open XML or OpenDocument package may say: nothing that runs or
fetches.

:class:`XmlPartScan` is fed every XML part of a package -- whatever its name or case, at any size
-- chunk by chunk as :mod:`familyhubs_sdk.support.evidence._archives` inflates it, so a
relationship part padded past a megabyte, or named ``.RELS``, is read to its end like any other.
It parses with expat and refuses any DTD (Office and OpenDocument never use one), so no entity is
ever expanded.

Refused as ``unsafe_content``:

* content types of macro-enabled documents or ActiveX controls;
* a relationship that points outside the file (``TargetMode="External"``) -- a remote template,
  linked picture, OLE object, frame or sub-document, fetched when Word opens the file -- and any
  ``attachedTemplate`` at all. Hyperlinks are the one exception, as they are followed only when
  clicked, and then only to ``http:``, ``https:`` or ``mailto:``;
* Word fields that fetch or run: ``DDE``, ``DDEAUTO``, ``INCLUDEPICTURE``, ``INCLUDETEXT``,
  ``INCLUDE``, ``IMPORT`` and ``LINK``, in any case, however the instruction is split across runs,
  and fields whose type is built from another field (``{ {QUOTE 68 68 69} }``); ``altChunk``
  imports; spreadsheet DDE formulas (``=cmd|' /c calc'!A0``);
* OpenDocument scripts and event listeners (``office:script``, ``script:event-listener``,
  ``dom:load``), DDE connections, applets, plug-ins and encrypted parts;
* an ``xlink:href`` or relationship target that is a UNC path (``\\\\host\\share``), a ``file:``
  or ``smb:`` URL or a script URL anywhere, or a web address on anything but a hyperlink;
* a ``<script>`` element in any XML part (an SVG picture, for instance).
"""

from __future__ import annotations

import re
from xml.parsers import expat

from familyhubs_sdk.errors import EvidenceError

__all__ = ["XmlPartScan", "looks_like_xml"]

_MACRO_CONTENT_TYPES = ("vbaproject", "macroenabled", "activex")
_XLINK = "http://www.w3.org/1999/xlink"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_NAMES = re.compile(r"(?i)\.(xml|rels|vml|svg)$")
#: Word field types that fetch something when the document opens or updates, or run a program.
_FETCHING_FIELD = re.compile(
    r"(?i)\s*(DDEAUTO|DDE|INCLUDEPICTURE|INCLUDETEXT|INCLUDE|IMPORT|LINK)(?![A-Za-z0-9])"
)
#: A spreadsheet formula calling another program: ``app|topic!item``.
_DDE_FORMULA = re.compile(r"[A-Za-z0-9_.]+\s*\|\s*'?[^'!]*'?!")
#: A field instruction is judged by its first word; nothing beyond this many characters matters.
_INSTRUCTION_KEPT = 1024
_HYPERLINK_SCHEMES = ("http:", "https:", "mailto:")
_REMOTE = re.compile(r"(?i)^\s*(https?|ftps?|webdavs?):")
_NEVER = re.compile(
    r"(?i)^\s*(\\\\|//|file:|smb:|cifs:|vnd\.sun\.star\.script:|macro:|(java|vb)script:|data:)"
)
_ODF_FORBIDDEN = frozenset({"script", "event-listener", "applet", "plugin", "encryption-data"})
#: Event-handler attributes of SVG and HTML that a picture part might carry.
_EVENT_ATTRIBUTES = frozenset({"onload", "onerror", "onclick", "onmouseover", "onbegin", "onend"})


def _unsafe(why: str) -> EvidenceError:
    return EvidenceError(f"the document {why}", reason="unsafe_content")


def looks_like_xml(name: str, first_chunk: bytes) -> bool:
    """Whether a package member is XML, judged by its name or its first bytes, so a part named
    anything still gets read."""
    if _XML_NAMES.search(name):
        return True
    head = first_chunk[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") or first_chunk.startswith((b"\xff\xfe", b"\xfe\xff"))


def _local(name: str) -> tuple[str, str]:
    namespace, _, local = name.rpartition("}")
    return namespace, local


def _check_link(target: str, *, hyperlink: bool) -> None:
    if _NEVER.match(target):
        raise _unsafe("links to a network share, a local file or a script")
    if _REMOTE.match(target) and not hyperlink:
        raise _unsafe("fetches a template, picture or object from outside the file")


class XmlPartScan:
    """Streams one XML part of a package and raises :class:`EvidenceError` at the first thing
    that would run or fetch. ``feed`` chunks as they are inflated, then ``close``."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._parser = expat.ParserCreate(namespace_separator="}")
        self._parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self._parser.StartDoctypeDeclHandler = self._refuse_dtd
        self._parser.EntityDeclHandler = self._refuse_dtd
        self._parser.ExternalEntityRefHandler = self._refuse_dtd
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end
        self._parser.CharacterDataHandler = self._text
        #: Open Word fields, innermost last: the instruction text gathered so far.
        self._fields: list[str] = []
        self._in_instruction = 0
        self._formula: list[str] | None = None

    def feed(self, chunk: bytes) -> None:
        """Parse the next piece of the part."""
        self._parse(chunk, final=False)

    def close(self) -> None:
        """Finish the part; fields still open are judged as they stand."""
        self._parse(b"", final=True)
        for instruction in self._fields:
            self._check_instruction(instruction)

    def _parse(self, chunk: bytes, *, final: bool) -> None:
        try:
            self._parser.Parse(chunk, final)
        except expat.ExpatError as exc:
            raise EvidenceError(
                "the document has a part that is not well-formed XML", reason="content_mismatch"
            ) from exc

    @staticmethod
    def _refuse_dtd(*args: object) -> int:
        raise _unsafe("declares a DTD, which Office and OpenDocument files never do")

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, local = _local(name)
        self._check_attributes(local, attributes)
        if local == "Relationship" and namespace == _PACKAGE_RELATIONSHIPS:
            self._check_relationship(attributes)
        elif local in ("attachedTemplate", "altChunk"):
            raise _unsafe("attaches a template or imports another document when opened")
        elif local == "fldChar":
            self._field_char(attributes)
        elif local in ("instrText", "delInstrText"):
            self._in_instruction += 1
        elif local == "fldSimple":
            self._check_instruction(_attribute(attributes, "instr"))
        elif local == "f" and "spreadsheetml" in namespace:
            self._formula = []
        elif local in ("ddeLink", "oleLink") or local.startswith("dde"):
            raise _unsafe("holds a DDE or OLE link to another program")
        elif local in _ODF_FORBIDDEN:
            raise _unsafe("holds a script, an event listener, an applet or encrypted content")

    def _end(self, name: str) -> None:
        _, local = _local(name)
        if local in ("instrText", "delInstrText"):
            self._in_instruction -= 1
        elif local == "f" and self._formula is not None:
            if _DDE_FORMULA.search("".join(self._formula)):
                raise _unsafe("has a formula that calls another program (DDE)")
            self._formula = None

    def _text(self, data: str) -> None:
        if self._in_instruction and self._fields:
            top = self._fields[-1]
            if len(top) < _INSTRUCTION_KEPT:
                self._fields[-1] = top + data
        elif self._formula is not None and sum(map(len, self._formula)) < _INSTRUCTION_KEPT:
            self._formula.append(data)

    def _field_char(self, attributes: dict[str, str]) -> None:
        kind = _attribute(attributes, "fldCharType")
        if kind == "begin":
            # A field inside the first word of another builds that field's type: refused.
            if self._fields and not re.search(r"\S\s", self._fields[-1] + " "):
                raise _unsafe("has a Word field whose type is built from another field")
            self._fields.append("")
        elif kind in ("separate", "end") and self._fields:
            self._check_instruction(self._fields[-1])
            if kind == "end":
                self._fields.pop()

    @staticmethod
    def _check_instruction(instruction: str) -> None:
        if _FETCHING_FIELD.match(instruction.lstrip(" \t\r\n\"'")):
            raise _unsafe("has a Word field that fetches a file or runs a program (DDE, INCLUDE)")

    @staticmethod
    def _check_relationship(attributes: dict[str, str]) -> None:
        kind = attributes.get("Type", "")
        target = attributes.get("Target", "")
        if kind.lower().endswith("/attachedtemplate"):
            raise _unsafe("attaches a template, which Word fetches when it opens the file")
        hyperlink = kind.lower().endswith("/hyperlink")
        _check_link(target, hyperlink=hyperlink)
        external = attributes.get("TargetMode", "").strip().lower() == "external"
        if external and not (hyperlink and target.lower().startswith(_HYPERLINK_SCHEMES)):
            raise _unsafe("fetches a template, picture or object from outside the file")

    @staticmethod
    def _check_attributes(local: str, attributes: dict[str, str]) -> None:
        for key, value in attributes.items():
            namespace, attribute = _local(key)
            if attribute == "ContentType" and any(
                marker in value.lower() for marker in _MACRO_CONTENT_TYPES
            ):
                raise _unsafe("declares macros or ActiveX controls")
            if namespace == _XLINK and attribute == "href":
                _check_link(value, hyperlink=local == "a")
            if "dom:load" in value.lower() or (
                not namespace and attribute.lower() in _EVENT_ATTRIBUTES
            ):
                raise _unsafe("runs a script when it is opened")


def _attribute(attributes: dict[str, str], local: str) -> str:
    """An attribute by local name, whatever its namespace (Word's transitional or strict)."""
    for key, value in attributes.items():
        if _local(key)[1] == local:
            return value
    return ""
