"""The kinds of evidence file the SDK knows, in one table: extensions, content type, signature.

**How a file's type is judged, and why this way.** Twice: the extension of its cleaned name must be
on the allowlist, and its bytes must then match that extension's entry in the small table of file
signatures ("magic bytes") below, followed by a structural check of that one type. We chose a table
written here over libmagic (``python-magic``) because:

* it keeps the allowlist exact: each extension maps to one signature and one content type that we
  chose, where libmagic answers in its own vocabulary ("Zip archive data", "Microsoft Word 2007+")
  which changes with its version and database;
* it adds no native dependency: libmagic is a C library every host would have to install and keep
  patched, on Linux and Windows alike; the SDK installs with pip alone;
* a signature is only the first gate either way. What makes a file unsafe is what else it carries
  (markup after a PDF header, an archive after an image, macros in a document), which libmagic
  does not look for and the checks here do.

The content type recorded for a file always comes from this table, never from the client.

**Then disarmed.** A file that passes is not stored as uploaded but as what its type's
``disarm`` returns: pictures re-encoded by Pillow (:mod:`~familyhubs_sdk.support.evidence._images`),
PDFs rebuilt by pikepdf without active content (:mod:`~familyhubs_sdk.support.evidence._pdfs`).
DOCX, XLSX and ODT are not rewritten: they pass whole, after every part was read, or are refused
(:mod:`~familyhubs_sdk.support.evidence._archives`). The disarmed bytes meet the same screens as
the upload (no archive riding along, no markup a browser would run), so nothing a rebuild lets
through is stored either.

**Reasons.** ``content_mismatch``: the bytes are not the type the name claims (HTML named
``.pdf``, an executable named anything, a ZIP named ``.pdf``, a PDF with no end or that cannot be
rebuilt, a damaged picture, text that is not UTF-8). ``unsafe_content``: they are, but something
else rides along: markup a browser would run (``<script``, ``<html``, ``<svg``...), an archive in
or after an image, PDF or text (a GIFAR-style polyglot, even one whose directory claims no
entries), a picture over the pixel limit, or what
:mod:`familyhubs_sdk.support.evidence._archives` refuses inside documents.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from familyhubs_sdk.errors import ConfigurationError, EvidenceError
from familyhubs_sdk.support.evidence._archives import (
    ArchiveLimits,
    carries_archive,
    validate_odt,
    validate_ooxml,
)
from familyhubs_sdk.support.evidence._images import disarm_jpeg, disarm_png
from familyhubs_sdk.support.evidence._pdfs import disarm_pdf

__all__ = [
    "DEFAULT_TYPES",
    "EVIDENCE_TYPES",
    "ContentLimits",
    "EvidenceType",
    "describe",
    "is_storage_name",
    "require_libraries",
    "type_for_extension",
    "validate_content",
]

#: More than any browser reads to guess a type (the WHATWG sniffing algorithm reads 1,445 bytes).
_HEAD_BYTES = 4096
#: Acrobat's own rule: a PDF's ``%%EOF`` is within its last 1,024 bytes.
_PDF_TAIL_BYTES = 1024
_ZIP = b"PK\x03\x04"
_MARKUP = re.compile(
    rb"<(?:script|html|svg|iframe|object|embed|body|meta|\?php|!doctype\s+html)(?=[\s/>])",
    re.IGNORECASE,
)
# Only for messages: an executable never starts with an allowed type's signature, and its NUL
# bytes fail the plain-text check.
_EXECUTABLES = (
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "an ELF executable"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xce\xfa\xed\xfe", "a Mach-O executable"),
    (b"\xfe\xed\xfa\xcf", "a Mach-O executable"),
    (b"\xfe\xed\xfa\xce", "a Mach-O executable"),
    (b"\xca\xfe\xba\xbe", "a Mach-O or Java class file"),
)
_OTHERS = (
    (b"%PDF-", "a PDF"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (_ZIP, "a ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE file (.doc, .xls, .msi)"),
    (b"{\\rtf", "an RTF document"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
)


@dataclass(frozen=True, slots=True)
class ContentLimits:
    """How much work one file may ask of the checks: its archive limits and picture size."""

    archive: ArchiveLimits
    max_image_pixels: int


@dataclass(frozen=True, slots=True)
class EvidenceType:
    """One kind of file a professional may attach.

    :param extensions: lower case, without the dot; the first is used in storage names.
    :param signature: the bytes the file must start with (empty for plain text).
    :param whole_file_markup: look for markup in the whole file rather than only its head
        (images and text, where markup is never legitimate; a PDF may quote it in a later page).
    :param disarm: checks the bytes of this type and returns what is stored in their place (the
        same bytes when nothing needs taking out), raising :class:`EvidenceError`.
    :param library: the import name of the library ``disarm`` needs, from the ``evidence``
        extra; empty when the standard library is enough.
    """

    name: str
    extensions: tuple[str, ...]
    content_type: str
    signature: bytes
    whole_file_markup: bool
    disarm: Callable[[bytes, ContentLimits], bytes] = field(repr=False, compare=False)
    library: str = ""

    @property
    def extension(self) -> str:
        """The canonical extension, e.g. ``jpg`` for JPEG."""
        return self.extensions[0]


def _mismatch(why: str) -> EvidenceError:
    return EvidenceError(f"the file {why}", reason="content_mismatch")


def _disarm_pdf(data: bytes, limits: ContentLimits) -> bytes:
    if b"%%EOF" not in data[-_PDF_TAIL_BYTES:]:
        raise _mismatch("does not end like a PDF (no %%EOF near its end)")
    return disarm_pdf(data)


def _disarm_png(data: bytes, limits: ContentLimits) -> bytes:
    if data[8:16] != b"\x00\x00\x00\x0dIHDR":
        raise _mismatch("does not start with a PNG header chunk")
    return disarm_png(data, limits.max_image_pixels)


def _disarm_jpeg(data: bytes, limits: ContentLimits) -> bytes:
    return disarm_jpeg(data, limits.max_image_pixels)


def _check_text(data: bytes, limits: ContentLimits) -> bytes:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _mismatch("is not UTF-8 text") from exc
    if b"\x00" in data:
        raise _mismatch("holds NUL bytes, so it is not plain text")
    return data


def _check_docx(data: bytes, limits: ContentLimits) -> bytes:
    return validate_ooxml(data, limits.archive, main_folder="word/")


def _check_xlsx(data: bytes, limits: ContentLimits) -> bytes:
    return validate_ooxml(data, limits.archive, main_folder="xl/")


def _check_odt(data: bytes, limits: ContentLimits) -> bytes:
    return validate_odt(data, limits.archive)


_TABLE = (
    EvidenceType("pdf", ("pdf",), "application/pdf", b"%PDF-", False, _disarm_pdf, "pikepdf"),
    EvidenceType("png", ("png",), "image/png", b"\x89PNG\r\n\x1a\n", True, _disarm_png, "PIL"),
    EvidenceType("jpeg", ("jpg", "jpeg"), "image/jpeg", b"\xff\xd8\xff", True, _disarm_jpeg, "PIL"),
    EvidenceType(
        "docx",
        ("docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ZIP,
        False,
        _check_docx,
    ),
    EvidenceType(
        "xlsx",
        ("xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ZIP,
        False,
        _check_xlsx,
    ),
    EvidenceType(
        "odt", ("odt",), "application/vnd.oasis.opendocument.text", _ZIP, False, _check_odt
    ),
    # The charset is part of the type: the text was checked as UTF-8, so browsers must read it so.
    EvidenceType("txt", ("txt",), "text/plain; charset=utf-8", b"", True, _check_text),
)

#: Every type the SDK can check, by name.
EVIDENCE_TYPES: Mapping[str, EvidenceType] = MappingProxyType({t.name: t for t in _TABLE})

#: Letters, reports and photographs of letters: PDF, Word, OpenDocument text, JPEG and PNG.
#: Spreadsheets (``xlsx``) are off by default: rarely evidence about a family, and their formulas
#: run when the receiving worker opens them. Plain text (``txt``) is off too: notes belong in the
#: form's own fields, where they are shown with the request rather than in an attachment.
DEFAULT_TYPES: frozenset[str] = frozenset({"pdf", "docx", "odt", "jpeg", "png"})

_BY_EXTENSION = {ext: t for t in _TABLE for ext in t.extensions}
_STORAGE_NAME = re.compile(
    r"[0-9a-f]{32}\.(?:" + "|".join(sorted(t.extension for t in _TABLE)) + r")", re.ASCII
)


def type_for_extension(extension: str) -> EvidenceType | None:
    """The type an extension names, ignoring case; None when the SDK does not know it.

    >>> type_for_extension("JPEG").name
    'jpeg'
    """
    return _BY_EXTENSION.get(extension.lower())


def is_storage_name(name: str) -> bool:
    """Whether ``name`` has the generated shape: 32 lower-case hex digits and a known extension.

    >>> is_storage_name("0123456789abcdef0123456789abcdef.pdf"), is_storage_name("../x.pdf")
    (True, False)
    """
    return _STORAGE_NAME.fullmatch(name) is not None


def require_libraries(type_names: Iterable[str]) -> None:
    """Raise :class:`ConfigurationError` unless the libraries that disarm these types import.

    Without them a file could only be stored as uploaded, so uploads of those types are never
    turned on without them.
    """
    missing = sorted(
        {
            EVIDENCE_TYPES[name].library
            for name in type_names
            if EVIDENCE_TYPES[name].library
            and importlib.util.find_spec(EVIDENCE_TYPES[name].library) is None
        }
    )
    if missing:
        raise ConfigurationError(
            "EvidenceRules: disarming uploads needs "
            + " and ".join("Pillow" if lib == "PIL" else lib for lib in missing)
            + ' - pip install "familyhubs-sdk[evidence]"'
        )


def describe(data: bytes) -> str:
    """What the first bytes of ``data`` look like, for messages: ``"a Windows executable"``.

    >>> describe(b"<!DOCTYPE html><html>")
    'markup (HTML, SVG or XML)'
    """
    for signature, what in (*_EXECUTABLES, *_OTHERS):
        if data.startswith(signature):
            return what
    if data[:_HEAD_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "markup (HTML, SVG or XML)"
    return "unrecognised content"


def _screen(evidence_type: EvidenceType, data: bytes) -> None:
    """What no stored file may carry, whatever its type: an archive riding along, or markup."""
    if evidence_type.signature != _ZIP and carries_archive(data):
        raise EvidenceError(
            f"the {evidence_type.name} file carries an archive (a polyglot)",
            reason="unsafe_content",
        )
    window = data if evidence_type.whole_file_markup else data[:_HEAD_BYTES]
    if _MARKUP.search(window):
        raise EvidenceError(
            f"the {evidence_type.name} file holds markup a browser would run",
            reason="unsafe_content",
        )


def validate_content(evidence_type: EvidenceType, data: bytes, limits: ContentLimits) -> bytes:
    """The disarmed bytes of ``data`` -- what is stored -- if it is a safe ``evidence_type``
    file; raises :class:`EvidenceError` otherwise."""
    require_libraries([evidence_type.name])
    if not data.startswith(evidence_type.signature):
        raise _mismatch(f"is {describe(data)}, not a {evidence_type.name} file")
    _screen(evidence_type, data)
    disarmed = evidence_type.disarm(data, limits)
    if disarmed is not data:
        _screen(evidence_type, disarmed)
    return disarmed
