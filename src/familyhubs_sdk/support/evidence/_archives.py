"""Checks for ZIP-based evidence (DOCX, XLSX, ODT), read in memory and never extracted to disk.

Every member is streamed through :mod:`zipfile` in small chunks against one budget of unpacked
bytes, so a zip bomb is refused before it costs more than the budget, and a member whose real
size differs from its declared size fails its CRC and is refused as damaged. Nothing is written
anywhere; only ``[Content_Types].xml``, ``mimetype`` and the relationship parts (all small) are
kept in memory to be read.

Refused as ``unsafe_content``: too many members, too many unpacked bytes, a compression ratio
above the limit, member names that are absolute, hold ``..``, NUL or repeat another name,
encrypted members, macro parts (``vbaProject.bin``, ODF ``Basic/`` and ``Scripts/``), ActiveX
controls, spreadsheet external links and data connections, and members that are themselves
archives, OLE objects or executables -- except a chart's workbook (``word/embeddings/*.xlsx``),
which is checked by the same rules and may hold nothing nested. What Office packages declare
(macro content types, relationships that fetch from outside) is judged by
:mod:`familyhubs_sdk.support.evidence._office`.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from familyhubs_sdk.errors import EvidenceError
from familyhubs_sdk.support.evidence._office import validate_office_parts

__all__ = ["ArchiveLimits", "validate_odt", "validate_ooxml", "zip_directory"]

_CHUNK = 64 * 1024
#: Below this many unpacked bytes a member's compression ratio is not judged (as Apache POI).
_RATIO_GRACE_BYTES = 100 * 1024
#: Small parts we read: content types, relationships, the ODF mimetype.
_SMALL_PART_BYTES = 1024 * 1024
#: A chart's embedded workbook is read whole to be checked, so it is kept small.
_EMBEDDED_PACKAGE_BYTES = 10 * 1024 * 1024
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

_EOCD = struct.Struct("<4s4H2LH")
_FORBIDDEN_PART = re.compile(
    r"(?i)(^|/)vbaProject\.bin$|(^|/)vbaData\.xml$|(^|/)activeX/|^xl/externalLinks/"
    r"|^xl/connections\.xml$|^(Basic|Scripts)/"
)
_EMBEDDED_PACKAGE = re.compile(r"^(word|xl)/embeddings/[^/]+\.(xlsx|docx)$", re.IGNORECASE)
#: Office's own gzip-compressed pictures (.emz, .wmz) are not nested archives.
_COMPRESSED_METAFILE = re.compile(r"(?i)/media/[^/]+\.(emz|wmz)$")
#: First bytes of members that must not ride inside a document.
_NESTED = {
    "an archive": (
        b"PK\x03\x04",
        b"PK\x05\x06",
        b"PK\x07\x08",
        b"Rar!\x1a\x07",
        b"7z\xbc\xaf\x27\x1c",
    ),
    "a compressed file": (b"\x1f\x8b", b"\xfd7zXZ\x00", b"BZh"),
    "an OLE object": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "an executable": (b"MZ", b"\x7fELF"),
}
# What zipfile raises, one way or another, for a damaged or crafted archive.
_UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    EOFError,
    ValueError,
    OverflowError,
    RuntimeError,
    OSError,
)
#: Generous: a central directory entry is about 100 bytes. Bounds zipfile's work before it starts.
_DIRECTORY_BYTES_PER_ENTRY = 1024


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """How much a ZIP-based document may unpack to, and how it may be shaped."""

    max_unpacked_bytes: int
    max_compression_ratio: int
    max_entries: int


@dataclass(slots=True)
class _Budget:
    left: int

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise _unsafe("unpacks to more than the limit (a zip bomb)")


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a package must hold to be the type it claims, judged from member names alone."""

    kind: str
    required: tuple[str, ...]
    folders: tuple[str, ...] = ()


_ODT = _Shape("an OpenDocument text document", ("mimetype", "content.xml"))
_EMBEDDED = _Shape("an Office document", ("[Content_Types].xml",), ("word/", "xl/"))


@dataclass(slots=True)
class _Package:
    names: list[str] = field(default_factory=list)
    small_parts: dict[str, bytes] = field(default_factory=dict)


def _unsafe(why: str) -> EvidenceError:
    return EvidenceError(f"the document {why}", reason="unsafe_content")


def _mismatch(why: str) -> EvidenceError:
    return EvidenceError(f"the document {why}", reason="content_mismatch")


def zip_directory(data: bytes) -> tuple[int, int] | None:
    """``(entries, directory size)`` of a ZIP archive whose directory ends ``data``, else None.

    A candidate end-of-directory record only counts when a central directory header sits where
    it points (or a ZIP64 locator precedes it), so stray bytes in an image are not mistaken for
    an archive. An empty archive carries nothing and is not reported.

    >>> zip_directory(b"not a zip") is None
    True
    """
    floor = max(0, len(data) - _EOCD.size - 0xFFFF)
    position = data.rfind(b"PK\x05\x06", floor)
    while position >= 0:
        if position + _EOCD.size <= len(data):
            fields = _EOCD.unpack_from(data, position)
            entries, size = fields[4], fields[5]
            start = position - size
            if entries and size and start >= 0 and data[start : start + 4] == b"PK\x01\x02":
                return entries, size
            if position >= 20 and data[position - 20 : position - 16] == b"PK\x06\x07":
                return entries, size
        position = data.rfind(b"PK\x05\x06", floor, position)
    return None


