"""Check an uploaded evidence file before anything is stored: a pure function of name and bytes.

:func:`validate_upload` refuses, with an :class:`~familyhubs_sdk.errors.EvidenceError` whose
``reason`` says why, a file that is empty, too big, one too many, over the draft's total, of a
type not on the allowlist, or whose bytes are not what its name claims or carry something unsafe
(see :mod:`familyhubs_sdk.support.evidence._types` for how types are judged). A file that passes
comes back as a :class:`CheckedFile`: its disarmed bytes (what is stored and delivered, see
:mod:`familyhubs_sdk.support.evidence._types`) with their size and SHA-256, a cleaned display
name, a generated storage name, and the content type from the SDK's own table, never the
client's.

>>> import pikepdf, io
>>> letter = io.BytesIO()
>>> pikepdf.new().save(letter)
>>> pdf = letter.getvalue()
>>> checked = validate_upload("Letter from school.pdf", pdf, EvidenceRules())
>>> checked.display_name, checked.content_type, checked.storage_name.endswith(".pdf")
('Letter from school.pdf', 'application/pdf', True)
>>> checked.data.startswith(b"%PDF-"), checked.size_bytes == len(checked.data)
(True, True)
>>> validate_upload("script.pdf.exe", pdf, EvidenceRules())
Traceback (most recent call last):
...
familyhubs_sdk.errors.EvidenceError: the file's extension is not one of: pdf, png, jpg, jpeg, ...
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Callable, Sequence
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, field_validator

from familyhubs_sdk.errors import ConfigurationError, EvidenceError
from familyhubs_sdk.support.evidence._archives import ArchiveLimits
from familyhubs_sdk.support.evidence._types import (
    DEFAULT_TYPES,
    EVIDENCE_TYPES,
    ContentLimits,
    require_libraries,
    type_for_extension,
    validate_content,
)

__all__ = [
    "MAX_DISPLAY_NAME",
    "CheckedFile",
    "EvidenceRules",
    "SizedEvidence",
    "UploadProblem",
    "sanitise_display_name",
    "validate_upload",
]

_MIB = 1024 * 1024
#: The longest display name kept, extension included.
MAX_DISPLAY_NAME = 100

# Controls, format characters (zero-width spaces and joiners, soft hyphens, and the bidirectional
# overrides that make "invoice<RLO>fdp.exe" read as "invoiceexe.pdf"), lone surrogates, private
# and unassigned code points, and line/paragraph separators never belong in a name.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# Letters that draw nothing (Hangul fillers, the blank Braille pattern): invisible all the same.
_INVISIBLE = frozenset({0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800})
# Names Windows gives to devices, whatever follows the first dot: "nul.docx" opens the null device.
_WINDOWS_DEVICE = re.compile(r"(?i)(CON|PRN|AUX|NUL|CLOCK\$|CONIN\$|CONOUT\$|COM[0-9]|LPT[0-9])\s*")
# Characters Windows refuses in file names; the display name is offered back as a download name.
_WINDOWS_RESERVED = str.maketrans(dict.fromkeys('<>:"|?*', "_"))
_EDGES = re.compile(r"^[\s.]+|[\s.]+$")
_TOKEN = re.compile(r"[0-9a-f]{32}", re.ASCII)


class EvidenceRules(BaseModel):
    """What a draft may hold. Sizes are in bytes (``10 * 1024 * 1024`` is shown as 10MB).

    ``allowed_types`` names entries of
    :data:`~familyhubs_sdk.support.evidence._types.EVIDENCE_TYPES`: by default PDF, DOCX, ODT,
    JPEG and PNG -- the letters, reports and photographs of letters professionals send. ``xlsx``
    and ``txt`` can be added. The archive limits apply to DOCX, XLSX and ODT, which are ZIP
    packages.

    >>> EvidenceRules().accept_attribute
    '.pdf,.png,.jpg,.jpeg,.docx,.odt'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_file_bytes: int = Field(default=10 * _MIB, gt=0)
    max_files: int = Field(default=5, gt=0)
    max_total_bytes: int = Field(default=25 * _MIB, gt=0)
    allowed_types: frozenset[str] = DEFAULT_TYPES
    max_unpacked_bytes: int = Field(default=100 * _MIB, gt=0)
    max_compression_ratio: int = Field(default=100, gt=1)
    max_archive_entries: int = Field(default=1000, gt=0)
    #: Pictures larger than this are refused before they are decoded (50 megapixels by default:
    #: more than any phone camera's usual photo, about 150MB once decoded).
    max_image_pixels: int = Field(default=50_000_000, gt=0)

    def __init__(self, **data: object) -> None:
        super().__init__(**data)
        require_libraries(self.allowed_types)

    @field_validator("allowed_types")
    @classmethod
    def _known_types(cls, value: frozenset[str]) -> frozenset[str]:
        unknown = sorted(value - set(EVIDENCE_TYPES))
        if unknown or not value:
            raise ValueError(
                f"allowed_types: unknown {unknown}; choose from {sorted(EVIDENCE_TYPES)}"
                if unknown
                else "allowed_types: allow at least one type"
            )
        return value

    @property
    def archive_limits(self) -> ArchiveLimits:
        """The limits handed to the ZIP package checks."""
        return ArchiveLimits(
            self.max_unpacked_bytes, self.max_compression_ratio, self.max_archive_entries
        )

    @property
    def content_limits(self) -> ContentLimits:
        """The limits handed to the content checks and disarm."""
        return ContentLimits(self.archive_limits, self.max_image_pixels)

    @property
    def extensions(self) -> tuple[str, ...]:
        """The allowed extensions, in the table's order."""
        return tuple(
            ext
            for t in EVIDENCE_TYPES.values()
            if t.name in self.allowed_types
            for ext in t.extensions
        )

    @property
    def accept_attribute(self) -> str:
        """The value for the file input's ``accept`` attribute (a hint; the server decides)."""
        return ",".join(f".{ext}" for ext in self.extensions)


