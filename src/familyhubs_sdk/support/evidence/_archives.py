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
which is checked by the same rules and may hold nothing nested. So is an archive whose layout is
not the plain one every office suite writes: the central directory must agree with each local
header (name, method, flags, sizes), members must follow each other with no gap or overlap, the
directory must follow the last of them and the end record must end the file -- anything else is
room for a second archive that another tool would extract. Every XML part, whatever its name or
size, is streamed through :class:`~familyhubs_sdk.support.evidence._office.XmlPartScan`.

:func:`carries_archive` finds an archive hidden in or after any other file: an end record that
ends it (even one claiming no entries), a plausible local header anywhere, or a RAR or 7-Zip
signature.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

from familyhubs_sdk.errors import EvidenceError
from familyhubs_sdk.support.evidence._office import XmlPartScan, looks_like_xml

__all__ = ["ArchiveLimits", "carries_archive", "validate_odt", "validate_ooxml", "zip_directory"]

_CHUNK = 64 * 1024
#: Below this many unpacked bytes a member's compression ratio is not judged (as Apache POI).
_RATIO_GRACE_BYTES = 100 * 1024
#: The ODF ``mimetype`` member is a few dozen bytes; only that much of it is kept.
_MIMETYPE_BYTES = 256
#: A chart's embedded workbook is read whole to be checked, so it is kept small.
_EMBEDDED_PACKAGE_BYTES = 10 * 1024 * 1024
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

_EOCD = struct.Struct("<4s4H2LH")
_LOCAL = struct.Struct("<4s5H3L2H")
_DESCRIPTOR_SIGNATURE = b"PK\x07\x08"
_ZIP_METHODS = frozenset({0, 1, 6, 8, 9, 12, 14, 19, 93, 95, 98, 99})
_OTHER_ARCHIVES = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c")
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
    mimetype: bytes = b""


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


def _end_record(data: bytes) -> int | None:
    """Where the end-of-directory record that ends ``data`` exactly (its comment included) sits."""
    floor = max(0, len(data) - _EOCD.size - 0xFFFF)
    position = data.rfind(b"PK\x05\x06", floor)
    while position >= 0:
        if position + _EOCD.size <= len(data):
            comment = _EOCD.unpack_from(data, position)[7]
            if position + _EOCD.size + comment == len(data):
                return position
        position = data.rfind(b"PK\x05\x06", floor, position)
    return None


def _plausible_local_header(data: bytes, position: int) -> bool:
    if position + _LOCAL.size > len(data):
        return False
    fields = _LOCAL.unpack_from(data, position)
    version, method, name_length, extra_length = fields[1], fields[3], fields[9], fields[10]
    name = data[position + _LOCAL.size : position + _LOCAL.size + name_length]
    return (
        version <= 63
        and method in _ZIP_METHODS
        and 0 < name_length <= 1024
        and extra_length <= 4096
        and len(name) == name_length
        and all(byte >= 0x20 for byte in name)
    )


def carries_archive(data: bytes) -> bool:
    """Whether an archive rides in or after ``data`` (which is not itself a ZIP package).

    Extraction tools read local headers as well as the directory, so an end record claiming no
    entries still counts, as does a local header with no directory at all.

    >>> carries_archive(b"%PDF-1.7 plain"), carries_archive(b"x" * 10 + b"PK\x05\x06" + bytes(18))
    (False, True)
    """
    if zip_directory(data) is not None or _end_record(data) is not None:
        return True
    if any(signature in data for signature in _OTHER_ARCHIVES):
        return True
    position = data.find(b"PK\x03\x04")
    while position >= 0:
        if _plausible_local_header(data, position):
            return True
        position = data.find(b"PK\x03\x04", position + 1)
    return False


def _raw_name(info: zipfile.ZipInfo) -> bytes:
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    return info.orig_filename.encode(encoding)