def _check_name(name: str, seen: set[str]) -> None:
    parts = re.split(r"[/\\]", name)
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise _unsafe("has a member whose name leaves the archive")
    if "\x00" in name:
        raise _unsafe("has a member name holding NUL")
    if name.lower() in seen:  # OPC part names are case-insensitive
        raise _unsafe("has two members with the same name")
    seen.add(name.lower())
    if _FORBIDDEN_PART.search(name):
        raise _unsafe("holds macros, ActiveX controls or external data links")


def _check_entries(infos: list[zipfile.ZipInfo], limits: ArchiveLimits, budget: _Budget) -> None:
    if len(infos) > limits.max_entries:
        raise _unsafe(f"has more than {limits.max_entries} members")
    if sum(info.file_size for info in infos) > budget.left:
        raise _unsafe("declares more unpacked bytes than the limit (a zip bomb)")
    if infos and min(info.header_offset for info in infos) != 0:
        raise _unsafe("has data before its first member")
    seen: set[str] = set()
    for info in infos:
        _check_name(info.filename, seen)
        if info.flag_bits & 0x1:
            raise _unsafe("has encrypted members, which cannot be checked")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _mismatch("uses a compression method documents do not use")
        ratio_limit = limits.max_compression_ratio * max(info.compress_size, 1)
        if info.file_size > _RATIO_GRACE_BYTES and info.file_size > ratio_limit:
            raise _unsafe(f"compresses more than {limits.max_compression_ratio}:1 (a zip bomb)")


def _is_small_part(name: str) -> bool:
    return name in ("[Content_Types].xml", "mimetype") or name.endswith(".rels")


def _read_package(
    data: bytes, limits: ArchiveLimits, budget: _Budget, shape: _Shape, *, nested_ok: bool
) -> _Package:
    directory = zip_directory(data)
    if directory is not None and (
        directory[0] > limits.max_entries
        or directory[1] > limits.max_entries * _DIRECTORY_BYTES_PER_ENTRY
    ):
        raise _unsafe(f"has more than {limits.max_entries} members")
    package = _Package()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_entries(infos, limits, budget)
            package.names.extend(info.filename for info in infos)
            if not set(shape.required) <= set(package.names) or (
                shape.folders and not any(n.startswith(shape.folders) for n in package.names)
            ):
                raise _mismatch(f"is not {shape.kind}")
            for info in infos:
                _stream_member(archive, info, limits, budget, package, nested_ok=nested_ok)
    except EvidenceError:
        raise
    except _UNREADABLE as exc:
        raise _mismatch("is not a readable ZIP package, or is damaged") from exc
    return package


def _check_first_bytes(name: str, chunk: bytes, *, embedded: bool) -> None:
    for what, signatures in _NESTED.items():
        if not chunk.startswith(signatures):
            continue
        if embedded and chunk.startswith(b"PK\x03\x04"):
            continue  # a chart's workbook, checked on its own
        if chunk.startswith(b"\x1f\x8b") and _COMPRESSED_METAFILE.search(name):
            continue
        raise _unsafe(f"holds {what} inside it")


def _stream_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    limits: ArchiveLimits,
    budget: _Budget,
    package: _Package,
    *,
    nested_ok: bool,
) -> None:
    keep_small = _is_small_part(info.filename) and info.file_size <= _SMALL_PART_BYTES
    embedded = bool(_EMBEDDED_PACKAGE.match(info.filename)) and nested_ok
    if embedded and info.file_size > _EMBEDDED_PACKAGE_BYTES:
        raise _unsafe("holds an embedded workbook larger than allowed")
    kept: list[bytes] = []
    with archive.open(info) as member:
        first = True
        while chunk := member.read(_CHUNK):
            budget.spend(len(chunk))
            if first:
                first = False
                _check_first_bytes(info.filename, chunk, embedded=embedded)
            if keep_small or embedded:
                kept.append(chunk)
    if keep_small:
        package.small_parts[info.filename] = b"".join(kept)
    elif kept:  # a chart's workbook: checked by the same rules, with nothing nested allowed
        inner = _read_package(b"".join(kept), limits, budget, _EMBEDDED, nested_ok=False)
        validate_office_parts(inner.small_parts)


def validate_ooxml(data: bytes, limits: ArchiveLimits, *, main_folder: str) -> None:
    """Refuse ``data`` unless it is a macro-free Office Open XML package with ``main_folder``.

    ``main_folder`` is ``"word/"`` for DOCX and ``"xl/"`` for XLSX.
    """
    shape = _Shape(
        f"an Office document with a {main_folder} part", _EMBEDDED.required, (main_folder,)
    )
    budget = _Budget(limits.max_unpacked_bytes)
    validate_office_parts(_read_package(data, limits, budget, shape, nested_ok=True).small_parts)


def validate_odt(data: bytes, limits: ArchiveLimits) -> None:
    """Refuse ``data`` unless it is a macro-free OpenDocument text document."""
    budget = _Budget(limits.max_unpacked_bytes)
    package = _read_package(data, limits, budget, _ODT, nested_ok=False)
    if package.small_parts.get("mimetype") != _ODT_MIMETYPE:
        raise _mismatch("is not an OpenDocument text document")