class CheckedFile(BaseModel):
    """An upload that passed :func:`validate_upload`, with what the store needs to keep it.

    ``data`` is the disarmed file: store and deliver these bytes, never the upload's own.
    ``size_bytes`` and ``sha256`` describe ``data``. It is left out of :meth:`model_dump`, so a
    record can be built from the rest.
    """

    model_config = ConfigDict(frozen=True)

    #: The bytes to store: the upload as disarmed (re-encoded, rebuilt, or checked whole).
    data: bytes = Field(exclude=True, repr=False)
    #: The upload's name, cleaned, for people; never used to find the bytes.
    display_name: str
    #: Random, e.g. ``3f2a...9c.pdf``: the name under which the bytes are stored.
    storage_name: str
    #: From the SDK's table, never the client's header.
    content_type: str
    size_bytes: int
    sha256: str


class SizedEvidence(Protocol):
    """Anything already attached with a size: a :class:`CheckedFile` or a stored record."""

    @property
    def size_bytes(self) -> int: ...


def _visible(text: str) -> str:
    return "".join(
        ch
        for ch in text
        if ord(ch) not in _INVISIBLE and unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )


def _clean(filename: str) -> str:
    # NFKC first, so a full-width solidus or a compatibility dot cannot slip past the split.
    normal = _visible(unicodedata.normalize("NFKC", _visible(filename)))
    base = re.split(r"[/\\]", normal)[-1]
    return _EDGES.sub("", base.translate(_WINDOWS_RESERVED))


def _not_a_device(name: str) -> str:
    """``name`` with ``_`` after its first part when Windows would take it for a device."""
    first, dot, rest = name.partition(".")
    if _WINDOWS_DEVICE.fullmatch(first):
        return f"{first.rstrip()}_{dot}{rest}"
    return name


def _extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def sanitise_display_name(filename: str, extension: str) -> str:
    """A name fit to show and to offer as a download name, ending ``.<extension>``.

    In Unicode NFKC, the last path segment (after ``/`` or ``\\``), without controls, NUL,
    zero-width or bidirectional characters, with characters Windows refuses in names as ``_``
    and a Windows device name (``CON``, ``nul``, ``COM1``... before the first dot) followed by
    ``_``, at most :data:`MAX_DISPLAY_NAME` characters with the extension kept, and never empty.

    >>> sanitise_display_name("C:\\\\Users\\\\x\\\\Report\\u202e.PDF", "pdf")
    'Report.PDF'
    >>> sanitise_display_name("../../", "pdf"), sanitise_display_name("nul.docx", "docx")
    ('evidence.pdf', 'nul_.docx')
    """
    if not re.fullmatch(r"[a-z0-9]{1,10}", extension):
        raise ValueError("extension: 1 to 10 lower-case letters or digits, without the dot")
    name = _clean(filename)
    suffix = f".{extension}"
    if name.lower().endswith(suffix) and len(name) > len(suffix):
        name, suffix = name[: -len(suffix)], name[-len(suffix) :]
    stem = _EDGES.sub("", name[: MAX_DISPLAY_NAME - len(suffix)])
    return _not_a_device(f"{stem or 'evidence'}{suffix}")