def _member_end(data: bytes, info: zipfile.ZipInfo) -> set[int]:
    """Check a member's local header against its directory entry; where the member may end."""
    start = info.header_offset
    if start + _LOCAL.size > len(data) or data[start : start + 4] != b"PK\x03\x04":
        raise _unsafe("has a directory entry with no member where it points")
    fields = _LOCAL.unpack_from(data, start)
    flags, method = fields[2], fields[3]
    crc, packed, size, name_length, extra_length = fields[6:]
    name = data[start + _LOCAL.size : start + _LOCAL.size + name_length]
    descriptor = bool(info.flag_bits & 0x8)
    if (
        name != _raw_name(info)
        or method != info.compress_type
        or (flags & 0x8) != (info.flag_bits & 0x8)
        or (
            not descriptor
            and (crc, packed, size) != (info.CRC, info.compress_size, info.file_size)
            and packed != 0xFFFFFFFF
        )
    ):
        raise _unsafe("has a directory that disagrees with its members (a hidden archive)")
    end = start + _LOCAL.size + name_length + extra_length + info.compress_size
    if not descriptor:
        return {end}
    signed = data[end : end + 4] == _DESCRIPTOR_SIGNATURE
    return {end + 4 * signed + 12, end + 4 * signed + 20}


def _check_layout(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse anything but members end to end from byte 0, then the directory, then the end."""
    end_record = _end_record(data)
    if end_record is None:
        raise _unsafe("has data after its end (a second archive or hidden content)")
    fields = _EOCD.unpack_from(data, end_record)
    disk, directory_disk, on_disk, entries, size, offset = fields[1:7]
    zip64 = data[end_record - 20 : end_record - 16] == b"PK\x06\x07" if end_record >= 20 else False
    if not zip64 and (
        disk
        or directory_disk
        or on_disk != entries
        or entries != len(infos)
        or offset + size != end_record
    ):
        raise _unsafe("has an end record that disagrees with its directory (a hidden archive)")
    expected = {0}
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset not in expected:
            raise _unsafe("has members that overlap or leave gaps (a hidden archive)")
        expected = _member_end(data, info)
    if not zip64 and offset not in expected:
        raise _unsafe("has data between its members and its directory (a hidden archive)")


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
            _check_layout(data, infos)
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
    """Inflate one member in chunks against the budget, streaming XML parts to their scan."""
    embedded = bool(_EMBEDDED_PACKAGE.match(info.filename)) and nested_ok
    if embedded and info.file_size > _EMBEDDED_PACKAGE_BYTES:
        raise _unsafe("holds an embedded workbook larger than allowed")
    kept: list[bytes] = []
    scan: XmlPartScan | None = None
    with archive.open(info) as member:
        first = True
        while chunk := member.read(_CHUNK):
            budget.spend(len(chunk))
            if first:
                first = False
                _check_first_bytes(info.filename, chunk, embedded=embedded)
                if not embedded and looks_like_xml(info.filename, chunk):
                    scan = XmlPartScan(info.filename)
            if scan is not None:
                scan.feed(chunk)
            if embedded:
                kept.append(chunk)
            elif info.filename == "mimetype" and not package.mimetype:
                package.mimetype = chunk[:_MIMETYPE_BYTES]
    if scan is not None:
        scan.close()
    if kept:  # a chart's workbook: checked by the same rules, with nothing nested allowed
        _read_package(b"".join(kept), limits, budget, _EMBEDDED, nested_ok=False)


def validate_ooxml(data: bytes, limits: ArchiveLimits, *, main_folder: str) -> bytes:
    """``data`` if it is a macro-free Office Open XML package with ``main_folder``, else refused.

    ``main_folder`` is ``"word/"`` for DOCX and ``"xl/"`` for XLSX. Nothing is rewritten: a
    package passes whole or not at all.
    """
    shape = _Shape(
        f"an Office document with a {main_folder} part", _EMBEDDED.required, (main_folder,)
    )
    _read_package(data, limits, _Budget(limits.max_unpacked_bytes), shape, nested_ok=True)
    return data


def validate_odt(data: bytes, limits: ArchiveLimits) -> bytes:
    """``data`` if it is a macro-free OpenDocument text document, else refused."""
    budget = _Budget(limits.max_unpacked_bytes)
    package = _read_package(data, limits, budget, _ODT, nested_ok=False)
    if package.mimetype != _ODT_MIMETYPE:
        raise _mismatch("is not an OpenDocument text document")
    return data