def validate_upload(
    filename: str,
    data: bytes,
    rules: EvidenceRules,
    existing: Sequence[int | SizedEvidence] = (),
    *,
    token_source: Callable[[], str] | None = None,
) -> CheckedFile:
    """Check one upload against ``rules`` and the files already on the draft (or their sizes).

    Raises :class:`~familyhubs_sdk.errors.EvidenceError` with ``reason`` one of ``too_many``,
    ``empty``, ``too_large``, ``total_too_large``, ``type_not_allowed``, ``content_mismatch`` or
    ``unsafe_content``; messages never repeat the file's name, which may hold personal data.
    Sizes are judged on the upload, and the draft's total again on the disarmed bytes, which are
    what the returned file carries.
    ``token_source`` makes the random part of storage names (32 lower-case hex digits); the
    default is :func:`secrets.token_hex`, and tests pass their own.
    """
    sizes = [item if isinstance(item, int) else item.size_bytes for item in existing]
    if len(sizes) >= rules.max_files:
        raise EvidenceError(f"a draft may hold {rules.max_files} files", reason="too_many")
    if not data:
        raise EvidenceError("the file is empty", reason="empty")
    if len(data) > rules.max_file_bytes:
        raise EvidenceError(
            f"the file is larger than {rules.max_file_bytes} bytes", reason="too_large"
        )
    if sum(sizes) + len(data) > rules.max_total_bytes:
        raise EvidenceError(
            f"the draft's files would exceed {rules.max_total_bytes} bytes",
            reason="total_too_large",
        )
    extension = _extension(_clean(filename))
    evidence_type = type_for_extension(extension)
    if evidence_type is None or evidence_type.name not in rules.allowed_types:
        raise EvidenceError(
            f"the file's extension is not one of: {', '.join(rules.extensions)}",
            reason="type_not_allowed",
        )
    disarmed = validate_content(evidence_type, data, rules.content_limits)
    if sum(sizes) + len(disarmed) > rules.max_total_bytes:  # a re-encoding may grow a little
        raise EvidenceError(
            f"the draft's files would exceed {rules.max_total_bytes} bytes",
            reason="total_too_large",
        )
    token = secrets.token_hex(16) if token_source is None else token_source()
    if not _TOKEN.fullmatch(token):
        raise ConfigurationError("token_source: must return 32 lower-case hex digits")
    return CheckedFile(
        data=disarmed,
        display_name=sanitise_display_name(filename, extension),
        storage_name=f"{token}.{evidence_type.extension}",
        content_type=evidence_type.content_type,
        size_bytes=len(disarmed),
        sha256=hashlib.sha256(disarmed).hexdigest(),
    )


def _size(count: int) -> str:
    return f"{count // _MIB}MB" if count % _MIB == 0 else f"{-(-count // 1024)}KB"


class UploadProblem(BaseModel):
    """Why an upload was refused, as a stable ``code`` (an :class:`EvidenceError`'s
    ``reason``, or ``no_file``) and the facts its message needs; the words are the template's
    (``familyhubs/support/_evidence_messages.html``, after the GOV.UK Design System's file
    upload pattern), so a host can reword them.

    >>> problem = UploadProblem.of("too_large", EvidenceRules())
    >>> problem.code, problem.max_file_size, problem.types[:3]
    ('too_large', '10MB', ('PDF', 'PNG', 'JPG'))
    """

    model_config = ConfigDict(frozen=True)

    code: str
    types: tuple[str, ...]
    max_file_size: str
    max_total_size: str
    max_files: int

    @classmethod
    def of(cls, code: str, rules: EvidenceRules) -> UploadProblem:
        """The problem ``code`` under ``rules``: the allowed types' names and the limits."""
        return cls(
            code=code,
            types=tuple(
                t.extension.upper()
                for t in EVIDENCE_TYPES.values()
                if t.name in rules.allowed_types
            ),
            max_file_size=_size(rules.max_file_bytes),
            max_total_size=_size(rules.max_total_bytes),
            max_files=rules.max_files,
        )
